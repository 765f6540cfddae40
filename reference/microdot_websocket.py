"""
microdot_websocket: WebSocket routes (RFC 6455) for plain handlers
==================================================================

microdot 1.x's WebSocket extension, with its names::

    from microdot import Microdot
    from microdot_websocket import with_websocket

    app = Microdot()

    @app.route('/echo')
    @with_websocket
    def echo(request, ws):
        while True:
            message = ws.receive()    # str (text) or bytes (binary)
            ws.send(message)

``with_websocket`` answers the opening handshake with a 101 response whose
``takeover`` (see ``microdot.Response``) runs the handler once the server
has written it, or refuses the handshake (400, or 426 with
``Sec-WebSocket-Version: 13`` for another version of the protocol).
``websocket_upgrade`` does the same from inside a handler that decides
first::

    @app.route('/live')
    def live(request):
        if not allowed(request):
            abort(401)
        ws = websocket_upgrade(request)
        ...

``receive()`` raises ``OSError(32)`` once the connection is over (the
client closed it, or broke the protocol), which ``with_websocket`` takes as
the end of its handler. The protocol is ``microdot_rfc6455``'s: pings are
answered, fragmented messages assembled, text checked as UTF-8, the closing
handshake done, and a client that breaks the protocol gets a Close frame
saying why. A message larger than ``WebSocket.max_message_length`` bytes
(by default ``Request.max_body_length``) closes the connection with 1009.

A plain handler holds a thread for as long as its client stays, so that
the event loop goes on serving everyone else: on CPython one of the
server's worker threads (the loop does its reads and writes); on
MicroPython a thread of its own (``microdot_thread``), which reads and
writes the socket itself while the loop leaves it alone.
``microdot_asyncio_websocket`` serves ``async def`` handlers, which need no
thread. Neither module costs any memory unless the application imports it.
"""
import select

import microdot_rfc6455 as rfc6455
from microdot import MICROPYTHON, Request, Response, abort, load
from microdot_http import NONE, HTTPError

RECV = 512  # bytes asked of the socket at a time (MicroPython)
SMALL_FRAME = 512  # a frame up to this size is written in one piece
# (a larger one as its head, then its payload: no copy of the payload)
CLOSED_ERRNOS = (32, 54, 104)  # EPIPE, ECONNRESET (BSD, Linux)
_WAKE = 1  # s: how often a handler's thread waiting for its client looks
_WAKE_MS = 1000  # whether the server is stopping


class WebSocket(rfc6455.Opcodes):
    """A WebSocket connection, as a handler uses it: ``receive()``,
    ``send(data)`` and ``close()``, each blocking until done.

    Seams, for a subclass (the self-tests' mutants): ``protocol_class``
    (the ``microdot_rfc6455.Protocol`` it speaks through), ``accept`` (the
    handshake's answer), ``receive``, ``send`` and ``close``.
    """

    #: The largest message ``receive()`` accepts, in bytes; a larger one
    #: closes the connection with 1009. -1: ``Request.max_body_length``;
    #: 0: no limit (then a client can take all the memory there is).
    max_message_length = -1
    protocol_class = rfc6455.Protocol

    def __init__(self, request):
        self.request = request
        self.closed = False
        self.conn = None  # the connection, once handed over
        self._poll = self._buf = None  # MicroPython: the thread's reading
        limit = self.max_message_length
        if limit == -1:
            limit = Request.max_body_length
        self.protocol = self.protocol_class(limit or None)

    def accept(self):
        """The 101 response that accepts the request's opening handshake;
        a handshake that is not valid is refused (see ``refuse``)."""
        request = self.request
        try:
            accept = self.protocol.check_handshake(
                request.method, request.http_version, request.headers)
        except rfc6455.HandshakeError as exc:
            refuse(request, exc)
        return Response(status_code=101, headers={
            'Upgrade': 'websocket', 'Connection': 'Upgrade',
            'Sec-WebSocket-Accept': accept})

    def attach(self, conn, received):
        """The connection is this WebSocket's from now on; ``received``:
        what the client sent after its handshake, received already."""
        self.conn = conn
        if received:
            self.protocol.receive_data(received)

    def handshake(self):
        """Answer the handshake from inside a handler (``websocket_upgrade``
        does): the 101 written at once, and the connection this object's
        from then on."""
        # the hand-over touches the server's objects: the event loop does it
        conn = self.request.sock
        if MICROPYTHON:
            head = load('microdot_thread').ask(conn, self._take_over)
        else:
            head = _in_loop(conn, _call(self._take_over), None)
            if head is None:
                raise OSError(32, 'the server has stopped')
        self._send(head)

    def receive(self):
        """The next message: ``str`` for text, ``bytes`` for binary.
        OSError(32) once the connection is over."""
        while True:
            event = self.protocol.next_event()
            self._send_owed(event)
            data = self._message(event)
            if data is not None:
                return data
            self.protocol.receive_data(self._recv())

    def send(self, data, opcode=None):
        """Send a message: ``str`` as text, ``bytes`` as binary (or one
        frame of ``opcode``)."""
        head, payload = self._frame(data, opcode)
        if len(payload) <= SMALL_FRAME:
            self._send(head + payload)
        else:
            self._send(head)
            self._send(payload)

    def close(self):
        """Start the closing handshake (Close 1000); the server closes the
        connection once the handler has returned."""
        self._close_with(rfc6455.NORMAL)

    def _close_with(self, code):
        frame = self._start_close(code)
        if frame:
            try:
                self._send(frame)
            except OSError:
                pass  # the client has gone: nothing is owed to it

    def _send_owed(self, event):
        # Pongs and Close frames the protocol owes the client; a client
        # gone after its last frame is no error.
        owed = self.protocol.data_to_send()
        if owed:
            try:
                self._send(owed)
            except OSError:
                if not isinstance(event, rfc6455.Closed):
                    raise

    # The connection, from the handler's thread: on CPython the event loop
    # reads and writes for it; on MicroPython the thread uses the socket.

    def _recv(self):
        conn = self.conn
        if not MICROPYTHON:
            return _in_loop(conn, read(conn), b'')
        if conn.sock is None:  # in memory (the test client): no socket
            return conn.recv_now()
        # Into a buffer of this WebSocket's own, which the protocol is done
        # with before the next read: reading makes no block in the heap,
        # none among a message's pieces.
        if self._poll is None:
            self._buf = bytearray(RECV)
            self._poll = select.poll()
            self._poll.register(conn.sock, select.POLLIN)
        while not conn.server.stopping:
            if self._poll.poll(_WAKE_MS):
                try:
                    n = conn.sock.readinto(self._buf)
                except OSError:
                    return b''  # the client left
                if n is not None:
                    return memoryview(self._buf)[:n]
        return b''

    def _send(self, data):
        conn = self.conn
        if not MICROPYTHON:
            if not _in_loop(conn, write(conn, data), False):
                raise OSError(32, 'the server has stopped')
            return
        sock = conn.sock
        if sock is None:  # in memory (the test client)
            conn.write(data)
            return
        sock.setblocking(True)
        try:
            sock.write(data)
        finally:
            sock.setblocking(False)

    # What the blocking and the async WebSocket share.

    def _take_over(self):
        # The connection handed over now, from inside the handler; the
        # 101's head (the server's, as it would write it) to write first.
        res = self.accept()
        conn = self.request.sock
        server = conn.server
        self.attach(conn, server.take(conn))
        return server.head(conn, res, self.request, True, NONE, None)

    def _message(self, event):
        # The message's data, None when the client must send more;
        # OSError(32) once the connection is over.
        if event is rfc6455.NEED_DATA:
            return None
        if not isinstance(event, rfc6455.Closed):
            return event
        self.closed = True
        raise OSError(32, 'WebSocket closed (%d)' % event.code)

    def _frame(self, data, opcode):
        if self.protocol.sent_close:
            raise OSError(32, 'WebSocket closing: no more messages')
        if opcode is None:
            return self.protocol.send_message(data)
        if isinstance(data, str):
            data = data.encode()
        return self.protocol.send_frame(opcode, bytes(data))

    def _start_close(self, code):
        if self.closed:
            return b''
        self.closed = True
        return self.protocol.close(code)


async def read(conn):
    """What the client sends next on a connection handed over; b'' once
    it has closed, or the server is stopping."""
    try:
        return await conn.recv()
    except HTTPError:  # its wait cut short: the server is stopping
        return b''


async def write(conn, data):
    conn.write(data)
    await conn.drain()
    return True


async def _call(f):
    return f()


def _in_loop(conn, coroutine, stopped):
    # CPython, from a worker thread: run ``coroutine`` in the server's event
    # loop and wait for it; ``stopped`` if the loop stops first (the server
    # is stopping), rather than wait for ever.
    import asyncio
    import concurrent.futures
    loop = conn.loop
    try:
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
    except RuntimeError:  # the loop has closed
        coroutine.close()
        return stopped
    while True:
        try:
            return future.result(_WAKE)
        except concurrent.futures.TimeoutError:
            if not loop.is_running():
                future.cancel()
                coroutine.close()  # never to run now
                return stopped


def refuse(request, exc):
    """Raise what refuses a handshake: HTTPException for a plain 400, so
    that the application's handler for 400 answers as for any; for a 426,
    whose answer needs headers, a HandshakeError that the application
    answers through an error handler registered here for it."""
    if not exc.headers:
        abort(exc.status, exc.reason)
    request.app.error_handlers.setdefault(rfc6455.HandshakeError,
                                          _handshake_refused)
    raise exc


def _handshake_refused(request, exc):
    return Response(exc.reason, exc.status, exc.headers)


async def _already_handled(request, response):
    return Response.already_handled


def websocket_upgrade(request):
    """Answer a WebSocket opening handshake from inside a handler; returns
    the ``WebSocket``. A request that is not a handshake is refused (400,
    or 426 for another version of the protocol)::

        ws = websocket_upgrade(request)
        ws.send('hello')

    The handler then holds the connection until it returns; the server
    writes nothing more on it, whatever the handler returns.
    """
    ws = WebSocket(request)
    ws.handshake()
    request.after_request(_already_handled)
    return ws


def with_websocket(f):
    """Make a route a WebSocket endpoint: the handler gets the
    ``WebSocket`` after the request::

        @app.route('/echo')
        @with_websocket
        def echo(request, ws):
            while True:
                ws.send(ws.receive())

    The handler ends when it returns (the connection is then closed with
    1000) or when the connection is over. An exception it raises closes
    the connection with 1011 and is reported as the server reports any.
    """
    # async, so that the handshake is answered from the event loop; the
    # handler is a default argument, not a variable of this function:
    # MicroPython gives a closure a type of its own, and the server could
    # not tell that the wrapper is async.
    async def wrapper(request, *args, _websocket_handler=f, **kwargs):
        ws = WebSocket(request)
        return upgrade(ws, call_plain, _websocket_handler, args, kwargs)
    return wrapper


def upgrade(ws, run, handler, args, kwargs):
    """The 101 response that accepts ``ws``'s handshake, and, once the
    server has written it, gives ``ws`` the connection and awaits
    ``run(ws, handler, args, kwargs)``; the server then closes the
    connection, in stages unless the client has closed its side of the
    WebSocket (its Close came, or the end of its input): it may still be
    sending otherwise."""
    res = ws.accept()

    async def takeover(request, conn, received):
        ws.attach(conn, received)
        await run(ws, handler, args, kwargs)
        closed = ws.protocol.closed
        return closed is None or closed.failed
    res.takeover = takeover
    return res


async def call_plain(ws, handler, args, kwargs):
    """Run a plain WebSocket handler off the event loop: a worker thread
    on CPython, a thread of its own on MicroPython. Where none can be
    started, the connection is closed with 1011."""
    if not MICROPYTHON:
        await load('microdot_cpython').call_plain(serve, ws, handler, args,
                                                  kwargs)
        return
    from microdot import HTTPException
    try:
        await load('microdot_thread').call(serve, ws, handler, args, kwargs)
    except HTTPException:  # no thread (said so): the client is told
        ws._close_with(rfc6455.INTERNAL_ERROR)


def serve(ws, handler, args, kwargs):
    """Call ``handler(request, ws, ...)``, then close; an exception it
    raises closes the connection with 1011 and is raised again, unless it
    says that the client left."""
    try:
        handler(ws.request, ws, *args, **kwargs)
        ws.close()
    except Exception as exc:
        if not client_left(exc):
            ws._close_with(rfc6455.INTERNAL_ERROR)
            raise


def client_left(exc):
    """Whether an exception says that the WebSocket's client has gone (or
    the connection is over), which ends a handler without an error."""
    return isinstance(exc, OSError) and bool(exc.args) and \
        exc.args[0] in CLOSED_ERRNOS
