"""Mutants for conformance/cases/websocket.py: the reference's WebSocket
broken through the seams its modules offer: the handshake's functions and
the frame parser of ``microdot_rfc6455``, subclasses of its ``Protocol`` and
of ``microdot_websocket.WebSocket``, and the server's ``call_plain``."""
import socket
import struct
import threading
import time

import app as fixture
import microdot_rfc6455 as rfc6455
import microdot_server
import microdot_websocket
from microdot import abort

Protocol = rfc6455.Protocol
Utf8 = rfc6455.Utf8
WebSocket = microdot_websocket.WebSocket
CLOSE, CONT, PING, PONG, TEXT, BINARY = (rfc6455.CLOSE, rfc6455.CONT,
                                          rfc6455.PING, rfc6455.PONG,
                                          rfc6455.TEXT, rfc6455.BINARY)


def protocol(b, cls):
    """Every WebSocket speaks through ``cls`` (a Protocol subclass)."""
    b.attr(rfc6455, 'Protocol', cls)


def websocket(b, cls):
    """Every WebSocket of a plain handler is a ``cls``."""
    b.attr(microdot_websocket, 'WebSocket', cls)


def handshake(b, check):
    """The handshake checked by ``check(original, method, version,
    headers)``."""
    original = rfc6455.check_handshake
    b.attr(rfc6455, 'check_handshake',
           lambda method, version, headers: check(original, method, version,
                                                  headers))


def head(b, change):
    """Every frame head as ``change(fin, rsv, opcode, key, length, size)``
    makes it (a tuple like parse_head's)."""
    original = rfc6455.parse_head

    def parse(buf):
        parsed = original(buf)
        return None if parsed is None else change(*parsed)
    b.attr(rfc6455, 'parse_head', parse)


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


def response(b, change):
    """The 101 response passed through ``change(head)``."""
    original = rfc6455.switching_protocols
    b.attr(rfc6455, 'switching_protocols',
           lambda accept: change(original(accept)))


# ------------------------------------------------------------------ handshake

def no_upgrade_header_in_101(b):
    response(b, lambda head: head.replace(b'Upgrade: websocket\r\n', b''))


def wrong_accept(b):
    b.attr(rfc6455, 'accept_key', lambda key: 'c2VjcmV0IGtleSBtaXNzZWQ=')


def accept_twice(b):
    response(b, lambda head: head.replace(
        b'Sec-WebSocket-Accept: ', b'Sec-WebSocket-Accept: x\r\n'
        b'Sec-WebSocket-Accept: '))


def takes_the_first_subprotocol(b):
    # The first subprotocol offered is named, though /ws/echo speaks none.
    seen = {}

    def check(original, method, version, headers):
        seen['protocol'] = headers.get('Sec-WebSocket-Protocol')
        return original(method, version, headers)
    handshake(b, check)
    response(b, lambda head: head[:-2] + (
        b'Sec-WebSocket-Protocol: %s\r\n\r\n' % seen['protocol'].split(
            ',')[0].encode() if seen.get('protocol') else b'\r\n'))


def lists_permessage_deflate(b):
    response(b, lambda head: head[:-2] +
             b'Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n')


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
    b.attr(rfc6455, 'valid_key', lambda key: True)


def key_of_any_length(b):
    b.attr(rfc6455, 'valid_key', lambda key: len(key) > 4 and all(
        c in rfc6455._BASE64 + '=' for c in key))


def key_any_characters(b):
    b.attr(rfc6455, 'valid_key', lambda key: len(key) == 24)


def key_list_taken(b):
    # Two keys, joined with a comma: the first is used.
    original = rfc6455.valid_key
    b.attr(rfc6455, 'valid_key',
           lambda key: original(key.split(',')[0].strip()))
    accept = rfc6455.accept_key
    b.attr(rfc6455, 'accept_key',
           lambda key: accept(key.split(',')[0].strip()))


def any_version_is_13(b):
    handshake(b, with_header('Sec-WebSocket-Version', '13'))


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
    url_map = [([m for m in methods] + (['POST'] if pattern.url_pattern ==
                                        '/ws/echo' else []), pattern, f)
               for methods, pattern, f in fixture.app.url_map]
    b.attr(fixture.app, 'url_map', url_map)
    handshake(b, lambda original, method, version, headers: original(
        'GET', version, headers))


def http10_taken(b):
    handshake(b, lambda original, method, version, headers: original(
        method, '1.1', headers))


# --------------------------------------------------------------- framing

class _TextAsBinary(Protocol):
    def send_message(self, data):
        if isinstance(data, str):
            return self.send_frame(BINARY, data.encode())
        return super().send_message(data)


class _BinaryAsText(Protocol):
    def send_message(self, data):
        if isinstance(data, bytes):
            return self.send_frame(TEXT, data)
        return super().send_message(data)


def _drops_empty(kind):
    # Empty messages of ``kind`` never reach the application (as microdot
    # 1.3.4's receive() drops them).
    class DropsEmpty(Protocol):
        def next_event(self):
            while True:
                event = super().next_event()
                if not (isinstance(event, rfc6455.Message) and
                        isinstance(event.data, kind) and not event.data):
                    return event
    return lambda b: protocol(b, DropsEmpty)


def _frame_head_broken(change):
    original = rfc6455.frame_head

    def mutant(b):
        b.attr(rfc6455, 'frame_head',
               lambda opcode, length, fin=True: change(original, opcode,
                                                       length, fin))
    return mutant


# 125 bytes sent with a 16-bit length, which the client takes as malformed
long_form_from_125 = _frame_head_broken(
    lambda original, opcode, length, fin: bytes((0x80 | opcode, 126)) +
    length.to_bytes(2, 'big') if length >= 120 else original(opcode, length,
                                                             fin))
# every length in the 64-bit form
always_long_form = _frame_head_broken(
    lambda original, opcode, length, fin: bytes((0x80 | opcode, 127)) +
    length.to_bytes(8, 'big') if length > 5 else original(opcode, length, fin))
# the server masks its frames (with a zero key: the payload unchanged)
server_masks = _frame_head_broken(
    lambda original, opcode, length, fin: bytes(
        (original(opcode, length, fin)[0],
         original(opcode, length, fin)[1] | 0x80)) +
    original(opcode, length, fin)[2:] + b'\x00\x00\x00\x00')


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
    original = rfc6455.unmask
    b.attr(rfc6455, 'unmask', lambda data, key, offset=0: bytes(
        reversed(data)) if key == b'\x00\x00\x00\x00' else original(
            data, key, offset))


def unmasked_accepted(b):
    def change(fin, rsv, opcode, key, length, size):
        return fin, rsv, opcode, key or b'\x00\x00\x00\x00', length, size
    head(b, change)


class _LosesSmallPieces(Protocol):
    # Bytes that arrive one at a time are lost.
    def receive_data(self, data):
        if len(data) != 1:
            super().receive_data(data)


class _OneMessagePerRead(Protocol):
    def next_event(self):
        event = super().next_event()
        if isinstance(event, rfc6455.Message):
            self.buf = b''
        return event


class _LosesLaterFragments(Protocol):
    # A fragment arriving in a read of its own, while a message is under
    # way, is lost.
    def receive_data(self, data):
        if self.kind is not None and not self.buf:
            return
        super().receive_data(data)


# ------------------------------------------------------------ pings, pongs

def _control(change):
    # Control frames handled by ``change(protocol, opcode, payload,
    # original)``.
    class Changed(Protocol):
        def control(self, opcode, payload):
            return change(self, opcode, payload, super().control)
    return lambda b: protocol(b, Changed)


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
    lambda p, opcode, payload, original: p.out.append(rfc6455.frame(
        PONG, payload)) if opcode == PONG else original(opcode, payload))


def first_ping_only(b):
    class FirstOnly(Protocol):
        pinged = False

        def control(self, opcode, payload):
            if opcode == PING:
                if self.pinged:
                    return None
                self.pinged = True
            return super().control(opcode, payload)
    protocol(b, FirstOnly)


def _longer_control(opcodes):
    class Longer(Protocol):
        def check_head(self, fin, rsv, opcode, key, length):
            if opcode in opcodes and length > self.max_control:
                length = 0
            return super().check_head(fin, rsv, opcode, key, length)
    return lambda b: protocol(b, Longer)


ping_of_any_length = _longer_control((PING,))


def fragmented_ping_answered(b):
    def change(fin, rsv, opcode, key, length, size):
        return fin or opcode == PING, rsv, opcode, key, length, size
    head(b, change)


def fails_with_1000(b):
    class Polite(Protocol):
        def fail(self, code, why):
            return super().fail(rfc6455.NORMAL, why)
    protocol(b, Polite)


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

def no_fragments(b):
    # As microdot 1.3.4: a frame without FIN fails the connection.
    class Unfragmented(Protocol):
        def check_head(self, fin, rsv, opcode, key, length):
            if not fin or opcode == CONT:
                raise rfc6455.ProtocolError(rfc6455.PROTOCOL_ERROR,
                                            'fragments not supported')
            return super().check_head(fin, rsv, opcode, key, length)
    protocol(b, Unfragmented)


def binary_fragments_refused(b):
    class TextOnly(Protocol):
        def check_head(self, fin, rsv, opcode, key, length):
            if opcode == BINARY and not fin:
                raise rfc6455.ProtocolError(rfc6455.PROTOCOL_ERROR, 'no')
            return super().check_head(fin, rsv, opcode, key, length)
    protocol(b, TextOnly)


def one_byte_fragments_lost(b):
    class Lossy(Protocol):
        def add_payload(self, data):
            if self.head[2] == CONT and self.head[4] == 1:
                return
            return super().add_payload(data)
    protocol(b, Lossy)


def empty_fragment_ends_message(b):
    def change(fin, rsv, opcode, key, length, size):
        return fin or (opcode == CONT and not length), rsv, opcode, key, \
            length, size
    head(b, change)


def _control_between_drops_message(opcodes):
    class Forgetful(Protocol):
        def control(self, opcode, payload):
            if opcode in opcodes and self.kind is not None:
                self.kind = self.message = self.view = self.text = None
            return super().control(opcode, payload)
    return lambda b: protocol(b, Forgetful)


def lone_continuation_starts_text(b):
    class Lenient(Protocol):
        def check_head(self, fin, rsv, opcode, key, length):
            if opcode == CONT and self.kind is None:
                self.kind, self.message, self.size = TEXT, bytearray(), 0
                self.text = rfc6455.Utf8()
            return super().check_head(fin, rsv, opcode, key, length)
    protocol(b, Lenient)


def new_message_drops_the_old(b):
    class Impatient(Protocol):
        def check_head(self, fin, rsv, opcode, key, length):
            if opcode in (TEXT, BINARY) and self.kind is not None:
                self.kind = self.message = self.view = self.text = None
            return super().check_head(fin, rsv, opcode, key, length)
    protocol(b, Impatient)


def close_delivers_unfinished_message(b):
    class Hasty(Protocol):
        def control(self, opcode, payload):
            if opcode == CLOSE and self.kind is not None:
                self.kind = BINARY  # what came of it, as a message
                self.view = None
                return self.end_message()
            return super().control(opcode, payload)
    protocol(b, Hasty)


# ------------------------------------------------------------------- UTF-8

class _AnyText(Protocol):
    # A text message is taken whole, UTF-8 or not (read as Latin-1).
    def end_message(self):
        if self.kind != TEXT:
            return super().end_message()
        message = self.message
        self.message = self.view = self.kind = self.text = None
        return rfc6455.Message(str(message, 'latin-1'))


def _utf8(cls):
    """Text checked by ``cls`` (a Utf8 subclass), and whatever passes it
    taken as a message."""
    def mutant(b):
        b.attr(rfc6455, 'Utf8', cls)
        protocol(b, _AnyText)
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
        return super().feed(data.replace(b'\xed\xa0', b'\xed\x9f'))


class _Overlong(Utf8):
    def feed(self, data):
        return super().feed(data.replace(b'\xc0', b'\xc2'))


class _Above10ffff(Utf8):
    def feed(self, data):
        return super().feed(data.replace(b'\xf4\x90', b'\xf4\x8f'))


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
    class Ignoring(Protocol):
        def check_head(self, fin, rsv, opcode, key, length):
            if any_length and opcode == CLOSE:
                length = 0
            return super().check_head(fin, rsv, opcode, key, length)

        def control(self, opcode, payload):
            if opcode == CLOSE and when(payload):
                return None
            return super().control(opcode, payload)
    return lambda b: protocol(b, Ignoring)


def _code(payload):
    return int.from_bytes(payload[:2], 'big')


# ------------------------------------------------------------------ closing

def close_unanswered(b):
    class Mute(Protocol):
        def control(self, opcode, payload):
            event = super().control(opcode, payload)
            if opcode == CLOSE:
                self.out = []
            return event
    protocol(b, Mute)


def close_answered_with_1005(b):
    class Echo1005(Protocol):
        def control(self, opcode, payload):
            event = super().control(opcode, payload)
            if opcode == CLOSE and not payload:
                self.out = [rfc6455.frame(CLOSE, b'\x03\xed')]
            return event
    protocol(b, Echo1005)


def stays_open_after_close(b):
    # After the closing handshake the handler waits on, holding the
    # connection open.
    class Lingering(WebSocket):
        def receive(self):
            try:
                return super().receive()
            except OSError:
                time.sleep(4)
                raise
    websocket(b, Lingering)


def resets_after_close(b):
    class Resetting(WebSocket):
        def receive(self):
            try:
                return super().receive()
            except OSError:
                writer = self.request.sock.conn.writer
                writer.get_extra_info('socket').setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack('ii', 1, 0))
                writer.transport.abort()  # a reset, not a FIN
                raise
    websocket(b, Resetting)


def goes_on_after_close(b):
    # A Close is answered, and what comes after it is still read.
    class Deaf(Protocol):
        def control(self, opcode, payload):
            if opcode == CLOSE:
                super().control(opcode, payload)
                self.closed, self.sent_close = None, False
                return None
            return super().control(opcode, payload)
    protocol(b, Deaf)


def _close_codes_unanswered(codes):
    # A Close with one of ``codes`` ends the connection without a Close.
    class Abrupt(Protocol):
        def control(self, opcode, payload):
            event = super().control(opcode, payload)
            if opcode == CLOSE and event.code in codes:
                self.out = []
            return event
    return lambda b: protocol(b, Abrupt)


def server_closes_with_1005(b):
    class Wrong(Protocol):
        def close(self, code=rfc6455.NORMAL, reason=''):
            return super().close(1005, reason)
    protocol(b, Wrong)


# ------------------------------------------------------------------- limits

def limit_one_short(b):
    class Short(Protocol):
        def __init__(self, max_message=None):
            super().__init__(max_message and max_message - 1)
    protocol(b, Short)


def no_limit(b):
    class Unbounded(Protocol):
        def __init__(self, max_message=None):
            super().__init__(None)
    protocol(b, Unbounded)


def limit_per_frame(b):
    class PerFrame(Protocol):
        def check_head(self, fin, rsv, opcode, key, length):
            size, self.size = self.size, 0
            try:
                return super().check_head(fin, rsv, opcode, key, length)
            finally:
                self.size = size
    protocol(b, PerFrame)


# -------------------------------------------------------------- concurrency

def one_plain_handler_at_a_time(b):
    lock = threading.Lock()
    original = microdot_server.call_plain

    async def call_plain(f, *args):
        def locked(*a):
            with lock:
                return f(*a)
        return await original(locked, *args)
    b.attr(microdot_server, 'call_plain', call_plain)


def one_websocket_at_a_time(b):
    class Alone(WebSocket):
        open = [0]

        def handshake(self):
            if self.open[0]:
                abort(503)
            self.open[0] += 1
            super().handshake()

        def receive(self):
            try:
                return super().receive()
            except OSError:
                self.open[0] -= 1
                raise
    websocket(b, Alone)


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
    'RFC6455-4.2.2-version-unsupported': any_version_is_13,
    'RFC9110-15.5.22-426-upgrade': no_upgrade_in_426,
    'RFC6455-5.6-text-echo': lambda b: protocol(b, _TextAsBinary),
    'RFC6455-5.6-binary-echo': lambda b: protocol(b, _BinaryAsText),
    'RFC6455-5.2-empty-text': _drops_empty(str),
    'RFC6455-5.2-empty-binary': _drops_empty(bytes),
    'RFC6455-5.2-length-125': long_form_from_125,
    'RFC6455-5.2-length-126': sixteen_bit_length_little_endian,
    'RFC6455-5.2-length-16bit': sixteen_bit_length_little_endian,
    'RFC6455-5.2-minimal-length': always_long_form,
    'RFC6455-5.1-server-unmasked': server_masks,
    'RFC6455-5.3-zero-mask': zero_key_garbles,
    'RFC6455-5.1-unmasked-frame': unmasked_accepted,
    'RFC6455-5.2-frame-split': lambda b: protocol(b, _LosesSmallPieces),
    'RFC6455-5.2-frames-coalesced': lambda b: protocol(b, _OneMessagePerRead),
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
    'RFC6455-5.4-fragments-apart': lambda b: protocol(b,
                                                      _LosesLaterFragments),
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
        lambda payload: not rfc6455.is_utf8(payload[2:])),
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
        not rfc6455.valid_close_code(_code(payload))),
    'RFC6455-7.4.2-close-code-above-4999': _close_ignored(
        lambda payload: _code(payload) > 4999),
    'RFC6455-7.4.1-close-codes-defined': _close_codes_unanswered(
        range(1001, 1012)),
    'RFC6455-7.4.2-close-codes-private': _close_codes_unanswered(
        range(3000, 5000)),
    'RFC6455-7.1.2-server-close': server_closes_with_1005,
    'CONTRACT-ws-message-at-limit': limit_one_short,
    'RFC6455-10.4-message-over-limit': no_limit,
    'RFC6455-10.4-fragments-over-limit': limit_per_frame,
    'CONTRACT-ws-others-served': one_plain_handler_at_a_time,
    'CONTRACT-ws-two-at-once': one_websocket_at_a_time,
}
