"""
microdot_asyncio_websocket: WebSocket routes (RFC 6455) for async handlers
==========================================================================

microdot 1.x's asyncio WebSocket extension, with its names: the same as
``microdot_websocket``, for ``async def`` handlers, whose ``receive()``,
``send()`` and ``close()`` are awaited::

    from microdot import Microdot
    from microdot_asyncio_websocket import with_websocket

    app = Microdot()

    @app.route('/echo')
    @with_websocket
    async def echo(request, ws):
        while True:
            message = await ws.receive()
            await ws.send(message)

An async handler waits for its client in the event loop, beside every
other connection, and needs no thread: on a board, as many WebSockets can
be open as the server has places for connections.
"""
import microdot_rfc6455 as rfc6455
from microdot_websocket import SMALL_FRAME, client_left, read, upgrade
from microdot_websocket import WebSocket as BaseWebSocket
from microdot_websocket import _already_handled


class WebSocket(BaseWebSocket):
    """A WebSocket connection, as an async handler uses it: ``receive()``,
    ``send(data)`` and ``close()`` are awaited."""

    async def handshake(self):
        """Answer the handshake from inside a handler
        (``websocket_upgrade`` does): the 101 written at once, and the
        connection this object's from then on."""
        await self._write(self._take_over())

    async def receive(self):
        """The next message: ``str`` for text, ``bytes`` for binary.
        OSError(32) once the connection is over."""
        while True:
            event = self.protocol.next_event()
            await self._send_owed(event)
            data = self._message(event)
            if data is not None:
                return data
            self.protocol.receive_data(await read(self.conn))

    async def send(self, data, opcode=None):
        """Send a message: ``str`` as text, ``bytes`` as binary (or one
        frame of ``opcode``)."""
        head, payload = self._frame(data, opcode)
        conn = self.conn
        if len(payload) <= SMALL_FRAME:
            conn.write(head + payload)
        else:  # two writes, no wait between: no other frame comes between
            conn.write(head)
            conn.write(payload)
        await conn.drain()

    async def close(self):
        """Start the closing handshake (Close 1000); the server closes the
        connection once the handler has returned."""
        await self._close_with(rfc6455.NORMAL)

    async def _close_with(self, code):
        frame = self._start_close(code)
        if frame:
            try:
                await self._write(frame)
            except OSError:
                pass  # the client has gone: nothing is owed to it

    async def _send_owed(self, event):
        owed = self.protocol.data_to_send()
        if owed:
            try:
                await self._write(owed)
            except OSError:
                if not isinstance(event, rfc6455.Closed):
                    raise

    async def _write(self, data):
        self.conn.write(data)
        await self.conn.drain()


async def websocket_upgrade(request):
    """Answer a WebSocket opening handshake from inside an async handler;
    returns the ``WebSocket``. A request that is not a handshake is refused
    (400, or 426 for another version of the protocol)::

        ws = await websocket_upgrade(request)
        await ws.send('hello')
    """
    ws = WebSocket(request)
    await ws.handshake()
    request.after_request(_already_handled)
    return ws


def with_websocket(f):
    """Make a route a WebSocket endpoint for an async handler, which gets
    the ``WebSocket`` after the request (see
    ``microdot_websocket.with_websocket``)."""
    # The handler is a default argument, not a variable of this function:
    # MicroPython gives a closure a type of its own, and the server could
    # not tell that the wrapper is async.
    async def wrapper(request, *args, _websocket_handler=f, **kwargs):
        return upgrade(WebSocket(request), serve, _websocket_handler, args,
                       kwargs)
    return wrapper


async def serve(ws, handler, args, kwargs):
    """Await ``handler(request, ws, ...)``, then close (see
    ``microdot_websocket.serve``)."""
    try:
        await handler(ws.request, ws, *args, **kwargs)
        await ws.close()
    except Exception as exc:
        if not client_left(exc):
            await ws._close_with(rfc6455.INTERNAL_ERROR)
            raise
