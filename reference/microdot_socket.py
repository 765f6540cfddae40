"""
microdot_socket: a request's connection, for a handler that takes it over
=========================================================================

``request.sock`` is a ``Socket``: the connection the request came on, for a
handler that answers it itself and then speaks another protocol on it (a
WebSocket, after its 101 response; see ``microdot_websocket``). This module
is loaded the first time an application asks for ``request.sock``.
"""
import asyncio

from microdot_http import HTTPError
from microdot_server import OPEN


class Socket:
    """``request.sock``: the connection a request came on, for a handler
    that takes it over to speak another protocol on it (a WebSocket, after
    the 101 response it writes itself)::

        request.sock.take()       # the server writes nothing more on it
        request.sock.write(head)
        await request.sock.drain()
        data = await request.sock.read(1024)   # b'' once the client closed

    Reads give first the bytes the server received past the request, then
    what the client sends, with no deadline. ``recv`` and ``send`` are their
    blocking twins, for plain handlers: on CPython these run in a worker
    thread and the event loop does the I/O for them; on MicroPython the
    plain handler of an upgrade request runs on a thread of its own
    (``microdot_server.call_in_thread``) and they block on the socket itself, which the
    event loop leaves alone meanwhile.
    """

    def __init__(self, reader):
        self.conn = reader.conn
        self.reader = reader  # microdot_http.Reader: what it holds is unread
        self.taken = False

    def take(self):
        """The handler has answered, and the connection is its own now:
        the server writes nothing more on it and closes it once the handler
        returns."""
        self.taken = True
        self.conn.expect(OPEN)

    async def read(self, n):
        """Up to ``n`` bytes; b'' once the client has closed (or the server
        is stopping)."""
        if self.reader.buf:
            return self.reader.take(n)
        try:
            return await self.conn.recv(n)
        except HTTPError:  # cut short: the server is stopping
            return b''

    def write(self, data):
        self.conn.write(data)

    async def drain(self):
        await self.conn.drain()

    async def _send(self, data):
        self.conn.write(data)
        await self.conn.drain()

    def recv(self, n):
        """``read``, blocking."""
        if self.reader.buf:
            return self.reader.take(n)
        loop = self.conn.loop
        if loop is not None:
            return _in_loop(self.read(n), loop, b'')
        sock = self.conn.reader.s
        sock.setblocking(True)
        try:
            return sock.recv(n) if hasattr(sock, 'recv') else sock.read(n)
        except OSError:
            return b''  # the client left
        finally:
            sock.setblocking(False)

    def send(self, data):
        """Send all of ``data``, blocking."""
        loop = self.conn.loop
        if loop is not None:
            if _in_loop(self._send(data), loop, False) is False:
                raise OSError(32, 'the server has stopped')
            return
        sock = self.conn.reader.s
        sock.setblocking(True)
        try:
            sock.write(data)
        finally:
            sock.setblocking(False)


def _in_loop(coroutine, loop, stopped):
    # CPython, from a worker thread: run ``coroutine`` in the server's event
    # loop and wait for it; ``stopped`` if the loop stops first (the server
    # is stopping), rather than wait for ever.
    import concurrent.futures
    try:
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
    except RuntimeError:  # the loop has closed
        coroutine.close()
        return stopped
    while True:
        try:
            return future.result(0.5)
        except concurrent.futures.TimeoutError:
            if not loop.is_running():
                future.cancel()
                coroutine.close()  # never to run now
                return stopped
