"""WebSocket (RFC 6455) at the wire level, for the cases: frames built byte
for byte (masked or not, any bits, any length form), the opening handshake,
and a reader of the server's frames that is strict about what a server may
send (RFC 6455 5.1, 5.2, 5.5)::

    ws = WebSocketClient(probe, '/ws/echo')   # the handshake, on a new connection
    ws.open()                                 # the 101, checked; else a violation
    ws.send(frame(TEXT, b'Hello'))            # masked with a fresh key
    got = ws.read_frame()                     # a Frame, or None: nothing came
    ws.ended                                  # None (open), 'FIN' or 'RST'

Every frame sent and received is kept, as bytes and as one line each, in
the case's evidence: the handshake and the frames sent as its request, the
101 as its response head, the frames received as its response body.
"""
import base64
import hashlib
import os

from conformance.rules import WEBSOCKET_FRAMES
from conformance.wire import quoted

CONT, TEXT, BINARY, CLOSE, PING, PONG = 0, 1, 2, 8, 9, 10
OPCODES = {CONT: 'CONT', TEXT: 'TEXT', BINARY: 'BINARY', CLOSE: 'CLOSE',
           PING: 'PING', PONG: 'PONG'}
GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='  # RFC 6455 1.3's example
RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
SHOWN_HEX = 48  # bytes of a frame shown in hex in the evidence


def new_key():
    """A fresh Sec-WebSocket-Key: 16 random bytes in base64."""
    return base64.b64encode(os.urandom(16)).decode()


def accept_for(key):
    """The Sec-WebSocket-Accept a server owes for ``key`` (RFC 6455 4.2.2)."""
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()
                            ).decode()


def handshake(path, host, key=None, version='13', headers=None,
              method='GET', http_version='HTTP/1.1'):
    """The bytes of an opening handshake. ``headers`` replaces the
    standard ones by name (a value of None leaves that header out) and adds
    others; ``key`` None makes a fresh one."""
    fields = [('Host', host), ('Upgrade', 'websocket'),
              ('Connection', 'Upgrade'),
              ('Sec-WebSocket-Key', key or new_key()),
              ('Sec-WebSocket-Version', version)]
    extra = list(headers or [])
    names = {name.lower() for name, _ in extra}
    lines = ['%s %s %s' % (method, path, http_version)]
    lines += ['%s: %s' % f for f in fields if f[0].lower() not in names]
    lines += ['%s: %s' % f for f in extra if f[1] is not None]
    return ('\r\n'.join(lines) + '\r\n\r\n').encode()


def frame(opcode, payload=b'', fin=True, rsv=0, mask=True, length=None):
    """A client's frame, byte for byte. ``mask``: True (a fresh key), False
    (no mask: a client MUST mask) or the 4-byte key; ``rsv``: the three
    reserved bits as a number (RFC 6455 5.2); ``length``: the length form
    (7, 16 or 64) when not the shortest, or ``(form, declared)`` to state a
    length other than the payload's."""
    if isinstance(payload, str):
        payload = payload.encode()
    declared = len(payload)
    form = 7 if declared < 126 else 16 if declared < 0x10000 else 64
    if isinstance(length, tuple):
        form, declared = length
    elif length is not None:
        form = length
    key = os.urandom(4) if mask is True else mask or None
    second = 0x80 if key else 0
    head = bytearray([(0x80 if fin else 0) | (rsv & 7) << 4 | opcode])
    if form == 7:
        head.append(second | declared)
    elif form == 16:
        head.append(second | 126)
        head += declared.to_bytes(2, 'big')
    else:
        head.append(second | 127)
        head += declared.to_bytes(8, 'big')
    if key:
        head += key
        payload = bytes(b ^ key[i & 3] for i, b in enumerate(payload))
    return bytes(head) + payload


def close_payload(code=None, reason=b''):
    """A Close frame's payload: the code in two bytes, then the reason."""
    if code is None:
        return b''
    if isinstance(reason, str):
        reason = reason.encode()
    return code.to_bytes(2, 'big') + reason


def close_frame(code=None, reason=b'', **options):
    return frame(CLOSE, close_payload(code, reason), **options)


class Frame:
    """A frame the server sent, as read: ``problem`` says what in it a
    server may not send (RFC 6455 5.1, 5.2, 5.5), or is None."""

    def __init__(self, raw, fin, rsv, opcode, masked, payload, form):
        self.raw = raw
        self.fin = fin
        self.rsv = rsv
        self.opcode = opcode
        self.masked = masked
        self.payload = payload
        self.problem = None
        length = len(payload)
        if masked:
            self.problem = 'a masked frame (RFC 6455 5.1: a server MUST NOT ' \
                'mask)'
        elif rsv:
            self.problem = 'reserved bits %d set (RFC 6455 5.2)' % rsv
        elif opcode not in OPCODES:
            self.problem = 'the unknown opcode %d (RFC 6455 5.2)' % opcode
        elif form != (7 if length < 126 else 16 if length < 0x10000 else 64):
            self.problem = 'a %d-byte length in the %d-bit form (RFC 6455 ' \
                '5.2: the minimal number of bytes MUST be used)' % (
                    length, form)
        elif opcode >= CLOSE and (length > 125 or not fin):
            self.problem = 'a control frame %s (RFC 6455 5.5: at most 125 ' \
                'bytes, never fragmented)' % (
                    'of %d bytes' % length if length > 125 else
                    'without FIN')
        elif opcode == CLOSE and length == 1:
            self.problem = 'a Close frame with a one-byte payload (RFC ' \
                '6455 5.5.1)'

    @property
    def close_code(self):
        """A Close frame's code, or None when it has none."""
        if self.opcode != CLOSE or len(self.payload) < 2:
            return None
        return int.from_bytes(self.payload[:2], 'big')

    @property
    def close_reason(self):
        return self.payload[2:] if self.opcode == CLOSE else b''

    def text(self):
        """The payload as UTF-8 text, or None when it is not."""
        try:
            return self.payload.decode('utf-8')
        except UnicodeDecodeError:
            return None

    def describe(self):
        return describe(self.opcode, self.payload, self.fin, self.rsv,
                        self.masked)


def describe(opcode, payload, fin=True, rsv=0, masked=False):
    """One line for a frame: its opcode, flags and payload."""
    flags = [OPCODES.get(opcode, 'opcode %d' % opcode)]
    if not fin:
        flags.append('FIN=0')
    if rsv:
        flags.append('RSV=%d' % rsv)
    if masked:
        flags.append('masked')
    if opcode == CLOSE and len(payload) >= 2:
        flags.append('code %d' % int.from_bytes(payload[:2], 'big'))
        payload = payload[2:]
    return '%s, %d bytes: %s' % (' '.join(flags), len(payload),
                                 quoted(payload, 60))


def describe_sent(data):
    """Lines for bytes a client sent as frames: each frame it holds (its
    payload unmasked), and any bytes left that make no whole frame."""
    lines = []
    while data:
        parsed = parse_frame(data, unmask=True)
        if parsed is None:
            lines.append('%d bytes of a frame: %s' % (len(data), _hex(data)))
            break
        f, size = parsed
        lines.append('> %s   [%s]' % (f.describe(), _hex(data[:size])))
        data = data[size:]
    return lines


def _hex(data):
    shown = ' '.join('%02x' % b for b in data[:SHOWN_HEX])
    return shown + (' ...' if len(data) > SHOWN_HEX else '')


def parse_frame(buf, unmask=False):
    """(Frame, its size in bytes) from the start of ``buf``, or None while
    it is incomplete; ``unmask``: a masked payload is given unmasked."""
    if len(buf) < 2:
        return None
    first, second = buf[0], buf[1]
    length = second & 0x7F
    form, at = 7, 2
    if length == 126:
        form, at = 16, 4
    elif length == 127:
        form, at = 64, 10
    if len(buf) < at:
        return None
    if form != 7:
        length = int.from_bytes(buf[2:at], 'big')
    masked = bool(second & 0x80)
    key = buf[at:at + 4] if masked else b''
    at += len(key)
    if len(key) < 4 * masked or len(buf) < at + length:
        return None
    payload = bytes(buf[at:at + length])
    if masked and unmask:
        payload = bytes(b ^ key[i & 3] for i, b in enumerate(payload))
    return Frame(bytes(buf[:at + length]), bool(first & 0x80),
                 (first >> 4) & 7, first & 0x0F, masked, payload,
                 form), at + length


class WebSocketClient:
    """A client's side of one WebSocket connection, byte for byte.

    ``open()`` sends the opening handshake and reads the answer; ``send``
    sends bytes as they are (build them with ``frame``); ``read_frame``
    waits for the next whole frame; ``wait_closed`` for the server to close
    the connection. All of it goes to the case's evidence.
    """

    def __init__(self, probe, path, key=None, headers=None, version='13',
                 method='GET', http_version='HTTP/1.1'):
        self.probe = probe
        probe.check_route(path)
        self.key = key or new_key()
        self.request = handshake(path, probe.target.host_header, self.key,
                                 version, headers, method, http_version)
        self.conn = None
        self.reply = None  # the answer to the handshake
        self.sent = []  # lines: the frames sent
        self.received = []  # the frames received (Frame)
        self.entry = None

    # ------------------------------------------------------------ opening

    def handshake(self):
        """Send the handshake and read the answer (``reply``), whatever it
        is; a malformed or missing answer is a hard violation."""
        self.conn = self.probe.connect()
        self.conn.send(self.request)
        self.reply = self.conn.read_reply('GET')
        self.conn.sent = b''
        self.entry = {'request': '', 'response_head': '', 'note': ''}
        self.probe.keep(self.conn, self.entry)
        self._update()
        self.probe.well_formed(self.reply)
        return self.reply

    def open(self):
        """The handshake, accepted: a 101 with the Sec-WebSocket-Accept RFC
        6455 4.2.2 requires. The case stands on it: if it is not, the case
        is BLOCKED by the case that judges it."""
        reply = self.handshake()
        probe = self.probe
        with probe.stands_on('RFC6455-4.2.2-accept-101'):
            probe.expect(reply.status == 101, 'the WebSocket handshake '
                         'accepted with 101 Switching Protocols',
                         reply.describe())
        accept = reply.header('Sec-WebSocket-Accept')
        with probe.stands_on('RFC6455-4.2.2-accept-key'):
            probe.expect(accept == accept_for(self.key),
                         'Sec-WebSocket-Accept: %s' % accept_for(self.key),
                         'Sec-WebSocket-Accept: %s' % accept)
        return self

    def may_send(self, ok, observed):
        """What the server sent must be a frame a server may send: a rule
        of every WebSocket exchange (``conformance.rules``), judged once,
        and the case ends at its own level."""
        self.probe.hold_to(WEBSOCKET_FRAMES, ok, 'frames a server may send '
                           '(RFC 6455 5.1, 5.2, 5.4, 5.5)', observed)

    # ------------------------------------------------------------- frames

    def send(self, data):
        """Send bytes (frames, or pieces of them) as they are."""
        self.sent += describe_sent(data) if data[:1] else []
        self.conn.send(data)
        self._update()

    def read_frame(self, timeout=None):
        """The next frame, or None when none came whole within ``timeout``
        (default: the target's read timeout) or the connection ended."""
        timeout = self.probe.timeout if timeout is None else timeout
        conn = self.conn
        while True:
            if conn.buffer[:5] == b'HTTP/':
                conn.receive(self.probe.settle)  # the rest of it, to show
                self._update()
                self.may_send(False, 'HTTP on the WebSocket after its 101: '
                              '%s' % quoted(conn.buffer, 80))
            parsed = parse_frame(conn.buffer)
            if parsed is not None:
                f, size = parsed
                conn.buffer = conn.buffer[size:]
                self.received.append(f)
                self._update()
                if f.problem:
                    self.may_send(False, '%s: %s' % (f.problem,
                                                     f.describe()))
                return f
            if not conn.receive(timeout):
                self._update()
                return None

    def frames_until_close(self, timeout=None):
        """The frames that come until the server's Close frame (included),
        the connection ends or nothing comes for ``timeout`` seconds."""
        frames = []
        while True:
            f = self.read_frame(timeout)
            if f is None:
                return frames
            frames.append(f)
            if f.opcode == CLOSE:
                return frames

    def wait_closed(self, timeout=None):
        """True once the server has closed the connection (within
        ``timeout``, default the probe's ``close_wait``); bytes arriving
        meanwhile are read as frames."""
        timeout = self.probe.close_wait if timeout is None else timeout
        self.conn.wait_closed(timeout)
        while self.conn.buffer:
            if self.read_frame(0) is None:
                break
        self._update()
        return self.conn.eof

    @property
    def ended(self):
        return self.conn.ended

    def _update(self):
        # The evidence entry, as it stands.
        entry = self.entry
        if entry is None:
            return
        reply = self.reply
        entry['request'] = '\n'.join(
            [self.request.decode('latin-1').replace('\r\n', '\\r\\n\n')] +
            self.sent)
        entry['response_head'] = reply.head.decode('latin-1').replace(
            '\r\n', '\\r\\n\n') if reply.head else ''
        lines = ['< %s   [%s]' % (f.describe(), _hex(f.raw))
                 for f in self.received]
        if self.conn.buffer and reply.status == 101:
            lines.append('%d bytes more: %s   [%s]' % (
                len(self.conn.buffer), quoted(self.conn.buffer, 80),
                _hex(self.conn.buffer)))
        entry['response_body'] = '\n'.join(lines)
        entry['note'] = 'WebSocket: %s; %d frame(s) sent, %d received' % (
            reply.describe(), len(self.sent), len(self.received))
