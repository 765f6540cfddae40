"""Connection management (RFC 9112 §6.3, §8-9; RFC 9110 §7.8): close,
persistence, pipelining, timeouts, closing without a reset, Upgrade, and
clients that are slow, silent, many or gone."""
import base64
import hashlib
import time

from conformance.case import MAY, MUST, SHOULD, case
from conformance.contract import get_name, name_of, post
from conformance.probe import header_text, quoted

# The big answer read slowly behind an unread body: about 64 KB, streamed.
STREAM_PIECES = 6000
SLOW_READ = (4096, 0.02)  # receive buffer and reads (bytes), seconds apart
IN_FLIGHT = 64 * 1024  # an oversized target or field, sent in full
UPLOAD = 200 * 1024  # a body over the limit, sent in full
POLL = 0.02  # seconds between looks at two connections watched at once
ARRIVED = 0.005  # seconds to read what a server has already sent


def _idle_limit(profile):
    """How long an idle or stalled connection may be left open: twice the
    declared idle timeout, else the read timeout."""
    if profile.idle_timeout:
        return 2 * profile.idle_timeout
    return profile.read_timeout


def _has_close(reply):
    return any('close' in [t.strip().lower() for t in v.split(',')]
               for v in reply.header_values('Connection'))


# ---------------------------------------------------------------- close


@case('RFC9112-9.6-close-honoured', 'RFC 9112 §9.6', MUST,
      'After answering a request with "Connection: close" the server '
      'closes the connection')
def close_honoured(probe):
    reply = probe.exchange(probe.request('GET', probe.path, [
        ('Connection', 'close')]), linger=True)
    probe.expect_status(reply, 200)
    probe.expect_closed(reply)


@case('RFC9112-9.6-close-announced', 'RFC 9112 §9.6', SHOULD,
      'The response to a request with "Connection: close" says '
      '"Connection: close" too')
def close_announced(probe):
    reply = probe.exchange(probe.request('GET', probe.path, [
        ('Connection', 'close')]))
    probe.expect_status(reply, 200)
    probe.expect(_has_close(reply), 'Connection: close',
                 header_text(reply, 'Connection'))


@case('RFC9112-9.6-nothing-after-close', 'RFC 9112 §9.6', MUST,
      'A request that follows one with "Connection: close" on the same '
      'connection is not processed: no response comes')
def nothing_after_close(probe):
    conn = probe.connect()
    conn.send(_get(probe, 'first', [('Connection', 'close')]) +
              _get(probe, 'second'))
    reply = probe.read(conn)
    probe.expect_status(reply, 200)
    probe.expect_nothing_more(conn, reply,
                              'no response to the second request')


@case('RFC9112-9.6-closing-server-says-close', 'RFC 9112 §9.3, §9.6', MUST,
      'A server that closes the connection right after answering an '
      'HTTP/1.1 request that let it persist (a server that does not keep '
      'connections) says "Connection: close" in that response; an idle '
      'close later is not judged')
def closing_server_says_close(probe):
    conn = probe.connect()
    conn.send(probe.request('GET', probe.path))
    reply = probe.read(conn)
    probe.expect_status(reply, 200)
    answered = time.monotonic()
    closed = reply.closed or conn.wait_closed(probe.settle)
    if not closed or conn.buffer:
        probe.observe('the connection stayed open for %.1f s after %s' % (
            probe.settle, reply.describe()))
        return
    probe.expect(_has_close(reply), 'Connection: close in a response that '
                 'the server closes the connection after',
                 'closed %.2f s after "%s" with %s' % (
                     time.monotonic() - answered, reply.status_line,
                     header_text(reply, 'Connection')))


@case('RFC9112-9.3-http10-closes', 'RFC 9112 §9.3', MAY,
      'After answering an HTTP/1.0 request without keep-alive, the '
      'connection "will close" (RFC 9112 §9.3, no keyword); whether the '
      'server closed it is recorded')
def http10_closes(probe):
    reply = probe.exchange(probe.request('GET', probe.path,
                                         version='HTTP/1.0'), linger=True)
    # a GET answered (any version) is what this stands on: a server that
    # does not answer it has nothing to close after
    with probe.stands_on('RFC9110-9.3.1-get'):
        probe.expect_status(reply, 200)
    probe.observe('%s (%s)' % (probe.close_state(reply),
                               header_text(reply, 'Connection')))


# ------------------------------------------------------- persistence


@case('RFC9112-9.3-persistent', 'RFC 9112 §9.3', SHOULD,
      'A second request on the same HTTP/1.1 connection is answered '
      '(implementations SHOULD support persistent connections)',
      needs=('keep_alive',))
def persistent(probe):
    names, answered = ['first', 'second'], []
    conn = probe.connect()
    for name in names:
        conn.send(_get(probe, name))
        answered.append(_answer(probe, probe.read(conn, silence_ok=True),
                                name))
    probe.expect(answered == names, 'both answered on one connection: %s'
                 % ', '.join(names), ', '.join(map(str, answered)))


@case('RFC9112-9.3.2-pipelining', 'RFC 9112 §9.3, §9.3.2', SHOULD,
      'Requests sent together (pipelined) are all answered (SHOULD: '
      'persistent connections), and the answers come in order (MUST)',
      needs=('keep_alive',))
def pipelining(probe):
    names = PIPELINED
    answered = _pipelined(probe, names)
    probe.expect(len(answered) == len(names), 'answers for all of %s' %
                 ', '.join(names), 'answers for %s' % (
                     ', '.join(map(str, answered)) or 'none'))


PIPELINED = ['one', 'two', 'three']


def _pipelined(probe, names):
    """Send GET /echo/path/<name> for each of ``names`` at once; the names
    the answers that came carry, in their order."""
    conn = probe.connect()
    conn.send(b''.join(_get(probe, n) for n in names))
    answered = []
    for name in names:
        reply = probe.read(conn, silence_ok=True)
        if reply.status is None:
            break
        answered.append(_answer(probe, reply, name))
    return answered


def _get(probe, name, headers=()):
    """GET /echo/path/<name>, whose answer names it; a server with its
    own application gets a GET of its own path instead."""
    if probe.target.contract:
        return get_name(probe, name, headers)
    return probe.request('GET', probe.path, headers)


def _answer(probe, reply, name):
    """The name an answer to ``_get(probe, name)`` carries: from a server
    with its own application, ``name`` for any 2xx (its answers cannot be
    told apart), else what the reply was."""
    if probe.target.contract:
        return name_of(probe, reply)
    ok = reply.status is not None and 200 <= reply.status < 300
    return name if ok else reply.describe()


@case('RFC9112-9.3.2-pipelined-in-order', 'RFC 9112 §9.3.2', MUST,
      'Pipelined requests that a server answers are answered in the order '
      'they were received', needs=('keep_alive',))
def pipelined_in_order(probe):
    # "A server MAY process a sequence of pipelined requests in parallel
    # ... but it MUST send the corresponding responses in the same order
    # that the requests were received." Only /echo/path/<name> tells the
    # answers apart.
    probe.check_route('/echo/path/one')
    answered = _pipelined(probe, PIPELINED)
    if not answered:
        probe.not_applicable('no pipelined request was answered')
    probe.expect(answered == PIPELINED[:len(answered)], 'the answers in the '
                 'order of the requests: %s' % ', '.join(PIPELINED),
                 ', '.join(map(str, answered)))


@case('RFC9112-9.3-unread-body', 'RFC 9112 §9.3', MUST,
      'A body the server answers without reading (too large) is not read '
      'as the next request: the server reads it all or closes')
def unread_body(probe):
    smuggled = get_name(probe, 'smuggled')
    size = probe.profile.body_limit + 1
    body = (smuggled + b'x' * size)[:size]
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', body))
    reply = probe.read(conn, 'POST')
    probe.expect_nothing_more(conn, reply, 'nothing after the response: '
                              'the body is no request')


# ------------------------------------- closing without a reset (RST)
# A server that closes a connection while request bytes it never read are
# still arriving makes its TCP stack send a reset, and the reset can destroy
# the response before the client reads it. RFC 9112 §9.6 describes the
# staged close that avoids it (half-close, read what still comes, close);
# it names no keyword for it, and §9.5 makes a graceful close a SHOULD for
# timeouts: a reset after a whole response is NON-STRICT, a response cut
# short by one is a malformed response (FAIL).


def _unread_body_sizes(profile):
    """Just over what the server buffers, four times that, and the limit."""
    sizes = [profile.body_buffer + 1, 4 * profile.body_buffer,
             profile.body_limit]
    return sorted({s for s in sizes if s <= profile.body_limit})


@case('RFC9112-9.6-unread-body-no-reset', 'RFC 9112 §9.6', SHOULD,
      'A large answer to a request whose body the handler never reads, '
      'read slowly, arrives whole and ends with a clean close (FIN), not a '
      'reset')
def unread_body_no_reset(probe):
    for size in _unread_body_sizes(probe.profile):
        conn = probe.connect(slow=SLOW_READ)
        conn.send(post(probe, '/stream/%d' % STREAM_PIECES, b'u' * size))
        reply = probe.read(conn, 'POST')  # cut short: malformed, FAIL
        probe.expect_status(reply, 200)
        probe.expect_graceful_close(conn, reply)
    probe.observe('%d-piece answers arrived whole behind unread bodies of '
                  '%s bytes; no reset' % (STREAM_PIECES, ', '.join(
                      str(s) for s in _unread_body_sizes(probe.profile))))


def _refused_in_flight(probe, data):
    # Everything is sent, even once the server has answered: a server that
    # closes in stages takes it all and then closes cleanly.
    conn = probe.connect()
    conn.send(data)
    reply = probe.read(conn, data.split(b' ', 1)[0].decode('latin-1'))
    if not probe.refused(reply):
        # its limits are larger: the refusal these cases are about is not
        # there to judge (refusing at all is the limit cases' business)
        probe.not_applicable('the server took the request: %s' %
                             reply.describe())
    probe.expect_graceful_close(conn, reply)
    probe.observe('%s, %d request bytes taken, then %s' % (
        reply.describe(), len(data), conn.ended or 'kept open'))


@case('RFC9112-9.6-413-no-reset', 'RFC 9112 §9.6; RFC 9110 §15.5.14',
      SHOULD, 'A refusal of a body over the limit (200 KB, sent in full) '
      'reaches the client whole, and the connection ends without a reset')
def refused_body_no_reset(probe):
    _refused_in_flight(probe, post(probe, '/echo/body', b'b' * UPLOAD,
                                   carrier=True))


@case('RFC9112-9.6-414-no-reset', 'RFC 9112 §9.6, §3', SHOULD,
      'A refusal of a 64 KB request-target (sent in full) reaches the '
      'client whole, and the connection ends without a reset')
def refused_target_no_reset(probe):
    # on a server with its own application the length is in the query
    target = '/echo/path/' + 't' * IN_FLIGHT if probe.target.contract \
        else probe.path + '?t=' + 't' * IN_FLIGHT
    _refused_in_flight(probe, probe.request('GET', target))


@case('RFC9112-9.6-431-no-reset', 'RFC 9112 §9.6; RFC 6585 §5', SHOULD,
      'A refusal of a 64 KB header field (sent in full) reaches the client '
      'whole, and the connection ends without a reset')
def refused_field_no_reset(probe):
    _refused_in_flight(probe, probe.request(
        'GET', probe.carrier('GET', '/echo')[1],
        [('X-Large', 'f' * IN_FLIGHT)]))


# --------------------------------------------------- slow and silent


# Http11Probe: MAL-EMPTY-REQUEST (a connection on which nothing is sent)
@case('RFC9112-9.5-idle-close', 'RFC 9112 §9.5', MAY,
      'A server may close a connection on which nothing is sent; whether '
      'and when it does is recorded')
def idle_close(probe):
    conn = probe.connect()
    started = time.monotonic()
    limit = _idle_limit(probe.profile)
    closed = conn.wait_closed(limit + probe.settle)
    delay = time.monotonic() - started
    declared = ' (the profile declares %.1f s)' % probe.profile.idle_timeout \
        if probe.profile.idle_timeout else ''
    if not closed:
        probe.observe('still open after %.1f s%s' % (delay, declared))
        return
    probe.observe('closed after %.2f s%s, %s%s' % (
        delay, declared, 'by a reset (RST)' if conn.ended == 'RST' else
        'cleanly (FIN)', ', having sent %d bytes' % len(conn.buffer)
        if conn.buffer else ''))


@case('RFC9112-9.5-timeout-graceful-close', 'RFC 9112 §9.5', SHOULD,
      'A server that times out an idle connection closes it gracefully '
      '(FIN), not with a reset')
def timeout_graceful_close(probe):
    conn = probe.connect()
    closed = conn.wait_closed(_idle_limit(probe.profile) + probe.settle)
    if not closed:
        probe.not_applicable('the server kept the idle connection open')
    probe.expect(conn.ended == 'FIN', 'a graceful close (FIN)',
                 'the idle connection ended with %s' % conn.ended)


@case('RFC9112-8-incomplete-body', 'RFC 9112 §8', MAY,
      'A server that receives an incomplete request (the client closed its '
      'side before the body was complete) may answer with an error before '
      'it closes; what it does is recorded')
def incomplete_body(probe):
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'abc', [('Content-Length', '10')],
                   carrier=True))
    conn.shutdown_write()  # nothing more is coming
    reply = probe.read(conn, 'POST', silence_ok=True)
    if reply.status is None:
        probe.observe(reply.describe())
        return
    closed = reply.closed or conn.wait_closed(probe.close_wait)
    probe.observe('%s, then %s' % (reply.describe(), 'closed' if closed
                                   else 'still open'))


@case('RFC9112-6.3-incomplete-body-not-processed', 'RFC 9112 §6.3', MUST,
      'A body shorter than its Content-Length when the client closes is '
      'incomplete: it is not processed as the request\'s content')
def incomplete_body_not_processed(probe):
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'abc', [('Content-Length', '10')],
                   carrier=True))
    conn.shutdown_write()
    reply = probe.read(conn, 'POST', silence_ok=True)
    probe.expect(reply.status is None or reply.status >= 400,
                 'an error response or a close, not the request processed',
                 reply.describe())


# Http11Probe: MAL-INCOMPLETE-REQUEST (it also takes a wait for the rest)
@case('RFC9112-2.2-incomplete-head-not-processed', 'RFC 9112 §2.2, §8',
      SHOULD, 'A request head without the empty line that ends it, when the '
      'client closes its side, does not match the message grammar: it is '
      'not answered as a request (a 400 or a close)')
def incomplete_head_not_processed(probe):
    conn = probe.connect()
    conn.send(_get(probe, 'incomplete', [('X-Test', 'value')])[:-2])
    conn.shutdown_write()
    reply = probe.read(conn)
    probe.expect(probe.refused(reply), 'a 4xx or a close, not the request '
                 'answered', reply.describe())


# -------------------------------------------- the contract's service rules
# RFC 9112 asks nothing of a server about several clients at once ("a
# server might reject traffic that it deems abusive"); the contract does.


# Http11Probe: MAL-EMPTY-REQUEST. Whether the other client is answered
# while the silent one is still connected, or only once the server has
# dropped it, does not depend on how long the server's own timeout is.
@case('CONTRACT-silent-client', 'fixtures/CONTRACT.md (Service)', MUST,
      'A client that connects and sends nothing does not keep another '
      'client from being answered: the other is answered while the silent '
      'one is still connected', any_server=True)
def silent_client(probe):
    silent = probe.connect()
    other = probe.connect()
    other.send(probe.request('GET', probe.path))
    started = time.monotonic()
    dropped = None
    while not other.wait_for_head(POLL) and not other.eof and \
            time.monotonic() - started < probe.timeout:
        if dropped is None and silent.wait_closed(POLL):
            dropped = time.monotonic() - started
    waited = time.monotonic() - started
    # A server that drops the silent client and then answers at once sent
    # the close first: it is here already, whichever wait was running when
    # the answer came.
    if dropped is None and silent.wait_closed(ARRIVED):
        dropped = waited
    reply = probe.read(other, silence_ok=True)
    probe.expect(reply.status == 200, 'GET %s answered while another '
                 'connection is silent' % probe.path, reply.describe())
    probe.expect(dropped is None, 'the answer while the silent client is '
                 'still connected', '%s only after the server dropped the '
                 'silent client, %.2f s after it connected' % (
                     reply.describe(), dropped or 0))
    probe.observe('%s after %.2f s, the silent client still connected' % (
        reply.describe(), waited))
    silent.close()


@case('CONTRACT-half-request-then-close', 'fixtures/CONTRACT.md (Service)',
      MUST,
      'Clients that close in the middle of a request head or body do not '
      'stop the server serving', any_server=True)
def half_request_then_close(probe):
    halves = [_get(probe, 'half').split(b'Host: ')[0] + b'Host: ',
              post(probe, '/echo/body', b'abc', [('Content-Length', '100')],
                   carrier=True)]
    for half in halves:
        conn = probe.connect()
        conn.send(half)
        conn.close()
    time.sleep(probe.settle)  # for the server to see them go
    probe.still_alive_after('clients closed in the middle of requests')
    probe.observe('GET / answered after both clients left')


@case('CONTRACT-concurrent-clients', 'fixtures/CONTRACT.md (Service)', MUST,
      'Several clients whose requests arrive interleaved are each answered '
      'with their own response (on a server with its own application, whose '
      'answers cannot be told apart: each answered with a 2xx)',
      any_server=True)
def concurrent_clients(probe):
    names = ['alpha', 'beta', 'gamma']
    conns = [probe.connect() for _ in names]
    requests = [_get(probe, n) for n in names]
    split = min(20, len(requests[0]) // 2)
    for conn, data in zip(conns, requests):
        conn.send(data[:split])
    for conn, data in reversed(list(zip(conns, requests))):
        conn.send(data[split:])
    answered = [_answer(probe, probe.read(conn), name)
                for conn, name in zip(conns, names)]
    probe.expect(answered == names, 'each client answered: %s' %
                 ', '.join(names), ', '.join(map(str, answered)))


# ------------------------------------------------------------- Upgrade
# A server MAY ignore Upgrade (RFC 9110 §7.8) and answer the request as it
# is. A 101 is a promise: it names the protocol the client asked for, and
# the connection speaks that protocol from then on. The fixture's routes are
# plain, so a server that answers 101 and goes on in HTTP/1.1 did not
# switch.

WEBSOCKET_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
UPGRADES = {
    'h2c': [('Connection', 'Upgrade, HTTP2-Settings'), ('Upgrade', 'h2c'),
            ('HTTP2-Settings', 'AAMAAABkAAQCAAAAAAIAAAAA')],
    'websocket': [('Connection', 'Upgrade'), ('Upgrade', 'websocket'),
                  ('Sec-WebSocket-Key', WEBSOCKET_KEY),
                  ('Sec-WebSocket-Version', '13')],
}


def _websocket_accept(key):
    digest = hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()
    return base64.b64encode(digest).decode()


def _ask_upgrade(probe, fields, version='HTTP/1.1', method='GET'):
    """A request to /echo with the Upgrade ``fields`` (and no body, as
    Http11Probe sends its POST); the connection and the reply. A 101 has no
    content (RFC 9112 §6.3): its head is read alone, and what follows stays
    on the connection."""
    conn = probe.connect()
    path = '/echo' if probe.target.contract else probe.path
    conn.send(probe.request(method, path, fields, b'', version))
    conn.wait_for_head(probe.timeout)
    switching = conn.buffer[9:13] == b'101 '
    return conn, probe.read(conn, 'HEAD' if switching else method)


def _upgrade_tokens(reply):
    return [t.strip().split('/')[0].lower() for t in
            ', '.join(reply.header_values('Upgrade')).split(',') if t.strip()]


def _switching_protocols(probe, conn, reply, protocol):
    """Judge a 101: it names ``protocol``, and what follows is not
    HTTP/1.1 (for h2c, the server's SETTINGS frame, RFC 9113 §3.2)."""
    probe.expect(_upgrade_tokens(reply) == [protocol], 'a 101 whose Upgrade '
                 'names %s, the protocol asked for' % protocol,
                 header_text(reply, 'Upgrade'))
    if protocol == 'websocket':
        accept = _websocket_accept(WEBSOCKET_KEY)
        probe.expect(reply.header('Sec-WebSocket-Accept') == accept,
                     'Sec-WebSocket-Accept: %s (RFC 6455 §4.2.2)' % accept,
                     header_text(reply, 'Sec-WebSocket-Accept'))
    after = conn.buffer + probe.trailing(conn)
    switched = after[:5] != b'HTTP/' and (
        protocol != 'h2c' or (len(after) >= 9 and after[3] == 4))
    probe.expect(switched, 'the connection in %s after the 101' % protocol,
                 'after the 101: %s' % (quoted(after) if after else
                                         'nothing within %.1f s' %
                                         probe.settle))


def _upgrade(protocol, cites):
    @case('RFC9110-7.8-upgrade-' + protocol, 'RFC 9110 §7.8; ' + cites,
          MUST, '"Upgrade: %s" to a plain route is ignored (the request '
          'answered), or answered with a 101 after which the connection '
          'really speaks %s' % (protocol, protocol))
    def check(probe):
        conn, reply = _ask_upgrade(probe, UPGRADES[protocol])
        if reply.status != 101:
            probe.observe('not switched: %s' % reply.describe())
            return
        _switching_protocols(probe, conn, reply, protocol)
    return check


_upgrade('h2c', 'RFC 9113 §3.2')
_upgrade('websocket', 'RFC 6455 §4.2.2')


# Http11Probe: COMP-UPGRADE-HTTP10
@case('RFC9110-7.8-upgrade-http10-ignored', 'RFC 9110 §7.8', MUST,
      'Upgrade in an HTTP/1.0 request is ignored: the request is answered '
      'as if it were not there (200 from /echo, or the server\'s own '
      'path), never with a 101')
def upgrade_http10_ignored(probe):
    _, reply = _ask_upgrade(probe, UPGRADES['websocket'], 'HTTP/1.0')
    probe.expect_status(reply, 200)


@case('RFC9110-7.8-101-names-protocol', 'RFC 9110 §7.8', MUST,
      'A 101 names, in Upgrade, the protocol it switches to, one the client '
      'asked for')
def switching_names_protocol(probe):
    _, reply = _ask_upgrade(probe, UPGRADES['websocket'])
    if reply.status != 101:
        probe.not_applicable('the server did not switch: %s' %
                             reply.describe())
    probe.expect(_upgrade_tokens(reply) == ['websocket'], 'Upgrade: '
                 'websocket in the 101', header_text(reply, 'Upgrade'))


def _not_switched(case_id, rfc, what, fields, method='GET'):
    @case(case_id, rfc, MUST, '%s is not switched to: the request is '
          'answered, never with a 101' % what)
    def check(probe):
        _, reply = _ask_upgrade(probe, fields, method=method)
        probe.expect(reply.status != 101, 'an answer other than 101',
                     '%s, %s' % (reply.describe(),
                                 header_text(reply, 'Upgrade')))
        probe.observe('not switched: %s' % reply.describe())
    return check


# RFC 6455 §4.2.1: the opening handshake is "An HTTP/1.1 or higher GET
# request" with "A |Connection| header field that includes the token
# "Upgrade""; a server that finds the handshake otherwise "MUST stop
# processing the client's handshake" (RFC 9110 §7.8: a sender of Upgrade
# MUST list it in Connection).
# Http11Probe: COMP-UPGRADE-POST
_not_switched('RFC6455-4.2.1-websocket-post', 'RFC 6455 §4.1, §4.2.1',
              'A websocket Upgrade sent with POST', UPGRADES['websocket'],
              'POST')
# Http11Probe: COMP-UPGRADE-MISSING-CONN
_not_switched('RFC6455-4.2.1-websocket-without-connection-upgrade',
              'RFC 6455 §4.2.1; RFC 9110 §7.8',
              'A websocket Upgrade without "Connection: Upgrade"',
              [f for f in UPGRADES['websocket'] if f[0] != 'Connection'])
# A 101 commits the connection to the protocol it names (RFC 9110 §7.8,
# §15.2.2); no server speaks one made up for the test.
# Http11Probe: COMP-UPGRADE-UNKNOWN
_not_switched('RFC9110-7.8-upgrade-unknown-protocol', 'RFC 9110 §7.8, '
              '§15.2.2', 'An Upgrade to a protocol that exists nowhere '
              '("totally-made-up/1.0")',
              [('Connection', 'Upgrade'),
               ('Upgrade', 'totally-made-up/1.0')])


# -------------------------------------------------------------- a full house
# With max_connections clients each holding a partial request head (and
# keeping it alive with a byte now and then), one more client's complete
# request must still be answered: by a 503, or once a place frees. A server
# may first wait for an idle connection to give its place up: the answer
# may take the read timeout plus the declared idle timeout.

TRICKLE = 0.25  # seconds between the bytes that keep a held head alive


def _answer_while_busy(probe):
    """The reply to GET / from one client more than the server serves at
    once, while the others hold partial heads."""
    patience = probe.timeout + (probe.profile.idle_timeout or 0)
    held = [probe.connect() for _ in range(probe.profile.max_connections)]
    for conn in held:
        conn.send(b'GET %s HTTP/1.1\r\nHost: %s\r\nX-Held: ' % (
            probe.path.encode(), probe.target.host_header.encode()))
    time.sleep(probe.settle)  # let the server take them in
    extra = probe.connect()
    extra.send(probe.request('GET', probe.path, [('Connection', 'close')]))
    started = time.monotonic()
    while not extra.wait_for_head(TRICKLE) and not extra.eof and \
            time.monotonic() - started < patience:
        for conn in held:
            conn.send(b'h')
    reply = probe.read(extra, timeout=probe.settle, silence_ok=True)
    probe.expect(not reply.timed_out, 'an answer or a close within %.1f s '
                 '(the read timeout and the idle timeout)' % patience,
                 'no response within %.1f s, while %d clients held partial '
                 'requests' % (time.monotonic() - started, len(held)))
    return reply


@case('CONTRACT-busy-server-answers', 'fixtures/CONTRACT.md (Service)',
      MUST, 'With max_connections clients holding partial requests, one '
      'more client\'s complete request is answered (503, or served once a '
      'place frees) within the read and idle timeouts',
      needs=('max_connections',), any_server=True)
def busy_server_answers(probe):
    reply = _answer_while_busy(probe)
    probe.expect(reply.status is not None, 'a response (503, or the '
                 'answer to GET /)', reply.describe())
    probe.observe('%s while %d clients held partial requests' % (
        reply.describe(), probe.profile.max_connections))


@case('RFC9110-15.6.4-503-retry-after', 'RFC 9110 §15.6.4, §10.2.3', MAY,
      'A 503 from a server that is full may say when to retry '
      '(Retry-After); whether it does is recorded',
      needs=('max_connections',))
def busy_retry_after(probe):
    with probe.stands_on('CONTRACT-busy-server-answers'):
        reply = _answer_while_busy(probe)
    if reply.status != 503:
        probe.not_applicable('the extra client got %s, not a 503' %
                             reply.describe())
    probe.observe(header_text(reply, 'Retry-After'))
