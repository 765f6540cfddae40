"""A raw HTTP/1.1 client over loopback sockets, for the server tests.

Every socket has a timeout, so a server that stops answering fails a test
instead of hanging the run.
"""
import socket
import threading
import time

from mpy_http_conformance.process import free_port  # noqa: F401 (for tests)

TIMEOUT = 5  # seconds: the most any single wait may take


def wait_for(condition, timeout=TIMEOUT, what='condition'):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError('timed out waiting for ' + what)
        time.sleep(0.01)


class Reply:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason = status, reason
        self.headers, self.body = headers, body  # header names lowercased


class Client:
    """A raw HTTP/1.1 client on one connection.

    ``slow=True`` makes a slow reader: a 4 KB receive buffer (set before
    connecting, so the window stays small) and 4 KB reads 5 ms apart, so
    that a large response is still on its way when the server closes.
    """

    def __init__(self, port, timeout=TIMEOUT, slow=False):
        self.sock = socket.socket()
        self.sock.settimeout(timeout)
        self.slow = slow
        if slow:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect(('127.0.0.1', port))
        self.buf = b''

    def send(self, data):
        self.sock.sendall(data)

    def get(self, path, *headers, version='1.1'):
        lines = ['GET %s HTTP/%s' % (path, version)]
        if version == '1.1':
            lines.append('Host: localhost')
        self.send(('\r\n'.join(lines + list(headers)) + '\r\n\r\n').encode())

    def _more(self):
        data = self.sock.recv(4096 if self.slow else 65536)
        if self.slow:
            time.sleep(0.005)
        if not data:
            raise EOFError('the server closed the connection')
        self.buf += data

    def _line(self):
        while b'\r\n' not in self.buf:
            self._more()
        line, _, self.buf = self.buf.partition(b'\r\n')
        return line

    def _take(self, n):
        while len(self.buf) < n:
            self._more()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def take(self, n):
        """The next ``n`` bytes the server sends, whatever they are."""
        return self._take(n)

    def response(self, head=False):
        version, status, reason = self._line().decode().split(' ', 2)
        assert version == 'HTTP/1.1'
        status = int(status)
        headers = {}
        while True:
            line = self._line().decode()
            if not line:
                break
            name, _, value = line.partition(':')
            headers[name.lower()] = value.strip()
        if head or status < 200 or status in (204, 304):
            body = b''
        elif 'content-length' in headers:
            body = self._take(int(headers['content-length']))
        elif headers.get('transfer-encoding') == 'chunked':
            body = b''
            while True:
                size = int(self._line().split(b';')[0], 16)
                body += self._take(size)
                self._take(2)
                if not size:
                    break
        else:
            try:
                while True:
                    self._more()
            except EOFError:
                body, self.buf = self.buf, b''
        return Reply(status, reason, headers, body)

    def closed_by_server(self, timeout=TIMEOUT):
        """True when the server closes the connection within ``timeout``
        without sending anything more. A reset instead of a clean close
        raises ConnectionResetError."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(1024)
        except socket.timeout:
            return False
        return data == b'' and self.buf == b''

    def response_then_close(self):
        """Read everything up to the server's close, which must be clean
        (no reset), and return the one response it holds, whole."""
        try:
            while True:
                self._more()
        except EOFError:
            pass
        except OSError as exc:
            raise AssertionError('%r after %d bytes' % (exc, len(self.buf)))
        received = len(self.buf)
        try:
            res = self.response()
        except EOFError:
            raise AssertionError('a clean close, but after only %d bytes'
                                 % received)
        assert self.buf == b'', 'more after the response'
        return res

    def close(self):
        self.sock.close()


class Sender(threading.Thread):
    """Sends ``pieces`` (byte strings) on a client's connection in the
    background, ``pause`` seconds apart, until they run out or ``finish()``
    is called; ``error`` is the OSError that stopped it, if one did."""

    def __init__(self, client, pieces, pause=0):
        super().__init__(daemon=True)
        self.sock, self.pieces, self.pause = client.sock, pieces, pause
        self.sent = 0
        self.error = None
        self.halt = threading.Event()
        self.start()

    def run(self):
        try:
            for piece in self.pieces:
                if self.halt.is_set():
                    break
                self.sock.sendall(piece)
                self.sent += len(piece)
                if self.pause:
                    time.sleep(self.pause)
        except OSError as exc:
            self.error = exc

    def finish(self, timeout=TIMEOUT):
        """Stop sending; returns the bytes sent."""
        self.halt.set()
        self.join(timeout)
        assert not self.is_alive(), 'the sender is stuck'
        return self.sent
