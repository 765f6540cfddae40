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
from microdot_test_client import TestClient as BaseTestClient
from microdot_test_client import TestResponse  # noqa: F401


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
        return self.response(conn)

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
