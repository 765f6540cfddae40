"""
microdot_server: the asyncio server behind ``Microdot.run()``
=============================================================

One core for CPython and MicroPython. Each connection is a task that reads
requests (``microdot_http`` parses them), dispatches them to the application
and writes the responses, in order, keeping the connection open between
requests when both sides allow it.

Time limits (class attributes of ``Request``; 0 waits for ever):

- ``idle_timeout`` (5 s): how long a connection may wait for a request to
  begin, the first or the next one; announced in ``Keep-Alive: timeout=N``.
  An idle connection is closed without a word.
- ``socket_read_timeout`` (1 s, microdot 1.x's name): once a request has
  begun, its whole head must arrive within this time, and its body may
  pause no longer than this between two pieces; else 408 and a close.

Memory: a connection buffers at most ``Request.max_head_length`` bytes of a
head, the bodies the application reads whole (``max_body_length``), and
sends large bodies in pieces of ``PIECE`` bytes. ``Microdot.max_connections``
connections are served at once; None (the default) fits them to the heap
(see ``connection_limit``). A MemoryError while serving one request ends in
a 503 on that connection only.

Overload: when every place is taken, an idle connection is closed to admit
the new one; while clients wait for a place, responses say
``Connection: close`` so that places turn over. A client that finds no
place within ``ADMIT_WAIT`` seconds gets 503 with ``Retry-After``.

The server closes a connection in stages (RFC 9112 9.6), so that input it
left unread does not turn the close into a reset that destroys the last
response on its way (see ``Connection.close``).

Applications do not import this module: ``app.run()`` and
``app.start_server()`` do.
"""
import asyncio
import gc
import time

from microdot import MICROPYTHON, HTTPException, NoCaseDict, Request, \
    Response, print_exception, urldecode_path
import microdot_http as http
from microdot_http import HTTPError, error_text, reason_phrase

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

ADMIT_WAIT = 1  # seconds a new client may wait for a place before a 503
SHED_AFTER = 50  # ms a connection must have been idle to be closed for one
TICK = 100  # ms between two checks of the connections' deadlines
PIECE = 1024  # bytes: larger bodies are written in pieces of this size
RECV = 1024  # MicroPython: a connection's receive buffer, where reads land

# What one connection may hold at its peak, beside its head and body
# buffers: task, streams, request and response objects (measured on the
# 64-bit unix port, rounded up; a 32-bit board needs less).
CONNECTION_BYTES = 6 * 1024
HEAP_RESERVE = 24 * 1024  # left free for the application's own work
GC_SHARE = 8  # on a small heap, collect after an eighth of it is allocated
SMALL_HEAP = 256 * 1024
MOST_CONNECTIONS = 16 if MICROPYTHON else 64

# The answer when there is no place, or no memory, for a request: constant
# bytes, so that sending it needs no memory.
BUSY = (b'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n'
        b'Content-Type: text/plain; charset=UTF-8\r\nContent-Length: 19\r\n'
        b'Connection: close\r\n\r\nService Unavailable')

# What a connection is waiting for, which says how long it may wait;
# OPEN: a handler has taken it over (a WebSocket), and it waits without a
# deadline for as long as that lasts.
IDLE, HEAD, BODY, OPEN = 0, 1, 2, 3
THREAD_POLL = 50  # ms between two looks at whether a handler's thread ended

if MICROPYTHON:
    async def _coroutine_function():
        pass

    def is_async(f):
        # MicroPython gives async functions and generator functions one type,
        # so a handler written as a generator function counts as async here.
        return type(f) is type(_coroutine_function)

    def iscoroutine(obj):
        return False  # plain functions run in place: nothing to await

    ticks_ms = time.ticks_ms
    ticks_diff = time.ticks_diff
else:
    from inspect import iscoroutine
    from inspect import iscoroutinefunction as is_async

    def ticks_ms():
        return int(time.monotonic() * 1000)

    def ticks_diff(a, b):
        return a - b


# ------------------------------------------------------------------ routing

_KNOWN_METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT',
                  'OPTIONS', 'TRACE', 'PATCH')


def find_route(app, req):
    """``Microdot.find_route``: the handler for a request, or 404, 405 or
    501, or for OPTIONS the headers of its answer."""
    method = req.method
    if method not in _KNOWN_METHODS and not any(
            method in route[0] for route in app.url_map):
        return 501
    if method == 'OPTIONS' and app.options_handler:
        return app.options_handler(req)
    found = 404
    for methods, pattern, handler in app.url_map:
        args = pattern.match(req.path)
        if args is not None:
            if method in methods or (method == 'HEAD' and 'GET' in methods):
                req.url_args = args
                return handler
            found = 405
    return found


def allowed_methods(app, path):
    """``Microdot.allowed_methods``: what the routes matching ``path``
    allow, with HEAD beside GET and OPTIONS; empty when none match."""
    allow = []
    for methods, pattern, _ in app.url_map:
        if path == '*' or pattern.match(path) is not None:
            allow += [m for m in methods if m not in allow]
    if allow:
        if 'GET' in allow and 'HEAD' not in allow:
            allow.append('HEAD')
        allow.append('OPTIONS')
    return allow


def match_arguments(pattern, path):
    """``URLPattern.match`` for a pattern with arguments: their values in
    ``path`` as a dict, or None. The built-in types are matched segment by
    segment (MicroPython's re recurses once per character it matches, and a
    long segment would exhaust its stack); ``re:`` patterns by their regex."""
    if pattern.segments is None:
        g = pattern.regex.match(path)
        found = None if g is None else \
            [g.group(group) for _, _, group in pattern.args]
    else:
        found = _segment_arguments(pattern.segments, path)
    if found is None:
        return None
    args = {}
    for (name, type_, _), raw in zip(pattern.args, found):
        try:
            value = urldecode_path(raw)
        except ValueError:
            raise HTTPException(400, 'Invalid percent-encoding')
        args[name] = int(value) if type_ == 'int' else value
    return args


def _segment_arguments(segments, path):
    # The raw arguments in ``path``, or None, as the pattern's regex would
    # find them: ``segments`` holds literals, and (type,) for arguments.
    parts = path.split('/')
    if parts[0] or len(parts) <= len(segments):
        return None
    last = len(segments)
    if segments[-1] == ('path',):
        parts[last] = '/'.join(parts[last:])
    elif len(parts) > last + 1:
        return None
    found = []
    for segment, part in zip(segments, parts[1:]):
        if not isinstance(segment, tuple):
            if part != segment:
                return None
        elif not part or (segment == ('int',) and not _is_int(part)):
            return None
        else:
            found.append(part)
    return found


def _is_int(text):
    # what "-?[0-9]+" matches
    digits = text[1:] if text[:1] == '-' else text
    return bool(digits) and not digits.strip('0123456789')


def run(app, host='0.0.0.0', port=5000, debug=False, ssl=None):
    """Serve ``app`` until it shuts down or Ctrl-C is pressed."""
    try:
        asyncio.run(Server(app, debug).serve(host, port, ssl))
    except KeyboardInterrupt:
        pass
    finally:
        if MICROPYTHON:
            asyncio.new_event_loop()  # leave no tasks behind at the REPL


def connection_limit():
    """How many connections fit in the heap: on MicroPython, the free heap
    (less ``HEAP_RESERVE``) over one connection's peak (``CONNECTION_BYTES``
    plus twice ``Request.max_head_length``, for the head and its parsed
    copy, plus ``Request.max_body_length``), between 2 and
    ``MOST_CONNECTIONS``; on CPython, ``MOST_CONNECTIONS``."""
    if not MICROPYTHON:
        return MOST_CONNECTIONS
    gc.collect()
    peak = CONNECTION_BYTES + 2 * Request.max_head_length + \
        Request.max_body_length
    fits = (gc.mem_free() - HEAP_RESERVE) // peak
    return max(2, min(MOST_CONNECTIONS, fits))


def _keep_heap_whole(server):
    # MicroPython collects when the heap is full: by then garbage fills it,
    # and objects that live long (a kept connection's) land anywhere in it,
    # splitting the free space into pieces too small for a body. On a small
    # heap, collecting every eighth of it keeps what lives at the bottom and
    # the free space in one piece, and so does making the receive buffers
    # together now rather than one by one as clients come (on a large heap,
    # collections would cost more time than the pieces cost room). An
    # application's own threshold is left alone.
    heap = gc.mem_free() + gc.mem_alloc()
    if heap <= SMALL_HEAP:
        if gc.threshold() < 0:
            gc.threshold(heap // GC_SHARE)
        server.buffers = [bytearray(RECV)
                          for _ in range(server.max_connections)]
        server.pooled = True


class Server:
    """Serves one application on asyncio::

        await Server(app).serve('0.0.0.0', 80)
    """

    def __init__(self, app, debug=False):
        self.app = app
        self.debug = debug
        self.active = 0  # connections being served
        self.open = 0  # connections being served or closing
        self.queued = 0  # clients waiting for a place
        self.conns = set()  # the connections being served
        self.fitted = None  # connection_limit() when the server started
        self.pooled = False  # whether receive buffers are kept and reused
        self.buffers = []  # receive buffers kept for the next connections
        self.stopped = None
        self.loop = None

    @property
    def max_connections(self):
        return self.app.max_connections or self.fitted or connection_limit()

    async def serve(self, host, port, ssl=None):
        app = self.app
        app.debug = self.debug
        app.shutdown_requested = False
        self.stopped = asyncio.Event()
        self.fitted = connection_limit()
        if MICROPYTHON:
            _keep_heap_whole(self)
        else:
            self.loop = asyncio.get_running_loop()
        # MicroPython's listen backlog defaults to 5: in a burst of more
        # clients than that, some were never seen to send their requests
        listener = await asyncio.start_server(
            self.accept, host, port, ssl=ssl,
            backlog=BACKLOG_PER_PLACE * self.fitted)
        watch = asyncio.create_task(self.watch())
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
        # idle connections are closed at once
        for conn in self.conns:
            conn.expire()
        wait = max(Request.socket_read_timeout, 1) * 2 + LINGER_TIME
        for _ in range(int(wait * 20)):
            if not self.open:
                break
            await asyncio.sleep(0.05)
        watch.cancel()

    def stop(self):
        """Make ``serve`` return; safe to call from any thread."""
        if self.loop is None:
            self.stopped.set()
        else:
            self.loop.call_soon_threadsafe(self.stopped.set)

    async def watch(self):
        """Cut short the waits of connections past their deadline."""
        while True:
            await asyncio.sleep(TICK / 1000)
            now = ticks_ms()
            idle = int(Request.idle_timeout * 1000)
            busy = int(Request.socket_read_timeout * 1000)
            for conn in self.conns:
                if conn.mode == OPEN:
                    continue
                limit = idle if conn.mode == IDLE else busy
                if limit and conn.waiter is not None and \
                        ticks_diff(now, conn.since) >= limit:
                    conn.expire()

    async def accept(self, reader, writer):
        self.open += 1
        conn = None
        linger = True
        try:
            conn = Connection(reader, writer)
            if not await self.admit():
                _send_busy(conn)
                return
            self.active += 1
            self.conns.add(conn)
            if MICROPYTHON:
                conn.lend(self.buffers.pop() if self.buffers
                          else bytearray(RECV))
            try:
                linger = await self.serve_connection(conn)
            finally:
                # A closing connection holds a socket and a task, no buffer:
                # it gives back its place first, so that a client slow to
                # close does not keep others out.
                self.active -= 1
                self.conns.discard(conn)
        except MemoryError:
            gc.collect()
            _send_busy(conn)
        except Exception as exc:
            if not isinstance(exc, OSError):  # OSError: the client left
                print_exception(exc)
        finally:
            if conn is not None:
                # closing needs no buffer
                if conn.buf is not None and self.pooled:
                    self.buffers.append(conn.buf)
                conn.buf = conn.view = None
                await conn.close(linger)
            else:
                writer.close()
            self.open -= 1

    async def admit(self):
        """Wait for a place for a new connection, closing an idle one if
        that makes one; False if none came within ADMIT_WAIT seconds."""
        if self.active < self.max_connections:
            return True
        self.queued += 1
        try:
            for _ in range(ADMIT_WAIT * 100):
                if self.active < self.max_connections:
                    return True
                self.shed_idle()
                await asyncio.sleep(0.01)
            return False
        finally:
            self.queued -= 1

    def shed_idle(self):
        """Close the connection idle the longest (for SHED_AFTER ms at
        least), unless one is closing for that already."""
        oldest = None
        now = ticks_ms()
        for conn in self.conns:
            if conn.expired:
                return
            if conn.mode == IDLE and conn.waiter is not None and \
                    ticks_diff(now, conn.since) >= SHED_AFTER and \
                    (oldest is None or
                     ticks_diff(conn.since, oldest.since) < 0):
                oldest = conn
        if oldest is not None:
            oldest.expire()

    async def serve_connection(self, conn):
        """Answer the requests that arrive on one connection, in order;
        returns whether the close should linger: whether input the server
        did not read may still be on its way (a body left unread, the rest
        of a refused request, bytes after the last request)."""
        app = self.app
        reader = http.Reader(conn, Request.max_readline, Request.max_headers,
                             Request.max_head_length)
        keep = True
        unread = False
        while keep and not app.shutdown_requested:
            req = None
            try:
                req = await read_request(app, reader)
                if req is None:
                    break  # the client left, or stayed silent
                res = await dispatch(app, req)
                stream = req._stream
                unread = stream is not http.EMPTY_BODY and not stream.done
                keep = not unread and not conn.last and http.keep_alive(req)
            except HTTPException as exc:  # the request itself is unusable
                res = Response(exc.reason or error_text(exc.status_code),
                               exc.status_code)
                keep = False
                unread = True
            except HTTPError as exc:
                res = Response(error_text(exc.status), exc.status)
                keep = False
                unread = True
            except EOFError:
                break  # the client left in the middle of its request
            except MemoryError:
                res = req = None
                gc.collect()
                print('MemoryError: answered 503')
                _send_busy(conn)
                return True
            if res is Response.already_handled or conn.mode == OPEN:
                return True  # its handler answered, and may have left input
            keep = await send_response(
                conn, res, req, keep and not self.queued and
                not app.shutdown_requested)
            if self.debug:
                print('%s %s %d' % (req.method if req else '-',
                                    req.path if req else '-',
                                    res.status_code))
            conn.expect(IDLE)
        if app.shutdown_requested and app.server is self:
            self.stop()
        return unread or bool(reader.buf)


# ------------------------------------------------------- running the handlers

async def dispatch(app, req):
    """Run the application's hooks and handler for a request; returns a
    Response (``Microdot.dispatch_request``)."""
    try:
        if req.content_length > Request.max_content_length:
            raise HTTPException(413)
        f = app.find_route(req)
        if isinstance(f, int):
            raise HTTPException(f)
        res = None
        if isinstance(f, dict):
            res = Response(headers=f)
        else:
            for handler in app.before_request_handlers:
                res = await _call(handler, req)
                if res:
                    break
            if not res:
                if is_async(f):  # the usual case, without a call between
                    req._sync = False
                    res = await f(req, **req.url_args)
                else:
                    res = await _call(f, req, **req.url_args)
        res = make_response(res)
        after = app.after_request_handlers
        if req._after:
            after = after + req._after
        for handler in after:
            res = make_response(await _invoke(handler, req, res) or res)
        return res
    except HTTPException as exc:
        res = await error_response(app, req, exc.status_code, exc.reason)
    except HTTPError as exc:  # a request stream the client cut short, say
        res = await error_response(app, req, exc.status)
    except MemoryError:
        raise  # the server answers 503: there is no memory for more
    except Exception as exc:
        res = await exception_response(app, req, exc)
    for handler in app.after_error_request_handlers:
        try:
            res = make_response(await _invoke(handler, req, res) or res)
        except Exception as exc:
            print_exception(exc)
    return res


async def error_response(app, req, status_code, reason=None):
    """The response for an error status: the application's handler for
    that status, else the status's text."""
    res = None
    if status_code in app.error_handlers:
        try:
            res = make_response(
                await _invoke(app.error_handlers[status_code], req))
        except Exception as exc:
            print_exception(exc)
    if res is None:
        res = Response(reason or error_text(status_code), status_code)
    if res.status_code == 405 and 'Allow' not in res.headers:
        res.headers['Allow'] = ', '.join(app.allowed_methods(req.path))
    return res


async def exception_response(app, req, exc):
    """The response for an exception a handler raised: the application's
    handler for its class (or the nearest base class), else 500."""
    if app.debug:
        print_exception(exc)
    else:
        print('%s %s: %s: %s' % (req.method, req.path,
                                 type(exc).__name__, exc))
    for cls in _mro(type(exc)):
        if cls in app.error_handlers:
            try:
                return make_response(
                    await _invoke(app.error_handlers[cls], req, exc))
            except Exception as exc2:
                print_exception(exc2)
            break
    return await error_response(app, req, 500)


def make_response(res):
    """A handler's return value as a Response."""
    if isinstance(res, Response):
        return res
    if isinstance(res, tuple):
        if len(res) == 3:
            return Response(*res)
        if isinstance(res[1], int):
            return Response(res[0], res[1])
        return Response(res[0], 200, res[1])
    return Response(res)


def _mro(cls):
    # A class and its bases, nearest first (MicroPython has no __mro__); a
    # base shared by several parents comes after all of them.
    order = [cls]
    for base in cls.__bases__:
        order += _mro(base)
    return [c for i, c in enumerate(order) if c not in order[i + 1:]]


async def call_plain(f, *args):
    """Call a plain function from async code. On CPython it runs in a worker
    thread, so that blocking work leaves the event loop free; MicroPython has
    no threads to spare, so there it runs in place."""
    if MICROPYTHON:
        return f(*args)
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    _jobs.put((f, args, done, loop))
    with _workers_lock:  # a thread more when none is free, up to WORKERS
        more = _workers[1] < _jobs.qsize() and _workers[0] < WORKERS
        if more:
            _workers[0] += 1
    if more:
        threading.Thread(target=_work, daemon=True).start()
    return await done


if not MICROPYTHON:
    # A pool of worker threads for plain functions: lighter than an
    # executor's futures (a third of the time per call), shared by every
    # server of the process, each job telling the loop to wake.
    import threading
    from queue import SimpleQueue

    WORKERS = MOST_CONNECTIONS
    _jobs = SimpleQueue()
    _workers = [0, 0]  # started, waiting for a job
    _workers_lock = threading.Lock()

    def _work():
        while True:
            with _workers_lock:
                _workers[1] += 1
            f, args, done, loop = _jobs.get()
            with _workers_lock:
                _workers[1] -= 1
            try:
                result, ok = f(*args), True
            except BaseException as exc:
                result, ok = exc, False
            try:
                loop.call_soon_threadsafe(_settle, done, ok, result)
            except RuntimeError:
                pass  # that loop has closed: nobody waits any more

    def _settle(done, ok, result):
        if not done.cancelled():
            if ok:
                done.set_result(result)
            elif isinstance(result, StopIteration):  # a future refuses it
                done.set_exception(RuntimeError('StopIteration: %s' % result))
            else:
                done.set_exception(result)


async def _invoke(f, *args, **kwargs):
    # Call a handler or hook, plain or async, and wait for its result.
    if is_async(f):
        return await f(*args, **kwargs)
    if MICROPYTHON:
        return f(*args, **kwargs)
    result = await call_plain(lambda: f(*args, **kwargs))
    if iscoroutine(result):
        result = await result  # a plain wrapper around an async function
    return result


async def _call(f, req, **kwargs):
    # Call a route handler or before-request hook. ``req.stream`` follows
    # its kind: awaited reads for async code, blocking ones for plain code.
    # MicroPython runs plain code in the event loop, so there the body is
    # received first: a plain handler's read never waits for the client.
    if is_async(f):
        req._sync = False
        return await f(req, **kwargs)
    req._sync = True
    if MICROPYTHON:
        if not getattr(req._stream, 'done', True):
            await req._stream.read_ahead()
        if 'Upgrade' in req.headers:  # it may keep the connection (a
            return await call_in_thread(f, req, **kwargs)  # WebSocket)
        return f(req, **kwargs)
    return await _invoke(f, req, **kwargs)


async def call_in_thread(f, *args, **kwargs):
    """MicroPython: call a plain function on a thread of its own and wait
    for it, the event loop serving the other clients meanwhile. For the
    handler of an upgrade request, which may hold its connection for as
    long as the client stays (a WebSocket): run in place, it would stop
    every other client. HTTPException(503) when no thread can be started
    (a port without threads; a Pico, whose one spare core is busy)."""
    done = []

    def work():
        try:
            done.append((True, f(*args, **kwargs)))
        except BaseException as exc:
            done.append((False, exc))
    try:
        import _thread
        _thread.start_new_thread(work, ())
    except Exception as exc:  # ImportError, OSError, RuntimeError
        print('no thread for a plain handler of an upgrade request (%s): '
              'answered 503; an async handler needs none' % exc)
        raise HTTPException(503)
    while not done:
        await asyncio.sleep_ms(THREAD_POLL)
    ok, result = done[0]
    if not ok:
        raise result
    return result


async def read_request(app, reader):
    """Read one request head and, when it is small enough, its body.

    None when the client closed the connection, or stayed silent for
    ``idle_timeout``, before sending anything.
    """
    conn = reader.conn
    try:
        lines = reader.take_head()
        while lines is None:
            if reader.buf and conn.mode == IDLE:
                conn.expect(HEAD)  # the head's deadline starts now
            reader._add(await conn.recv(2048))  # Reader.fill, less a call
            lines = reader.take_head()
    except EOFError:
        if reader.buf:
            raise HTTPError(400)  # half a request, then EOF
        return None
    except HTTPError as exc:
        if exc.status == 408 and not reader.buf and conn.mode == IDLE:
            return None  # idle: close without a word (RFC 9112 9.5)
        raise
    headers = NoCaseDict()
    method, url, version = http.parse_head(lines, headers)
    lines = None
    length = http.body_length(headers, version)
    try:
        req = Request(app, conn.peer, method, url, version, headers)
    except ValueError:  # a query string that is not UTF-8
        raise HTTPError(400)
    req._reader = reader  # for request.sock
    if length == 0:
        req._stream = http.EMPTY_BODY
        return req
    conn.expect(BODY)
    req._stream = body = http.Body(reader, length, Request.max_content_length)
    if length is not None and length > Request.max_content_length:
        return req  # dispatch answers 413 without reading the body
    if version != '1.0' and \
            headers.get('Expect', '').lower() == '100-continue':
        conn.write(b'HTTP/1.1 100 Continue\r\n\r\n')
        await conn.drain()
    limit = Request.max_body_length
    if length is None or length <= limit:
        try:
            data = await body.read(limit + 1)
        except HTTPError as exc:
            if exc.status != 413:
                raise
            # chunks declared past the limit: dispatch answers 413 through
            # the application's handlers, as for a large Content-Length
            req.content_length = body.total + body.left
            return req
        if len(data) <= limit:
            req._body = data
        body.ahead.append(data)  # for a handler that reads ``stream``
    return req


async def send_response(conn, res, req, keep):
    """Send ``res``; returns whether the connection stays open."""
    frame = http.framing(res, req)
    keep = keep and frame != 'close'
    try:
        head = http.response_head(res, req, keep, Request.idle_timeout)
    except ValueError as exc:
        print_exception(exc)
        _close(res.body)
        return await send_response(conn, Response(reason_phrase(500), 500),
                                   req, keep)
    body = res.body
    if frame == 'none' or (req is not None and req.method == 'HEAD'):
        _close(body)
        conn.write(head)
    elif isinstance(body, bytes):
        if len(body) <= PIECE:
            conn.write(head + body if body else head)  # one segment
        else:
            conn.write(head)
            await _send_bytes(conn, body)
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
    if conn.unsent():
        await conn.drain()
    return keep


async def _send_bytes(conn, body):
    # A large body goes out in pieces: the stream never copies it whole.
    view = memoryview(body)
    for i in range(0, len(body), PIECE):
        conn.write(view[i:i + PIECE])
        await conn.drain()


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
                conn.write(b'%x\r\n' % len(piece))
                conn.write(piece)
                conn.write(b'\r\n')
            else:
                conn.write(piece)
            await conn.drain()


def _close(body):
    if hasattr(body, 'close'):
        body.close()


def _send_busy(conn):
    # 503 on a connection that found no place, or no memory; it is closed
    # next. One its handler has taken over gets no more HTTP.
    if conn is not None and conn.mode != OPEN:
        try:
            conn.write(BUSY)
        except Exception:
            pass  # nothing can be sent: the close says it


class Connection:
    """One client connection over asyncio streams.

    ``recv`` waits for input as long as the connection's ``mode`` allows
    (see ``expect``); the server's watch cuts a wait past its deadline short
    (``expire``), and ``recv`` raises HTTPError(408). ``recv_now`` is its
    blocking twin, for plain handlers that read the request stream.
    """

    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.peer = writer.get_extra_info('peername')
        self.loop = None if MICROPYTHON else asyncio.get_running_loop()
        self.buf = self.view = None  # MicroPython: every read lands here
        self.waiter = None  # the task waiting in recv, if one is
        self.expired = False  # the wait was cut short
        self.last = False  # answer the request under way, then close
        self.mode = IDLE
        self.since = ticks_ms()  # when the wait for the mode's input began

    def lend(self, buf):
        """Receive into ``buf`` (a bytearray) from now on."""
        self.buf = buf
        self.view = memoryview(buf)

    def expect(self, mode):
        """Wait next for ``mode``, from now: IDLE (a request to begin, for
        at most ``idle_timeout``), HEAD (the rest of a head, which must be
        whole ``socket_read_timeout`` after its start) or BODY (each read
        may wait ``socket_read_timeout``)."""
        self.mode = mode
        self.since = ticks_ms()

    def expire(self):
        """Cut the connection's wait for input short (timeout, shed)."""
        if self.waiter is not None and not self.expired:
            self.expired = True
            self.waiter.cancel()

    async def recv(self, n):
        if self.mode == BODY:
            self.since = ticks_ms()  # a body's limit is on each pause
        self.waiter = asyncio.current_task()
        try:
            if MICROPYTHON:
                got = None
                while got is None:  # None: woken with nothing to read
                    got = await self.reader.readinto(self.buf)
                return bytes(self.view[:got])
            return await self.reader.read(n)
        except asyncio.CancelledError:
            if not self.expired:
                raise  # the server is stopping
            return await self._after_expiry(n)
        finally:
            self.waiter = None

    async def _after_expiry(self, n):
        # A request may have arrived as the wait was cut short: an idle
        # connection serves it, then closes; else 408.
        self.expired = False
        if MICROPYTHON:
            if self.mode == IDLE:
                try:  # the socket does not block: None if nothing is there
                    got = self.reader.s.readinto(self.buf)
                except OSError:
                    got = None
                if got is not None:
                    self.last = True
                    return bytes(self.view[:got])
            raise HTTPError(408)
        task = asyncio.current_task()
        if hasattr(task, 'uncancel'):
            task.uncancel()
        reader = self.reader
        if self.mode == IDLE and (reader.at_eof() or
                                  getattr(reader, '_buffer', None)):
            self.last = True
            return await reader.read(n)  # at once: the bytes are here
        raise HTTPError(408)

    def recv_now(self, n):
        if self.loop is not None:  # CPython: we are in a worker thread
            return asyncio.run_coroutine_threadsafe(
                self.recv(n), self.loop).result()
        sock = self.reader.s  # MicroPython: block on the socket itself
        sock.settimeout(Request.socket_read_timeout or None)
        try:
            return sock.recv(n) if hasattr(sock, 'recv') else sock.read(n)
        except OSError:
            raise HTTPError(408)
        finally:
            sock.setblocking(False)

    def write(self, data):
        self.writer.write(data)

    def unsent(self):
        """Whether written data may still wait to go out. MicroPython's
        stream writes at once what the socket takes and keeps the rest in
        out_buf: with nothing kept there is nothing to drain, and the next
        read yields to the other tasks anyway."""
        return not MICROPYTHON or bool(self.writer.out_buf)

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
