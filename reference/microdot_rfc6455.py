"""
microdot_rfc6455: the WebSocket protocol (RFC 6455) without I/O
================================================================

The server's side of RFC 6455 as one state machine that never touches a
socket (h11's shape): the caller hands it the bytes it received and asks
for what they mean; it hands back the bytes to send. The modules
``microdot_websocket`` and ``microdot_asyncio_websocket`` do the reading
and writing::

    ws = Protocol(max_message=16 * 1024)
    accept = ws.check_handshake('GET', '1.1', request.headers)  # or HandshakeError

    ws.receive_data(data)        # bytes from the client; b'' once it closed
    event = ws.next_event()      # NEED_DATA, a message or a Closed
    owed = ws.data_to_send()     # bytes owed to the client: pongs, a Close
    head, payload = ws.send_message('hello')   # a message's frame
    close = ws.close(1000)       # start the closing handshake

A message is its data: ``str`` for text, ``bytes`` for binary. Pings are
answered (with a Pong carrying the same payload), Pongs ignored, fragmented
messages assembled, and control frames may come between their fragments.
Anything the RFC calls a protocol error fails the connection: a Close frame
with the code that says why is owed to the client (1002 protocol error,
1007 text that is not UTF-8, 1009 a message larger than ``max_message``)
and ``next_event`` returns a ``Closed`` with that code; after it, the
client's bytes are not looked at (RFC 6455 7.1.7).

Each step of the protocol is a method of ``Protocol`` that a subclass may
change (the self-tests' mutants do): the handshake's checks
(``check_handshake``, ``valid_key``, ``accept_key``), reading a frame
(``parse_head``, ``check_head``, ``unmask``, ``add_payload``,
``end_message``, ``utf8_class``), answering one (``control``,
``close_reason``, ``valid_close_code``, ``fail``) and writing one
(``frame_head``).

Runs on MicroPython, and keeps a board's heap in mind: UTF-8 is checked by
``Utf8`` (MicroPython's own decoder lets surrogates and overlong forms
through); a payload is unmasked a small piece at a time and a message kept
in those pieces until it is whole, so that the one large block a message
takes is the message itself; the module's own names are few (each costs
the heap a few dozen bytes).
"""
import binascii
import hashlib

try:
    from micropython import const
except ImportError:
    const = int

# opcodes (RFC 6455 5.2)
CONT, TEXT, BINARY, CLOSE, PING, PONG = 0, 1, 2, 8, 9, 10

# close codes (RFC 6455 7.4.1)
NORMAL = 1000
PROTOCOL_ERROR = 1002
INVALID_DATA = 1007
TOO_BIG = 1009
INTERNAL_ERROR = 1011
_NO_STATUS = const(1005)  # a Close without a code: never sent itself
_ABNORMAL = const(1006)  # the client left without a Close: never sent

# next_event: the client must send more first (no message is a bool)
NEED_DATA = False

_PIECE = const(128)  # bytes unmasked at a time: a piece of a message
_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
_BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'


class Opcodes:
    """The frame opcodes by name, as microdot 1.x's WebSocket classes carry
    them (``ws.TEXT``...)."""
    CONT, TEXT, BINARY, CLOSE, PING, PONG = CONT, TEXT, BINARY, CLOSE, PING, \
        PONG


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


class ProtocolError(Exception):
    """The client broke RFC 6455: the connection fails with ``code``."""

    def __init__(self, code, why):
        super().__init__(code, why)
        self.code = code
        self.why = why


class Closed:
    """The connection is over: ``code`` is the client's close code (1005
    when its Close had none, 1006 when it left without one) or the code
    this server failed the connection with (``failed`` True)."""

    def __init__(self, code, reason='', failed=False):
        self.code = code
        self.reason = reason
        self.failed = failed


class Utf8:
    """Checks that bytes fed in pieces are UTF-8 (RFC 3629: no overlong
    forms, no surrogates, nothing above U+10FFFF), failing as soon as a
    byte cannot belong::

        check = Utf8()
        check.feed(b'\\xce\\xba')   # True: still UTF-8
        check.complete             # True: it ends on a character
        Utf8.whole(b'\\xed\\xa0\\x80')   # False: a surrogate
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

    @classmethod
    def whole(cls, data):
        """Whether ``data`` is whole UTF-8 text."""
        check = cls()
        return check.feed(data) and check.complete

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


class Protocol:
    """One WebSocket connection, the server's side, without I/O.

    ``max_message`` bounds a message's size in bytes (None: no bound); a
    frame that would make its message larger fails the connection with
    1009 as soon as its head arrives, before its payload.
    """
    #: The most payload bytes a control frame may carry (RFC 6455 5.5).
    max_control = 125
    #: The class that checks text messages as UTF-8 (``Utf8``).
    utf8_class = Utf8

    def __init__(self, max_message=None):
        self.max_message = max_message
        self.buf = b''  # received, not yet parsed
        self.eof = False  # the client closed its side
        self.out = []  # bytes owed to the client
        self.head = None  # the frame being read, as parse_head gives it
        self.offset = 0  # payload bytes of that frame read so far
        self.control_payload = None  # a control frame's, as it arrives
        self.kind = None  # TEXT or BINARY while a message is under way
        self.message = None  # its payload so far, in pieces (str for text)
        self.size = 0  # the bytes of it received
        self.text = None  # its UTF-8 check
        self.carry = b''  # text: the first bytes of a character not whole
        self.sent_close = False  # this server has sent its Close
        self.closed = None  # the Closed event, once the connection is over

    # --------------------------------------------------------- handshake

    def check_handshake(self, method, http_version, headers):
        """The Sec-WebSocket-Accept value that accepts this opening
        handshake; HandshakeError when it is not one: 400 for a request
        that is not a WebSocket handshake, 426 (with
        ``Sec-WebSocket-Version: 13``) for a version this server does not
        speak. ``headers`` is a case-insensitive dict, repeated fields
        joined with commas."""
        if method != 'GET':
            raise HandshakeError(400, 'A WebSocket handshake is a GET')
        if http_version == '1.0':
            raise HandshakeError(400, 'A WebSocket handshake needs HTTP/1.1')
        for name, token in (('Upgrade', 'websocket'),
                            ('Connection', 'upgrade')):
            if token not in [t.strip().lower() for t in
                             (headers.get(name) or '').split(',')]:
                raise HandshakeError(400, '%s: %s is missing' % (name,
                                                                token))
        key = (headers.get('Sec-WebSocket-Key') or '').strip()
        if not self.valid_key(key):
            raise HandshakeError(400, 'Sec-WebSocket-Key is not 16 bytes in '
                                 'base64')
        version = headers.get('Sec-WebSocket-Version')
        if version is None:
            raise HandshakeError(400, 'Sec-WebSocket-Version is missing')
        if version.strip() != '13':
            raise HandshakeError(
                426, 'This server speaks WebSocket version 13',
                {'Sec-WebSocket-Version': '13', 'Upgrade': 'websocket',
                 'Connection': 'Upgrade'})
        return self.accept_key(key)

    @staticmethod
    def valid_key(key):
        """Whether ``key`` is the base64 form of 16 bytes (RFC 6455
        4.2.1)."""
        return len(key) == 24 and key[22:] == '==' and \
            all(c in _BASE64 for c in key[:22])

    @staticmethod
    def accept_key(key):
        """The Sec-WebSocket-Accept value for a Sec-WebSocket-Key.

        >>> Protocol.accept_key('dGhlIHNhbXBsZSBub25jZQ==')
        's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
        """
        digest = hashlib.sha1(key.encode() + _GUID).digest()
        return binascii.b2a_base64(digest).decode().strip()

    # ------------------------------------------------------------- input

    def receive_data(self, data):
        """Bytes received from the client; ``b''`` when it closed. ``data``
        may be a memoryview of the caller's buffer: the caller may fill it
        anew once ``next_event`` has returned NEED_DATA."""
        if not data:
            self.eof = True
        elif self.closed is None:
            self.buf = self.buf + data if self.buf else data

    def next_event(self):
        """NEED_DATA, the next message (``str`` or ``bytes``), or ``Closed``
        (then always the same one). Control frames are handled on the way:
        see ``data_to_send`` for the answers they owe."""
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
        return self.send_frame(BINARY, data if isinstance(data, bytes)
                               else bytes(data))

    def send_frame(self, opcode, payload):
        """A frame of ``opcode`` (for an API that names one), as (head,
        payload); a Close frame starts the closing handshake."""
        if opcode == CLOSE:
            self.sent_close = True
        return self.frame_head(opcode, len(payload)), payload

    def close(self, code=NORMAL, reason=''):
        """Start the closing handshake: the Close frame to send (b'' if one
        was sent already). The client's Close comes back as ``Closed``."""
        if self.sent_close:
            return b''
        self.sent_close = True
        return self._frame(CLOSE, _close_payload(code, reason))

    @staticmethod
    def frame_head(opcode, length):
        """The head of an unmasked frame (a server's) carrying ``length``
        bytes, the length in as few bytes as it fits (RFC 6455 5.2).

        >>> Protocol.frame_head(TEXT, 300)
        b'\\x81~\\x01,'
        """
        first = 0x80 | opcode
        if length < 126:
            return bytes((first, length))
        if length < 0x10000:
            return bytes((first, 126)) + length.to_bytes(2, 'big')
        return bytes((first, 127)) + length.to_bytes(8, 'big')

    def _frame(self, opcode, payload):
        return self.frame_head(opcode, len(payload)) + payload

    # ----------------------------------------------------------- parsing

    @staticmethod
    def parse_head(buf):
        """The head of the frame that ``buf`` starts with, as (fin, rsv,
        opcode, key, length, size): the FIN bit, the reserved bits (0-7),
        the masking key (None when the frame is not masked), the payload
        length and the head's own size in bytes; None until all of the
        head is there.

        >>> Protocol.parse_head(b'\\x81\\x85\\x37\\xfa\\x21\\x3d')
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
        return (bool(first & 0x80), (first >> 4) & 7, first & 0x0F, key,
                length, size + (4 if masked else 0))

    @staticmethod
    def unmask(data, key, offset=0):
        """``data`` XOR the masking ``key`` (RFC 6455 5.3), ``data[0]``
        being byte ``offset`` of the payload, as a bytearray made in place:
        no other block is made on the way, so that a message's pieces lie
        side by side in the heap, leaving the rest of it in one piece.

        >>> Protocol.unmask(b'\\x7f\\x9f\\x4d\\x51\\x58', b'\\x37\\xfa\\x21\\x3d')
        bytearray(b'Hello')
        """
        out = bytearray(data)
        for i in range(len(out)):
            out[i] ^= key[(offset + i) & 3]
        return out

    def _step(self):
        # One step through the input: an event, None to go on, or
        # NEED_DATA.
        head = self.head
        if head is None:
            head = self.parse_head(self.buf)
            if head is None:
                return self._starved()
            self._start(head)
            return None
        left = head[4] - self.offset
        if left:
            buf = self.buf
            if not buf:
                return self._starved()
            n = min(left, len(buf))
            view = memoryview(buf)
            for i in range(0, n, _PIECE):  # small pieces: no large copy
                piece = view[i:min(i + _PIECE, n)]
                self.add_payload(self.unmask(piece, head[3], self.offset))
                self.offset += len(piece)
            self.buf = buf[n:]
            if self.offset < head[4]:
                return None
        self.head = None
        if head[2] >= CLOSE:
            payload, self.control_payload = self.control_payload, None
            return self.control(head[2], payload)
        return self.end_message() if head[0] else None

    def _starved(self):
        if self.eof:
            self.closed = Closed(_ABNORMAL)
            return self.closed
        if self.buf:  # the start of a head: kept apart from the caller's
            self.buf = bytes(self.buf)
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
            # Kept in the small pieces it is unmasked in, and joined at the
            # end: the one large block it takes is the message itself (a
            # board's heap, cut in small pieces after a while, may have no
            # room for a large block twice, nor for one that grows).
            self.message = []
            if opcode == TEXT:
                self.text = self.utf8_class()
                self.carry = b''

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
        UTF-8 as they come (and kept as ``str`` pieces of whole
        characters)."""
        if self.head[2] >= CLOSE:
            self.control_payload += data
            return
        self.size += len(data)
        text = self.text
        if text is not None:
            if not text.feed(data):
                raise ProtocolError(INVALID_DATA, 'a text message that is '
                                    'not UTF-8')
            data = self.carry + data
            end = len(data)
            if text.need:  # back to the first byte of the last character
                end -= 1
                while data[end] < 0xC0:
                    end -= 1
            self.carry = data[end:]
            data = str(data[:end], 'utf-8')
        self.message.append(data)

    def end_message(self):
        """The message whose last frame has come."""
        message, kind, text = self.message, self.kind, self.text
        self.message = self.kind = self.text = None
        if kind == BINARY:
            return b''.join(message)
        if not text.complete:
            raise ProtocolError(INVALID_DATA, 'a text message that ends '
                                'inside a character')
        return ''.join(message)

    def control(self, opcode, payload):
        """Handle a control frame: a Ping is answered with a Pong of the
        same payload (RFC 6455 5.5.2), a Pong passed over, a Close answered
        with a Close (5.5.1) and returned as ``Closed``."""
        if opcode == PING:
            if not self.sent_close:
                self.out.append(self._frame(PONG, payload))
            return None
        if opcode == PONG:
            return None  # a heartbeat, or the answer to a Ping
        code, reason = self.close_reason(payload)
        if not self.sent_close:
            self.sent_close = True
            self.out.append(self._frame(CLOSE, _close_payload(
                None if code == _NO_STATUS else code)))
        self.closed = Closed(code, reason)
        return self.closed

    def close_reason(self, payload):
        """A Close frame's (code, reason): (1005, '') for an empty payload;
        ProtocolError for a payload no Close may carry."""
        if not payload:
            return _NO_STATUS, ''
        if len(payload) == 1:
            raise ProtocolError(PROTOCOL_ERROR, 'a Close frame with a '
                                'one-byte payload')
        code = int.from_bytes(payload[:2], 'big')
        if not self.valid_close_code(code):
            raise ProtocolError(PROTOCOL_ERROR, 'close code %d' % code)
        reason = payload[2:]
        if not Utf8.whole(reason):
            raise ProtocolError(INVALID_DATA, 'a close reason that is not '
                                'UTF-8')
        return code, reason.decode()

    @staticmethod
    def valid_close_code(code):
        """Whether a Close frame may carry ``code`` (RFC 6455 7.4): the
        codes the RFC defines for use and those IANA registered since
        (1012-1014), and 3000-4999 for libraries and applications."""
        return 1000 <= code <= 1003 or 1007 <= code <= 1014 or \
            3000 <= code <= 4999

    def fail(self, code, why):
        """Fail the connection (RFC 6455 7.1.7): a Close frame saying why
        (``code``), unless one was sent; nothing the client sends is looked
        at any more. Returns the ``Closed``."""
        if not self.sent_close:
            self.sent_close = True
            self.out.append(self._frame(CLOSE, _close_payload(code)))
        self.buf = b''
        self.message = self.control_payload = None
        self.closed = Closed(code, why, failed=True)
        return self.closed


def _close_payload(code=None, reason=''):
    # A Close frame's payload: the code in two bytes, then the reason.
    if code is None:
        return b''
    return code.to_bytes(2, 'big') + reason.encode()
