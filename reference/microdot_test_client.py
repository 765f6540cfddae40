"""
microdot_test_client: try an application without a network
===========================================================

The client writes real HTTP/1.1 request bytes into the server core over an
in-memory connection and parses the bytes that come back, so a test sees
exactly what a network client would::

    from microdot_test_client import TestClient

    def test_index():
        client = TestClient(app)
        res = client.get('/')
        assert res.status_code == 200
        assert res.text == 'Hello, world!'

Cookies the application sets are kept and sent with later requests.
"""
import json
from io import BytesIO  # noqa: F401 (microdot 1.x's module had these names)

from microdot import NoCaseDict, Request, Response  # noqa: F401



def __getattr__(name):
    # microdot 1.x's module names WebSocket: loaded when asked for, so that
    # a test client costs no WebSocket modules
    if name == 'WebSocket':
        from microdot_websocket import WebSocket
        return WebSocket
    raise AttributeError(name)


class TestResponse:
    """A response as the test client received it: ``status_code``,
    ``reason``, ``headers`` (a NoCaseDict; ``Set-Cookie`` and any repeated
    header as a list), ``body`` (bytes), ``text`` (str, or None if not
    UTF-8) and ``json`` (or None)."""
    __test__ = False
    is_head = False

    def __init__(self, raw=None):
        self.status_code = self.reason = self.headers = self.body = None
        self.text = self.json = None
        if raw is not None:
            self.parse(raw)

    @classmethod
    def create(cls, res):
        """The TestResponse of a Response object, as its application made
        it (completed: ``Response.complete``), without a server."""
        test_res = cls()
        res.complete()
        test_res.status_code = res.status_code
        test_res.reason = res.reason
        test_res.headers = res.headers
        test_res.is_head = res.is_head
        body = b''
        for piece in res.body_iter():
            body += piece.encode() if isinstance(piece, str) else piece
        test_res.take_body(body)
        return test_res

    def parse(self, raw):
        """Fill in what the response bytes ``raw`` say."""
        head, _, rest = raw.partition(b'\r\n\r\n')
        lines = head.decode().split('\r\n')
        _, status, self.reason = (lines[0] + ' ').split(' ', 2)
        self.reason = self.reason.strip()
        self.status_code = int(status)
        self.headers = NoCaseDict()
        for line in lines[1:]:
            name, _, value = line.partition(':')
            value = value.strip()
            if name in self.headers:
                old = self.headers[name]
                value = (old if isinstance(old, list) else [old]) + [value]
            elif name.lower() == 'set-cookie':
                value = [value]
            self.headers[name] = value
        self.take_body(_unchunk(rest) if rest and self.headers.get(
            'Transfer-Encoding', '').lower() == 'chunked' else rest)

    def take_body(self, body):
        """``body``, ``text`` and ``json`` of the body ``body``."""
        self.body = body
        try:
            self.text = self.body.decode()
        except ValueError:
            self.text = None
        self.json = None
        if self.body and self.headers.get('Content-Type', '').split(
                ';')[0] == 'application/json':
            self.json = json.loads(self.text)


def _unchunk(data):
    body = b''
    while True:
        size, _, data = data.partition(b'\r\n')
        size = int(size.split(b';')[0], 16)
        if not size:
            return body
        body += data[:size]
        data = data[size + 2:]


class MemoryConnection:
    """The server's view of a client whose request bytes are all here
    already (a ``microdot_server.Connection`` without a socket);
    ``response`` collects what the server writes."""

    peer = ('127.0.0.1', 1234)
    sock = None
    out = b''  # nothing waits to be sent
    mode = 0  # microdot_server.IDLE: no deadlines here
    last = False
    protocol = None

    def __init__(self, request):
        self.request = request
        self.response = b''

    def recv_now(self):
        data = self.request[:2048]
        self.request = self.request[2048:]
        return data

    async def recv(self):
        return self.recv_now()

    def write(self, data):
        self.response += data

    async def drain(self):
        pass

    async def close(self, linger=True):
        pass

    def expect(self, mode):
        self.mode = mode


class WebSocketConnection(MemoryConnection):
    """A client that opens a WebSocket and then talks as ``client``, a
    generator (microdot 1.x's test clients take one): each message it
    yields is sent, and each message the server sends comes back as the
    value of that ``yield`` (None when the server reads again without
    sending); when it returns, the client's side ends."""

    def __init__(self, request, client):
        super().__init__(request)
        self.client = client
        self.open = False  # the 101 written: frames from then on
        self.frames = b''  # what the server wrote past its 101, unparsed
        self.pending = b''  # the client's frames, not yet read
        self.ended = False

    def recv_now(self):
        if self.request:
            return super().recv_now()
        if not self.pending:
            self.advance(None)
        data, self.pending = self.pending, b''
        return data

    def write(self, data):
        if not self.open:
            self.response += data
            head, sep, rest = self.response.partition(b'\r\n\r\n')
            if not sep:
                return
            self.response, self.open, data = head + sep, True, rest
        self.frames += data
        self.deliver(self.messages())

    def deliver(self, messages):
        """Hand the server's messages to the client, one by one."""
        for message in messages:
            self.advance(message)

    def advance(self, received):
        """Hand ``received`` to the client; what it yields next is sent."""
        if self.ended:
            return
        try:
            self.queue(self.client.send(received))
        except StopIteration:
            self.ended = True  # the server reads the end of the input

    def messages(self):
        """The text (str) and binary (bytes) messages the server has
        written whole since the last call; control frames are passed over."""
        from microdot_rfc6455 import BINARY, TEXT, Protocol
        out = []
        while True:
            head = Protocol.parse_head(self.frames)
            if head is None or len(self.frames) < head[5] + head[4]:
                return out
            opcode, size = head[2], head[5]
            payload = self.frames[size:size + head[4]]
            self.frames = self.frames[size + head[4]:]
            if opcode == TEXT:
                out.append(payload.decode())
            elif opcode == BINARY:
                out.append(payload)

    def queue(self, message):
        """``message`` (str: text, else binary) as the client's next
        frame, masked (with a key of zeros: the payload is as it was)."""
        from microdot_rfc6455 import Protocol
        data = message.encode() if isinstance(message, str) else message
        head = Protocol.frame_head(1 if isinstance(message, str) else 2,
                                   len(data))
        self.pending += head[:1] + bytes((head[1] | 0x80,)) + head[2:] + \
            b'\x00\x00\x00\x00' + data


class TestClient:
    """Sends requests to ``app`` in process; ``cookies`` are sent with each.

    ``get``, ``post``, ``put``, ``patch`` and ``delete`` take the path (with
    any query string) and optional ``headers``; the three that send a body
    take ``body`` too: bytes, str (sent as UTF-8) or a dict or list (sent as
    JSON).
    """
    __test__ = False

    def __init__(self, app, cookies=None):
        self.app = app
        self.cookies = cookies or {}

    def request(self, method, path, headers=None, body=None, sock=None):
        """Send one request; returns a ``TestResponse``, or None when the
        application answered in its own way (``Response.already_handled``).
        ``sock`` is microdot 1.x's argument for WebSocket tests, which this
        client does not drive: it must be None."""
        import asyncio
        conn = self.connection(method, path, headers, body, sock)
        asyncio.run(self.serve(conn))
        return self.response(conn)

    def connection(self, method, path, headers, body, sock=None):
        """The in-memory connection carrying one request's bytes."""
        if sock is not None:
            raise ValueError('this test client sends no socket')
        headers = NoCaseDict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers.setdefault('Content-Type', 'application/json')
        if isinstance(body, str):
            body = body.encode()
        if body:
            headers.setdefault('Content-Length', str(len(body)))
        headers.setdefault('Host', 'example.com:1234')  # as microdot 1.x
        headers.setdefault('Connection', 'close')
        if self.cookies:
            sent = '; '.join(n + '=' + v for n, v in self.cookies.items())
            headers['Cookie'] = headers.get('Cookie', '') + (
                '; ' if 'Cookie' in headers else '') + sent
        lines = [method + ' ' + path + ' HTTP/1.1']
        lines += [n + ': ' + str(v) for n, v in headers.items()]
        return MemoryConnection(
            ('\r\n'.join(lines) + '\r\n\r\n').encode() + (body or b''))

    async def serve(self, conn):
        """The server core answering what ``conn`` carries."""
        import microdot_server
        await microdot_server.Server(self.app).serve_connection(conn)

    def response(self, conn, cls=None):
        """The TestResponse (or ``cls``) for what the server wrote (None for
        nothing), keeping the cookies it sets."""
        if not conn.response:
            return None  # the application answered in its own way
        res = (cls or TestResponse)(conn.response)
        self._keep_cookies(res)
        return res

    def _keep_cookies(self, res):
        for line in res.headers.get('Set-Cookie', []):
            pair, *attributes = line.split(';')
            name, _, value = pair.strip().partition('=')
            attributes = [a.strip().lower() for a in attributes]
            if 'max-age=0' in attributes or any(
                    a.startswith('expires=') and '1970' in a
                    for a in attributes):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def websocket(self, path, client, headers=None):
        """Open a WebSocket on ``path`` and talk as ``client`` (a generator
        function: see ``WebSocketConnection``); returns None, as microdot
        1.x's does::

            def talk():
                reply = yield 'hello'
                assert reply == 'hello'

            client.websocket('/echo', talk)
        """
        import asyncio
        asyncio.run(self.converse(self.websocket_connection(path, client,
                                                            headers)))

    async def converse(self, conn):
        """The server core serving a WebSocket conversation."""
        import asyncio
        # where a plain handler's thread has the loop read and write for
        # it (CPython)
        conn.loop = asyncio.get_event_loop()
        await self.serve(conn)

    def websocket_connection(self, path, client, headers=None,
                             cls=WebSocketConnection):
        """The in-memory connection (a ``cls``) of a WebSocket
        conversation."""
        fields = NoCaseDict({'Upgrade': 'websocket', 'Connection': 'Upgrade',
                             'Sec-WebSocket-Version': '13',
                             'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ=='})
        fields.update(headers or {})
        request = self.connection('GET', path, fields, None).request
        return cls(request, client())

    def get(self, path, headers=None):
        return self.request('GET', path, headers)

    def post(self, path, headers=None, body=None):
        return self.request('POST', path, headers, body)

    def put(self, path, headers=None, body=None):
        return self.request('PUT', path, headers, body)

    def patch(self, path, headers=None, body=None):
        return self.request('PATCH', path, headers, body)

    def delete(self, path, headers=None):
        return self.request('DELETE', path, headers)
