"""Connection management (RFC 9112 §8-9): close, persistence, pipelining,
timeouts, and clients that are slow, silent, many or gone."""
import time

from conformance.case import MAY, MUST, SHOULD, case
from conformance.cases.framing import (close_state, close_wait,
                                       expect_closed, extra_text, post)


def _idle_limit(profile):
    """How long an idle or stalled connection may be left open: twice the
    declared idle timeout, else the read timeout."""
    if profile.idle_timeout:
        return 2 * profile.idle_timeout
    return profile.read_timeout


def _has_close(reply):
    return any('close' in [t.strip().lower() for t in v.split(',')]
               for v in reply.header_values('Connection'))


def _name(probe, reply):
    """The name /echo/path/<name> answered with, or the reply's account."""
    if reply.status != 200:
        return reply.describe()
    return probe.json(reply).get('name')


def _get_name(probe, name, headers=()):
    return probe.request('GET', '/echo/path/' + name, headers)


# ---------------------------------------------------------------- close


@case('RFC9112-9.6-close-honoured', 'RFC 9112 §9.6', MUST,
      'After answering a request with "Connection: close" the server '
      'closes the connection')
def close_honoured(probe):
    reply = probe.exchange(probe.request('GET', '/', [('Connection',
                                                       'close')]),
                           linger=close_wait(probe.profile))
    probe.expect_status(reply, 200)
    expect_closed(probe, reply)


@case('RFC9112-9.6-close-announced', 'RFC 9112 §9.6', SHOULD,
      'The response to a request with "Connection: close" says '
      '"Connection: close" too')
def close_announced(probe):
    reply = probe.exchange(probe.request('GET', '/', [('Connection',
                                                       'close')]))
    probe.expect_status(reply, 200)
    probe.expect(_has_close(reply), 'Connection: close',
                 'Connection: %s' % reply.header('Connection'))


@case('RFC9112-9.6-nothing-after-close', 'RFC 9112 §9.6', MUST,
      'A request that follows one with "Connection: close" on the same '
      'connection is not processed: no response comes')
def nothing_after_close(probe):
    conn = probe.connect()
    conn.send(_get_name(probe, 'first', [('Connection', 'close')]) +
              _get_name(probe, 'second'))
    reply = probe.read(conn)
    probe.expect_status(reply, 200)
    extra = conn.unexpected_bytes(close_wait(probe.profile))
    probe.expect(not extra, 'no response to the second request',
                 extra_text(extra))


@case('RFC9112-9.6-closing-server-says-close', 'RFC 9112 §9.6', MUST,
      'A server that closes the connection after a response to HTTP/1.1 '
      'says "Connection: close" in it')
def closing_server_says_close(probe):
    reply = probe.exchange(probe.request('GET', '/'),
                           linger=close_wait(probe.profile))
    probe.expect_status(reply, 200)
    if not reply.closed:
        probe.observe('the connection stayed open: %s' % reply.describe())
        return
    probe.expect(_has_close(reply), 'Connection: close in a response '
                 'followed by a close', 'closed after "%s" with Connection: '
                 '%s' % (reply.status_line, reply.header('Connection')))


@case('RFC9112-9.3-http10-closes', 'RFC 9112 §9.3', SHOULD,
      'An HTTP/1.0 request without keep-alive: the server closes the '
      'connection after the response')
def http10_closes(probe):
    reply = probe.exchange(probe.request('GET', '/', version='HTTP/1.0'),
                           linger=close_wait(probe.profile))
    probe.expect_status(reply, 200)
    probe.expect(reply.closed, 'the connection closed after the response',
                 '%s (Connection: %s)' % (close_state(probe, reply),
                                          reply.header('Connection')))


# ------------------------------------------------------- persistence


@case('RFC9112-9.3-persistent', 'RFC 9112 §9.3', MUST,
      'A second request on the same HTTP/1.1 connection is answered',
      needs=('keep_alive',))
def persistent(probe):
    names, answered = ['first', 'second'], []
    conn = probe.connect()
    for name in names:
        conn.send(_get_name(probe, name))
        answered.append(_name(probe, probe.read(conn, silence_ok=True)))
    probe.expect(answered == names, 'both answered on one connection: %s'
                 % names, answered)


@case('RFC9112-9.3.2-pipelining', 'RFC 9112 §9.3.2', MUST,
      'Requests sent together (pipelined) are all answered, in order',
      needs=('keep_alive',))
def pipelining(probe):
    names = ['one', 'two', 'three']
    conn = probe.connect()
    conn.send(b''.join(_get_name(probe, n) for n in names))
    answered = []
    for _ in names:
        reply = probe.read(conn, silence_ok=True)
        answered.append(_name(probe, reply))
        if reply.status is None:
            break
    probe.expect(answered == names, 'answers for %s, in order' % names,
                 answered)


@case('RFC9112-9.3-unread-body', 'RFC 9112 §9.3', MUST,
      'A body the server answers without reading (too large) is not read '
      'as the next request: the server reads it all or closes')
def unread_body(probe):
    smuggled = _get_name(probe, 'smuggled')
    size = probe.profile.body_limit + 1
    body = (smuggled + b'x' * size)[:size]
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', body))
    reply = probe.read(conn, 'POST')
    extra = conn.unexpected_bytes(close_wait(probe.profile))
    probe.expect(not extra, 'nothing after the response: the body is no '
                 'request', '%s; %s' % (reply.describe(), extra_text(extra)))


# --------------------------------------------------- slow and silent


@case('RFC9112-9.5-idle-close', 'RFC 9112 §9.5', MAY,
      'A connection on which nothing is sent is closed by the server in '
      'time (within twice the idle timeout a profile declares)')
def idle_close(probe):
    conn = probe.connect()
    started = time.monotonic()
    limit = _idle_limit(probe.profile)
    closed = conn.wait_closed(limit + 0.5)
    delay = time.monotonic() - started
    if probe.profile.idle_timeout:
        probe.require(closed and delay <= limit and not conn.buffer,
                      'closed within %.1f s (idle_timeout %.1f s)' % (
                          limit, probe.profile.idle_timeout),
                      'closed after %.2f s' % delay if closed else
                      'still open after %.1f s' % delay)
    probe.observe('closed after %.2f s%s' % (delay, ', having sent %r' %
                                              conn.buffer[:60]
                                              if conn.buffer else '')
                  if closed else 'still open after %.1f s' % delay)


@case('RFC9112-8-incomplete-body', 'RFC 9112 §8', MAY,
      'A body shorter than its Content-Length ends, after a timeout, with a '
      'close (an error response such as 408 first is allowed), never a hang')
def incomplete_body(probe):
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'abc', [('Content-Length', '10')]))
    limit = _idle_limit(probe.profile)
    reply = probe.read(conn, 'POST', timeout=limit + 0.5, silence_ok=True)
    probe.require(not reply.timed_out, 'an error response or a close within '
                  '%.1f s' % limit, reply.describe())
    probe.require(reply.status is None or reply.status >= 400,
                  'an error or a close: the request is incomplete',
                  reply.describe())
    closed = reply.closed or conn.wait_closed(close_wait(probe.profile))
    probe.require(closed, 'the connection closed after the error response',
                  '%s, then still open' % reply.describe())
    probe.observe('%s after %.2f s' % (reply.describe(), reply.elapsed))


@case('RFC9112-9-silent-client', 'RFC 9112 §9', MUST,
      'A client that connects and sends nothing does not keep another '
      'client from being answered')
def silent_client(probe):
    silent = probe.connect()
    wait = close_wait(probe.profile)
    other = probe.connect()
    other.send(probe.request('GET', '/'))
    reply = probe.read(other, timeout=wait, silence_ok=True)
    probe.require(reply.status == 200, 'GET / answered within %.1f s while '
                  'another connection is silent' % wait, reply.describe())
    silent.close()


@case('RFC9112-9-half-request-then-close', 'RFC 9112 §9', MUST,
      'Clients that close in the middle of a request head or body do not '
      'stop the server serving')
def half_request_then_close(probe):
    halves = [b'GET /echo/path/half HTTP/1.1\r\nHost: ',
              post(probe, '/echo/body', b'abc', [('Content-Length', '100')])]
    for half in halves:
        conn = probe.connect()
        conn.send(half)
        conn.close()
    probe.still_alive_after('clients closed in the middle of requests')
    probe.observe('GET / answered after both clients left')


@case('RFC9112-9-concurrent-clients', 'RFC 9112 §9', MUST,
      'Several clients whose requests arrive interleaved are each answered '
      'with their own response')
def concurrent_clients(probe):
    names = ['alpha', 'beta', 'gamma']
    conns = [probe.connect() for _ in names]
    requests = [_get_name(probe, n) for n in names]
    for conn, data in zip(conns, requests):
        conn.send(data[:20])
    for conn, data in reversed(list(zip(conns, requests))):
        conn.send(data[20:])
    answered = [_name(probe, probe.read(conn)) for conn in conns]
    probe.expect(answered == names, 'each client answered: %s' % names,
                 answered)
