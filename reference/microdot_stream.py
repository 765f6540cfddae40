"""
microdot_stream: HTTP over a blocking stream, as microdot 1.x offered it
=======================================================================

The pieces of microdot 1.x's threaded server that an application may use
to serve connections its own way (and its helpers ``create_thread``,
``concurrency_mode``, ``socket_timeout_error``, ``MUTED_SOCKET_ERRORS`` and
``mro``, which ``microdot`` offers as its own names): ``Request.create`` (a request read from
any stream), ``Response.write`` (a response written to any stream),
``Microdot.dispatch_request`` (hooks and handler run outside the server)
and ``Microdot.handle_request`` (a socket served, then closed). A loop of
one's own::

    sock, addr = listener.accept()
    stream = sock.makefile('rwb')
    req = Request.create(app, stream, addr, sock)
    app.dispatch_request(req).write(stream)
    stream.close()
    sock.close()

The request is parsed by ``microdot_http`` as the server parses it (its
limits, from ``Request``, included); a response gets an HTTP/1.1 status
line and ``Connection: close``: the caller closes the stream after it.
``app.run()`` never loads this module.
"""
import asyncio
import time

from microdot import MICROPYTHON, Request, Response, load, print_exception
from microdot_errors import mro  # noqa: F401 (microdot.mro)
import microdot_http as http
import microdot_server

try:
    import threading

    def create_thread(f, *args, **kwargs):
        """Run ``f(*args, **kwargs)`` in a thread of its own."""
        threading.Thread(target=f, args=args, kwargs=kwargs).start()

    concurrency_mode = 'threaded'
except ImportError:  # MicroPython: no threading module
    def create_thread(f, *args, **kwargs):
        """Run ``f(*args, **kwargs)``: without threads, at once."""
        f(*args, **kwargs)

    concurrency_mode = 'sync'

if MICROPYTHON:
    socket_timeout_error = OSError
else:
    import socket
    socket_timeout_error = socket.timeout

# errno values of a client that left: broken pipe, connection reset (BSD,
# Linux), operation on a closed socket (lwIP)
MUTED_SOCKET_ERRORS = [32, 54, 104, 128]


class Body:
    """A request's body in ``client_stream``, read as it is asked for:
    ``read(n)`` blocks (``plain()`` is the same reader, as the server's
    streams offer one)."""

    def __init__(self, protocol, client_stream):
        self.protocol = protocol
        self.client_stream = client_stream
        self.ahead = b''  # read before it was asked for

    @property
    def done(self):
        return not self.protocol.reading

    def read(self, n=-1):
        """``n`` bytes (all for ``n`` < 0), fewer only at the end."""
        out = [self.ahead]
        have = len(self.ahead)
        p = self.protocol
        while n < 0 or have < n:
            data = p.body(4096 if n < 0 else n - have)
            if data is None:  # a piece at a time: never past the body
                p.feed(_pull(self.client_stream, p))
            elif data:
                out.append(data)
                have += len(data)
            else:
                break
        data = b''.join(out)
        self.ahead = data[n:] if 0 <= n < len(data) else b''
        return data if n < 0 else data[:n]

    def plain(self):
        return self


def _pull(client_stream, protocol):
    # The next piece of a body: up to its end when its length is known,
    # else a line (chunked coding is lines and data).
    if protocol.chunks is None:
        return client_stream.read(min(protocol.left, 1024))
    return client_stream.readline(1024)


def create(app, client_stream, client_addr, client_sock=None):
    """``Request.create``: the request read from ``client_stream``, or None
    when it ends first. Malformed input raises ``microdot_http.HTTPError``
    (a ValueError whose ``status`` is the answer due: 400, 414, 431...).
    A body up to ``Request.max_body_length`` is read into ``body``; a
    larger one is left for ``stream``."""
    p = microdot_server.protocol(http.Protocol, {})
    head = None
    while head is None:
        p.feed(client_stream.readline(Request.max_readline + 1))
        head = p.head()
    if head is http.CLOSED:
        return None
    method, url, version, headers = head
    body = Body(p, client_stream)
    data = None
    limit = Request.max_body_length
    if p.reading and (p.length or 0) <= limit:
        data = body.ahead = body.read(limit + 1)  # ahead: for ``stream``
        if len(data) > limit:  # chunked, and larger: the stream's only
            data = None
    return Request(app, client_addr, method, url, version, headers, data,
                   body, client_sock)


def head(res, gateway=False):
    """A response's head as ``Response.write`` sends it, and whether its
    body follows: an HTTP/1.1 status line, ``Connection: close``, the
    Content-Length when it is known, else the body ends with the stream.
    ``res`` is completed first (``Response.complete``). For a ``gateway``
    (a WSGI or ASGI server, which frames the message and dates it itself:
    ``microdot_gateway``), neither Connection nor Date."""
    res.complete()
    status = res.status_code
    length = res.headers.get('Content-Length')
    if length is not None:
        length = int(length)
    frame = http.framing(status, length, '1.0')  # a length, or the close
    t = time.gmtime()
    data = http.Protocol({}).response_head(
        status, res.reason, res.headers, frame, length, '1.1', gateway,
        None if gateway or t[0] < microdot_server.CLOCK_VALID_FROM
        else http.http_date(t), 0)
    if frame == http.NONE or status == 205 or res.is_head:
        microdot_server.close_body(res.body)
        return data, False
    return data, True


def write(res, stream):
    """``Response.write``: the response's head and (but for HEAD) body
    written to ``stream``; a client that left is not an error."""
    data, body = head(res)
    flush = getattr(stream, 'flush', None)
    try:
        stream.write(data)
        if not body:
            return
        for piece in res.body_iter():
            stream.write(piece.encode() if isinstance(piece, str) else piece)
            if flush is not None:
                flush()
    except OSError as exc:
        if exc.args[0] not in MUTED_SOCKET_ERRORS:
            raise


def dispatch_request(app, req):
    """``Microdot.dispatch_request``: the Response for ``req`` (None: a
    request that could not be read, answered 400), the hooks and handler
    run as the server runs them, from code that is not async."""
    res = _run(microdot_server.dispatch(app, req))
    res.is_head = req is not None and req.method == 'HEAD'
    return res


def _run(coro):
    # asyncio.run(coro), also from a thread whose event loop is running
    # (an async test calling a sync API): then in a thread of its own.
    if MICROPYTHON or not _loop_running():
        return asyncio.run(coro)
    out = []

    def run():
        try:
            out.append((True, asyncio.run(coro)))
        except BaseException as exc:
            out.append((False, exc))
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    ok, value = out[0]
    if not ok:
        raise value
    return value


def _loop_running():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def handle_request(app, sock, addr):
    """``Microdot.handle_request``: read one request from the blocking
    socket ``sock``, answer it (a request that is not valid HTTP/1.1 with
    its 4xx) and close the socket."""
    if Request.socket_read_timeout and hasattr(sock, 'settimeout'):
        sock.settimeout(Request.socket_read_timeout)
    stream = sock if hasattr(sock, 'readline') else sock.makefile('rwb')
    req = res = None
    try:
        req = create(app, stream, addr, sock)
        if req is not None:
            res = dispatch_request(app, req)
    except http.HTTPError as exc:
        res = load('microdot_errors').refusal(exc)
    except Exception as exc:  # a timeout, or the client left
        if not isinstance(exc, OSError) or \
                exc.args[0] not in MUTED_SOCKET_ERRORS:
            print_exception(exc)
    try:
        if res is not None and res is not Response.already_handled:
            write(res, stream)
        stream.close()
    except Exception as exc:
        if not isinstance(exc, OSError) or \
                exc.args[0] not in MUTED_SOCKET_ERRORS:
            print_exception(exc)
    if stream is not sock:
        sock.close()
    if app.debug and req is not None and res is not None:
        print('%s %s %d' % (req.method, req.path, res.status_code))

