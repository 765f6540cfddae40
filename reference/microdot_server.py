"""
microdot_server: the asyncio server behind ``Microdot.run()``
=============================================================

One core for CPython and MicroPython. The server accepts connections
itself; each is a task that reads requests (``microdot_http`` parses them),
runs them through the application's hooks and handlers and writes the
responses, in order, keeping the connection open between requests when
both sides allow it.

Time limits (class attributes of ``Request``; 0 waits for ever):

- ``idle_timeout`` (5 s): how long a connection may wait for a request to
  begin, the first or the next one; announced in ``Keep-Alive: timeout=N``.
  An idle connection is closed without a word.
- ``socket_read_timeout`` (1 s, microdot 1.x's name): once a request has
  begun, its whole head must arrive within this time, and its body may
  pause no longer than this between two pieces; else 408 and a close.

Memory: a connection buffers at most ``Request.max_head_length`` bytes of a
head and the bodies the application reads whole (``max_body_length``), and
large bodies go out in pieces of ``PIECE`` bytes. On MicroPython every
connection receives into one shared buffer (a read is copied out before
any other task runs). ``Microdot.max_connections`` connections are served
at once; None (the default) fits them to the heap (``connection_limit``).
A MemoryError while accepting or starting a connection closes that
connection; one while serving a request answers it 503; either way the
server goes on.

Overload (``microdot_overload``, loaded when every place is first taken):
an idle connection is closed to admit the new one; while clients wait for
a place, responses say ``Connection: close`` so that places turn over. A
client that finds no place within ``ADMIT_WAIT`` seconds gets ``BUSY``.

The server closes a connection in stages (RFC 9112 9.6), so that input it
left unread does not turn the close into a reset that destroys the last
response on its way (see ``Connection.close`` and
``microdot_body.linger``).

Seams: a subclass of ``Server`` may change ``read_request``, ``head`` (a
response's head bytes), ``send`` (writing a response), ``send_pieces``,
``admit`` and ``BUSY``, and give other classes in ``protocol_class`` (the
``microdot_http.Protocol`` of each connection), ``connection_class`` (on
CPython, a subclass of ``microdot_cpython.Connection``) and
``stream_class`` (``microdot_body.Stream``: a request's body, as handlers
read it).

Applications do not import this module: ``app.run()`` and
``app.start_server()`` do.
"""
import asyncio
import gc
import socket
import time

try:
    from micropython import const
except ImportError:
    const = int

from microdot import MICROPYTHON, HTTPException, NoCaseDict, Request, \
    Response, load, print_exception
import microdot_http as http
from microdot_http import HTTPError

_BACKLOG_PER_PLACE = const(4)  # connections waiting to be accepted, a place
ADMIT_WAIT = const(1)  # seconds a new client may wait for a place (then 503)
_TICK = const(100)  # ms between two checks of the connections' deadlines
PIECE = const(1024)  # bytes: larger bodies are written in pieces this size
_RECV = const(512)  # MicroPython: bytes a read takes at most
# A board without a time source starts its clock in 2000 (or 1970); such a
# clock must not be published in a Date header (RFC 9110 section 6.6.1).
# (microdot_stream's responses follow the same rule.)
CLOCK_VALID_FROM = 2024

# What one connection may hold at its peak, beside its head and body
# buffers: task, request and response objects (measured on the 64-bit unix
# port, rounded up; a 32-bit board needs less).
_CONNECTION_BYTES = const(6 * 1024)
_HEAP_RESERVE = const(24 * 1024)  # left free for the application's own work
_GC_SHARE = const(8)  # on a small heap, collect after each eighth allocated
_SMALL_HEAP = const(256 * 1024)
MOST_CONNECTIONS = 16 if MICROPYTHON else 64

# What a connection is waiting for, which says how long it may wait;
# TAKEN: it was handed over (``Server.take``), and the server sets it no
# deadline.
IDLE = const(0)
HEAD = const(1)
BODY = const(2)
TAKEN = const(3)

if MICROPYTHON:
    from asyncio import core

    ticks_ms = time.ticks_ms
    ticks_diff = time.ticks_diff
    _io = core._io_queue  # where asyncio's Stream waits on a socket too
    _received = bytearray(_RECV)  # every read lands here, then is copied
    _view = memoryview(_received)

    def _ready(register, sock):
        # Awaited: returns once ``sock`` can be read (register: queue_read)
        # or written (queue_write), as asyncio's own streams wait.
        yield register(sock)

    async def _generator_function():
        pass

    _ASYNC = type(_generator_function)

    def is_async(f):
        """Whether calling ``f`` gives a coroutine to await. MicroPython
        gives async functions and generator functions one type, so a handler
        written as a generator function counts as async here. A closure (an
        async decorator's wrapper) or a bound method has a type of its own
        that hides its function's; only its repr tells: ``<closure
        <generator> at ...>``, ``<bound_method ... <generator>>``."""
        kind = type(f)
        if kind is not _ASYNC and kind.__name__ in ('closure',
                                                    'bound_method'):
            text = repr(f)
            return '<generator>' in (text[9:20], text[-12:-1])
        return kind is _ASYNC
else:
    from inspect import iscoroutinefunction as is_async
    from operator import sub as ticks_diff

    def ticks_ms():
        return int(time.monotonic() * 1000)


def connection_limit():
    """How many connections fit in the heap: on MicroPython, the free heap
    (less ``HEAP_RESERVE``) over one connection's peak (``CONNECTION_BYTES``
    plus twice ``Request.max_head_length``, for the head and its parsed
    copy, plus ``Request.max_body_length``), between 2 and
    ``MOST_CONNECTIONS``; on CPython, ``MOST_CONNECTIONS``."""
    if not MICROPYTHON:
        return MOST_CONNECTIONS
    gc.collect()
    peak = _CONNECTION_BYTES + 2 * Request.max_head_length + \
        Request.max_body_length
    fits = (gc.mem_free() - _HEAP_RESERVE) // peak
    return max(2, min(MOST_CONNECTIONS, fits))


class Connection:
    """One client connection (on MicroPython: its non-blocking socket).

    ``recv()`` waits for input as long as the connection's ``mode`` allows
    (see ``expect``); the server's watch cuts a wait past its deadline short
    (``expire``), and ``recv`` raises HTTPError(408). ``write`` sends what
    the socket takes at once and keeps the rest for ``drain``. A request's
    ``sock`` is its connection, for a handler that takes it over (see
    ``Server.take``).
    """

    def __init__(self, sock, peer, ssl=None):
        self.sock = sock
        self.peer = peer
        self.ssl = ssl
        self.out = b''  # written, not yet taken by the socket (on CPython
        # streams: True, what they keep is not known)
        self.protocol = None  # its microdot_http.Protocol, while served
        self.server = None  # the Server serving it
        self.waiter = None  # the task waiting in recv, if one is
        self.expired = False  # the wait was cut short
        self.last = False  # answer the request under way, then close
        self.mode = IDLE
        self.since = ticks_ms()  # when the wait for the mode's input began

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

    async def recv(self):
        """The next bytes the client sends; ``b''`` once it has closed."""
        if self.mode == BODY:
            self.since = ticks_ms()  # a body's limit is on each pause
        self.waiter = asyncio.current_task()
        try:
            return await self.receive()
        except asyncio.CancelledError:
            if not self.expired:
                raise  # the server is stopping
            # A request may have arrived as the wait was cut short: an idle
            # connection serves it, then closes; else 408.
            self.expired = False
            data = await self.received_already()
            if data is None or self.mode != IDLE:
                raise HTTPError(408)
            self.last = True
            return data
        finally:
            self.waiter = None

    async def receive(self):
        sock = self.sock
        while True:
            await _ready(_io.queue_read, sock)
            n = sock.readinto(_received)
            if n is not None:  # None: woken with nothing to read
                return bytes(_view[:n])

    async def received_already(self):
        """What has arrived and waits to be read, without waiting; None if
        nothing has."""
        try:
            n = self.sock.readinto(_received)
        except OSError:
            return None
        return None if n is None else bytes(_view[:n])

    def write(self, data):
        if not self.out:
            n = self.sock.write(data)
            if n == len(data):
                return
            data = data[n or 0:]
        self.out = self.out + bytes(data)

    async def drain(self):
        while self.out:
            await _ready(_io.queue_write, self.sock)
            n = self.sock.write(self.out)
            if n:
                self.out = self.out[n:]

    async def close(self, linger=True):
        """Close the connection; with ``linger``, in stages (RFC 9112 9.6,
        see microdot_body.linger), so that input left unread does not make
        the TCP stack send a reset that destroys the response on its way."""
        if linger:
            try:
                await load('microdot_body').linger(self)
            except Exception:
                pass  # the client left, or took too long: close anyway
        try:
            await self.shut()
        except Exception:
            pass  # the client may be gone already; nothing is lost

    async def shut(self):
        self.sock.close()


class Server:
    """Serves one application on asyncio::

        await Server(app).serve('0.0.0.0', 80)
    """
    protocol_class = http.Protocol
    connection_class = Connection
    stream_class = None  # microdot_body.Stream
    #: The answer when there is no place, or no memory, for a client:
    #: constant bytes, so that sending it needs no memory.
    BUSY = b'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n' \
        b'Content-Type: text/plain; charset=UTF-8\r\nContent-Length: 19\r\n' \
        b'Connection: close\r\n\r\nService Unavailable'

    def __init__(self, app, debug=False):
        self.app = app
        self.debug = debug
        self.cache = {}  # what its protocols remember (see microdot_http)
        self.active = 0  # connections being served
        self.open = 0  # connections being served or closing
        self.queued = 0  # clients waiting for a place
        self.conns = set()  # the connections being served
        self.max_connections = app.max_connections or MOST_CONNECTIONS
        self.accepting = None  # the task that accepts connections
        self.stopping = False
        self.loop = None
        self.second = None  # the second self.dated was made for
        self.dated = None

    async def serve(self, host, port, ssl=None):
        app = self.app
        app.debug = self.debug
        app.shutdown_requested = False
        self.stopping = False
        self.max_connections = app.max_connections or connection_limit()
        if MICROPYTHON:
            # MicroPython collects when the heap is full: by then garbage
            # fills it, and objects that live long land anywhere in it,
            # splitting the free space into pieces too small for a body. On
            # a small heap, collecting every eighth of it keeps the free
            # space in one piece (on a large heap, collections would cost
            # more time than the pieces cost room). An application's own
            # threshold is left alone.
            heap = gc.mem_free() + gc.mem_alloc()
            if heap <= _SMALL_HEAP and gc.threshold() < 0:
                gc.threshold(heap // _GC_SHARE)
        else:
            self.loop = asyncio.get_running_loop()
            if self.connection_class is Connection:
                self.connection_class = load('microdot_cpython').Connection
        listener = listen(host, port, _BACKLOG_PER_PLACE *
                          self.max_connections)
        self.accepting = asyncio.create_task(self.accept(listener, ssl))
        watch = asyncio.create_task(self.watch())
        app.server = self
        if self.debug:
            print('Starting async server on %s:%d...' % (host, port))
        try:
            await self.accepting  # until stop() cancels it
        finally:
            app.server = None
            listener.close()
        # let the requests under way finish and their connections close;
        # idle connections are closed at once
        for conn in self.conns:
            conn.expire()
        wait = max(Request.socket_read_timeout, 1) * 2 + \
            load('microdot_body').LINGER_TIME
        for _ in range(int(wait * 20)):
            if not self.open:
                break
            await asyncio.sleep(0.05)
        watch.cancel()

    def stop(self):
        """Make ``serve`` return; safe to call from any thread."""
        self.stopping = True
        if self.loop is None:
            self.accepting.cancel()
        else:
            self.loop.call_soon_threadsafe(self.accepting.cancel)

    async def accept(self, listener, ssl):
        """Accept connections for ever, each served by a task of its own.
        What fails for one connection (no memory for its task, say) closes
        that one, after a 503 if the socket takes it at once, and no
        other."""
        loop = self.loop
        while True:
            sock = None
            try:
                if loop is None:
                    await _ready(_io.queue_read, listener)
                    sock, peer = listener.accept()
                    if ssl is not None:
                        sock = ssl.wrap_socket(sock, server_side=True,
                                               do_handshake_on_connect=False)
                else:
                    sock, peer = await loop.sock_accept(listener)
                sock.setblocking(False)
                handler = self.handle(self.connection_class(sock, peer, ssl))
                try:
                    asyncio.create_task(handler)
                except BaseException:
                    handler.close()  # never started
                    raise
            except asyncio.CancelledError:
                if self.stopping:
                    return  # stop() asked for it
                raise
            except OSError:  # the client left before it was served
                if sock is not None:
                    sock.close()
            except Exception as exc:  # MemoryError, most likely
                gc.collect()
                if sock is not None:
                    try:
                        sock.send(self.BUSY)
                    except Exception:
                        pass
                    sock.close()
                print('%s: a connection was closed unserved' %
                      type(exc).__name__)
                await asyncio.sleep(0.01)  # let the others free some

    async def watch(self):
        """Cut short the waits of connections past their deadline."""
        while True:
            await asyncio.sleep(_TICK / 1000)
            now = ticks_ms()
            idle = int(Request.idle_timeout * 1000)
            busy = int(Request.socket_read_timeout * 1000)
            for conn in self.conns:
                limit = idle if conn.mode == IDLE else busy
                if limit and conn.waiter is not None and \
                        conn.mode != TAKEN and \
                        ticks_diff(now, conn.since) >= limit:
                    conn.expire()

    async def handle(self, conn):
        """A connection's task: admit it, serve it, close it."""
        self.open += 1
        linger = True
        try:
            if not MICROPYTHON:
                await conn.open()  # streams, TLS
            if not await self.admit():
                self.send_busy(conn)
                return
            self.active += 1
            self.conns.add(conn)
            try:
                linger = await self.serve_connection(conn)
            finally:
                # A closing connection holds a socket and a task: it gives
                # back its place first, so that a client slow to close does
                # not keep others out.
                self.active -= 1
                self.conns.discard(conn)
        except OSError:
            linger = False  # the client is gone: nothing more will come
        except MemoryError:
            gc.collect()
            self.send_busy(conn)
        except Exception as exc:
            print_exception(exc)
        finally:
            conn.protocol = None
            await conn.close(linger)
            self.open -= 1

    async def admit(self):
        """Wait for a place for a new connection (see microdot_overload);
        False if none came within ADMIT_WAIT seconds."""
        if self.active < self.max_connections:
            return True
        return await load('microdot_overload').admit(self)

    def send_busy(self, conn):
        """Answer 503 on a connection that found no place, or no memory;
        it is closed next. One handed over gets no more HTTP."""
        if conn.mode == TAKEN:
            return
        try:
            conn.write(self.BUSY)
        except Exception:
            pass  # nothing can be sent: the close says it

    async def serve_connection(self, conn):
        """Answer the requests that arrive on one connection, in order;
        returns whether the close should linger: whether input the server
        did not read may still be on its way (a body left unread, the rest
        of a refused request, bytes after the last request)."""
        app = self.app
        conn.server = self  # for a handler that takes it over (see take)
        p = conn.protocol = protocol(self.protocol_class, self.cache)
        keep = True
        unread = False
        while keep and not app.shutdown_requested:
            req = None
            try:
                req, stream = await self.read_request(conn, p)
                if req is None:
                    break  # the client left, or stayed silent
                res = await dispatch(app, req, stream)
                unread = p.reading
                keep = not unread and not conn.last and http.keep_alive(
                    req.http_version, req.headers.get('Connection'))
            except (HTTPException, HTTPError) as exc:  # unusable request
                res = load('microdot_errors').refusal(exc)
                keep = False
                unread = True
            except EOFError:
                break  # the client left in the middle of its request
            except MemoryError:
                res = req = None
                gc.collect()
                print('MemoryError: answered 503')
                self.send_busy(conn)
                return True
            if conn.mode == TAKEN or res is Response.already_handled:
                return True  # its handler answered, and may have left input
            taker = res.takeover
            keep = await self.send(
                conn, res, req, taker is not None or (
                    keep and not self.queued and not app.shutdown_requested))
            if self.debug:
                print('%s %s %d' % (req.method if req else '-',
                                    req.path if req else '-',
                                    res.status_code))
            if taker is not None:  # it says whether input may be unread
                received = self.take(conn)
                conn.protocol = p = res = None  # let go of what it needs not
                return bool(await taker(req, conn, received))
            conn.expect(IDLE)
        if app.shutdown_requested and app.server is self:
            self.stop()
        return unread or bool(p.buf)

    def take(self, conn):
        """Hand ``conn`` over to what speaks on it next: a response's
        ``takeover``, once its head is written, or a handler that answers
        its request itself and goes on in another protocol (a WebSocket's,
        see ``microdot_websocket``). From then on the server sets it no
        deadline and writes nothing more on it, and it closes the
        connection once the request is over. Returns what the client sent
        past the request, received already."""
        conn.expect(TAKEN)
        p = conn.protocol
        data, p.buf = p.buf, b''
        return data

    async def read_request(self, conn, p):
        """Read one request head and, when it is small enough, its body:
        ``(request, its body stream)``, or ``(None, None)`` when the client
        closed the connection, or stayed silent for ``idle_timeout``, before
        sending anything."""
        try:
            head = p.head() if p.buf else None
            while head is None:
                if p.buf and conn.mode == IDLE:
                    conn.expect(HEAD)  # the head's deadline starts now
                p.feed(await conn.recv())
                head = p.head()
        except HTTPError as exc:
            if exc.status == 408 and not p.buf and conn.mode == IDLE:
                return None, None  # idle: close without a word (9112 9.5)
            raise
        if head is http.CLOSED:
            return None, None
        if p.length == 0:
            return self.request(conn, head, None, None), None
        conn.expect(BODY)
        return await load('microdot_body').read_body(self, conn, p, head)

    def request(self, conn, head, body, stream):
        """The application's Request for a parsed head; 400 for a query
        string that is not UTF-8."""
        method, url, version, headers = head
        app = self.app
        try:
            return app.request_class(app, conn.peer, method, url, version,
                                     headers, body, stream, conn)
        except ValueError:
            raise HTTPError(400)

    def head(self, conn, res, req, keep, frame, length):
        """A response's status line and header section as bytes, with the
        Date of now, if the clock is set (not a board's year 2000)."""
        second = int(time.time())
        if second != self.second:
            t = time.gmtime(second)
            self.second = second
            self.dated = http.http_date(t) if t[0] >= CLOCK_VALID_FROM \
                else None
        return conn.protocol.response_head(
            res.status_code, res.reason, res.headers, frame, length,
            '1.1' if req is None else req.http_version, keep, self.dated,
            Request.idle_timeout, res.content_type())

    async def send(self, conn, res, req, keep):
        """Send ``res``; returns whether the connection stays open."""
        body = res.body
        status = res.status_code
        try:
            length = res.headers.get('Content-Length')
            if length is not None:
                length = int(length)
            if isinstance(body, bytes) and isinstance(status, int) and \
                    (status >= 200 and status not in (204, 304)):
                length = len(body)
            frame = http.framing(status, length, '1.1' if req is None
                                 else req.http_version)
            keep = keep and frame != http.CLOSE
            head = self.head(conn, res, req, keep, frame, length)
        except (ValueError, TypeError) as exc:
            print_exception(exc)
            close_body(body)
            return await self.send(conn, Response('Internal server error',
                                                  500), req, keep)
        if frame == http.NONE or status == 205 or \
                (req is not None and req.method == 'HEAD'):
            close_body(body)
            conn.write(head)
        elif isinstance(body, bytes):
            if len(body) <= PIECE:
                conn.write(head + body if body else head)  # one segment
            else:
                conn.write(head)
                view = memoryview(body)  # in pieces: never copied whole
                for i in range(0, len(body), PIECE):
                    conn.write(view[i:i + PIECE])
                    await conn.drain()
        else:
            conn.write(head)
            if not await self.send_pieces(conn, res, frame == http.CHUNKED):
                return False  # cut short: the client can tell
        if conn.out:
            await conn.drain()
        return keep

    async def send_pieces(self, conn, res, chunked):
        """Write a streamed body (an iterable, a file, an async iterator)
        as it comes, in chunked coding when ``chunked``; False if it failed
        after the head had gone out (then the message is cut short)."""
        return await load('microdot_body').send_pieces(conn, res, chunked)


def protocol(cls, cache):
    """A ``microdot_http.Protocol`` (of class ``cls``) for a connection,
    with the limits of ``Request`` (``max_readline`` counts the CRLF, the
    protocol's line limit does not)."""
    return cls(cache, NoCaseDict, Request.max_readline - 2,
               Request.max_headers, Request.max_head_length,
               Request.max_content_length)


def listen(host, port, backlog):
    """A non-blocking socket listening on ``host`` and ``port``."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, 0, socket.SOCK_STREAM)[0]
    s = socket.socket(family, kind, proto)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(address)
        s.listen(backlog)
    except OSError:
        s.close()
        raise
    s.setblocking(False)
    return s


def close_body(body):
    """Close a response body that has ``close`` (a file) unsent."""
    if hasattr(body, 'close'):
        body.close()


# ------------------------------------------------------- running the handlers

async def dispatch(app, req, stream=None):
    """Run the application's hooks and handler for a request; returns a
    Response (``Microdot.dispatch_request``). ``stream`` is the request's
    body, received ahead on MicroPython before plain code reads it."""
    try:
        # None: a request microdot_stream could not read
        f = 400 if req is None else 413 if req.content_length > \
            Request.max_content_length else app.find_route(req)
        if isinstance(f, int):  # the server's own answer: 404, 405...
            res = await load('microdot_errors').error_response(app, req, f)
        elif isinstance(f, dict):  # OPTIONS: after_error_request runs too
            res = app.response_class(headers=f)
        else:
            # req.stream follows the kind of code that reads it: awaited
            # in async code, blocking in plain functions
            res = None
            for handler in app.before_request_handlers:
                req.set_blocking(not is_async(handler))
                res = await invoke(handler, req, stream)
                if res:
                    break
            if res is None:
                req.set_blocking(not is_async(f))
                if MICROPYTHON and 'Upgrade' in req.headers:
                    # it may keep the connection as long as its client
                    # stays (a WebSocket): a plain one gets a thread
                    res = await load('microdot_thread').invoke(
                        f, req, stream, **req.url_args)
                else:
                    res = await invoke(f, req, stream, **req.url_args)
            res = make_response(res, app.response_class)
            after = app.after_request_handlers
            # the request's own, if it registered any (asking for the
            # attribute would make an empty list)
            own = req.__dict__.get('after_request_handlers')
            if own:
                after = after + own
            for handler in after:
                res = make_response(await invoke(handler, req, None, res) or
                                    res, app.response_class)
            return res
    except HTTPException as exc:
        res = await load('microdot_errors').error_response(
            app, req, exc.status_code, exc.reason)
    except HTTPError as exc:  # a request stream the client cut short, say
        res = await load('microdot_errors').error_response(app, req,
                                                           exc.status)
    except MemoryError:
        raise  # the server answers 503: there is no memory for more
    except Exception as exc:
        res = await load('microdot_errors').exception_response(app, req,
                                                               exc)
    for handler in app.after_error_request_handlers:
        try:
            res = make_response(await invoke(handler, req, None, res) or res,
                                app.response_class)
        except Exception as exc:
            print_exception(exc)
    return res


def make_response(res, cls=Response):
    """A handler's return value as a Response (made of class ``cls``, the
    application's ``response_class``)."""
    if isinstance(res, Response):
        return res
    if isinstance(res, tuple):
        if len(res) == 3:
            return cls(*res)
        if isinstance(res[1], int):
            return cls(res[0], res[1])
        return cls(res[0], 200, res[1])
    return cls(res)


async def invoke(f, req, stream, *args, **kwargs):
    """Call a handler or hook, ``f(req, *args, **kwargs)``, plain or async,
    and wait for its result. On CPython a plain function runs in a worker
    thread (microdot_cpython), so that blocking work leaves the event loop
    free; MicroPython has no threads to spare, so there it runs in place,
    after the request's body (``stream``, or None) is received: a plain
    function's read never waits for the client."""
    if is_async(f):
        return await f(req, *args, **kwargs)
    if not MICROPYTHON:
        return await load('microdot_cpython').invoke(f, req, *args, **kwargs)
    if stream is not None and not stream.done:
        await stream.read_ahead()
    return f(req, *args, **kwargs)
