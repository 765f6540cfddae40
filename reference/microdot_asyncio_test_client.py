"""
microdot_asyncio_test_client: the test client, awaited
=====================================================

microdot 1.x's test client for ``microdot_asyncio`` applications: the same
requests as ``microdot_test_client``, each a coroutine, for tests that run
in an event loop of their own::

    from microdot_asyncio_test_client import TestClient

    async def test_hello():
        client = TestClient(app)
        res = await client.get('/')
        assert res.text == 'Hello, world!'
"""
from microdot_asyncio import Request, Response  # noqa: F401
from microdot_test_client import TestClient as BaseTestClient
from microdot_test_client import TestResponse as BaseTestResponse
from microdot_test_client import WebSocketConnection



def __getattr__(name):
    # microdot 1.x's module names WebSocket: loaded when asked for
    if name == 'WebSocket':
        from microdot_asyncio_websocket import WebSocket
        return WebSocket
    raise AttributeError(name)


class TestResponse(BaseTestResponse):
    """A response as the test client received it (see
    ``microdot_test_client.TestResponse``); ``create`` is a coroutine."""
    __test__ = False

    @classmethod
    async def create(cls, res):
        """The TestResponse of a Response object, its body taken from the
        async ``body_iter``, without a server."""
        test_res = cls()
        res.complete()
        test_res.status_code = res.status_code
        test_res.reason = res.reason
        test_res.headers = res.headers
        test_res.is_head = res.is_head
        body = b''
        async for piece in res.body_iter():
            body += piece.encode() if isinstance(piece, str) else piece
        test_res.take_body(body)
        return test_res


class AsyncWebSocketConnection(WebSocketConnection):
    """A WebSocket conversation whose ``client`` may also be an async
    generator (CPython): the messages the server writes are handed to it
    when the server next reads, awaited."""

    def __init__(self, request, client):
        super().__init__(request, client)
        self.inbox = []  # messages from the server, not yet handed over

    def deliver(self, messages):
        if hasattr(self.client, 'asend'):  # awaited when the server reads
            self.inbox += messages
        else:
            super().deliver(messages)

    async def recv(self):
        if self.request or not hasattr(self.client, 'asend'):
            return self.recv_now()
        while not self.pending and not self.ended:
            received = self.inbox.pop(0) if self.inbox else None
            try:
                self.queue(await self.client.asend(received))
            except StopAsyncIteration:
                self.ended = True
        data, self.pending = self.pending, b''
        return data


class TestClient(BaseTestClient):
    """Sends requests to ``app`` in process, awaited; ``cookies`` are sent
    with each (see ``microdot_test_client.TestClient``)."""
    __test__ = False

    async def request(self, method, path, headers=None, body=None,
                      sock=None):
        """Send one request; returns a ``TestResponse`` (None when the
        application answered in its own way)."""
        conn = self.connection(method, path, headers, body, sock)
        await self.serve(conn)
        return self.response(conn, TestResponse)

    async def websocket(self, path, client, headers=None):
        """Open a WebSocket on ``path`` and talk as ``client``, a generator
        function or (CPython) an async one (see
        ``microdot_test_client.WebSocketConnection``); returns None."""
        await self.converse(self.websocket_connection(
            path, client, headers, AsyncWebSocketConnection))

    async def get(self, path, headers=None):
        return await self.request('GET', path, headers)

    async def post(self, path, headers=None, body=None):
        return await self.request('POST', path, headers, body)

    async def put(self, path, headers=None, body=None):
        return await self.request('PUT', path, headers, body)

    async def patch(self, path, headers=None, body=None):
        return await self.request('PATCH', path, headers, body)

    async def delete(self, path, headers=None):
        return await self.request('DELETE', path, headers)
