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
