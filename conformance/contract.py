"""What the fixture contract (``fixtures/CONTRACT.md``) offers the cases: its
routes, how to ask them, and how to read their answers. Helpers shared by
several areas live here::

    reply = probe.exchange(post(probe, '/echo/body', b'hello'))
    expect_echo(probe, reply, b'hello')
    reply, extra = ask(probe, '/bytes/10')   # and what came after it
"""
import functools

from mpy_http_conformance import fixture_module

from conformance.exchanges import NEEDS_CONTRACT
from conformance.verdicts import Unsupported
from conformance.wire import chunked, quoted

DECODES_CHUNKED = 'RFC9112-7.1-chunked-decoded'


def numbers():
    """The contract's numbers (``fixtures/contract_numbers.py``): what the
    cases use that no profile declares (abort codes, /bytes' cap...)."""
    return fixture_module('contract_numbers')


def post(probe, path, body, headers=None, version='HTTP/1.1',
         carrier=False):
    """POST bytes with a Content-Length (unless ``headers`` is given). With
    ``carrier``, the route only carries the request (a framing trick to be
    refused): a server with its own application gets it as a GET of its
    own path (``probe.carrier``)."""
    if headers is None:
        headers = [('Content-Length', len(body))]
    method = 'POST'
    if carrier:
        method, path = probe.carrier(method, path)
    return probe.request(method, path, headers, body, version)


def post_chunked(probe, path, body, coding='chunked', carrier=False):
    """POST bytes framed by a Transfer-Encoding (``body`` as coded)."""
    return post(probe, path, body, [('Transfer-Encoding', coding)],
                carrier=carrier)


def echoed(probe, reply):
    """The body /echo/body says it received, as bytes."""
    return bytes.fromhex(probe.json(reply)['hex'])


def expect_echo(probe, reply, body):
    """A 200 from /echo/body that received exactly ``body``. A server with
    its own application cannot say what it received: the case is set
    aside."""
    if not probe.target.contract:
        raise Unsupported('%s: the body the application received is read '
                          'from the answer of /echo/body (the server serves '
                          'its own application)' % NEEDS_CONTRACT)
    probe.expect_status(reply, 200)
    got = echoed(probe, reply)
    probe.expect(got == body, 'the %d-byte body %s' % (
        len(body), quoted(body)), 'received %d bytes: %s' % (
            len(got), quoted(got)))


def decodes_chunked(probe):
    """What a case about reading chunked data stands on: the server decodes
    a plain chunked body ("hello" in one chunk, the last chunk, no
    trailer). A server that does not (it ignores Transfer-Encoding, or
    refuses every one) is judged for that once, by RFC9112-7.1-chunked-
    decoded; a case about chunk sizes, extensions, trailers or a
    Transfer-Encoding read as chunked would only see the same defect again,
    and is BLOCKED. A server with its own application cannot show what it
    decoded: the case is then judged as it stands."""
    if not probe.target.contract:
        return
    with probe.stands_on(DECODES_CHUNKED):
        reply = probe.exchange(post_chunked(probe, '/echo/body',
                                            chunked(b'hello')))
        expect_echo(probe, reply, b'hello')


def reading_chunked(check):
    """Decorates the check of a case that judges how the server reads
    chunked data: it stands on ``decodes_chunked`` first::

        @case('RFC9112-7.1-chunk-size-prefix', ...)
        @reading_chunked
        def check(probe): ...
    """
    @functools.wraps(check)
    def standing(probe):
        decodes_chunked(probe)
        return check(probe)
    standing.stands_on = DECODES_CHUNKED
    return standing


def echoed_header(probe, reply, name):
    """The value /echo says the application saw for ``name`` (any case),
    or None."""
    headers = probe.json(reply).get('headers') or {}
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def get_name(probe, name, headers=()):
    """GET /echo/path/<name>: answered with {"name": name}."""
    return probe.request('GET', '/echo/path/' + name, headers)


def name_of(probe, reply):
    """The name /echo/path/<name> answered with, or the reply's account."""
    if reply.status != 200:
        return reply.describe()
    return probe.json(reply).get('name')


def ask(probe, path, method='GET', version='HTTP/1.1', headers=()):
    """Send one request that asks the server to close after answering;
    returns the reply and whatever bytes came after it."""
    return send(probe, probe.request(method, path, [('Connection', 'close')]
                                     + list(headers), version=version),
                method)


def ask_each(probe, paths, method='GET', version='HTTP/1.1', headers=(),
             judged=()):
    """``ask`` each of ``paths``; yields (path, reply, the bytes after it)
    for each that got a response. A path that got none is not the asking
    case's to judge: a wait in vain or a malformed answer is recorded
    against its rule (``probe.attempt``; but for the rules the case
    ``judged`` itself), a close is the route's own cases' business."""
    for path in paths:
        got = probe.attempt(ask, probe, path, method, version, headers,
                            judged=judged)
        if got is not None and got[0].status is not None:
            yield (path,) + got


def send(probe, data, method='GET', trailing=True):
    """Send ``data`` on a new connection; the reply, and the bytes that
    followed it (when ``trailing``)."""
    conn = probe.connect()
    conn.send(data)
    reply = probe.read(conn, method)
    return reply, probe.trailing(conn) if trailing else b''


def media_type(reply):
    """The media type of a reply's Content-Type, lowercased, or None."""
    value = reply.header('Content-Type')
    return None if value is None else \
        value.split(';', 1)[0].strip().lower()


def expect_answered_as_itself(probe, conn, reply, name):
    """After ``reply`` on ``conn``, the pipelined request for
    /echo/path/<name> is answered as itself, or the connection closes (a
    server may refuse the first request and close); never is something
    else, such as a body, answered in its place."""
    after = probe.read(conn, silence_ok=True)
    if after.status is None:
        probe.observe('%s, then %s' % (reply.describe(), after.describe()))
        return
    got = name_of(probe, after)
    probe.expect(got == name, 'the next request answered as itself (%s), '
                 'or a close' % name, 'the next answer: %s' % got)
    probe.observe('%s, then the next request answered as itself' %
                  reply.describe())
