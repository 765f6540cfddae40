"""Raw HTTP/1.1 over a socket: build requests byte for byte, read replies.

Cases use this where the bytes matter. The reader is strict about what a
server sends (RFC 9112): anything it cannot frame or parse is kept as the
reply's ``problem``, with the bytes, rather than raised. How the server
ended the connection is kept too: ``FIN`` (a clean close) or ``RST`` (a
reset, which can destroy response bytes the client has not read yet)::

    with Connection('127.0.0.1', 8080, timeout=5) as conn:
        conn.send(build_request('GET', '/'))
        reply = conn.read_reply('GET')
        reply.status, reply.header('Content-Length'), reply.body
        conn.ended                    # None (open), 'FIN' or 'RST'
"""
import re
import socket
import time

# the SP before an empty reason-phrase is often left out: let that pass
STATUS_LINE = re.compile(rb'^HTTP/(\d)\.(\d) (\d{3})(?: ([\t !-~\x80-\xff]*))?$')
FIELD_LINE = re.compile(rb"^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$")
CTL = re.compile(rb'[\x00-\x08\x0a-\x1f\x7f]')
MAX_HEAD = 64 * 1024
MAX_SHOWN = 4096  # bytes of a message quoted in evidence


def build_request(method='GET', target='/', headers=(), body=b'',
                  version='HTTP/1.1', host='localhost'):
    """Request bytes. ``headers`` is a list of (name, value) pairs or of
    whole raw lines (bytes); a Host header comes first unless ``host`` is
    None; nothing is added or fixed beyond that."""
    lines = [_bytes('%s %s %s' % (method, target, version))
             if isinstance(target, str) else
             _bytes(method) + b' ' + target + b' ' + _bytes(version)]
    if host is not None:
        lines.append(b'Host: ' + _bytes(host))
    for header in headers:
        lines.append(header if isinstance(header, bytes)
                     else _bytes(header[0]) + b': ' + _bytes(header[1]))
    return b'\r\n'.join(lines) + b'\r\n\r\n' + _bytes(body)


def chunked(*pieces, trailer=b''):
    """A chunked body: each piece a chunk, then the last chunk, ``trailer``
    (whole field lines with their CRLF) and the final CRLF."""
    out = [b'%x\r\n%s\r\n' % (len(p), p) for p in pieces if p]
    return b''.join(out) + b'0\r\n' + trailer + b'\r\n'


def _bytes(value):
    return value if isinstance(value, bytes) else str(value).encode('utf-8')


def show_bytes(data):
    """Bytes as readable text, with CR, LF and other controls escaped."""
    if data is None:
        return ''
    shown = data[:MAX_SHOWN]
    out = []
    for byte in shown:
        c = chr(byte)
        if c == '\n':
            out.append('\\n\n')
        elif c == '\r':
            out.append('\\r')
        elif c == '\\':
            out.append('\\\\')
        elif 32 <= byte < 127:
            out.append(c)
        else:
            out.append('\\x%02x' % byte)
    if len(data) > MAX_SHOWN:
        out.append('... (%d more bytes)' % (len(data) - MAX_SHOWN))
    return ''.join(out)


def quoted(data, limit=60):
    """Bytes (or text) on one line between double quotes, escaped."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    text = show_bytes(data[:limit]).replace('\n', '')
    return '"%s"%s' % (text, '...' if len(data) > limit else '')


class Reply:
    """One response as received, and what was wrong with it, if anything.

    ``status`` is None when no status line arrived; then ``closed`` tells a
    close from ``timed_out`` (no answer at all), and ``ended`` whether that
    close was a FIN or a reset (RST). ``problem`` says why a response is not
    a well-formed HTTP/1.1 message (one cut short by a reset is not).
    """

    def __init__(self):
        self.head = b''
        self.interim = []  # heads of 1xx responses before this one
        self.version = self.status = self.reason = None
        self.headers = []
        self.body = b''
        self.closed = False
        self.ended = None  # 'FIN' or 'RST' once the server ended the
        self.timed_out = False  # connection while this reply was read
        self.problem = None
        self.simple = False  # an HTTP/0.9-style answer: no status line
        self.elapsed = 0.0

    @property
    def status_line(self):
        return self.head.split(b'\r\n', 1)[0].decode('latin-1')

    def header(self, name):
        """The first value of a header, or None."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name):
        name = name.lower()
        return [v for n, v in self.headers if n.lower() == name]

    def has_header(self, name):
        return bool(self.header_values(name))

    def describe(self):
        """A one-line account of the reply, for 'observed'."""
        if self.simple:
            return 'an HTTP/0.9-style answer (no status line): %s' % quoted(
                self.head, 100)
        if self.problem:
            return 'malformed response: %s%s' % (self.problem, (
                ' (after %s)' % quoted(self.status_line, 100)) if self.status
                is not None else '')
        if self.status is not None:
            return self.status_line
        if self.timed_out:
            return 'no response within %.1f s' % self.elapsed
        if self.ended == 'RST':
            return 'connection reset (RST) without a response'
        return 'connection closed without a response'


class Connection:
    """A client connection that sends raw bytes and reads replies.

    ``slow=(size, pause)`` makes it a slow reader, as a client on a slow
    link is: a small receive buffer, and reads of ``size`` bytes ``pause``
    seconds apart, so that a server still has response bytes to send when
    it decides to close.
    """

    def __init__(self, host, port, timeout, slow=None):
        self.timeout = timeout
        self.slow = slow
        self.sock = _connect(host, port, timeout,
                             slow[0] if slow else None)
        self.buffer = b''
        self.eof = False
        self.ended = None  # 'FIN' or 'RST': how the server ended it
        self.sent = b''
        self.unsent = 0  # bytes a send could not deliver (the server left)
        self.send_error = None
        self.write_closed = False  # half-closed: no more bytes are coming

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        """Send bytes. A server may answer and close while we are still
        sending (a 413 during an upload): a failed send is not raised but
        kept (``send_error``, ``unsent``) for the evidence."""
        self.sent += data
        view = memoryview(data)
        while view and self.send_error is None:
            try:
                view = view[self.sock.send(view):]
            except socket.timeout:
                self.send_error = 'the server took nothing for %.1f s' % \
                    self.timeout
            except OSError as exc:
                if _is_reset(exc):
                    self.ended = 'RST'
                self.send_error = _reason(exc)
        self.unsent += len(view)

    def shutdown_write(self):
        """Half-close: tell the server no more bytes are coming."""
        self.write_closed = True
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _receive(self, deadline):
        # More bytes into the buffer; False at EOF or when time is up.
        if self.eof:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(remaining)
        size = 65536
        if self.slow:
            size = self.slow[0]
            time.sleep(min(self.slow[1], remaining))
        try:
            data = self.sock.recv(size)
        except socket.timeout:
            return False
        except OSError as exc:
            self.eof = True
            self.ended = 'RST' if _is_reset(exc) else _reason(exc)
            return False
        if not data:
            self.eof = True
            self.ended = self.ended or 'FIN'
            return False
        self.buffer += data
        return True

    def read_reply(self, method='GET', timeout=None):
        """Read the next response (skipping, but keeping, 1xx heads)."""
        started = time.monotonic()
        deadline = started + (timeout or self.timeout)
        reply = Reply()
        try:
            while True:
                if not self._read_head(reply, deadline):
                    break
                if reply.status is not None and 100 <= reply.status < 200 \
                        and reply.status != 101:
                    reply.interim.append(reply.head)
                    reply.head, reply.headers = b'', []
                    reply.status = None
                    continue
                self._read_body(reply, method, deadline)
                break
        finally:
            reply.elapsed = time.monotonic() - started
        reply.closed = self.eof and not self.buffer
        reply.ended = self.ended
        if reply.problem and self.ended == 'RST':
            reply.problem += ', by a connection reset (RST)'
        return reply

    def _read_head(self, reply, deadline):
        while True:
            end = self.buffer.find(b'\r\n\r\n')
            bare = self.buffer.find(b'\n\n')
            if bare >= 0 and (end < 0 or bare < end):
                reply.problem = 'a line ends with a bare LF (RFC 9112 2.2)'
                reply.head, self.buffer = self.buffer[:bare], b''
                return False
            if end >= 0:
                head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
                reply.head = head + b'\r\n\r\n'
                return _parse_head(reply, head)
            if len(self.buffer) > MAX_HEAD:
                reply.problem = 'no end of the header section in %d bytes' \
                    % len(self.buffer)
                return False
            if not self._receive(deadline):
                if self.buffer:
                    reply.head = self.buffer
                    reply.problem = 'the response head is cut short'
                elif not self.eof:
                    reply.timed_out = True
                return False

    def _read_body(self, reply, method, deadline):
        # a 101's head is the last HTTP: what follows is the new protocol's
        if method == 'HEAD' or reply.status in (101, 204, 304):
            return
        lengths = set(reply.header_values('Content-Length'))
        coding = reply.header('Transfer-Encoding')
        if coding is not None:
            if lengths:
                reply.problem = 'both Transfer-Encoding and Content-Length'
            if coding.strip().lower() != 'chunked':
                reply.problem = 'unexpected Transfer-Encoding %s' % quoted(coding)
                return
            self._read_chunked(reply, deadline)
        elif lengths:
            if len(lengths) > 1 or not next(iter(lengths)).isdigit():
                reply.problem = 'invalid Content-Length %s' % ', '.join(
                    quoted(v) for v in sorted(lengths))
                return
            self._read_exactly(reply, int(next(iter(lengths))), deadline)
        else:
            while self._receive(deadline):
                pass
            reply.body, self.buffer = self.buffer, b''
            if not self.eof:
                reply.timed_out = True
                reply.problem = 'a body without length did not end with a ' \
                    'close within the timeout'

    def _read_exactly(self, reply, length, deadline):
        while len(self.buffer) < length:
            if not self._receive(deadline):
                reply.body, self.buffer = self.buffer, b''
                reply.problem = 'body cut short: %d of %d bytes' % (
                    len(reply.body), length)
                reply.timed_out = not self.eof
                return
        reply.body, self.buffer = self.buffer[:length], self.buffer[length:]

    def _read_line(self, deadline):
        while b'\r\n' not in self.buffer:
            if not self._receive(deadline):
                return None
        line, self.buffer = self.buffer.split(b'\r\n', 1)
        return line

    def _read_chunked(self, reply, deadline):
        body = b''
        while True:
            line = self._read_line(deadline)
            if line is None:  # the input ended, or the wait did
                reply.body = body
                reply.timed_out = not self.eof
                reply.problem = 'chunked body cut short: %s before a ' \
                    'chunk-size line' % ('the wait ended' if reply.timed_out
                                         else 'the connection ended')
                return
            size = line.split(b';')[0].strip()
            if not size or not re.match(rb'^[0-9a-fA-F]{1,16}$', size):
                reply.body = body
                reply.problem = 'invalid chunk size line %s' % quoted(line)
                return
            size = int(size, 16)
            if size == 0:
                break
            self._read_exactly(reply, size + 2, deadline)
            if reply.problem or reply.body[-2:] != b'\r\n':
                reply.body = body
                reply.problem = reply.problem or 'chunk data not followed ' \
                    'by CRLF'
                return
            body += reply.body[:-2]
        while True:  # trailer section
            line = self._read_line(deadline)
            if line is None:
                reply.problem = 'chunked body without its final CRLF'
                break
            if not line:
                break
        reply.body = body

    def receive(self, timeout):
        """Wait up to ``timeout`` seconds for more bytes (kept in
        ``buffer``); False at EOF or when none came."""
        return self._receive(time.monotonic() + timeout)

    def wait_for_head(self, timeout):
        """True once a whole response head is buffered (without reading
        on past it, as read_reply would past a 100), False after
        ``timeout`` seconds or at EOF without one."""
        deadline = time.monotonic() + timeout
        while b'\r\n\r\n' not in self.buffer:
            if not self._receive(deadline):
                return False
        return True

    def wait_closed(self, timeout):
        """True if the server closes the connection within ``timeout``
        seconds (bytes arriving meanwhile are kept in ``buffer``)."""
        deadline = time.monotonic() + timeout
        while self._receive(deadline):
            pass
        return self.eof

    def unexpected_bytes(self, wait):
        """Bytes that arrive within ``wait`` seconds when none are due."""
        self.wait_closed(wait)
        data, self.buffer = self.buffer, b''
        return data


def _connect(host, port, timeout, receive_buffer=None):
    # Like socket.create_connection, with a receive buffer set before the
    # connection exists (the window it advertises depends on it).
    problem = OSError('cannot resolve %s' % host)
    for family, kind, proto, _, address in socket.getaddrinfo(
            host, port, 0, socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            if receive_buffer:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF,
                                receive_buffer)
            sock.settimeout(timeout)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            problem = exc
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    raise problem


def _is_reset(exc):
    return isinstance(exc, (ConnectionResetError, BrokenPipeError,
                            ConnectionAbortedError))


def _reason(exc):
    return 'connection reset (RST)' if _is_reset(exc) else \
        (exc.strerror or type(exc).__name__)


def _parse_head(reply, head):
    lines = head.split(b'\r\n')
    match = STATUS_LINE.match(lines[0])
    if match is None:
        reply.problem = 'invalid status line %s' % quoted(lines[0], 200)
        return False
    major, minor, status, reason = match.groups()
    reply.version = 'HTTP/%s.%s' % (major.decode(), minor.decode())
    reply.status = int(status)
    reply.reason = (reason or b'').decode('latin-1')
    for line in lines[1:]:
        field = FIELD_LINE.match(line)
        if field is None or CTL.search(field.group(2)):
            reply.problem = 'invalid header line %s' % quoted(line, 200)
            return False
        reply.headers.append((field.group(1).decode(),
                              field.group(2).decode('latin-1')))
    return True


def exchange(host, port, data, timeout, method=None, linger=0.0):
    """Send ``data`` on a new connection and read one reply. With
    ``linger``, also wait that long for the server to close, so that
    ``reply.closed`` says whether it did."""
    if method is None:
        method = data.split(b' ', 1)[0].decode('latin-1')
    with Connection(host, port, timeout) as conn:
        conn.send(data)
        reply = conn.read_reply(method)
        if linger and not reply.closed and not reply.timed_out:
            reply.closed = conn.wait_closed(linger) and not conn.buffer
    return reply
