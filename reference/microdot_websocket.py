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

``with_websocket`` answers the opening handshake, or refuses it (400, or
426 with ``Sec-WebSocket-Version: 13`` for another version of the
protocol), and hands the handler a ``WebSocket``; ``websocket_upgrade``
does the same inside a handler that decides first::

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

A plain handler holds a thread for as long as its client stays: on CPython
one of the server's worker threads; on MicroPython a thread of its own,
which the server starts for the plain handler of an upgrade request.
``microdot_asyncio_websocket`` serves ``async def`` handlers, which need no
thread. Neither module costs any memory unless the application imports it.
"""
import microdot_rfc6455 as rfc6455
from microdot import Request, Response, abort

RECV = 1024  # bytes asked of the connection at a time
SMALL_FRAME = 4096  # a frame up to this size is written in one piece
CLOSED_ERRNOS = (32, 54, 104)  # EPIPE, ECONNRESET (BSD, Linux)


class WebSocket:
    """A WebSocket connection, as a handler uses it: ``receive()``,
    ``send(data)`` and ``close()``, each blocking until done."""
    CONT = rfc6455.CONT
    TEXT = rfc6455.TEXT
    BINARY = rfc6455.BINARY
    CLOSE = rfc6455.CLOSE
    PING = rfc6455.PING
    PONG = rfc6455.PONG

    #: The largest message ``receive()`` accepts, in bytes; a larger one
    #: closes the connection with 1009. -1: ``Request.max_body_length``;
    #: 0: no limit (then a client can take all the memory there is).
    max_message_length = -1

    def __init__(self, request):
        self.request = request
        self.closed = False
        limit = self.max_message_length
        if limit == -1:
            limit = Request.max_body_length
        self.protocol = rfc6455.Protocol(limit or None)

    def handshake(self):
        """Answer the client's opening handshake with 101 Switching
        Protocols; from then on the connection is this object's."""
        head = self._accept()
        self.request.sock.take()
        self.request.sock.send(head)

    def receive(self):
        """The next message: ``str`` for text, ``bytes`` for binary.
        OSError(32) once the connection is over."""
        while True:
            event = self.protocol.next_event()
            self._send_owed(event)
            data = self._message(event)
            if data is not None:
                return data
            self.protocol.receive_data(self.request.sock.recv(RECV))

    def send(self, data, opcode=None):
        """Send a message: ``str`` as text, ``bytes`` as binary (or one
        frame of ``opcode``)."""
        head, payload = self._frame(data, opcode)
        sock = self.request.sock
        if len(payload) <= SMALL_FRAME:
            sock.send(head + payload)
        else:
            sock.send(head)
            sock.send(payload)

    def close(self):
        """Start the closing handshake (Close 1000); the server closes the
        connection once the handler has returned."""
        self._close_with(rfc6455.NORMAL)

    def _close_with(self, code):
        frame = self._start_close(code)
        if frame:
            try:
                self.request.sock.send(frame)
            except OSError:
                pass  # the client has gone: nothing is owed to it

    # What the blocking and the async WebSocket share.

    def _accept(self):
        # The 101 response to this request, or its refusal raised.
        request = self.request
        try:
            accept = rfc6455.check_handshake(
                request.method, request.http_version, request.headers)
        except rfc6455.HandshakeError as exc:
            refuse(request, exc)
        return rfc6455.switching_protocols(accept)

    def _send_owed(self, event):
        # Pongs and Close frames the protocol owes the client; a client
        # gone after its last frame is no error.
        owed = self.protocol.data_to_send()
        if owed:
            try:
                self.request.sock.send(owed)
            except OSError:
                if not isinstance(event, rfc6455.Closed):
                    raise

    def _message(self, event):
        # The message's data, None when the client must send more;
        # OSError(32) once the connection is over.
        if event is rfc6455.NEED_DATA:
            return None
        if isinstance(event, rfc6455.Message):
            return event.data
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


def _already_handled(request, response):
    return Response.already_handled


def websocket_upgrade(request):
    """Answer a WebSocket opening handshake from inside a handler; returns
    the ``WebSocket``. A request that is not a handshake is refused (400,
    or 426 for another version of the protocol)::

        ws = websocket_upgrade(request)
        ws.send('hello')
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
    def wrapper(request, *args, **kwargs):
        ws = websocket_upgrade(request)
        try:
            f(request, ws, *args, **kwargs)
            ws.close()
        except Exception as exc:
            if not client_left(exc):
                ws._close_with(rfc6455.INTERNAL_ERROR)
                raise
        return Response.already_handled
    return wrapper


def client_left(exc):
    """Whether an exception says that the WebSocket's client has gone (or
    the connection is over), which ends a handler without an error."""
    return isinstance(exc, OSError) and bool(exc.args) and \
        exc.args[0] in CLOSED_ERRNOS
