"""
microdot_asgi: a microdot application as an ASGI application
============================================================

microdot 1.x's ASGI extension (CPython only): the application is the ASGI
application, for any ASGI server (Uvicorn, Hypercorn, Daphne)::

    from microdot_asgi import Microdot

    app = Microdot()

    @app.route('/')
    async def index(request):
        return 'Hello, world!'

    # uvicorn hello:app

It is ``microdot_asyncio``'s application: async and plain handlers, hooks
and error handlers run as they do there (plain ones in a worker thread).
A request also has ``asgi_scope``; its ``sock`` is ``(receive, send)``.
The request is read as the reference's own server reads one (its path,
``raw_path`` where the server gives it, decoded once, by the routing), its
body up to ``max_body_length`` received into ``body`` and a larger one left
for ``await request.stream.read(n)``. The answer is ``Response.write``'s,
less what the ASGI server decides (Connection, Date, the framing); a
streamed body is sent a piece at a time as it is made, and stops when the
client disconnects. A ``websocket`` scope is dispatched to its route,
which answers it itself; other scopes (``lifespan``) are left alone.
``app.run()`` serves the application with the reference's own server;
``shutdown()`` then stops it, and behind an ASGI server sends SIGTERM to
the leader of the process's group, as microdot 1.x did. Every name of
``microdot_asyncio`` is also a name of this module.
"""
import asyncio

import microdot_asyncio
from microdot import NoCaseDict  # noqa: F401
from microdot_asyncio import BaseRequest, BaseResponse, HTTPException, \
    Request, Response, abort, print_exception, redirect, \
    send_file  # noqa: F401
from microdot_asyncio import Microdot as BaseMicrodot
import microdot_gateway as gateway
import microdot_http
import microdot_server


def __getattr__(name):
    # the rest of microdot_asyncio's names, and microdot's
    return getattr(microdot_asyncio, name)


class Received:
    """The body an ASGI server hands over in ``http.request`` events,
    received as it is read: ``await read(n)``."""

    def __init__(self, receive):
        self.receive = receive
        self.more = True  # events still to come
        self.ahead = b''  # received before it was asked for

    async def read(self, n=-1):
        """``n`` bytes (all for ``n`` < 0), fewer only at the end. A client
        that disconnects first is an HTTPError (400)."""
        out = [self.ahead]
        have = len(self.ahead)
        while self.more and (n < 0 or have < n):
            event = await self.receive()
            if event['type'] == 'http.disconnect':
                self.more = False
                raise microdot_http.HTTPError(400)
            data = event.get('body', b'')
            out.append(data)
            have += len(data)
            self.more = event.get('more_body', False)
        data = b''.join(out)
        self.ahead = data[n:] if 0 <= n < len(data) else b''
        return data if n < 0 else data[:n]


async def request_of(app, scope, receive, send):
    """The Request an ASGI ``scope`` describes, its body up to
    ``max_body_length`` received (a larger one, or one beyond
    ``max_content_length``, is left for ``stream``); ValueError for one
    the reference's server would refuse (its ``status``)."""
    raw = scope.get('raw_path')
    path = raw.decode('latin-1') if raw else \
        gateway.encoded(scope['path'].encode())
    fields = [(name.decode('latin-1'), value)
              for name, value in scope.get('headers', ())]
    method, url, headers, length = gateway.head(
        scope.get('method', 'GET'), path,
        scope.get('query_string', b'').decode('latin-1'),
        scope.get('http_version', '1.1'), fields)
    body = Received(receive)
    data = None
    if scope['type'] != 'http':
        body.more = False  # a WebSocket's messages are its own
    elif (length or 0) <= Request.max_content_length:
        limit = Request.max_body_length
        data = await body.read(limit + 1)
        body.ahead = data + body.ahead  # for ``stream``, read again
        if len(data) > limit:  # larger: the stream's only
            data = None
    client = scope.get('client') or (None, 0)
    req = app.request_class(app, (client[0], client[1]), method, url,
                            'HTTP/' + scope.get('http_version', '1.1'),
                            headers, data, body, (receive, send))
    req.asgi_scope = scope
    return req


async def disconnected(receive):
    """Return once the client has disconnected (the body's events, if the
    application left them unread, are passed over)."""
    while (await receive())['type'] != 'http.disconnect':
        pass


async def send_body(res, receive, send):
    """Send the body of ``res`` in ``http.response.body`` events: bytes in
    one, a streamed body a piece at a time as it is made, until it ends or
    the client disconnects (then it is closed unsent)."""
    if isinstance(res.body, bytes):
        await send({'type': 'http.response.body', 'body': res.body,
                    'more_body': False})
        return
    gone = asyncio.ensure_future(disconnected(receive))
    body = res.body_iter()
    try:
        async for piece in body:
            if gone.done():
                break
            await send({'type': 'http.response.body', 'more_body': True,
                        'body': piece.encode() if isinstance(piece, str)
                        else piece})
        else:
            await send({'type': 'http.response.body', 'body': b'',
                        'more_body': False})
            return
        close = getattr(res.body, 'aclose', None)
        if close is not None:  # an async generator
            await close()
        else:
            microdot_server.close_body(res.body)
    finally:
        gone.cancel()


class Microdot(gateway.Served, BaseMicrodot):
    """An application that is also an ASGI application, ``await
    app(scope, receive, send)``."""

    async def asgi_app(self, scope, receive, send):
        """The ASGI application: serve an ``http`` or ``websocket`` scope."""
        if scope['type'] not in ('http', 'websocket'):
            return
        try:
            req = await request_of(self, scope, receive, send)
        except ValueError as exc:
            res = gateway.refused(exc)
        else:
            res = await self.dispatch_request(req)
        if scope['type'] != 'http':
            return  # the route has answered the WebSocket itself
        status, fields, body = gateway.answer(res)
        await send({'type': 'http.response.start',
                    'status': int(status.split(b' ')[0]),
                    'headers': [(name.lower(), value)
                                for name, value in fields]})
        if body is None:
            await send({'type': 'http.response.body', 'body': b'',
                        'more_body': False})
        else:
            await send_body(body, receive, send)

    async def __call__(self, scope, receive, send):
        return await self.asgi_app(scope, receive, send)
