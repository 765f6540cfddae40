"""
microdot_asgi_websocket: WebSocket routes behind an ASGI server
===============================================================

microdot 1.x's WebSocket extension for ``microdot_asgi`` (CPython only),
with its names::

    from microdot_asgi import Microdot
    from microdot_asgi_websocket import with_websocket

    app = Microdot()

    @app.route('/echo')
    @with_websocket
    async def echo(request, ws):
        while True:
            message = await ws.receive()
            await ws.send(message)

    # uvicorn echo:app  (with a WebSocket library: websockets or wsproto)

The ASGI server does the protocol (the opening handshake, frames, masking,
pings, the closing handshake); this module speaks ASGI's ``websocket``
events through the request's ``sock``, which is ``(receive, send)``.
``receive()`` gives a text message as ``str`` and a binary one as
``bytes``, and raises ``OSError(32)`` once the client has gone.
"""
import microdot_rfc6455 as rfc6455
from microdot_asyncio import abort
from microdot_websocket import _already_handled, client_left

GONE = 32  # EPIPE: what receive() raises once the WebSocket is over


class WebSocket(rfc6455.Opcodes):
    """A WebSocket connection behind an ASGI server: ``receive()``,
    ``send(data)`` and ``close()`` are awaited."""

    def __init__(self, request):
        self.request = request
        self.closed = False

    async def handshake(self):
        """Accept the WebSocket: a request that is not one (an ``http``
        scope, or a first event other than ``websocket.connect``) is
        refused with 400."""
        receive, send = self.request.sock
        # an http scope's events were read with its body: none is left
        if self.request.asgi_scope['type'] != 'websocket' or \
                (await receive())['type'] != 'websocket.connect':
            abort(400)
        await send({'type': 'websocket.accept'})

    async def receive(self):
        """The next message: ``str`` for text, ``bytes`` for binary."""
        event = await self.request.sock[0]()
        if event['type'] == 'websocket.disconnect':
            raise OSError(GONE, 'WebSocket closed')
        if event['type'] != 'websocket.receive':
            raise OSError(GONE, 'not a WebSocket message: ' + event['type'])
        # ASGI: exactly one of the two is not None (a server may send both)
        text = event.get('text')
        return text if text is not None else event.get('bytes')

    async def send(self, data):
        """Send a message: ``str`` as text, ``bytes`` as binary."""
        kind = 'text' if isinstance(data, str) else 'bytes'
        await self.request.sock[1]({'type': 'websocket.send', kind: data})

    async def close(self):
        """Close the WebSocket (1000), once."""
        await self._close_with(rfc6455.NORMAL)

    async def _close_with(self, code):
        if self.closed:
            return
        self.closed = True
        message = {'type': 'websocket.close'}
        if code != rfc6455.NORMAL:  # ASGI's default code is 1000
            message['code'] = code
        try:
            await self.request.sock[1](message)
        except Exception:
            pass  # the client has gone: the server says so its own way


async def websocket_upgrade(request):
    """Accept the WebSocket from inside an async handler; returns the
    ``WebSocket``::

        ws = await websocket_upgrade(request)
        await ws.send('hello')
    """
    ws = WebSocket(request)
    await ws.handshake()
    request.after_request(_already_handled)
    return ws


def with_websocket(f):
    """Make a route a WebSocket endpoint: the async handler gets the
    ``WebSocket`` after the request. The handler ends when it returns
    (the WebSocket is then closed with 1000) or when the client has gone;
    an exception it raises closes the WebSocket with 1011 and is reported
    as the application reports any."""
    async def wrapper(request, *args, **kwargs):
        ws = await websocket_upgrade(request)
        try:
            await f(request, ws, *args, **kwargs)
        except Exception as exc:
            if not client_left(exc):
                await ws._close_with(rfc6455.INTERNAL_ERROR)
                raise
        await ws.close()
        return ''
    return wrapper
