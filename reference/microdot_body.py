"""
microdot_body: request bodies, and response bodies sent as they come
====================================================================

Loaded by ``microdot_server`` with the first request that has a body, or
the first response whose body is streamed (a generator, a file, an async
iterator): an application that answers GETs with text never holds this
code.

A request's body is read ahead when it is small enough
(``Request.max_body_length``) so that ``request.body`` holds it; larger
bodies are left in the connection for the handler to read from
``request.stream`` (a ``Stream``). A client that sent ``Expect:
100-continue`` is told to go on first (RFC 9110 10.1.1).
"""
import asyncio

from microdot import MICROPYTHON, Request, load, print_exception
from microdot_http import HTTPError

# Closing in stages (RFC 9112 9.6): after its last response the server
# reads and drops what the client still sends, for at most LINGER_TIME
# seconds and LINGER_BYTES bytes (enough for a refused 200 KB upload to
# finish), before it closes. Where it cannot half-close (MicroPython sockets
# have no shutdown), the client cannot see the end of a response that has
# no length and waits for the close: it comes once the client has sent
# nothing for LINGER_QUIET seconds.
LINGER_TIME = 2
LINGER_BYTES = 256 * 1024
LINGER_QUIET = 0.3


class Stream:
    """A request's body as the handlers read it: ``read(n)`` is awaited,
    and ``plain().read(n)`` blocks (for plain functions); either gives ``n``
    bytes, fewer only at the end of the body, then ``b''``; ``n`` < 0 reads
    it all. ``ahead`` holds pieces received before they were asked for.
    A seam: ``Server.stream_class`` may name a subclass."""

    def __init__(self, conn, protocol):
        self.conn = conn
        self.protocol = protocol
        self.ahead = []

    @property
    def done(self):
        """True once the whole body has been received from the client."""
        return not self.protocol.reading

    def gather(self, n, out):
        """Move bytes into ``out`` until ``n`` are there (all if ``n`` < 0)
        or the body ends; False when the received ones ran out first."""
        have = sum(len(b) for b in out)
        ahead = self.ahead
        while ahead and (n < 0 or have < n):
            out.append(ahead.pop(0))
            have += len(out[-1])
        while n < 0 or have < n:
            data = self.protocol.body(4096 if n < 0 else n - have)
            if data is None:
                return False
            if not data:
                break
            out.append(data)
            have += len(data)
        data = out[0] if len(out) == 1 else b''.join(out)
        if 0 <= n < len(data):
            ahead.insert(0, data[n:])
            data = data[:n]
        out[:] = [data]
        return True

    async def read(self, n=-1):
        out = []
        while not self.gather(n, out):
            self.protocol.feed(await self.conn.recv())
        return out[0]

    def read_now(self, n=-1):
        """``read``'s blocking twin, for plain functions (on CPython, in a
        worker thread)."""
        out = []
        while not self.gather(n, out):
            self.protocol.feed(self.conn.recv_now())
        return out[0]

    async def read_ahead(self, piece=1024):
        """Receive the rest of the body now and keep it, in pieces of at
        most ``piece`` bytes (no large block of memory), for later reads:
        reading it then never waits for the client."""
        while True:
            data = self.protocol.body(piece)
            if data is None:
                self.protocol.feed(await self.conn.recv())
            elif data:
                self.ahead.append(data)
            else:
                return

    def plain(self):
        """This body as a plain (non-async) function reads it."""
        return Blocking(self.read_now)


class Blocking:
    """A body whose ``read(n)`` blocks."""

    def __init__(self, read):
        self.read = read


async def read_body(server, conn, p, head):
    """``(request, stream)`` for a head ``p`` (its connection's protocol)
    found a body after: the body is received now when it fits in
    ``Request.max_body_length``; one over ``max_content_length`` is left
    for dispatch to answer 413."""
    version, headers = head[2], head[3]
    length = p.length
    stream = (server.stream_class or Stream)(conn, p)
    data = None
    if length is None or length <= Request.max_content_length:
        if version != '1.0' and \
                headers.get('Expect', '').lower() == '100-continue':
            conn.write(b'HTTP/1.1 100 Continue\r\n\r\n')
            await conn.drain()
        limit = Request.max_body_length
        if length is None or length <= limit:
            try:
                data = await stream.read(limit + 1)
            except HTTPError as exc:
                if exc.status != 413:
                    raise
                # chunks declared past the limit: dispatch answers 413
                # through the application's handlers, as for a large
                # Content-Length
                req = server.request(conn, head, None, stream)
                req.content_length = p.chunks.total + p.chunks.left
                return req, stream
            stream.ahead.append(data)  # for a handler reading ``stream``
            if len(data) > limit:
                data = None
    return server.request(conn, head, data, stream), stream


_END = object()  # marks the end of a response body's pieces


async def send_pieces(conn, res, chunked):
    """Write a streamed body (an iterable, a file, an async iterator) as it
    comes, in chunked coding when ``chunked``; False if it failed after the
    head had gone out: all that is left then is to cut the message short,
    so that the client can tell."""
    body = res.body
    # an async iterator's pieces come from it, or from body_iter() when
    # that gives one (microdot_asyncio's Response)
    pieces = body if hasattr(body, '__anext__') else res.body_iter()
    awaited = hasattr(pieces, '__anext__')
    try:
        while True:
            if awaited:
                try:
                    piece = await pieces.__anext__()
                except StopAsyncIteration:
                    break
            else:
                # on CPython in a worker thread: a generator may block
                piece = next(pieces, _END) if MICROPYTHON else await \
                    load('microdot_cpython').call_plain(next, pieces, _END)
                if piece is _END:
                    break
            if isinstance(piece, str):
                piece = piece.encode()
            if piece:
                if chunked:
                    conn.write(b'%x\r\n' % len(piece))
                    conn.write(piece)
                    conn.write(b'\r\n')
                else:
                    conn.write(piece)
                await conn.drain()
    except OSError:
        raise  # the client left
    except Exception as exc:
        print_exception(exc)
        return False
    if chunked:
        conn.write(b'0\r\n\r\n')
    return True


async def linger(conn):
    """Before a close with input unread: send what is left, half-close
    where the connection can, read and drop what the client still sends
    (see LINGER_TIME). Closing with input unread would make the TCP stack
    send a reset, and a reset destroys the response bytes on their way."""
    await conn.drain()
    half_close = getattr(conn, 'half_close', None)  # MicroPython: none
    quiet = None if half_close and half_close() else LINGER_QUIET
    await asyncio.wait_for(_discard(conn, quiet), LINGER_TIME)


async def _discard(conn, quiet):
    # Read and drop input until the client closes, LINGER_BYTES have come
    # or (with ``quiet``) ``quiet`` seconds pass without any.
    left = LINGER_BYTES
    while left > 0:
        read = conn.receive()
        data = await (asyncio.wait_for(read, quiet) if quiet else read)
        if not data:
            return
        left -= len(data)
