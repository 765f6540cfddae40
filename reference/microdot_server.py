"""
microdot_server: the asyncio server behind ``Microdot.run()``
=============================================================

One core for CPython and MicroPython. Each connection is a task that reads
requests (``microdot_http`` parses them), dispatches them to the application
and writes the responses, in order, keeping the connection open between
requests when both sides allow it. Reads wait at most
``Request.socket_read_timeout``; at most ``Microdot.max_connections`` are
served at once. The server closes a connection in stages (RFC 9112 9.6),
so that input it left unread does not turn the close into a reset that
destroys the last response on its way (see ``Connection.close``).

Applications do not import this module: ``app.run()`` and
``app.start_server()`` do.
"""
import asyncio

from microdot import MICROPYTHON, HTTPException, Request, Response, \
    call_plain, print_exception
import microdot_http as http
from microdot_http import reason_phrase

_END = object()  # marks the end of a response body's pieces

# Closing in stages: after its last response the server reads and drops
# what the client still sends, for at most LINGER_TIME seconds and
# LINGER_BYTES bytes (enough for a refused 200 KB upload to finish), before
# it closes. Where it cannot half-close (MicroPython sockets have no
# shutdown), the client cannot see the end of a response that has no length
# and waits for the close: it comes once the client has sent nothing for
# LINGER_QUIET seconds.
LINGER_TIME = 2
LINGER_BYTES = 256 * 1024
LINGER_QUIET = 0.3
_SINK = bytearray(512)  # lingering connections read into it; never looked at
BACKLOG_PER_PLACE = 4  # connections waiting to be accepted, per place


def run(app, host='0.0.0.0', port=5000, debug=False, ssl=None):
    """Serve ``app`` until it shuts down or Ctrl-C is pressed."""
    try:
        asyncio.run(Server(app, debug).serve(host, port, ssl))
    except KeyboardInterrupt:
        pass
    finally:
        if MICROPYTHON:
            asyncio.new_event_loop()  # leave no tasks behind at the REPL


class Server:
    """Serves one application on asyncio::

        await Server(app).serve('0.0.0.0', 80)
    """

    def __init__(self, app, debug=False):
        self.app = app
        self.debug = debug
        self.active = 0  # connections being served
        self.open = 0  # connections being served or closing
        self.stopped = None
        self.loop = None

    async def serve(self, host, port, ssl=None):
        app = self.app
        app.debug = self.debug
        app.shutdown_requested = False
        self.stopped = asyncio.Event()
        if not MICROPYTHON:
            from concurrent.futures import ThreadPoolExecutor
            self.loop = asyncio.get_running_loop()
            self.loop.set_default_executor(
                ThreadPoolExecutor(app.max_connections))
        # MicroPython's listen backlog defaults to 5: in a burst of more
        # clients than that, some were never seen to send their requests
        listener = await asyncio.start_server(
            self.accept, host, port, ssl=ssl,
            backlog=BACKLOG_PER_PLACE * app.max_connections)
        app.server = self
        if self.debug:
            print('Starting async server on %s:%d...' % (host, port))
        try:
            await self.stopped.wait()
        finally:
            app.server = None
            listener.close()
            try:  # CPython 3.12+ waits here for open connections
                await asyncio.wait_for(listener.wait_closed(), 2)
            except asyncio.TimeoutError:
                pass
        # let the requests under way finish and their connections close;
        # idle connections time out
        wait = max(Request.socket_read_timeout, 1) * 2 + LINGER_TIME
        for _ in range(int(wait * 20)):
            if not self.open:
                break
            await asyncio.sleep(0.05)

    def stop(self):
        """Make ``serve`` return; safe to call from any thread."""
        if self.loop is None:
            self.stopped.set()
        else:
            self.loop.call_soon_threadsafe(self.stopped.set)

    async def accept(self, reader, writer):
        conn = Connection(reader, writer)
        self.open += 1
        linger = True
        try:
            # beyond max_connections a client waits up to two seconds for a
            # place, then hears 503 rather than nothing
            for _ in range(40):
                if self.active < self.app.max_connections:
                    break
                await asyncio.sleep(0.05)
            else:
                res = Response(reason_phrase(503), 503, {'Retry-After': '1'})
                await send_response(conn, res, None, False)
                return
            self.active += 1
            try:
                linger = await self.serve_connection(conn)
            finally:
                # A closing connection holds a socket and a task, no buffer:
                # it gives back its place first, so that a client slow to
                # close does not keep others out.
                self.active -= 1
        except Exception as exc:
            if not isinstance(exc, OSError):  # OSError: the client left
                print_exception(exc)
        finally:
            await conn.close(linger)
            self.open -= 1

    async def serve_connection(self, conn):
        """Answer the requests that arrive on one connection, in order;
        returns whether the close should linger: whether input the server
        did not read may still be on its way (a body left unread, the rest
        of a refused request, bytes after the last request)."""
        app = self.app
        reader = http.Reader(conn)
        keep = True
        unread = False
        while keep and not app.shutdown_requested:
            req = None
            try:
                req = await read_request(app, reader)
                if req is None:
                    break  # the client left, or stayed silent
                res = await app.dispatch_request(req)
                unread = not req._stream.done
                keep = http.keep_alive(req) and not unread
            except HTTPException as exc:  # the request itself is unusable
                res = Response(exc.reason or http.error_text(exc.status_code),
                               exc.status_code)
                keep = False
                unread = True
            except EOFError:
                break  # the client left in the middle of its request
            if res is Response.already_handled:
                return True
            keep = await send_response(conn, res, req,
                                       keep and not app.shutdown_requested)
            if self.debug:
                print('%s %s %d' % (req.method if req else '-',
                                    req.path if req else '-',
                                    res.status_code))
        if app.shutdown_requested and app.server is self:
            self.stop()
        return unread or bool(reader.buf)


async def read_request(app, reader):
    """Read one request head and, when it is small enough, its body.

    None when the client closed the connection, or stayed silent for
    ``socket_read_timeout``, before sending anything.
    """
    lines = []
    reader.empty_lines = 0
    try:
        while not http.take_head(reader, lines):
            await reader.fill()
    except EOFError:
        if lines or reader.buf:
            raise HTTPException(400)  # half a request, then EOF
        return None
    except HTTPException as exc:
        if exc.status_code == 408 and not lines and not reader.buf:
            return None  # idle: close without a word (RFC 9112 9.5)
        raise
    method, url, version, headers = http.parse_head(lines)
    length = http.body_length(headers, version)
    try:
        req = Request(app, reader.conn.peer, method, url, version, headers)
    except ValueError:  # a query string that is not UTF-8
        raise HTTPException(400)
    req._stream = body = http.Body(reader, length)
    if length is not None and length > Request.max_content_length:
        return req  # dispatch answers 413 without reading the body
    if length != 0 and version != '1.0' and \
            headers.get('Expect', '').lower() == '100-continue':
        reader.conn.write(b'HTTP/1.1 100 Continue\r\n\r\n')
        await reader.conn.drain()
    limit = Request.max_body_length
    if length is None or 0 < length <= limit:
        try:
            data = await body.read(limit + 1)
        except HTTPException as exc:
            if exc.status_code != 413:
                raise
            # chunks declared past the limit: dispatch answers 413 through
            # the application's handlers, as for a large Content-Length
            req.content_length = body.total + body.left
            return req
        if len(data) <= limit:
            req._body = data
        body.prefix = data  # for a handler that reads ``stream`` instead
    return req


async def send_response(conn, res, req, keep):
    """Send ``res``; returns whether the connection stays open."""
    frame = http.framing(res, req)
    keep = keep and frame != 'close'
    try:
        head = http.response_head(res, req, keep)
    except ValueError as exc:
        print_exception(exc)
        _close(res.body)
        return await send_response(conn, Response(reason_phrase(500), 500),
                                   req, keep)
    if frame == 'none' or (req is not None and req.method == 'HEAD'):
        _close(res.body)
        conn.write(head)
    elif isinstance(res.body, bytes):
        conn.write(head + res.body)
    else:
        conn.write(head)
        try:
            await _send_pieces(conn, res, frame == 'chunked')
        except OSError:
            raise
        except Exception as exc:
            # The head has gone out already: all that is left is to cut the
            # message short, so that the client can tell it is incomplete.
            print_exception(exc)
            return False
        if frame == 'chunked':
            conn.write(b'0\r\n\r\n')
    await conn.drain()
    return keep


async def _send_pieces(conn, res, chunked):
    body = res.body
    pieces = None if hasattr(body, '__anext__') else res.body_iter()
    while True:
        if pieces is None:
            try:
                piece = await body.__anext__()
            except StopAsyncIteration:
                return
        else:
            # on CPython in a worker thread: a generator may block
            piece = await call_plain(next, pieces, _END)
            if piece is _END:
                return
        if isinstance(piece, str):
            piece = piece.encode()
        if piece:
            if chunked:
                conn.write(('%x\r\n' % len(piece)).encode())
                conn.write(piece)
                conn.write(b'\r\n')
            else:
                conn.write(piece)
            await conn.drain()


def _close(body):
    if hasattr(body, 'close'):
        body.close()


class Connection:
    """One client connection over asyncio streams.

    ``recv`` waits at most ``Request.socket_read_timeout`` seconds, then
    raises HTTPException(408); ``recv_now`` is its blocking twin, for plain
    handlers that read the request stream.
    """

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.peer = writer.get_extra_info('peername')
        self.loop = None if MICROPYTHON else asyncio.get_running_loop()

    async def recv(self, n):
        timeout = Request.socket_read_timeout
        if not timeout:
            return await self.reader.read(n)
        try:
            return await asyncio.wait_for(self.reader.read(n), timeout)
        except asyncio.TimeoutError:
            raise HTTPException(408)

    def recv_now(self, n):
        if self.loop is not None:  # CPython: we are in a worker thread
            return asyncio.run_coroutine_threadsafe(
                self.recv(n), self.loop).result()
        sock = self.reader.s  # MicroPython: block on the socket itself
        sock.settimeout(Request.socket_read_timeout or None)
        try:
            return sock.recv(n) if hasattr(sock, 'recv') else sock.read(n)
        except OSError:
            raise HTTPException(408)
        finally:
            sock.setblocking(False)

    def write(self, data):
        self.writer.write(data)

    async def drain(self):
        await self.writer.drain()

    async def close(self, linger=True):
        """Close the connection; with ``linger``, in stages (RFC 9112 9.6):
        send what is left, half-close where the stream can, read and drop
        what the client still sends (see LINGER_TIME), then close. Closing
        with input unread would make the TCP stack send a reset, and a
        reset destroys the response bytes still on their way."""
        if linger:
            try:
                await self.drain()
                quiet = None if self._half_close() else LINGER_QUIET
                await asyncio.wait_for(self._discard(quiet), LINGER_TIME)
            except Exception:
                pass  # the client left, or took too long: close anyway
        try:
            self.writer.close()
            await self.writer.wait_closed()
        except Exception:
            pass  # the client may be gone already; nothing is lost

    def _half_close(self):
        """Send FIN after the data, if the stream can; True if it did."""
        writer = self.writer
        if hasattr(writer, 'can_write_eof') and writer.can_write_eof():
            writer.write_eof()
            return True
        return False

    async def _discard(self, quiet):
        """Read and drop input until the client closes, LINGER_BYTES have
        come or (with ``quiet``) ``quiet`` seconds pass without any."""
        left = LINGER_BYTES
        while left > 0:
            read = self._drop()
            n = await (asyncio.wait_for(read, quiet) if quiet else read)
            if not n:
                return
            left -= n

    async def _drop(self):
        """Read some input into _SINK; the bytes read, 0 at EOF."""
        reader = self.reader
        if hasattr(reader, 'readinto'):  # MicroPython: allocates nothing
            return await reader.readinto(_SINK)
        return len(await reader.read(len(_SINK)))
