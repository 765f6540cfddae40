"""WebSocket (RFC 6455): the opening handshake, framing, pings and pongs,
reserved bits, opcodes, fragmentation, UTF-8, the closing handshake and
limits, on the contract's ``/ws/echo`` (each message echoed as it came) and
``/ws/goodbye`` (one text message, then the server closes). The map is the
Autobahn testsuite's categories; the levels are RFC 6455's own.

Where the RFC says an endpoint MUST *Fail the WebSocket Connection*
(reserved bits, unknown opcodes, text that is not UTF-8), failing is
closing the connection (7.1.7, MUST), after a Close frame with the code
that says why (SHOULD). For other frames a client may not send, the MUST is
to validate what comes in (10.7) — never to answer such a frame as a valid
one — and closing with a Close frame saying why is a SHOULD.
"""
import os
import time

from conformance.case import MUST, SHOULD, case
from conformance.ws_wire import (BINARY, CLOSE, CONT, PING, PONG, RFC_ACCEPT,
                                 RFC_KEY, TEXT, WebSocketClient, accept_for,
                                 close_frame, describe, frame)

ECHO = '/ws/echo'
GOODBYE = '/ws/goodbye'
PROTOCOL_ERROR, INVALID_DATA, TOO_BIG = 1002, 1007, 1009
UNSENDABLE = (1005, 1006, 1015)  # RFC 6455 7.4.1: never in a Close frame
PIECE_PAUSE = 0.02  # seconds between the pieces of a split frame


def opened(probe, path=ECHO, **options):
    """A WebSocket on ``path``, its handshake accepted."""
    return WebSocketClient(probe, path, **options).open()


def handshake_reply(probe, **options):
    """The answer to an opening handshake on /ws/echo (``options`` as
    ``WebSocketClient`` takes them)."""
    return WebSocketClient(probe, ECHO, **options).handshake()


# --------------------------------------------------------------- reading

def read_message(probe, ws, timeout=None):
    """The next whole message the server sends, as (opcode, payload), its
    fragments joined and control frames between them passed over (they stay
    in the evidence); None when a Close or nothing came."""
    opcode, payload = None, b''
    while True:
        f = ws.read_frame(timeout)
        if f is None or f.opcode == CLOSE:
            return None
        if f.opcode in (PING, PONG):
            continue
        if f.opcode == CONT:
            ws.may_send(opcode is not None, 'a continuation frame without a '
                        'message (RFC 6455 5.4)')
        else:
            ws.may_send(opcode is None, 'a new message inside a fragmented '
                        'one (RFC 6455 5.4)')
            opcode = f.opcode
        payload += f.payload
        if f.fin:
            return opcode, payload


def seen(ws):
    """What the server sent on ``ws`` so far, and how it stands."""
    frames = '; '.join(f.describe() for f in ws.received[-4:]) or \
        'no frame'
    if len(ws.received) > 4:
        frames = '... ' + frames
    ended = {None: 'still open', 'FIN': 'then closed (FIN)',
             'RST': 'then reset (RST)'}.get(ws.ended, ws.ended)
    return '%s, %s' % (frames, ended)


def expect_echo(probe, ws, opcode, payload, what=None):
    """The next message is ``payload`` echoed as a message of ``opcode``."""
    got = read_message(probe, ws)
    probe.expect(got == (opcode, payload), '%s echoed as it was sent' % (
        what or describe(opcode, payload)), seen(ws))


def expect_failed(probe, ws, codes, failing=True, valid_answer=True):
    """After a frame the client may not send: no answer to it as if it were
    valid (``valid_answer``: the server would have answered a valid one);
    the connection closed (a MUST where the RFC says the server MUST Fail
    the WebSocket Connection, ``failing``; else a SHOULD, RFC 6455 10.7);
    first a Close frame with one of ``codes`` (SHOULD, 7.1.7; not checked
    when ``codes`` is None)."""
    frames = ws.frames_until_close()
    answers = [f for f in frames if f.opcode != CLOSE]
    if valid_answer:
        probe.expect(not answers, 'no answer to it as to a valid frame, '
                     'and no other frame after it (RFC 6455 7.1.7: no more '
                     'data is processed)', seen(ws))
    closed = ws.wait_closed()
    probe.expect(closed, 'the connection closed (RFC 6455 7.1.7)', seen(ws),
                 level=None if failing else SHOULD)
    if codes is not None:
        close = frames[-1] if frames and frames[-1].opcode == CLOSE else None
        probe.expect(close is not None and close.close_code in codes,
                     'a Close frame with code %s before the close (RFC 6455 '
                     '7.1.7)' % ' or '.join(str(c) for c in codes), seen(ws),
                     level=SHOULD)
    probe.observe(seen(ws))


def expect_close_answered(probe, ws):
    """After the client's Close: a Close frame in answer (RFC 6455 5.5.1
    MUST), with no code or one that may be sent; returns it."""
    frames = ws.frames_until_close()
    close = frames[-1] if frames and frames[-1].opcode == CLOSE else None
    probe.expect(close is not None, 'a Close frame in answer', seen(ws))
    probe.expect(close.close_code not in UNSENDABLE, 'a code that may be '
                 'sent (RFC 6455 7.4.1: never 1005, 1006 or 1015)', seen(ws))
    probe.observe(seen(ws))
    return close


def send_in_pieces(ws, data, sizes):
    """Send ``data`` in pieces of the given sizes (the rest last), pausing
    between them, so that the server reads them apart."""
    at = 0
    for size in sizes:
        ws.send(data[at:at + size])
        at += size
        time.sleep(PIECE_PAUSE)
    if at < len(data):
        ws.send(data[at:])


# ---------------------------------------------------------- opening handshake

@case('RFC6455-4.2.2-accept-101', 'RFC 6455 §4.2.2', MUST,
      'A valid opening handshake is accepted with 101 Switching Protocols, '
      'Upgrade: websocket and Connection: Upgrade')
def accept_101(probe):
    reply = handshake_reply(probe)
    probe.expect_status(reply, 101)
    upgrade = (reply.header('Upgrade') or '').lower()
    connection = [t.strip().lower() for t in
                  ','.join(reply.header_values('Connection')).split(',')]
    probe.expect(upgrade == 'websocket' and 'upgrade' in connection,
                 'Upgrade: websocket and Connection: Upgrade',
                 'Upgrade: %s; Connection: %s' % (
                     reply.header('Upgrade'),
                     ', '.join(reply.header_values('Connection'))))


@case('RFC6455-4.2.2-accept-key', 'RFC 6455 §4.2.2, §1.3', MUST,
      'Sec-WebSocket-Accept is the base64 SHA-1 of the key and the GUID '
      '(the RFC\'s own example: dGhlIHNhbXBsZSBub25jZQ== gives '
      's3pPLMBiTxaQ9kYGzzhZRbK+xOo=)')
def accept_key(probe):
    reply = handshake_reply(probe, key=RFC_KEY)
    probe.expect_status(reply, 101)
    probe.expect_header(reply, 'Sec-WebSocket-Accept', RFC_ACCEPT)


@case('RFC6455-11.3.3-accept-once', 'RFC 6455 §11.3.3', MUST,
      'The 101 response carries Sec-WebSocket-Accept once')
def accept_once(probe):
    reply = handshake_reply(probe)
    probe.expect_status(reply, 101)
    values = reply.header_values('Sec-WebSocket-Accept')
    probe.expect(len(values) == 1, 'one Sec-WebSocket-Accept line',
                 '%d: %s' % (len(values), '; '.join(values)))


@case('RFC6455-4.2.2-no-subprotocol', 'RFC 6455 §4.2.2', MUST,
      'A server that speaks none of the subprotocols the client offers '
      'sends no Sec-WebSocket-Protocol (/ws/echo speaks none)')
def no_subprotocol(probe):
    reply = handshake_reply(probe, headers=[
        ('Sec-WebSocket-Protocol', 'chat, superchat')])
    probe.expect_status(reply, 101)
    probe.expect(not reply.has_header('Sec-WebSocket-Protocol'),
                 'no Sec-WebSocket-Protocol', '; '.join(
                     reply.header_values('Sec-WebSocket-Protocol')))


@case('RFC6455-9-no-unrequested-extension', 'RFC 6455 §9, §4.2.2', MUST,
      'A server lists no extension the client did not ask for')
def no_unrequested_extension(probe):
    reply = handshake_reply(probe)
    probe.expect_status(reply, 101)
    probe.expect(not reply.has_header('Sec-WebSocket-Extensions'),
                 'no Sec-WebSocket-Extensions', '; '.join(
                     reply.header_values('Sec-WebSocket-Extensions')))


@case('CONTRACT-ws-upgrade-case-insensitive',
      'fixtures/CONTRACT.md; RFC 6455 §4.2.1', MUST,
      '"Upgrade: WebSocket" and "Connection: upgrade" make a valid handshake '
      '(RFC 6455 4.2.1 compares both case-insensitively): accepted')
def upgrade_case_insensitive(probe):
    reply = handshake_reply(probe, headers=[('Upgrade', 'WebSocket'),
                                            ('Connection', 'upgrade')])
    probe.expect_status(reply, 101)


@case('CONTRACT-ws-connection-token-list',
      'fixtures/CONTRACT.md; RFC 6455 §4.2.1', MUST,
      '"Connection: keep-alive, Upgrade" includes the Upgrade token (RFC '
      '6455 4.2.1): a valid handshake, accepted')
def connection_token_list(probe):
    reply = handshake_reply(probe, headers=[
        ('Connection', 'keep-alive, Upgrade')])
    probe.expect_status(reply, 101)


def _refused_case(id, requirement, section='RFC 6455 §4.2.1', **options):
    @case(id, section, MUST, requirement)
    def check(probe):
        reply = handshake_reply(probe, **options)
        probe.expect_status(reply, '4xx')
    return check


_refused_case('RFC6455-4.2.1-upgrade-missing',
              'A handshake without an Upgrade header is refused with a 4xx',
              headers=[('Upgrade', None)])
_refused_case('RFC6455-4.2.1-upgrade-not-websocket',
              'A handshake whose Upgrade is not websocket (h2c) is refused '
              'with a 4xx', headers=[('Upgrade', 'h2c')])
_refused_case('RFC6455-4.2.1-connection-without-upgrade',
              'A handshake whose Connection lacks the Upgrade token is '
              'refused with a 4xx', headers=[('Connection', 'keep-alive')])
_refused_case('RFC6455-4.2.1-key-missing',
              'A handshake without Sec-WebSocket-Key is refused with a 4xx',
              headers=[('Sec-WebSocket-Key', None)])
_refused_case('RFC6455-4.2.1-key-not-16-bytes',
              'A Sec-WebSocket-Key that decodes to 15 bytes, not 16, is '
              'refused with a 4xx', key='AAAAAAAAAAAAAAAAAAAA')
_refused_case('RFC6455-4.2.1-key-not-base64',
              'A Sec-WebSocket-Key that is not base64 is refused with a 4xx',
              key='!!!!!!!!!!!!!!!!!!!!!!==')
_refused_case('RFC6455-4.2.1-key-twice',
              'Two Sec-WebSocket-Key lines (RFC 6455 11.3.1: at most one) are '
              'refused with a 4xx', section='RFC 6455 §4.2.1, §11.3.1',
              headers=[('Sec-WebSocket-Key', 'AAAAAAAAAAAAAAAAAAAAAA=='),
                       ('Sec-WebSocket-Key', 'BBBBBBBBBBBBBBBBBBBBBA==')])
_refused_case('RFC6455-4.2.1-version-missing',
              'A handshake without Sec-WebSocket-Version is refused with a '
              '4xx', headers=[('Sec-WebSocket-Version', None)])
_refused_case('RFC6455-4.2.1-post-refused',
              'A handshake with POST (it must be a GET) is refused with a 4xx',
              method='POST')
_refused_case('RFC6455-4.2.1-http10-refused',
              'A handshake in HTTP/1.0 (it needs HTTP/1.1) is refused with a '
              '4xx', http_version='HTTP/1.0')


@case('RFC6455-4.2.2-version-unsupported', 'RFC 6455 §4.2.2, §4.4', MUST,
      'A version the server does not speak (8) is refused with a 4xx (such '
      'as 426) and a Sec-WebSocket-Version listing 13')
def version_unsupported(probe):
    reply = handshake_reply(probe, version='8')
    probe.expect_status(reply, '4xx')
    versions = [v.strip() for v in ','.join(
        reply.header_values('Sec-WebSocket-Version')).split(',')]
    probe.expect('13' in versions, 'Sec-WebSocket-Version: 13',
                 '; '.join(reply.header_values('Sec-WebSocket-Version')) or
                 'no Sec-WebSocket-Version in: %s' % reply.describe())


@case('RFC9110-15.5.22-426-upgrade', 'RFC 9110 §15.5.22, §7.8', MUST,
      'A 426 (Upgrade Required) names the protocol to upgrade to in an '
      'Upgrade header, and lists "upgrade" in Connection')
def upgrade_required_names_protocol(probe):
    reply = handshake_reply(probe, version='8')
    if reply.status != 426:
        probe.not_applicable('the server answered %s, not 426' %
                             reply.describe())
    connection = [t.strip().lower() for t in
                  ','.join(reply.header_values('Connection')).split(',')]
    probe.expect((reply.header('Upgrade') or '').lower() == 'websocket' and
                 'upgrade' in connection,
                 'Upgrade: websocket and Connection: upgrade',
                 'Upgrade: %s; Connection: %s' % (
                     reply.header('Upgrade'),
                     ', '.join(reply.header_values('Connection'))))


# ------------------------------------------------- framing (Autobahn 1, 5.1)

def _echo_case(id, section, requirement, opcode, payload):
    @case(id, section, MUST, requirement)
    def check(probe):
        ws = opened(probe)
        ws.send(frame(opcode, payload))
        expect_echo(probe, ws, opcode, payload)
    return check


_echo_case('RFC6455-5.6-text-echo', 'RFC 6455 §5.6, §6.2',
           'A text message is received and echoed as text', TEXT,
           b'Hello, WebSocket')
_echo_case('RFC6455-5.6-binary-echo', 'RFC 6455 §5.6, §6.2',
           'A binary message (every byte value) is received and echoed as '
           'binary', BINARY, bytes(range(256)))
_echo_case('RFC6455-5.2-empty-text', 'RFC 6455 §5.2, §6.2',
           'An empty text message (payload length 0) is a message: echoed',
           TEXT, b'')
_echo_case('RFC6455-5.2-empty-binary', 'RFC 6455 §5.2, §6.2',
           'An empty binary message is a message: echoed', BINARY, b'')
_echo_case('RFC6455-5.2-length-125', 'RFC 6455 §5.2',
           'A 125-byte message (the longest 7-bit length) is echoed', TEXT,
           b'*' * 125)
_echo_case('RFC6455-5.2-length-126', 'RFC 6455 §5.2',
           'A 126-byte message (a 16-bit length) is echoed', TEXT,
           b'*' * 126)
_echo_case('RFC6455-5.2-length-16bit', 'RFC 6455 §5.2',
           'A 4000-byte binary message (a 16-bit length) is echoed', BINARY,
           os.urandom(4000))


@case('RFC6455-5.2-minimal-length', 'RFC 6455 §5.2', MUST,
      'The server states each payload length in the fewest bytes: 7 bits up '
      'to 125, 16 bits up to 65535')
def minimal_length(probe):
    ws = opened(probe)
    heads = []
    for size in (5, 125, 126, 300):
        ws.send(frame(BINARY, b'x' * size))
        got = ws.read_frame()  # the reader refuses a longer form at once
        probe.expect(got is not None and len(got.payload) == size,
                     'a %d-byte message echoed' % size, seen(ws))
        heads.append('%d bytes: %s' % (size, got.raw[:4].hex()))
    probe.observe('; '.join(heads))


@case('RFC6455-5.1-server-unmasked', 'RFC 6455 §5.1', MUST,
      'The server does not mask the frames it sends')
def server_unmasked(probe):
    ws = opened(probe)
    ws.send(frame(TEXT, 'is this masked?'))
    expect_echo(probe, ws, TEXT, b'is this masked?')
    probe.observe('the echo came unmasked: %s' % ws.received[-1].raw.hex())


@case('RFC6455-5.3-zero-mask', 'RFC 6455 §5.3', MUST,
      'A frame masked with the key 00 00 00 00 is masked (its MASK bit is '
      'set): received and echoed')
def zero_mask(probe):
    ws = opened(probe)
    ws.send(frame(TEXT, 'zero key', mask=b'\x00\x00\x00\x00'))
    expect_echo(probe, ws, TEXT, b'zero key')


@case('RFC6455-5.1-unmasked-frame', 'RFC 6455 §5.1', MUST,
      'A frame the client did not mask makes the server close the '
      'connection (it MAY send Close 1002 first), not answer it')
def unmasked_frame(probe):
    ws = opened(probe)
    ws.send(frame(TEXT, 'not masked', mask=False))
    expect_failed(probe, ws, None)


@case('RFC6455-5.2-frame-split', 'RFC 6455 §5.2, §5.4', MUST,
      'A frame that arrives in pieces (its head byte by byte, its payload '
      'in three) is read whole and echoed')
def frame_split(probe):
    ws = opened(probe)
    payload = b'split ' * 40  # 240 bytes: a 16-bit length
    data = frame(TEXT, payload)
    send_in_pieces(ws, data, [1] * 8 + [80, 80])
    expect_echo(probe, ws, TEXT, payload)


@case('RFC6455-5.2-frames-coalesced', 'RFC 6455 §5.2', MUST,
      'Three messages that arrive in one read are each echoed, in order')
def frames_coalesced(probe):
    ws = opened(probe)
    messages = [b'first', b'second' * 30, b'third']
    ws.send(b''.join(frame(TEXT, m) for m in messages))
    for m in messages:
        expect_echo(probe, ws, TEXT, m)


@case('RFC6455-5.2-length-64bit', 'RFC 6455 §5.2, §10.4', MUST,
      'A frame with a 64-bit payload length (65536 bytes) is read right: '
      'echoed whole, or refused as too big when over the message limit '
      '(Close 1009, SHOULD), never taken for a protocol error',
      needs=('ws_message_limit',))
def length_64bit(probe):
    ws = opened(probe)
    payload = os.urandom(65536)
    ws.send(frame(BINARY, payload))
    limit = probe.limit('ws_message_limit')
    frames = ws.frames_until_close()
    data = [f for f in frames if f.opcode != CLOSE]
    close = frames[-1] if frames and frames[-1].opcode == CLOSE else None
    echoed = len(data) == 1 and data[0].payload == payload
    probe.expect((echoed or not data) and (close is None or
                                           close.close_code != PROTOCOL_ERROR),
                 'the 65536-byte message echoed whole, or refused', seen(ws))
    if limit < len(payload):
        probe.expect(not echoed and close is not None and
                     close.close_code == TOO_BIG, 'refused with Close 1009 '
                     '(the limit is %d bytes)' % limit, seen(ws), level=SHOULD)
    else:
        probe.expect(echoed, 'the message echoed', seen(ws))
    probe.observe(seen(ws))


@case('RFC6455-5.2-length-64bit-msb', 'RFC 6455 §5.2, §10.4', MUST,
      'A 64-bit length with its most significant bit set (it MUST be 0) '
      'does not make the server wait for 2^63 bytes: it closes the '
      'connection (Close 1002 or 1009 first, SHOULD)')
def length_64bit_msb(probe):
    ws = opened(probe)
    ws.send(frame(BINARY, b'tiny', length=(64, 1 << 63 | 4)))
    frames = ws.frames_until_close(probe.close_wait)
    closed = ws.wait_closed()
    probe.expect(closed and not [f for f in frames if f.opcode != CLOSE],
                 'the connection closed', seen(ws))
    close = frames[-1] if frames else None
    probe.expect(close is not None and close.close_code in (
        PROTOCOL_ERROR, TOO_BIG), 'a Close frame with code 1002 or 1009 '
        'first', seen(ws), level=SHOULD)
    probe.observe(seen(ws))


# ---------------------------------------------- pings and pongs (Autobahn 2)

@case('RFC6455-5.5.2-ping-answered', 'RFC 6455 §5.5.2', MUST,
      'A Ping is answered with a Pong')
def ping_answered(probe):
    ws = opened(probe)
    ws.send(frame(PING, 'are you there?'))
    got = ws.read_frame()
    probe.expect(got is not None and got.opcode == PONG, 'a Pong', seen(ws))


@case('RFC6455-5.5.3-pong-same-payload', 'RFC 6455 §5.5.2, §5.5.3', MUST,
      'The Pong that answers a Ping carries the same payload (125 bytes, '
      'every value from 0 to 124): it "must have identical Application '
      'data"')
def pong_same_payload(probe):
    ws = opened(probe)
    payload = bytes(range(125))
    ws.send(frame(PING, payload))
    got = ws.read_frame()
    probe.expect(got is not None and got.opcode == PONG and
                 got.payload == payload, 'a Pong carrying the Ping\'s 125 '
                 'bytes', seen(ws))


@case('RFC6455-5.5.2-ping-empty', 'RFC 6455 §5.5.2, §5.5.3', MUST,
      'A Ping without payload is answered with a Pong without payload')
def ping_empty(probe):
    ws = opened(probe)
    ws.send(frame(PING))
    got = ws.read_frame()
    probe.expect(got is not None and got.opcode == PONG and
                 got.payload == b'', 'an empty Pong', seen(ws))


@case('RFC6455-5.5.3-pong-unsolicited', 'RFC 6455 §5.5.3', MUST,
      'A Pong nobody asked for is taken as a heartbeat: no answer, and the '
      'connection goes on (the next message is echoed)')
def pong_unsolicited(probe):
    ws = opened(probe)
    ws.send(frame(PONG, 'heartbeat') + frame(TEXT, 'after the pong'))
    got = ws.read_frame()
    probe.expect(got is not None and got.opcode == TEXT and
                 got.payload == b'after the pong', 'only the echo of the '
                 'message after the Pong', seen(ws))


@case('RFC6455-5.5.3-pings-in-a-row', 'RFC 6455 §5.5.3', MUST,
      'Ten Pings in one read are answered: Pongs carrying their payloads, '
      'the last one\'s at least (a server MAY answer only the last)')
def pings_in_a_row(probe):
    ws = opened(probe)
    payloads = [b'ping %d' % i for i in range(10)]
    ws.send(b''.join(frame(PING, p) for p in payloads) +
            frame(TEXT, 'end'))
    pongs = []
    while True:
        got = ws.read_frame()
        if got is None or got.opcode != PONG:
            break
        pongs.append(got.payload)
    probe.expect(pongs and pongs[-1] == payloads[-1] and
                 all(p in payloads for p in pongs) and
                 pongs == sorted(pongs, key=payloads.index),
                 'Pongs in order, the last for "ping 9"', seen(ws))
    probe.expect(got is not None and got.opcode == TEXT and
                 got.payload == b'end', 'then the echo of "end"', seen(ws))
    probe.observe('%d Pongs, then the echo' % len(pongs))


@case('RFC6455-5.5-ping-too-long', 'RFC 6455 §5.5, §10.7', MUST,
      'A Ping of 126 bytes (control frames carry at most 125) is not '
      'answered with a Pong; the server fails the connection (Close 1002, '
      'SHOULD)')
def ping_too_long(probe):
    ws = opened(probe)
    ws.send(frame(PING, b'p' * 126))
    expect_failed(probe, ws, (PROTOCOL_ERROR,), failing=False)


@case('RFC6455-5.5-ping-fragmented', 'RFC 6455 §5.5, §10.7', MUST,
      'A Ping without FIN (control frames are never fragmented) is not '
      'answered with a Pong; the server fails the connection (Close 1002, '
      'SHOULD)')
def ping_fragmented(probe):
    ws = opened(probe)
    ws.send(frame(PING, 'half', fin=False) + frame(CONT, ' a ping'))
    expect_failed(probe, ws, (PROTOCOL_ERROR,), failing=False)


@case('RFC6455-5.5-pong-fragmented', 'RFC 6455 §5.5, §10.7', SHOULD,
      'A Pong without FIN (control frames are never fragmented) fails the '
      'connection: Close 1002')
def pong_fragmented(probe):
    ws = opened(probe)
    ws.send(frame(PONG, 'half', fin=False) + frame(CONT, ' a pong'))
    expect_failed(probe, ws, (PROTOCOL_ERROR,), failing=False)


# -------------------------------------------------- reserved bits (Autobahn 3)

def _failing_case(id, section, requirement, data, code=PROTOCOL_ERROR,
                  before=()):
    # A frame the RFC says MUST fail the connection, after ``before``
    # (valid text messages, each echoed first).
    @case(id, section, MUST, requirement)
    def check(probe):
        ws = opened(probe)
        ws.send(b''.join(frame(TEXT, m) for m in before) + data)
        for m in before:
            expect_echo(probe, ws, TEXT, m)
        expect_failed(probe, ws, (code,))
    return check


_failing_case('RFC6455-5.2-rsv1', 'RFC 6455 §5.2, §7.1.7',
              'A text frame with RSV1 set (no extension negotiated) fails '
              'the connection: not echoed, closed (Close 1002, SHOULD)',
              frame(TEXT, 'rsv1', rsv=4))
_failing_case('RFC6455-5.2-rsv2-after-valid', 'RFC 6455 §5.2, §7.1.7',
              'After a valid message (echoed), a frame with RSV2 set fails '
              'the connection: the Ping behind it is not answered, the '
              'connection closes (Close 1002, SHOULD)',
              frame(TEXT, 'rsv2', rsv=2) + frame(PING, 'behind'),
              before=[b'valid first'])
_failing_case('RFC6455-5.2-rsv3', 'RFC 6455 §5.2, §7.1.7',
              'A binary frame with RSV3 set fails the connection: not echoed, '
              'closed (Close 1002, SHOULD)', frame(BINARY, b'rsv3', rsv=1))
_failing_case('RFC6455-5.2-rsv-on-ping', 'RFC 6455 §5.2, §7.1.7',
              'A Ping with all three reserved bits set fails the connection: '
              'no Pong, closed (Close 1002, SHOULD)',
              frame(PING, 'rsv', rsv=7))

# ------------------------------------------------------ opcodes (Autobahn 4)

_failing_case('RFC6455-5.2-opcode-3', 'RFC 6455 §5.2, §7.1.7',
              'A frame of the reserved non-control opcode 3 fails the '
              'connection (Close 1002, SHOULD)', frame(3, 'reserved'))
_failing_case('RFC6455-5.2-opcode-7-after-valid', 'RFC 6455 §5.2, §7.1.7',
              'After a valid message (echoed), a frame of opcode 7 fails the '
              'connection: the Ping behind it is not answered (Close 1002, '
              'SHOULD)', frame(7, 'reserved') + frame(PING, 'behind'),
              before=[b'valid first'])
_failing_case('RFC6455-5.2-opcode-11', 'RFC 6455 §5.2, §7.1.7',
              'A frame of the reserved control opcode 11 fails the '
              'connection (Close 1002, SHOULD)', frame(11, 'reserved'))
_failing_case('RFC6455-5.2-opcode-15', 'RFC 6455 §5.2, §7.1.7',
              'A frame of the reserved control opcode 15 fails the '
              'connection (Close 1002, SHOULD)', frame(15))


# ----------------------------------------------- fragmentation (Autobahn 5)

def _fragments(opcode, pieces):
    """The frames of a message in ``pieces``: the first with ``opcode``,
    the others continuations, FIN on the last."""
    last = len(pieces) - 1
    return [frame(opcode if i == 0 else CONT, p, fin=i == last)
            for i, p in enumerate(pieces)]


def _fragmented_case(id, requirement, opcode, pieces, between=b''):
    @case(id, 'RFC 6455 §5.4, §6.2', MUST, requirement)
    def check(probe):
        ws = opened(probe)
        frames = _fragments(opcode, pieces)
        ws.send(frames[0] + between + b''.join(frames[1:]))
        if between[:1] == bytes((0x80 | PING,)):
            got = ws.read_frame()
            probe.expect(got is not None and got.opcode == PONG,
                         'a Pong for the Ping between the fragments',
                         seen(ws))
        expect_echo(probe, ws, opcode, b''.join(pieces))
    return check


_fragmented_case('RFC6455-5.4-fragmented-text',
                 'A text message in three fragments is received whole and '
                 'echoed', TEXT, [b'frag', b'ment', b'ed'])
_fragmented_case('RFC6455-5.4-fragmented-binary',
                 'A binary message in two fragments is received whole and '
                 'echoed', BINARY, [bytes(range(100)), bytes(range(100, 256))])
_fragmented_case('RFC6455-5.4-one-byte-fragments',
                 'A message in thirteen one-byte fragments, all in one read, is '
                 'received whole and echoed', TEXT,
                 [bytes((c,)) for c in b'Hello, World!'])
_fragmented_case('RFC6455-5.4-empty-fragments',
                 'Empty fragments (first, middle and last) are fragments: the '
                 'message is received and echoed', TEXT,
                 [b'', b'not ', b'', b'empty', b''])
_fragmented_case('RFC6455-5.4-ping-between-fragments',
                 'A Ping between the fragments of a message is answered, and '
                 'the message still echoed whole', TEXT, [b'before ', b'after'],
                 between=frame(PING, 'between'))
_fragmented_case('RFC6455-5.4-pong-between-fragments',
                 'A Pong between the fragments of a message is passed over, '
                 'and the message echoed whole', TEXT, [b'before ', b'after'],
                 between=frame(PONG, 'between'))


@case('RFC6455-5.4-fragments-apart', 'RFC 6455 §5.4, §6.2', MUST,
      'Fragments that arrive apart, each in its own read, make one message, '
      'echoed whole')
def fragments_apart(probe):
    ws = opened(probe)
    pieces = [b'one ', b'two ', b'three']
    for f in _fragments(BINARY, pieces):
        ws.send(f)
        time.sleep(PIECE_PAUSE)
    expect_echo(probe, ws, BINARY, b''.join(pieces))


@case('RFC6455-5.4-continuation-without-message', 'RFC 6455 §5.4, §10.7',
      MUST, 'A continuation frame with no message to continue is not '
      'echoed; the server fails the connection (Close 1002, SHOULD)')
def continuation_without_message(probe):
    ws = opened(probe)
    ws.send(frame(CONT, 'nothing to continue'))
    expect_failed(probe, ws, (PROTOCOL_ERROR,), failing=False)


@case('RFC6455-5.4-message-inside-message', 'RFC 6455 §5.4, §10.7', MUST,
      'A new text message before the last fragment of the one under way '
      '(fragments of two messages interleaved) is not echoed; the server '
      'fails the connection (Close 1002, SHOULD)')
def message_inside_message(probe):
    ws = opened(probe)
    ws.send(frame(TEXT, 'first, ', fin=False) + frame(TEXT, 'second') +
            frame(CONT, 'end'))
    expect_failed(probe, ws, (PROTOCOL_ERROR,), failing=False)


@case('RFC6455-5.4-close-between-fragments', 'RFC 6455 §5.4, §5.5.1', MUST,
      'A Close between the fragments of a message is answered with a Close; '
      'the unfinished message is never echoed')
def close_between_fragments(probe):
    ws = opened(probe)
    ws.send(frame(TEXT, 'never ', fin=False) + close_frame(1000))
    close = expect_close_answered(probe, ws)
    probe.expect(ws.received[-1] is close and len(ws.received) == 1,
                 'no message before the Close', seen(ws))


# --------------------------------------------------------- UTF-8 (Autobahn 6)

TEXTS = 'κόσμε, \u0080\u07ff\u0800\uffff, \U0001f600\U0010ffff'


@case('RFC6455-5.6-text-utf8', 'RFC 6455 §5.6', MUST,
      'Text with two-, three- and four-byte characters, up to U+FFFF and '
      'U+10FFFF, is valid UTF-8: echoed byte for byte')
def text_utf8(probe):
    ws = opened(probe)
    ws.send(frame(TEXT, TEXTS.encode()))
    expect_echo(probe, ws, TEXT, TEXTS.encode())


@case('RFC6455-5.6-utf8-split-across-fragments', 'RFC 6455 §5.6', MUST,
      'Text whose characters are split between fragments ("a particular text '
      'frame might include a partial UTF-8 sequence") is valid: echoed')
def utf8_split_across_fragments(probe):
    ws = opened(probe)
    data = TEXTS.encode()
    pieces = [data[i:i + 3] for i in range(0, len(data), 3)]
    ws.send(b''.join(_fragments(TEXT, pieces)))
    expect_echo(probe, ws, TEXT, data)


def _invalid_text_case(id, requirement, pieces):
    @case(id, 'RFC 6455 §8.1, §7.1.7', MUST, requirement)
    def check(probe):
        ws = opened(probe)
        ws.send(b''.join(_fragments(TEXT, pieces)))
        expect_failed(probe, ws, (INVALID_DATA,))
    return check


_invalid_text_case('RFC6455-8.1-invalid-utf8',
                   'A text message that is not UTF-8 (a surrogate inside '
                   'Greek) fails the connection: not echoed, closed (Close '
                   '1007, SHOULD)',
                   [b'\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0'
                    b'\x80edited'])
_invalid_text_case('RFC6455-8.1-overlong-form',
                   'An overlong form (C0 AF for "/") is not UTF-8: the '
                   'connection fails (Close 1007, SHOULD)', [b'a\xc0\xafb'])
_invalid_text_case('RFC6455-8.1-above-10ffff',
                   'A code point above U+10FFFF (F4 90 80 80) is not UTF-8: '
                   'the connection fails (Close 1007, SHOULD)',
                   [b'a\xf4\x90\x80\x80b'])
_invalid_text_case('RFC6455-8.1-truncated-at-end',
                   'Text that ends inside a character (E2 82 without its last '
                   'byte) is not UTF-8: the connection fails (Close 1007, '
                   'SHOULD)', [b'euro \xe2\x82'])
_invalid_text_case('RFC6455-8.1-invalid-in-fragment',
                   'A byte that is never UTF-8 (FF) in the middle fragment of '
                   'three fails the connection (Close 1007, SHOULD)',
                   [b'first ', b'mid\xffdle ', b'last'])


@case('RFC6455-8.1-invalid-close-reason', 'RFC 6455 §5.5.1, §8.1, §10.7',
      MUST, 'A Close whose reason is not UTF-8 ends the connection (the '
      'server MUST close it after the Close), with Close 1007 (SHOULD)')
def invalid_close_reason(probe):
    ws = opened(probe)
    ws.send(close_frame(1000, b'bad \xff reason'))
    expect_failed(probe, ws, (INVALID_DATA,))


# -------------------------------------------------- close handling (Autobahn 7)

@case('RFC6455-5.5.1-close-echoed', 'RFC 6455 §5.5.1', MUST,
      'A Close from the client is answered with a Close')
def close_echoed(probe):
    ws = opened(probe)
    ws.send(close_frame(1000, 'bye'))
    close = expect_close_answered(probe, ws)
    probe.observe('answered: %s' % close.describe())


@case('RFC6455-5.5.1-close-empty', 'RFC 6455 §5.5.1, §7.4.1', MUST,
      'A Close without payload is answered with a Close that has no code or '
      'one that may be sent (never 1005)')
def close_empty(probe):
    ws = opened(probe)
    ws.send(close_frame())
    expect_close_answered(probe, ws)


@case('RFC6455-5.5.1-close-then-tcp-close', 'RFC 6455 §5.5.1', MUST,
      'Once Close frames have gone both ways, the server closes the TCP '
      'connection')
def close_then_tcp_close(probe):
    ws = opened(probe)
    ws.send(close_frame(1000))
    expect_close_answered(probe, ws)
    probe.expect(ws.wait_closed(), 'the connection closed by the server',
                 seen(ws))


@case('RFC6455-7.1.1-clean-tcp-close', 'RFC 6455 §7.1.1', SHOULD,
      'After the closing handshake the server closes the TCP connection '
      'first, and cleanly (FIN, not a reset)')
def clean_tcp_close(probe):
    ws = opened(probe)
    ws.send(close_frame(1000))
    ws.frames_until_close()
    probe.expect(ws.wait_closed() and ws.ended == 'FIN',
                 'closed by the server with FIN', seen(ws))


@case('RFC6455-5.5.1-no-data-after-close', 'RFC 6455 §5.5.1', MUST,
      'A message sent behind the client\'s Close gets no data frame after '
      'the server\'s Close')
def no_data_after_close(probe):
    ws = opened(probe)
    ws.send(close_frame(1000) + frame(TEXT, 'too late'))
    expect_close_answered(probe, ws)
    late = ws.read_frame(probe.settle)
    probe.expect(late is None, 'nothing after the Close', seen(ws))


def _bad_close_case(id, section, requirement, payloads, code=PROTOCOL_ERROR):
    # Each payload on a connection of its own: a Close the client may not
    # send; the server MUST close (the closing handshake is under way) and
    # SHOULD say why.
    @case(id, section, MUST, requirement)
    def check(probe):
        open_, other = [], []
        for payload in payloads:
            ws = opened(probe)
            ws.send(frame(CLOSE, payload))
            frames = ws.frames_until_close()
            closed = ws.wait_closed()
            close = frames[-1] if frames and frames[-1].opcode == CLOSE \
                else None
            if not closed:
                open_.append('%s: %s' % (payload[:4].hex(), seen(ws)))
            elif close is None or close.close_code != code:
                other.append('%s: %s' % (payload[:4].hex(), seen(ws)))
        probe.expect(not open_, 'the connection closed after each',
                     '; '.join(open_))
        probe.expect(not other, 'a Close frame with code %d before each '
                     'close' % code, '; '.join(other), level=SHOULD)
        probe.observe('each closed with Close %d' % code)
    return check


_bad_close_case('RFC6455-5.5.1-close-one-byte', 'RFC 6455 §5.5.1, §10.7',
                'A Close with a one-byte payload (a code takes two) ends the '
                'connection, with Close 1002 (SHOULD)', [b'\x03'])
_bad_close_case('RFC6455-5.5-close-too-long', 'RFC 6455 §5.5, §10.7',
                'A Close with 126 bytes of payload (control frames carry at '
                'most 125) ends the connection, with Close 1002 (SHOULD)',
                [(1000).to_bytes(2, 'big') + b'a' * 124])
_bad_close_case('RFC6455-7.4.1-close-code-reserved', 'RFC 6455 §7.4.1, §10.7',
                'A Close with 1005, 1006 or 1015 (never sent in a Close frame) '
                'ends the connection, with Close 1002 (SHOULD)',
                [c.to_bytes(2, 'big') for c in UNSENDABLE])
_bad_close_case('RFC6455-7.4.2-close-code-below-1000', 'RFC 6455 §7.4.2, '
                '§10.7', 'A Close with code 0 or 999 (not used) ends the '
                'connection, with Close 1002 (SHOULD)',
                [c.to_bytes(2, 'big') for c in (0, 999)])
_bad_close_case('RFC6455-7.4.2-close-code-unassigned', 'RFC 6455 §7.4.2, '
                '§10.7', 'A Close with a code of the protocol\'s range that '
                'nothing defines (1004, 1016, 1100, 2000, 2999) ends the '
                'connection, with Close 1002 (SHOULD)',
                [c.to_bytes(2, 'big') for c in (1004, 1016, 1100, 2000, 2999)])
_bad_close_case('RFC6455-7.4.2-close-code-above-4999', 'RFC 6455 §7.4.2, '
                '§10.7', 'A Close with code 5000 or 65535 (no range holds '
                'them) ends the connection, with Close 1002 (SHOULD)',
                [c.to_bytes(2, 'big') for c in (5000, 65535)])


def _good_close_case(id, section, requirement, codes):
    @case(id, section, MUST, requirement)
    def check(probe):
        for code in codes:
            ws = opened(probe)
            ws.send(close_frame(code, 'code %d' % code))
            frames = ws.frames_until_close()
            probe.expect(frames and frames[-1].opcode == CLOSE,
                         'a Close frame in answer to code %d' % code,
                         seen(ws))
        probe.observe('each answered with a Close')
    return check


_good_close_case('RFC6455-7.4.1-close-codes-defined', 'RFC 6455 §7.4.1, '
                 '§5.5.1', 'A Close with each code RFC 6455 defines for use '
                 '(1000-1003, 1007-1011) is answered with a Close',
                 (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011))
_good_close_case('RFC6455-7.4.2-close-codes-private', 'RFC 6455 §7.4.2, '
                 '§5.5.1', 'A Close with a code of the ranges for libraries '
                 'and applications (3000, 3999, 4000, 4999) is answered with a '
                 'Close', (3000, 3999, 4000, 4999))


@case('RFC6455-7.1.2-server-close', 'RFC 6455 §7.1.2, §5.5.1, §7.4.1', MUST,
      'A server that ends the connection (/ws/goodbye) sends a Close (with '
      'no code or one that may be sent) and, once the client\'s Close has '
      'come back, closes the TCP connection')
def server_close(probe):
    ws = opened(probe, GOODBYE)
    expect_echo(probe, ws, TEXT, b'goodbye', 'the message "goodbye"')
    frames = ws.frames_until_close()
    close = frames[-1] if frames and frames[-1].opcode == CLOSE else None
    probe.expect(close is not None and close.close_code not in UNSENDABLE,
                 'a Close frame from the server, with no code or one that '
                 'may be sent', seen(ws))
    ws.send(close_frame(1000))
    probe.expect(ws.wait_closed(), 'the connection closed after the '
                 'client\'s Close', seen(ws))


# ------------------------------------------------------- limits (Autobahn 9)

@case('CONTRACT-ws-message-at-limit', 'fixtures/CONTRACT.md', MUST,
      'A message of exactly the declared limit is accepted and echoed',
      needs=('ws_message_limit',))
def message_at_limit(probe):
    ws = opened(probe)
    payload = os.urandom(probe.limit('ws_message_limit'))
    ws.send(frame(BINARY, payload))
    expect_echo(probe, ws, BINARY, payload, 'the %d-byte message' %
                len(payload))


@case('RFC6455-10.4-message-over-limit', 'RFC 6455 §10.4, §7.4.1', SHOULD,
      'A message one byte over the declared limit is refused: not echoed, '
      'the connection failed with Close 1009',
      needs=('ws_message_limit',))
def message_over_limit(probe):
    ws = opened(probe)
    ws.send(frame(BINARY, bytes(probe.limit('ws_message_limit') + 1)))
    expect_failed(probe, ws, (TOO_BIG,), failing=False)


@case('RFC6455-10.4-fragments-over-limit', 'RFC 6455 §10.4, §7.4.1', SHOULD,
      'A message whose fragments, each under the limit, add up to one byte '
      'over it is refused with Close 1009 ("the total message size after '
      'reassembly")', needs=('ws_message_limit',))
def fragments_over_limit(probe):
    ws = opened(probe)
    limit = probe.limit('ws_message_limit')
    half = limit // 2 + 1
    ws.send(b''.join(_fragments(BINARY, [bytes(half), bytes(limit + 1 - half)]
                                )))
    expect_failed(probe, ws, (TOO_BIG,), failing=False)


# ------------------------------------------------ the contract: concurrency

@case('CONTRACT-ws-others-served', 'fixtures/CONTRACT.md', MUST,
      'While a WebSocket is open and waiting for a message, other clients '
      'are served (GET / answered), and the WebSocket still echoes after')
def others_served(probe):
    ws = opened(probe)
    reply = probe.exchange(probe.request('GET', '/'))
    probe.expect_status(reply, 200)
    ws.send(frame(TEXT, 'still here'))
    expect_echo(probe, ws, TEXT, b'still here')


@case('CONTRACT-ws-two-at-once', 'fixtures/CONTRACT.md', MUST,
      'Two WebSockets open at once each echo their own messages, sent '
      'interleaved')
def two_at_once(probe):
    first, second = opened(probe), WebSocketClient(probe, ECHO)
    reply = second.handshake()  # its refusal is this case's to judge
    probe.expect(reply.status == 101 and reply.header(
        'Sec-WebSocket-Accept') == accept_for(second.key),
        'a second WebSocket accepted while the first is open',
        reply.describe())
    first.send(frame(TEXT, 'one'))
    second.send(frame(TEXT, 'two'))
    expect_echo(probe, second, TEXT, b'two')
    expect_echo(probe, first, TEXT, b'one')
    first.send(frame(TEXT, 'three'))
    expect_echo(probe, first, TEXT, b'three')
