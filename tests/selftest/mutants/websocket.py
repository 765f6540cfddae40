"""Mutants for conformance/cases/websocket.py: the reference's WebSocket
broken through the seams a ``Breakage`` offers: the methods of
``microdot_rfc6455.Protocol`` (the handshake's checks, frame heads,
unmasking, messages, control frames, closing) and of
``microdot_websocket.WebSocket``, the 101's head as it goes out, a route
ahead of the fixture's, and the server's admission."""
import asyncio
import socket
import struct
import time

import microdot_rfc6455 as rfc6455
import microdot_server
import microdot_websocket
from breakage import add_header, drop_header
from microdot import abort

Protocol = rfc6455.Protocol
Utf8 = rfc6455.Utf8
WebSocket = microdot_websocket.WebSocket
CLOSE, CONT, PING, PONG, TEXT, BINARY = (rfc6455.CLOSE, rfc6455.CONT,
                                          rfc6455.PING, rfc6455.PONG,
                                          rfc6455.TEXT, rfc6455.BINARY)
BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='


def protocol(b, name, replacement):
    """Every WebSocket's protocol with ``name`` replaced:
    ``replacement(protocol, original, *args)``."""
    b.override(Protocol, name, replacement)


def handshake(b, check):
    """The handshake checked by ``check(original, method, version,
    headers)``."""
    protocol(b, 'check_handshake',
             lambda p, original, method, version, headers:
             check(original, method, version, headers))


def head(b, change):
    """Every frame head as ``change(fin, rsv, opcode, key, length, size)``
    makes it (a tuple like parse_head's)."""
    def parse(p, original, buf):
        parsed = original(buf)
        return None if parsed is None else change(*parsed)
    protocol(b, 'parse_head', parse)


def with_header(name, value):
    """A check that sees ``name: value`` whatever the client sent."""
    def check(original, method, version, headers):
        headers = dict((k.lower(), v) for k, v in headers.items())
        headers[name.lower()] = value
        return original(method, version, _NoCase(headers))
    return check


class _NoCase(dict):
    def get(self, key, default=None):
        return super().get(key.lower(), default)


def switching(b, change):
    """The 101's head passed through ``change(head, req)``."""
    b.response_head(lambda head, res, req: change(head, req)
                    if res.status_code == 101 else head)


def is_message(event):
    return isinstance(event, (str, bytes))


# ------------------------------------------------------------------ handshake

def no_upgrade_header_in_101(b):
    switching(b, lambda head, req: drop_header(head, 'Upgrade'))


def wrong_accept(b):
    protocol(b, 'accept_key',
             lambda p, original, key: 'c2VjcmV0IGtleSBtaXNzZWQ=')


def accept_twice(b):
    switching(b, lambda head, req: add_header(head,
                                              b'Sec-WebSocket-Accept: x'))


def takes_the_first_subprotocol(b):
    # The first subprotocol offered is named, though /ws/echo speaks none.
    def change(head, req):
        offered = req.headers.get('Sec-WebSocket-Protocol')
        if not offered:
            return head
        return add_header(head, b'Sec-WebSocket-Protocol: ' +
                          offered.split(',')[0].strip().encode())
    switching(b, change)


def lists_permessage_deflate(b):
    switching(b, lambda head, req: add_header(
        head, b'Sec-WebSocket-Extensions: permessage-deflate'))


def upgrade_case_sensitive(b):
    def check(original, method, version, headers):
        if headers.get('Upgrade') != 'websocket' or \
                headers.get('Connection') != 'Upgrade':
            raise rfc6455.HandshakeError(400, 'case-sensitive')
        return original(method, version, headers)
    handshake(b, check)


def connection_exactly_upgrade(b):
    def check(original, method, version, headers):
        if headers.get('Connection', '').lower() != 'upgrade':
            raise rfc6455.HandshakeError(400, 'not a token list')
        return original(method, version, headers)
    handshake(b, check)


def any_key(b):
    protocol(b, 'valid_key', lambda p, original, key: True)


def key_of_any_length(b):
    protocol(b, 'valid_key', lambda p, original, key: len(key) > 4 and all(
        c in BASE64 for c in key))


def key_any_characters(b):
    protocol(b, 'valid_key', lambda p, original, key: len(key) == 24)


def key_list_taken(b):
    # Two keys, joined with a comma: the first is used.
    protocol(b, 'valid_key',
             lambda p, original, key: original(key.split(',')[0].strip()))
    protocol(b, 'accept_key',
             lambda p, original, key: original(key.split(',')[0].strip()))


def missing_version_is_13(b):
    def check(original, method, version, headers):
        if headers.get('Sec-WebSocket-Version') is None:
            return with_header('Sec-WebSocket-Version', '13')(
                original, method, version, headers)
        return original(method, version, headers)
    handshake(b, check)


def no_upgrade_in_426(b):
    def check(original, method, version, headers):
        try:
            return original(method, version, headers)
        except rfc6455.HandshakeError as exc:
            exc.headers.pop('Upgrade', None)
            raise
    handshake(b, check)


def post_taken(b):
    # /ws/echo routed for POST too, and a POST taken for a handshake.
    echo = [f for methods, pattern, f in b.app.url_map
            if pattern.url_pattern == '/ws/echo'][0]
    b.route('/ws/echo', echo, methods=['POST'])
    handshake(b, lambda original, method, version, headers: original(
        'GET', version, headers))


def http10_taken(b):
    handshake(b, lambda original, method, version, headers: original(
        method, '1.1', headers))


# --------------------------------------------------------------- framing

def text_as_binary(b):
    protocol(b, 'send_message', lambda p, original, data: p.send_frame(
        BINARY, data.encode()) if isinstance(data, str) else original(data))


def binary_as_text(b):
    protocol(b, 'send_message', lambda p, original, data: p.send_frame(
        TEXT, data) if isinstance(data, bytes) else original(data))


def _drops_empty(kind):
    # Empty messages of ``kind`` never reach the application (as microdot
    # 1.3.4's receive() drops them).
    def next_event(p, original):
        while True:
            event = original()
            if not (isinstance(event, kind) and not event):
                return event
    return lambda b: protocol(b, 'next_event', next_event)


def _frame_head_broken(change):
    return lambda b: protocol(b, 'frame_head',
                              lambda p, original, opcode, length:
                              change(original, opcode, length))


# 125 bytes sent with a 16-bit length, which the client takes as malformed
long_form_from_125 = _frame_head_broken(
    lambda original, opcode, length: bytes((0x80 | opcode, 126)) +
    length.to_bytes(2, 'big') if length >= 120 else original(opcode, length))
# every length in the 64-bit form
always_long_form = _frame_head_broken(
    lambda original, opcode, length: bytes((0x80 | opcode, 127)) +
    length.to_bytes(8, 'big') if length > 5 else original(opcode, length))
# the server masks its frames (with a zero key: the payload unchanged)
server_masks = _frame_head_broken(
    lambda original, opcode, length: bytes(
        (original(opcode, length)[0], original(opcode, length)[1] | 0x80)) +
    original(opcode, length)[2:] + b'\x00\x00\x00\x00')


def sixteen_bit_length_little_endian(b):
    def change(fin, rsv, opcode, key, length, size):
        if 126 <= length < 0x10000:
            length = int.from_bytes(length.to_bytes(2, 'big'), 'little')
        return fin, rsv, opcode, key, length, size
    head(b, change)


def sixty_four_bit_length_from_two_bytes(b):
    def change(fin, rsv, opcode, key, length, size):
        if length >= 0x10000:
            length >>= 48  # the first two of the eight bytes
        return fin, rsv, opcode, key, length, size
    head(b, change)


def msb_ignored(b):
    # The length's top bit is dropped, and no limit applies to it.
    def change(fin, rsv, opcode, key, length, size):
        return fin, rsv, opcode, key, length & ~(1 << 63), size
    head(b, change)


def zero_key_garbles(b):
    protocol(b, 'unmask', lambda p, original, data, key, offset=0: bytes(
        reversed(bytes(data))) if key == b'\x00\x00\x00\x00' else original(
            data, key, offset))


def unmasked_accepted(b):
    def change(fin, rsv, opcode, key, length, size):
        return fin, rsv, opcode, key or b'\x00\x00\x00\x00', length, size
    head(b, change)


def loses_small_pieces(b):
    # Bytes that arrive one at a time are lost.
    protocol(b, 'receive_data', lambda p, original, data: original(data)
             if len(data) != 1 else None)


def one_message_per_read(b):
    # What follows a message in the same read is dropped.
    def next_event(p, original):
        event = original()
        if is_message(event):
            p.buf = b''
        return event
    protocol(b, 'next_event', next_event)


def loses_later_fragments(b):
    # A fragment arriving in a read of its own, while a message is under
    # way, is lost.
    protocol(b, 'receive_data', lambda p, original, data: None
             if p.kind is not None and not p.buf else original(data))


# ------------------------------------------------------------ pings, pongs

def _control(change):
    # Control frames handled by ``change(protocol, opcode, payload,
    # original)``.
    return lambda b: protocol(b, 'control',
                              lambda p, original, opcode, payload:
                              change(p, opcode, payload, original))


pings_ignored = _control(
    lambda p, opcode, payload, original: None if opcode == PING else
    original(opcode, payload))
pong_payload_cut = _control(
    lambda p, opcode, payload, original: original(
        opcode, payload[:-1] if opcode == PING else payload))
pong_for_empty_ping_not_empty = _control(
    lambda p, opcode, payload, original: original(
        opcode, payload or b'?' if opcode == PING else payload))
pongs_answered = _control(
    lambda p, opcode, payload, original: p.out.append(
        p.frame_head(PONG, len(payload)) + payload) if opcode == PONG else
    original(opcode, payload))


def first_ping_only(b):
    def control(p, original, opcode, payload):
        if opcode == PING:
            if getattr(p, 'pinged', False):
                return None
            p.pinged = True
        return original(opcode, payload)
    protocol(b, 'control', control)


def ping_of_any_length(b):
    def check_head(p, original, fin, rsv, opcode, key, length):
        if opcode == PING and length > p.max_control:
            length = 0
        return original(fin, rsv, opcode, key, length)
    protocol(b, 'check_head', check_head)


def fragmented_ping_answered(b):
    def change(fin, rsv, opcode, key, length, size):
        return fin or opcode == PING, rsv, opcode, key, length, size
    head(b, change)


def fails_with_1000(b):
    protocol(b, 'fail', lambda p, original, code, why: original(
        rfc6455.NORMAL, why))


# ------------------------------------------------------- reserved bits, opcodes

def _ignores_rsv(bits, control_only=False):
    def change(fin, rsv, opcode, key, length, size):
        if not control_only or opcode >= CLOSE:
            rsv &= ~bits
        return fin, rsv, opcode, key, length, size
    return lambda b: head(b, change)


def _opcode_taken_as(opcode_from, opcode_to):
    def change(fin, rsv, opcode, key, length, size):
        return fin, rsv, opcode_to if opcode == opcode_from else opcode, key, \
            length, size
    return lambda b: head(b, change)


# ------------------------------------------------------------ fragmentation

def _check_head_first(refuse):
    # Frames for which ``refuse(protocol, fin, opcode)`` is true fail the
    # connection with 1002.
    def check_head(p, original, fin, rsv, opcode, key, length):
        if refuse(p, fin, opcode):
            raise rfc6455.ProtocolError(rfc6455.PROTOCOL_ERROR, 'refused')
        return original(fin, rsv, opcode, key, length)
    return lambda b: protocol(b, 'check_head', check_head)


# as microdot 1.3.4: a frame without FIN fails the connection
no_fragments = _check_head_first(
    lambda p, fin, opcode: not fin or opcode == CONT)
binary_fragments_refused = _check_head_first(
    lambda p, fin, opcode: opcode == BINARY and not fin)


def one_byte_fragments_lost(b):
    protocol(b, 'add_payload', lambda p, original, data: None
             if p.head[2] == CONT and p.head[4] == 1 else original(data))


def empty_fragment_ends_message(b):
    def change(fin, rsv, opcode, key, length, size):
        return fin or (opcode == CONT and not length), rsv, opcode, key, \
            length, size
    head(b, change)


def _control_between_drops_message(opcodes):
    def control(p, original, opcode, payload):
        if opcode in opcodes and p.kind is not None:
            p.kind = p.message = p.text = None
        return original(opcode, payload)
    return lambda b: protocol(b, 'control', control)


def lone_continuation_starts_text(b):
    def check_head(p, original, fin, rsv, opcode, key, length):
        if opcode == CONT and p.kind is None:
            p.kind, p.message, p.size = TEXT, [], 0
            p.text, p.carry = p.utf8_class(), b''
        return original(fin, rsv, opcode, key, length)
    protocol(b, 'check_head', check_head)


def new_message_drops_the_old(b):
    def check_head(p, original, fin, rsv, opcode, key, length):
        if opcode in (TEXT, BINARY) and p.kind is not None:
            p.kind = p.message = p.text = None
        return original(fin, rsv, opcode, key, length)
    protocol(b, 'check_head', check_head)


def close_delivers_unfinished_message(b):
    def control(p, original, opcode, payload):
        if opcode == CLOSE and p.kind is not None:
            if p.text is not None:
                p.text = p.utf8_class()  # taken as whole
            return p.end_message()  # what came of it, as a message
        return original(opcode, payload)
    protocol(b, 'control', control)


# ------------------------------------------------------------------- UTF-8

def _utf8(cls):
    """Text checked by ``cls`` (a Utf8 subclass), and whatever passes it
    taken as a message (its bytes read as Latin-1)."""
    def add_payload(p, original, data):
        if p.text is None or p.head[2] >= CLOSE:
            return original(data)
        if not p.text.feed(data):
            raise rfc6455.ProtocolError(rfc6455.INVALID_DATA, 'not UTF-8')
        p.message.append(bytes(data))
        p.size += len(data)

    def end_message(p, original):
        if p.kind != TEXT:
            return original()
        message = b''.join(p.message)
        p.message = p.kind = p.text = None
        return str(message, 'latin-1')

    def mutant(b):
        b.replace(Protocol, 'utf8_class', cls)
        protocol(b, 'add_payload', add_payload)
        protocol(b, 'end_message', end_message)
    return mutant


class _NoFourByteCharacters(Utf8):
    def feed(self, data):
        return super().feed(data) and max(data or b'\x00') < 0xF0


class _WholeCharacters(Utf8):
    # A piece that ends inside a character is refused.
    def feed(self, data):
        return super().feed(data) and not self.need


class _Surrogates(Utf8):
    def feed(self, data):
        return super().feed(bytes(data).replace(b'\xed\xa0', b'\xed\x9f'))


class _Overlong(Utf8):
    def feed(self, data):
        return super().feed(bytes(data).replace(b'\xc0', b'\xc2'))


class _Above10ffff(Utf8):
    def feed(self, data):
        return super().feed(bytes(data).replace(b'\xf4\x90', b'\xf4\x8f'))


class _EndsAnywhere(Utf8):
    complete = property(lambda self: self.valid)


class _FirstPieceOnly(Utf8):
    fed = False

    def feed(self, data):
        if self.fed:
            return True
        self.fed = True
        return super().feed(data)


def _close_ignored(when, any_length=False):
    # A Close for which ``when(payload)`` is true is passed over: no
    # answer, and the connection stays open.
    def check_head(p, original, fin, rsv, opcode, key, length):
        if any_length and opcode == CLOSE:
            length = 0
        return original(fin, rsv, opcode, key, length)

    def control(p, original, opcode, payload):
        if opcode == CLOSE and when(payload):
            return None
        return original(opcode, payload)

    def mutant(b):
        protocol(b, 'check_head', check_head)
        protocol(b, 'control', control)
    return mutant


def _code(payload):
    return int.from_bytes(payload[:2], 'big')


# ------------------------------------------------------------------ closing

def _after_close(change):
    # The answer a Close gets changed by ``change(protocol, payload,
    # event)``, which returns the event.
    def control(p, original, opcode, payload):
        event = original(opcode, payload)
        if opcode == CLOSE:
            return change(p, payload, event)
        return event
    return lambda b: protocol(b, 'control', control)


def _unanswered(p, payload, event):
    p.out = []
    return event


def _answered_with_1005(p, payload, event):
    if not payload:
        p.out = [p.frame_head(CLOSE, 2) + b'\x03\xed']
    return event


close_unanswered = _after_close(_unanswered)
close_answered_with_1005 = _after_close(_answered_with_1005)
# A Close with one of these codes ends the connection without a Close.
close_codes_defined_unanswered = _after_close(
    lambda p, payload, event: _unanswered(p, payload, event)
    if 1001 <= event.code < 1012 else event)
close_codes_private_unanswered = _after_close(
    lambda p, payload, event: _unanswered(p, payload, event)
    if 3000 <= event.code < 5000 else event)


def goes_on_after_close(b):
    # A Close is answered, and what comes after it is still read.
    def control(p, original, opcode, payload):
        if opcode == CLOSE:
            original(opcode, payload)
            p.closed, p.sent_close = None, False
            return None
        return original(opcode, payload)
    protocol(b, 'control', control)


def stays_open_after_close(b):
    # After the closing handshake the handler waits on, holding the
    # connection open.
    def receive(ws, original):
        try:
            return original()
        except OSError:
            time.sleep(4)
            raise
    b.override(WebSocket, 'receive', receive)


def resets_after_close(b):
    def receive(ws, original):
        try:
            return original()
        except OSError:
            writer = ws.conn.writer  # CPython's stream: the test server
            writer.get_extra_info('socket').setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            writer.transport.abort()  # a reset, not a FIN
            raise
    b.override(WebSocket, 'receive', receive)


def server_closes_with_1005(b):
    protocol(b, 'close', lambda p, original, code=rfc6455.NORMAL, reason='':
             original(1005, reason))


# ------------------------------------------------------------------- limits

def limit_one_short(b):
    protocol(b, '__init__', lambda p, original, max_message=None: original(
        max_message and max_message - 1))


def no_limit(b):
    protocol(b, '__init__',
             lambda p, original, max_message=None: original(None))


def limit_per_frame(b):
    def check_head(p, original, fin, rsv, opcode, key, length):
        size, p.size = p.size, 0
        try:
            return original(fin, rsv, opcode, key, length)
        finally:
            p.size = size
    protocol(b, 'check_head', check_head)


# -------------------------------------------------------------- concurrency

def serves_nobody_beside_a_websocket(b):
    # While a connection is handed over (a WebSocket open), no other
    # client is let in.
    async def admit(server, original):
        while any(c.mode == microdot_server.TAKEN for c in server.conns):
            await asyncio.sleep(0.05)
        return await original()
    b.override(microdot_server.Server, 'admit', admit)


def one_websocket_at_a_time(b):
    open_ = [0]

    def accept(ws, original):
        if open_[0]:
            abort(503)
        open_[0] += 1
        return original()

    def receive(ws, original):
        try:
            return original()
        except OSError:
            open_[0] -= 1
            raise
    b.override(WebSocket, 'accept', accept)
    b.override(WebSocket, 'receive', receive)


MUTANTS = {
    'RFC6455-4.2.2-accept-101': no_upgrade_header_in_101,
    'RFC6455-4.2.2-accept-key': wrong_accept,
    'RFC6455-11.3.3-accept-once': accept_twice,
    'RFC6455-4.2.2-no-subprotocol': takes_the_first_subprotocol,
    'RFC6455-9-no-unrequested-extension': lists_permessage_deflate,
    'CONTRACT-ws-upgrade-case-insensitive': upgrade_case_sensitive,
    'CONTRACT-ws-connection-token-list': connection_exactly_upgrade,
    'RFC6455-4.2.1-upgrade-missing': lambda b: handshake(
        b, with_header('Upgrade', 'websocket')),
    'RFC6455-4.2.1-upgrade-not-websocket': lambda b: handshake(
        b, with_header('Upgrade', 'websocket')),
    'RFC6455-4.2.1-connection-without-upgrade': lambda b: handshake(
        b, with_header('Connection', 'Upgrade')),
    'RFC6455-4.2.1-key-missing': any_key,
    'RFC6455-4.2.1-key-not-16-bytes': key_of_any_length,
    'RFC6455-4.2.1-key-not-base64': key_any_characters,
    'RFC6455-4.2.1-key-twice': key_list_taken,
    'RFC6455-4.2.1-version-missing': missing_version_is_13,
    'RFC6455-4.2.1-post-refused': post_taken,
    'RFC6455-4.2.1-http10-refused': http10_taken,
    'RFC6455-4.2.2-version-unsupported': lambda b: handshake(
        b, with_header('Sec-WebSocket-Version', '13')),
    'RFC9110-15.5.22-426-upgrade': no_upgrade_in_426,
    'RFC6455-5.6-text-echo': text_as_binary,
    'RFC6455-5.6-binary-echo': binary_as_text,
    'RFC6455-5.2-empty-text': _drops_empty(str),
    'RFC6455-5.2-empty-binary': _drops_empty(bytes),
    'RFC6455-5.2-length-125': long_form_from_125,
    'RFC6455-5.2-length-126': sixteen_bit_length_little_endian,
    'RFC6455-5.2-length-16bit': sixteen_bit_length_little_endian,
    'RFC6455-5.2-minimal-length': always_long_form,
    'RFC6455-5.1-server-unmasked': server_masks,
    'RFC6455-5.3-zero-mask': zero_key_garbles,
    'RFC6455-5.1-unmasked-frame': unmasked_accepted,
    'RFC6455-5.2-frame-split': loses_small_pieces,
    'RFC6455-5.2-frames-coalesced': one_message_per_read,
    'RFC6455-5.2-length-64bit': sixty_four_bit_length_from_two_bytes,
    'RFC6455-5.2-length-64bit-msb': msb_ignored,
    'RFC6455-5.5.2-ping-answered': pings_ignored,
    'RFC6455-5.5.3-pong-same-payload': pong_payload_cut,
    'RFC6455-5.5.2-ping-empty': pong_for_empty_ping_not_empty,
    'RFC6455-5.5.3-pong-unsolicited': pongs_answered,
    'RFC6455-5.5.3-pings-in-a-row': first_ping_only,
    'RFC6455-5.5-ping-too-long': ping_of_any_length,
    'RFC6455-5.5-ping-fragmented': fragmented_ping_answered,
    'RFC6455-5.5-pong-fragmented': fails_with_1000,
    'RFC6455-5.2-rsv1': _ignores_rsv(4),
    'RFC6455-5.2-rsv2-after-valid': _ignores_rsv(2),
    'RFC6455-5.2-rsv3': _ignores_rsv(1),
    'RFC6455-5.2-rsv-on-ping': _ignores_rsv(7, control_only=True),
    'RFC6455-5.2-opcode-3': _opcode_taken_as(3, TEXT),
    'RFC6455-5.2-opcode-7-after-valid': _opcode_taken_as(7, BINARY),
    'RFC6455-5.2-opcode-11': _opcode_taken_as(11, PING),
    'RFC6455-5.2-opcode-15': _opcode_taken_as(15, PONG),
    'RFC6455-5.4-fragmented-text': no_fragments,
    'RFC6455-5.4-fragmented-binary': binary_fragments_refused,
    'RFC6455-5.4-one-byte-fragments': one_byte_fragments_lost,
    'RFC6455-5.4-empty-fragments': empty_fragment_ends_message,
    'RFC6455-5.4-ping-between-fragments': _control_between_drops_message(
        (PING,)),
    'RFC6455-5.4-pong-between-fragments': _control_between_drops_message(
        (PONG,)),
    'RFC6455-5.4-fragments-apart': loses_later_fragments,
    'RFC6455-5.4-continuation-without-message':
        lone_continuation_starts_text,
    'RFC6455-5.4-message-inside-message': new_message_drops_the_old,
    'RFC6455-5.4-close-between-fragments': close_delivers_unfinished_message,
    'RFC6455-5.6-text-utf8': _utf8(_NoFourByteCharacters),
    'RFC6455-5.6-utf8-split-across-fragments': _utf8(_WholeCharacters),
    'RFC6455-8.1-invalid-utf8': _utf8(_Surrogates),
    'RFC6455-8.1-overlong-form': _utf8(_Overlong),
    'RFC6455-8.1-above-10ffff': _utf8(_Above10ffff),
    'RFC6455-8.1-truncated-at-end': _utf8(_EndsAnywhere),
    'RFC6455-8.1-invalid-in-fragment': _utf8(_FirstPieceOnly),
    'RFC6455-8.1-invalid-close-reason': _close_ignored(
        lambda payload: not Utf8.whole(payload[2:])),
    'RFC6455-5.5.1-close-echoed': close_unanswered,
    'RFC6455-5.5.1-close-empty': close_answered_with_1005,
    'RFC6455-5.5.1-close-then-tcp-close': stays_open_after_close,
    'RFC6455-7.1.1-clean-tcp-close': resets_after_close,
    'RFC6455-5.5.1-no-data-after-close': goes_on_after_close,
    'RFC6455-5.5.1-close-one-byte': _close_ignored(
        lambda payload: len(payload) == 1),
    'RFC6455-5.5-close-too-long': _close_ignored(
        lambda payload: len(payload) > 125, any_length=True),
    'RFC6455-7.4.1-close-code-reserved': _close_ignored(
        lambda payload: _code(payload) in (1005, 1006, 1015)),
    'RFC6455-7.4.2-close-code-below-1000': _close_ignored(
        lambda payload: _code(payload) < 1000),
    'RFC6455-7.4.2-close-code-unassigned': _close_ignored(
        lambda payload: 1004 <= _code(payload) < 3000 and
        not Protocol.valid_close_code(_code(payload))),
    'RFC6455-7.4.2-close-code-above-4999': _close_ignored(
        lambda payload: _code(payload) > 4999),
    'RFC6455-7.4.1-close-codes-defined': close_codes_defined_unanswered,
    'RFC6455-7.4.2-close-codes-private': close_codes_private_unanswered,
    'RFC6455-7.1.2-server-close': server_closes_with_1005,
    'CONTRACT-ws-message-at-limit': limit_one_short,
    'RFC6455-10.4-message-over-limit': no_limit,
    'RFC6455-10.4-fragments-over-limit': limit_per_frame,
    'CONTRACT-ws-others-served': serves_nobody_beside_a_websocket,
    'CONTRACT-ws-two-at-once': one_websocket_at_a_time,
}
