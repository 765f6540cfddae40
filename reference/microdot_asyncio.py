"""
microdot_asyncio: microdot 1.x's asyncio flavour of the API
==========================================================

Applications written for microdot 1.x's ``microdot_asyncio`` run unchanged::

    from microdot_asyncio import Microdot

    app = Microdot()

    @app.route('/')
    async def hello(request):
        return 'Hello, world!'

    app.run()

The reference serves every application on asyncio already (``async def``
handlers and hooks work with ``microdot`` too), so this module only gives
the classes their asyncio-flavoured methods: ``Request.create`` and
``Response.write`` are coroutines over asyncio streams, ``request.stream``
is always read with ``await``, ``Response.body_iter`` is an async iterator
and ``Microdot.dispatch_request`` a coroutine. It costs heap only when an
application imports it.
"""
import asyncio  # noqa: F401 (microdot_asyncio.asyncio, as in 1.x)

import microdot
from microdot import HTTPException, NoCaseDict, load, \
    print_exception  # noqa: F401
from microdot import Microdot as BaseMicrodot
from microdot import Request as BaseRequest
from microdot import Response as BaseResponse
import microdot_http
import microdot_server
import microdot_stream


def __getattr__(name):
    # the rest of microdot's names (mro, MUTED_SOCKET_ERRORS...), as
    # microdot 1.x's module offered them beside its own
    return getattr(microdot, name)


class Body:
    """A request's body in an asyncio stream, read as it is asked for:
    ``await read(n)``."""

    def __init__(self, protocol, reader):
        self.protocol = protocol
        self.reader = reader
        self.ahead = b''

    async def read(self, n=-1):
        """``n`` bytes (all for ``n`` < 0), fewer only at the end."""
        out = [self.ahead]
        have = len(self.ahead)
        p = self.protocol
        while n < 0 or have < n:
            data = p.body(4096 if n < 0 else n - have)
            if data is None:  # a piece at a time: never past the body
                p.feed(await (self.reader.readline() if p.chunks else
                              self.reader.read(min(p.left, 1024))))
            elif data:
                out.append(data)
                have += len(data)
            else:
                break
        data = b''.join(out)
        self.ahead = data[n:] if 0 <= n < len(data) else b''
        return data if n < 0 else data[:n]


class Request(BaseRequest):
    """A request whose ``stream`` is always read with ``await``; as in
    microdot 1.x's asyncio flavour, ``body`` and ``stream`` may both be
    used (the stream gives a body read ahead again)."""
    _blocking = False

    def set_blocking(self, blocking):
        pass  # microdot_asyncio's stream is awaited, whatever reads it

    def _take(self, what, used=True):
        pass

    @staticmethod
    async def create(app, client_reader, client_writer, client_addr):
        """A request read from an asyncio stream (``readline()`` and
        ``read(n)`` awaited), or None when it ends first; malformed input
        raises ``microdot_http.HTTPError`` (a ValueError with the
        ``status`` due). A body up to ``max_body_length`` is read into
        ``body``; a larger one is left for ``stream``. ``sock`` is
        ``(client_reader, client_writer)``. A coroutine."""
        p = microdot_server.protocol(microdot_http.Protocol, {})
        head = None
        while head is None:
            p.feed(await client_reader.readline())
            head = p.head()
        if head is microdot_http.CLOSED:
            return None
        method, url, version, headers = head
        body = Body(p, client_reader)
        data = None
        limit = Request.max_body_length
        if p.reading and (p.length or 0) <= limit:
            data = body.ahead = await body.read(limit + 1)
            if len(data) > limit:
                data = None
        return Request(app, client_addr, method, url, version, headers, data,
                       body, (client_reader, client_writer))


class Pieces:
    """``Response.body_iter()``: the body as an async iterator of pieces: a
    file-like body (whose ``read`` may be a coroutine) in pieces of
    ``send_file_buffer_size`` until a shorter read, an iterator's items,
    or the body whole."""

    def __init__(self, res):
        self.res = res
        self.body = res.body if res.body else None

    def __aiter__(self):
        return self

    async def __anext__(self):
        body = self.body
        if body is None:
            raise StopAsyncIteration
        if hasattr(body, 'read'):
            size = self.res.send_file_buffer_size
            buf = body.read(size)
            if hasattr(buf, 'send'):  # a coroutine
                buf = await buf
            if len(buf) < size:
                self.body = None
                if hasattr(body, 'close'):
                    done = body.close()
                    if hasattr(done, 'send'):
                        await done
            return buf
        if hasattr(body, '__next__'):
            try:
                return next(body)
            except StopIteration:
                self.body = None
                raise StopAsyncIteration
        self.body = None
        return body


class Response(BaseResponse):
    """A response whose ``write`` is a coroutine and whose ``body_iter`` is
    an async iterator."""

    async def write(self, stream):
        """Write the response to an asyncio stream (``awrite``, or
        ``write`` and ``drain``); the caller closes it after."""
        data, body = microdot_stream.head(self)
        send = getattr(stream, 'awrite', None)
        if send is None:
            async def send(data):
                stream.write(data)
                await stream.drain()
        try:
            await send(data)
            if body:
                async for piece in self.body_iter():
                    await send(piece.encode() if isinstance(piece, str)
                               else piece)
        except OSError as exc:
            if exc.args[0] not in microdot_stream.MUTED_SOCKET_ERRORS:
                raise

    def body_iter(self):
        body = self.body
        return body if hasattr(body, '__anext__') else Pieces(self)


class Microdot(BaseMicrodot):
    """The application, with ``dispatch_request`` and ``handle_request`` as
    coroutines; ``run``, ``start_server`` and ``shutdown`` are the
    reference server's."""
    request_class = Request
    response_class = Response

    async def dispatch_request(self, req):
        """The Response for ``req`` (None: a request that could not be
        read, answered 400): the hooks and the handler run, awaited."""
        res = await microdot_server.dispatch(self, req)
        res.is_head = req is not None and req.method == 'HEAD'
        return res

    async def handle_request(self, reader, writer):
        """Serve one request on an asyncio stream pair and close it."""
        res = None
        try:
            req = await Request.create(self, reader, writer,
                                       writer.get_extra_info('peername'))
            res = await self.dispatch_request(req)
        except microdot_http.HTTPError as exc:
            res = load('microdot_errors').refusal(exc)
        except Exception as exc:
            print_exception(exc)
        if res is not None and res is not Response.already_handled:
            await res.write(writer)
        try:
            close = getattr(writer, 'aclose', None)
            if close is not None:
                await close()
            else:
                writer.close()
                await writer.wait_closed()
        except OSError:
            pass  # the client left first


abort = Microdot.abort
redirect = Response.redirect
send_file = Response.send_file
