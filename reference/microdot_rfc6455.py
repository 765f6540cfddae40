"""
microdot_rfc6455: the WebSocket protocol (RFC 6455) without I/O
================================================================

The server's side of RFC 6455 as plain functions and one state machine
that never touches a socket (h11's shape): the caller hands it the bytes it
received and asks for what they mean; it hands back the bytes to send. The
modules ``microdot_websocket`` and ``microdot_asyncio_websocket`` do the
reading and writing::

    accept = check_handshake('GET', '1.1', request.headers)  # or HandshakeError
    head = switching_protocols(accept)   # the 101 response, as bytes

    ws = Protocol(max_message=16 * 1024)
    ws.receive_data(data)        # bytes from the client; b'' once it closed
    event = ws.next_event()      # NEED_DATA, a Message or a Closed
    owed = ws.data_to_send()     # bytes owed to the client: pongs, a Close
    head, payload = ws.send_message('hello')   # a message's frame
    close = ws.close(1000)       # start the closing handshake

A ``Message`` holds a text message as ``str`` and a binary one as
``bytes``. Pings are answered (with a Pong carrying the same payload), Pongs
ignored, fragmented messages assembled, and control frames may come
between their fragments. Anything the RFC calls a protocol error fails the
connection: a Close frame with the code that says why is owed to the client
(1002 protocol error, 1007 text that is not UTF-8, 1009 a message larger
than ``max_message``) and ``next_event`` returns a ``Closed`` with that code;
after it, the client's bytes are not looked at (RFC 6455 7.1.7).

Runs on MicroPython: UTF-8 is checked by ``Utf8`` (MicroPython's own decoder
lets surrogates and overlong forms through), payloads are unmasked a piece
at a time, so that no large temporary block is needed.
"""
import binascii
import hashlib

# opcodes (RFC 6455 5.2)
CONT, TEXT, BINARY, CLOSE, PING, PONG = 0, 1, 2, 8, 9, 10

# close codes (RFC 6455 7.4.1)
NORMAL = 1000
GOING_AWAY = 1001
PROTOCOL_ERROR = 1002
NO_STATUS = 1005  # none was given: never sent in a Close frame
ABNORMAL = 1006  # the connection ended without a Close: never sent either
INVALID_DATA = 1007
TOO_BIG = 1009
INTERNAL_ERROR = 1011

VERSION = '13'
_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
_BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
MAX_CONTROL = 125  # bytes of payload a control frame may carry
PIECE = 512  # bytes unmasked at a time


# ------------------------------------------------------------------ handshake

class HandshakeError(Exception):
    """An opening handshake the server must refuse (RFC 6455 4.2.1): the
    HTTP ``status`` to answer with, a ``reason`` for the body and the
    ``headers`` the answer needs (426 names the version this server
    speaks)."""

    def __init__(self, status, reason, headers=None):
        super().__init__(status, reason)
        self.status = status
        self.reason = reason
        self.headers = headers or {}


def _tokens(value):
    return [t.strip().lower() for t in (value or '').split(',')]


def valid_key(key):
    """Whether ``key`` is the base64 form of 16 bytes (RFC 6455 4.2.1)."""
    return len(key) == 24 and key[22:] == '==' and \
        all(c in _BASE64 for c in key[:22])


def accept_key(key):
    """The Sec-WebSocket-Accept value for a Sec-WebSocket-Key.

    >>> accept_key('dGhlIHNhbXBsZSBub25jZQ==')
    's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
    """
    digest = hashlib.sha1(key.encode() + _GUID).digest()
    return binascii.b2a_base64(digest).decode().strip()


def check_handshake(method, http_version, headers):
    """The Sec-WebSocket-Accept value that accepts this opening handshake;
    HandshakeError when it is not one: 400 for a request that is not a
    WebSocket handshake, 426 (with ``Sec-WebSocket-Version: 13``) for a
    version this server does not speak. ``headers`` is a case-insensitive
    dict, repeated fields joined with commas."""
    if method != 'GET':
        raise HandshakeError(400, 'A WebSocket handshake is a GET')
    if http_version == '1.0':
        raise HandshakeError(400, 'A WebSocket handshake needs HTTP/1.1')
    if 'websocket' not in _tokens(headers.get('Upgrade')):
        raise HandshakeError(400, 'Upgrade: websocket is missing')
    if 'upgrade' not in _tokens(headers.get('Connection')):
        raise HandshakeError(400, 'Connection: Upgrade is missing')
    key = (headers.get('Sec-WebSocket-Key') or '').strip()
    if not valid_key(key):
        raise HandshakeError(400, 'Sec-WebSocket-Key is not 16 bytes in '
                             'base64')
    version = headers.get('Sec-WebSocket-Version')
    if version is None:
        raise HandshakeError(400, 'Sec-WebSocket-Version is missing')
    if version.strip() != VERSION:
        raise HandshakeError(426, 'This server speaks WebSocket version 13',
                             {'Sec-WebSocket-Version': VERSION,
                              'Upgrade': 'websocket',
                              'Connection': 'Upgrade'})
    return accept_key(key)


def switching_protocols(accept):
    """The 101 response that accepts a handshake, as bytes."""
    return b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n' \
        b'Connection: Upgrade\r\nSec-WebSocket-Accept: ' + accept.encode() + \
        b'\r\n\r\n'


# --------------------------------------------------------------------- frames

def frame_head(opcode, length, fin=True):
    """The head of an unmasked frame (a server's) carrying ``length``
    bytes, the length in as few bytes as it fits (RFC 6455 5.2)."""
    first = (0x80 if fin else 0) | opcode
    if length < 126:
        return bytes((first, length))
    if length < 0x10000:
        return bytes((first, 126)) + length.to_bytes(2, 'big')
    return bytes((first, 127)) + length.to_bytes(8, 'big')


def frame(opcode, payload=b'', fin=True):
    """A whole unmasked frame, as bytes."""
    return frame_head(opcode, len(payload), fin) + payload


def close_payload(code=None, reason=''):
    """The payload of a Close frame: the code in two bytes, then the
    reason in UTF-8; empty without a code."""
    if code is None:
        return b''
    return code.to_bytes(2, 'big') + reason.encode()


def valid_close_code(code):
    """Whether a Close frame may carry ``code`` (RFC 6455 7.4): the codes
    the RFC defines for use and those IANA registered since (1012-1014),
    and 3000-4999 for libraries and applications."""
    return 1000 <= code <= 1003 or 1007 <= code <= 1014 or \
        3000 <= code <= 4999


def _big_ints():
    try:
        return int.from_bytes(b'\x01' * 16, 'big') > 0
    except (OverflowError, ValueError):  # a port without long integers
        return False


if _big_ints():
    def _unmask(data, key):
        # XOR as integers: one C loop instead of a Python one per byte
        n = len(data)
        keys = key * ((n >> 2) + 1)
        return (int.from_bytes(data, 'big') ^
                int.from_bytes(keys[:n], 'big')).to_bytes(n, 'big')
else:
    def _unmask(data, key):
        out = bytearray(data)
        for i in range(len(out)):
            out[i] ^= key[i & 3]
        return bytes(out)


def unmask(data, key, offset=0):
    """``data`` XOR the masking ``key`` (RFC 6455 5.3), ``data[0]`` being
    byte ``offset`` of the payload; in pieces of PIECE bytes."""
    shift = offset & 3
    if shift:
        key = key[shift:] + key[:shift]
    if len(data) <= PIECE:
        return _unmask(data, key)
    return b''.join([_unmask(data[i:i + PIECE], key)
                     for i in range(0, len(data), PIECE)])


class Utf8:
    """Checks that bytes fed in pieces are UTF-8 (RFC 3629: no overlong
    forms, no surrogates, nothing above U+10FFFF), failing as soon as a
    byte cannot belong::

        check = Utf8()
        check.feed(b'\\xce\\xba')   # True: still UTF-8
        check.complete             # True: it ends on a character
    """

    def __init__(self):
        self.need = 0  # continuation bytes still to come
        self.low = 0x80  # the range of the next continuation byte
        self.high = 0xBF
        self.valid = True

    @property
    def complete(self):
        """Valid, and not in the middle of a character."""
        return self.valid and not self.need

    def feed(self, data):
        """Add bytes; False once they cannot be UTF-8."""
        if not self.valid:
            return False
        if not data or (not self.need and max(data) < 0x80):
            return True  # ASCII, checked in one C loop
        need, low, high = self.need, self.low, self.high
        for byte in data:
            if need:
                if byte < low or byte > high:
                    self.valid = False
                    return False
                need -= 1
                low, high = 0x80, 0xBF
            elif byte < 0x80:
                continue
            elif 0xC2 <= byte <= 0xDF:
                need = 1
            elif 0xE0 <= byte <= 0xEF:
                need = 2
                if byte == 0xE0:
                    low = 0xA0  # else overlong
                elif byte == 0xED:
                    high = 0x9F  # else a surrogate
            elif 0xF0 <= byte <= 0xF4:
                need = 3
                if byte == 0xF0:
                    low = 0x90  # else overlong
                elif byte == 0xF4:
                    high = 0x8F  # else above U+10FFFF
            else:
                self.valid = False
                return False
        self.need, self.low, self.high = need, low, high
        return True


def is_utf8(data):
    """Whether ``data`` is whole UTF-8 text."""
    check = Utf8()
    return check.feed(data) and check.complete


# ------------------------------------------------------------------- protocol

NEED_DATA = 'NEED_DATA'  # next_event: the client must send more first


class Message:
    """A whole message: ``data`` is ``str`` (text) or ``bytes`` (binary)."""

    def __init__(self, data):
        self.data = data

    def __repr__(self):
        return 'Message(%r)' % (self.data,)


class Closed:
    """The connection is over: ``code`` is the client's close code (1005
    when its Close had none, 1006 when it left without one) or the code
    this server failed the connection with (``failed`` True)."""

    def __init__(self, code, reason='', failed=False):
        self.code = code
        self.reason = reason
        self.failed = failed

    def __repr__(self):
        return 'Closed(%d, %r%s)' % (self.code, self.reason,
                                     ', failed' if self.failed else '')


def parse_head(buf):
    """The head of the frame that ``buf`` starts with, as (fin, rsv,
    opcode, key, length, size): the FIN bit, the reserved bits (0-7), the
    masking key (None when the frame is not masked), the payload length and
    the head's own size in bytes; None until all of the head is there.

    >>> parse_head(b'\\x81\\x85\\x37\\xfa\\x21\\x3d')
    (True, 0, 1, b'7\\xfa!=', 5, 6)
    """
    if len(buf) < 2:
        return None
    first, second = buf[0], buf[1]
    length = second & 0x7F
    size = 2 + (2 if length == 126 else 8 if length == 127 else 0)
    masked = second & 0x80
    if len(buf) < size + (4 if masked else 0):
        return None
    if length == 126:
        length = int.from_bytes(buf[2:4], 'big')
    elif length == 127:
        length = int.from_bytes(buf[2:10], 'big')
    key = bytes(buf[size:size + 4]) if masked else None
    return (bool(first & 0x80), (first >> 4) & 7, first & 0x0F, key, length,
            size + (4 if masked else 0))


class ProtocolError(Exception):
    """The client broke RFC 6455: the connection fails with ``code``."""

    def __init__(self, code, why):
        super().__init__(code, why)
        self.code = code
        self.why = why


class Protocol:
    """One WebSocket connection, the server's side, without I/O.

    ``max_message`` bounds a message's size in bytes (None: no bound); a
    frame that would make its message larger fails the connection with
    1009 as soon as its head arrives, before its payload.

    Its steps are methods a subclass may change: ``check_head`` (what a
    frame's head may be), ``add_payload`` (a data frame's payload, checked),
    ``end_message``, ``control`` (a control frame's answer),
    ``close_reason`` (a Close frame's code and reason) and ``fail``.
    """
    #: The most payload bytes a control frame may carry (RFC 6455 5.5).
    max_control = 125

    def __init__(self, max_message=None):
        self.max_message = max_message
        self.buf = b''  # received, not yet parsed
        self.eof = False  # the client closed its side
        self.out = []  # bytes owed to the client
        self.head = None  # the frame being read, as parse_head gives it
        self.offset = 0  # payload bytes of that frame read so far
        self.control_payload = None  # a control frame's, as it arrives
        self.kind = None  # TEXT or BINARY while a message is under way
        self.message = None  # its payload so far (a bytearray)
        self.view = None  # a memoryview of it, when made to its size
        self.size = 0  # the bytes of it received
        self.text = None  # its UTF-8 check
        self.sent_close = False  # this server has sent its Close
        self.closed = None  # the Closed event, once the connection is over

    # ------------------------------------------------------------- input

    def receive_data(self, data):
        """Bytes received from the client; ``b''`` when it closed."""
        if not data:
            self.eof = True
        elif self.closed is None:
            self.buf = self.buf + data if self.buf else data

    def next_event(self):
        """NEED_DATA, the next ``Message``, or ``Closed`` (then always the
        same one). Control frames are handled on the way: see
        ``data_to_send`` for the answers they owe."""
        while self.closed is None:
            try:
                event = self._step()
            except ProtocolError as exc:
                return self.fail(exc.code, exc.why)
            if event is not None:
                return event
        return self.closed

    def data_to_send(self):
        """The bytes owed to the client (Pongs, a Close), once."""
        if not self.out:
            return b''
        out = b''.join(self.out)
        self.out = []
        return out

    # ------------------------------------------------------------ output

    def send_message(self, data):
        """The frame of a message, as (head, payload): ``str`` is sent as
        text, anything else as binary."""
        if isinstance(data, str):
            return self.send_frame(TEXT, data.encode())
        return self.send_frame(BINARY, bytes(data))

    def send_frame(self, opcode, payload):
        """A frame of ``opcode`` (for an API that names one), as (head,
        payload); a Close frame starts the closing handshake."""
        if opcode == CLOSE:
            self.sent_close = True
        return frame_head(opcode, len(payload)), payload

    def close(self, code=NORMAL, reason=''):
        """Start the closing handshake: the Close frame to send (b'' if one
        was sent already). The client's Close comes back as ``Closed``."""
        if self.sent_close:
            return b''
        self.sent_close = True
        return frame(CLOSE, close_payload(code, reason))

    # ----------------------------------------------------------- parsing

    def _step(self):
        # One step through the input: an event, None to go on, or
        # NEED_DATA.
        head = self.head
        if head is None:
            head = parse_head(self.buf)
            if head is None:
                return self._starved()
            self._start(head)
            return None
        left = head[4] - self.offset
        if left:
            data = self.buf[:left]
            if not data:
                return self._starved()
            self.buf = self.buf[left:]
            self.add_payload(unmask(data, head[3], self.offset))
            self.offset += len(data)
            if self.offset < head[4]:
                return None
        self.head = None
        if head[2] >= CLOSE:
            payload, self.control_payload = self.control_payload, None
            return self.control(head[2], payload)
        return self.end_message() if head[0] else None

    def _starved(self):
        if self.eof:
            self.closed = Closed(ABNORMAL)
            return self.closed
        return NEED_DATA

    def _start(self, head):
        # A frame's head has come: check it, and get ready for its payload.
        fin, rsv, opcode, key, length, size = head
        self.check_head(fin, rsv, opcode, key, length)
        self.buf = self.buf[size:]
        self.head = head
        self.offset = 0
        if opcode >= CLOSE:
            self.control_payload = b''
        elif opcode != CONT:
            self.kind = opcode
            self.size = 0
            if fin:  # made to its size: one block, never grown
                self.message = bytearray(length)
                self.view = memoryview(self.message)
            else:
                self.message = bytearray()
            if opcode == TEXT:
                self.text = Utf8()

    def check_head(self, fin, rsv, opcode, key, length):
        """ProtocolError unless a frame with this head may come now."""
        if rsv:
            raise ProtocolError(PROTOCOL_ERROR, 'reserved bits set')
        if opcode not in (CONT, TEXT, BINARY, CLOSE, PING, PONG):
            raise ProtocolError(PROTOCOL_ERROR, 'unknown opcode %d' % opcode)
        if key is None:
            raise ProtocolError(PROTOCOL_ERROR, 'a frame not masked')
        if length >> 63:
            raise ProtocolError(PROTOCOL_ERROR, 'the length has its most '
                                'significant bit set')
        if opcode >= CLOSE:
            if not fin:
                raise ProtocolError(PROTOCOL_ERROR, 'a fragmented control '
                                    'frame')
            if length > self.max_control:
                raise ProtocolError(PROTOCOL_ERROR, 'a control frame of '
                                    '%d bytes' % length)
            return
        if opcode == CONT and self.kind is None:
            raise ProtocolError(PROTOCOL_ERROR, 'a continuation frame '
                                'without a message to continue')
        if opcode != CONT and self.kind is not None:
            raise ProtocolError(PROTOCOL_ERROR, 'a new message before the '
                                'last fragment of the one under way')
        size = length + (self.size if opcode == CONT else 0)
        if self.max_message and size > self.max_message:
            raise ProtocolError(TOO_BIG, 'a message of more than %d bytes'
                                % self.max_message)

    def add_payload(self, data):
        """Payload bytes of the frame being read, unmasked: a control
        frame's are kept for ``control``, a text message's checked as
        UTF-8 as they come."""
        if self.head[2] >= CLOSE:
            self.control_payload += data
            return
        if self.text is not None and not self.text.feed(data):
            raise ProtocolError(INVALID_DATA, 'a text message that is not '
                                'UTF-8')
        if self.view is not None:
            self.view[self.size:self.size + len(data)] = data
        else:
            self.message.extend(data)
        self.size += len(data)

    def end_message(self):
        """The ``Message`` whose last frame has come."""
        message, kind, text = self.message, self.kind, self.text
        self.message = self.view = self.kind = self.text = None
        if kind == BINARY:
            return Message(bytes(message))
        if not text.complete:
            raise ProtocolError(INVALID_DATA, 'a text message that ends '
                                'inside a character')
        return Message(str(message, 'utf-8'))

    def control(self, opcode, payload):
        """Handle a control frame: a Ping is answered with a Pong of the
        same payload (RFC 6455 5.5.2), a Pong passed over, a Close answered
        with a Close (5.5.1) and returned as ``Closed``."""
        if opcode == PING:
            if not self.sent_close:
                self.out.append(frame(PONG, payload))
            return None
        if opcode == PONG:
            return None  # a heartbeat, or the answer to a Ping
        code, reason = self.close_reason(payload)
        if not self.sent_close:
            self.sent_close = True
            self.out.append(frame(CLOSE, close_payload(
                None if code == NO_STATUS else code)))
        self.closed = Closed(code, reason)
        return self.closed

    def close_reason(self, payload):
        """A Close frame's (code, reason): (1005, '') for an empty payload;
        ProtocolError for a payload no Close may carry."""
        if not payload:
            return NO_STATUS, ''
        if len(payload) == 1:
            raise ProtocolError(PROTOCOL_ERROR, 'a Close frame with a '
                                'one-byte payload')
        code = int.from_bytes(payload[:2], 'big')
        if not valid_close_code(code):
            raise ProtocolError(PROTOCOL_ERROR, 'close code %d' % code)
        reason = payload[2:]
        if not is_utf8(reason):
            raise ProtocolError(INVALID_DATA, 'a close reason that is not '
                                'UTF-8')
        return code, reason.decode()

    def fail(self, code, why):
        """Fail the connection (RFC 6455 7.1.7): a Close frame saying why
        (``code``), unless one was sent; nothing the client sends is looked
        at any more. Returns the ``Closed``."""
        if not self.sent_close:
            self.sent_close = True
            self.out.append(frame(CLOSE, close_payload(code)))
        self.buf = b''
        self.message = self.view = self.control_payload = None
        self.closed = Closed(code, why, failed=True)
        return self.closed
