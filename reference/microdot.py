"""
microdot: a small web framework for MicroPython and CPython
===========================================================

A drop-in implementation of the microdot 1.x API that speaks HTTP/1.1
correctly. One asyncio server core serves on both interpreters; plain ``def``
handlers and ``async def`` handlers both work, and a client that connects and
sends nothing does not hold up anyone else.

Example::

    from microdot import Microdot

    app = Microdot()

    @app.route('/')
    def index(request):
        return 'Hello, world!'

    @app.route('/users/<int:id>')
    def user(request, id):
        return {'id': id}

    app.run(port=80)

This module is what applications use: routing, requests, responses. The
rest loads when it is first needed, so that a board pays in RAM only for
what its application uses: ``microdot_server`` (asyncio, connections, the
hooks and handlers run) and ``microdot_http`` (HTTP/1.1 syntax, without
I/O) when the server starts; ``microdot_forms`` (query strings, forms, JSON
bodies, cookies sent, percent-coding, ``MultiDict``), ``microdot_cookies``
(``set_cookie``) and ``microdot_files`` (``send_file``) when a request or a
handler first uses them.
"""
import json
import sys

MICROPYTHON = sys.implementation.name == 'micropython'

if MICROPYTHON:
    print_exception = sys.print_exception
else:
    def print_exception(exc):
        import traceback
        traceback.print_exception(type(exc), exc, exc.__traceback__)


def load(name):
    """The module ``name``, imported on first use. Compiling or loading a
    module leaves holes in the heap; a collection first keeps them few, so
    that large blocks still fit."""
    module = sys.modules.get(name)
    if module is None:
        import gc
        gc.collect()
        module = __import__(name)
    return module


def __getattr__(name):
    # Names of this module that live elsewhere, loaded when first asked
    # for: MultiDict and the percent-coding functions (microdot_forms), and
    # what microdot 1.x's threaded server offered (microdot_stream).
    if name[:1] != '_':
        for module in ('microdot_forms', 'microdot_stream'):
            module = load(module)
            if hasattr(module, name):
                return getattr(module, name)
    raise AttributeError(name)


class NoCaseDict(dict):
    """A ``dict`` with case-insensitive string keys that keeps the spelling
    with which each key was first stored.

    >>> d = NoCaseDict({'Content-Type': 'text/html'})
    >>> d['content-type']
    'text/html'
    >>> list(d)
    ['Content-Type']
    """

    def __init__(self, initial_dict=None):
        super().__init__()
        self.keymap = {}  # lowercased key -> the key as stored
        if initial_dict:
            self.update(initial_dict)

    def __setitem__(self, key, value):
        super().__setitem__(
            self.keymap.setdefault(key.lower(), key), value)

    def __getitem__(self, key):
        return super().__getitem__(
            self.keymap.get(key.lower(), key))

    def __delitem__(self, key):
        super().__delitem__(self.keymap.pop(key.lower(), key))

    def __contains__(self, key):
        return (key.lower()) in self.keymap

    def get(self, key, default=None):
        return super().get(
            self.keymap.get(key.lower(), key), default)

    def pop(self, key, default=None):
        return super().pop(self.keymap.pop(key.lower(), key), default)

    def popitem(self):
        key, value = super().popitem()
        self.keymap.pop(key.lower(), None)
        return key, value

    def clear(self):
        super().clear()
        self.keymap.clear()

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, other_dict):
        for key, value in other_dict.items():
            self[key] = value


class HTTPException(Exception):
    """An exception that becomes an error response (see ``abort``); the
    body is ``reason``, by default ``'<status_code> error'``."""

    def __init__(self, status_code, reason=None):
        super().__init__(status_code, reason)
        self.status_code = status_code
        self.reason = reason or '%d error' % status_code


# --------------------------------------------------------------------- request

class Request:
    """An HTTP request, as handlers receive it.

    Attributes: ``app``, ``client_addr``, ``method``, ``url`` (path and query),
    ``path``, ``query_string``, ``args`` (a MultiDict), ``headers`` (a
    NoCaseDict), ``cookies``, ``content_length``, ``content_type``,
    ``http_version``, ``url_args``, ``g`` (free for the application) and
    ``sock``: the connection the request came on, for a handler that takes
    it over (``microdot_server.Server.take``; ``microdot_websocket`` does).

    The limits are class attributes that an application may change::

        Request.max_content_length = 64 * 1024   # larger bodies get 413
    """
    #: Bodies larger than this are refused with 413.
    max_content_length = 16 * 1024
    #: Bodies up to this size are read into ``body``; larger ones are left
    #: for the handler to read from ``stream``.
    max_body_length = 16 * 1024
    #: The longest request line (else 414) or header line (else 431), in
    #: bytes counting the CRLF that ends it (as microdot 1.x counts).
    max_readline = 2 * 1024
    #: The most header lines a request may have (else 431).
    max_headers = 32
    #: The most bytes a whole request head may have (else 431).
    max_head_length = 4 * 1024
    #: Seconds a connection may wait for a request to begin (the first, or
    #: the next on a kept-alive connection) before it is closed; announced
    #: to clients in ``Keep-Alive: timeout=N``. 0 waits for ever.
    idle_timeout = 5
    #: Seconds a request under way may take: its whole head must arrive
    #: within this time, and its body may pause no longer (else 408).
    #: 0 waits for ever.
    socket_read_timeout = 1

    class G:
        pass

    # Defaults an instance overrides only when it must: each attribute an
    # instance stores costs time on every request.
    sock = None
    url_args = {}
    query_string = None
    content_length = 0
    _body = None
    _stream = None
    _blocking = True
    _used = None  # 'body' or 'stream', whichever was taken first

    def __init__(self, app, client_addr, method, url, http_version, headers,
                 body=None, stream=None, sock=None):
        self.app = app
        self.client_addr = client_addr
        self.method = method
        self.url = url
        self.http_version = http_version
        self.headers = headers
        if sock is not None:
            self.sock = sock
        if '?' in url:
            self.path, _, self.query_string = url.partition('?')
            # parsed now, so that a query that is not UTF-8 is a 400
            self.args = load('microdot_forms').parse_urlencoded(
                self.query_string)
        else:
            self.path = url
        length = headers.get('Content-Length')
        if length:
            self.content_length = int(length.split(',')[0])
        self.content_type = headers.get('Content-Type')
        if body is not None:
            self._body = body
        if stream is not None:
            self._stream = stream

    def __getattr__(self, name):
        # What most requests never look at is made when first asked for, and
        # kept: ``g`` (a namespace free for the application),
        # ``after_request_handlers`` (see ``after_request``), and from
        # microdot_forms ``args`` (the query's arguments, a MultiDict),
        # ``cookies`` (the cookies the client sent, a dict), ``json`` (the
        # body parsed when the content type is application/json, else None;
        # 400 if it is not JSON), ``form`` (the body as a MultiDict when the
        # content type is application/x-www-form-urlencoded, else None) and
        # ``body_used`` and ``stream_used`` (whether either was read).
        if name == 'g':
            value = Request.G()
        elif name == 'after_request_handlers':
            value = []
        elif name[:1] == '_':
            raise AttributeError(name)
        else:  # the rest, and body_used, stream_used
            return load('microdot_forms').request_attribute(self, name)
        setattr(self, name, value)
        return value

    @staticmethod
    def create(app, client_stream, client_addr, client_sock=None):
        """A request read from ``client_stream`` (anything with
        ``readline(n)`` and ``read(n)``: a socket's file, a BytesIO), its
        body left there for ``body`` and ``stream`` to read; None when the
        stream ends before a request begins. A request that is not valid
        HTTP/1.1 raises ValueError (see ``microdot_stream``)::

            req = Request.create(app, sock.makefile('rwb'), addr, sock)
        """
        return load('microdot_stream').create(app, client_stream,
                                              client_addr, client_sock)

    def after_request(self, f):
        """Register ``f(request, response)`` to run after this request's
        handler, after the application's own after-request handlers."""
        self.after_request_handlers.append(f)
        return f

    def _take(self, what, used=True):
        if self._used not in (None, what):
            raise RuntimeError('Cannot use both stream and body')
        if used:
            self._used = what

    @property
    def body(self):
        """The body as bytes; empty when it is larger than ``max_body_length``
        (such bodies are read from ``stream``). Once a body has been taken
        from here, ``stream`` raises RuntimeError, and the reverse."""
        body = self._body
        self._take('body', body)
        return body or b''

    @property
    def stream(self):
        """The body as a stream with ``read(n)``: awaited in async code,
        blocking in plain functions."""
        self._take('stream')
        stream = self._stream
        if stream is None:  # a body the server read whole, or none
            stream = self._stream = load('microdot_forms').BytesStream(
                self._body or b'')
        return stream.plain() if self._blocking else stream

    def set_blocking(self, blocking):
        """Whether ``stream`` reads block, for the plain function about to
        run, or are awaited, for async code: the server says so before it
        calls a hook or a handler."""
        self._blocking = blocking


# -------------------------------------------------------------------- response

class Response:
    """An HTTP response.

    Handlers may return one, or a body (``str``, ``bytes``, ``dict``/``list``
    as JSON, a generator or a file-like object), or a tuple ``(body, status)``,
    ``(body, headers)`` or ``(body, status, headers)``::

        return Response('<h1>hi</h1>', headers={'Content-Type': 'text/html'})

    A response whose ``takeover`` is set is given the connection once its
    head (and body, if any) are written: the server awaits
    ``takeover(request, connection, received)`` (a coroutine function;
    ``received`` holds what the client sent after the request, already
    received; ``connection`` offers ``await recv()``, ``write(data)``,
    ``await drain()`` and ``sock``), then closes the connection: in stages
    (see ``microdot_server``) when the takeover returns True, for input it
    did not read may still be on its way. A protocol upgrade (101) is
    written so::

        async def echo(request, connection, received):
            while received:
                connection.write(received)
                await connection.drain()
                received = await connection.recv()

        res = Response(status_code=101, headers={'Upgrade': 'echo',
                                                 'Connection': 'Upgrade'})
        res.takeover = echo
    """
    #: File extensions and their content types, for ``send_file``.
    types_map = {'css': 'text/css', 'gif': 'image/gif', 'html': 'text/html',
                 'jpg': 'image/jpeg', 'js': 'application/javascript',
                 'json': 'application/json', 'png': 'image/png',
                 'txt': 'text/plain'}
    send_file_buffer_size = 1024
    default_content_type = 'text/plain'
    default_send_file_max_age = None
    #: Returned by a handler that wrote its own answer (e.g. a WebSocket).
    already_handled = None
    reason = None
    takeover = None
    #: True for the answer to a HEAD request, which carries no body.
    is_head = False

    def __init__(self, body='', status_code=200, headers=None, reason=None):
        if body is None and status_code == 200:
            body = ''
            status_code = 204
        self.status_code = status_code
        self.headers = NoCaseDict(headers)
        if reason is not None:
            self.reason = reason
        if isinstance(body, str):
            body = body.encode()
        elif isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            self.headers['Content-Type'] = 'application/json; charset=UTF-8'
        self.body = body

    def set_cookie(self, cookie, value, *args, **kwargs):
        """``set_cookie(cookie, value, path=None, domain=None, expires=None,
        max_age=None, secure=False, http_only=False, same_site=None)``: add
        a cookie; each cookie is sent on a Set-Cookie line of its own.

        ``expires`` is a string, a ``datetime`` or seconds since the epoch;
        ``same_site`` is ``'Strict'``, ``'Lax'`` or ``'None'``. A name that is
        not a token, or CR, LF or ``;`` in a value, raises ValueError::

            response.set_cookie('session', token, path='/', http_only=True,
                                same_site='Lax', max_age=3600)
        """
        self.headers.setdefault('Set-Cookie', []).append(
            load('microdot_cookies').set_cookie_value(cookie, value, *args,
                                                      **kwargs))

    def delete_cookie(self, cookie, path=None, domain=None):
        """Ask the client to drop a cookie: it expires at once."""
        self.set_cookie(cookie, '', path, domain, expires=0, max_age=0)

    def complete(self):
        """Fill in what the body implies when the headers do not say it:
        Content-Length for bytes, and a Content-Type
        (``default_content_type``, in UTF-8). The server does not need it:
        it writes both without changing the response."""
        if isinstance(self.body, bytes) and \
                'Content-Length' not in self.headers:
            self.headers['Content-Length'] = str(len(self.body))
        if 'Content-Type' not in self.headers:
            self.headers['Content-Type'] = self.content_type()

    def content_type(self):
        """The Content-Type of a response that names none:
        ``default_content_type``, with ``charset=UTF-8`` unless it has one."""
        ctype = self.default_content_type
        return ctype if 'charset=' in ctype else ctype + '; charset=UTF-8'

    def write(self, stream):
        """Write the response to ``stream`` (anything with ``write``: a
        socket's file, a BytesIO), then leave the stream to the caller, who
        closes it: the head says ``Connection: close`` (see
        ``microdot_stream``)::

            res = app.dispatch_request(req)
            res.write(stream)
        """
        load('microdot_stream').write(self, stream)

    def body_iter(self):
        """Iterate over the body: a file-like body in pieces of
        ``send_file_buffer_size`` (until a shorter read; then it is
        closed), an iterator's items, or the body whole; nothing when it is
        empty."""
        body = self.body
        if not body:
            return
        if hasattr(body, 'read'):
            size = self.send_file_buffer_size
            try:
                while True:
                    buf = body.read(size)
                    if buf:
                        yield buf
                    if len(buf) < size:
                        break
            finally:  # also when the client left before the end
                if hasattr(body, 'close'):
                    body.close()
        elif hasattr(body, '__next__'):
            yield from body
        else:
            yield body

    @classmethod
    def redirect(cls, location, status_code=302):
        """A redirect to ``location``. CR or LF in it raises ValueError;
        spaces and non-ASCII characters are sent percent-encoded."""
        if '\r' in location or '\n' in location:
            raise ValueError('invalid redirect URL')
        return cls(status_code=status_code, headers={
            'Location': load('microdot_forms').uri_reference(location)})

    @classmethod
    def send_file(cls, filename, *args, **kwargs):
        """``send_file(filename, status_code=200, content_type=None,
        stream=None, max_age=None, compressed=False, file_extension='')``: a
        response that sends a file's contents in pieces::

            return send_file('static/index.html', max_age=3600)

        The content type follows the extension (``types_map``) unless
        given; ``max_age`` (default ``default_send_file_max_age``) adds
        ``Cache-Control: max-age=N``; ``compressed`` (True or an encoding
        name) marks a file compressed in advance; ``file_extension`` is
        added to the name opened. The filename is trusted: never pass one
        taken from a request unchecked.
        """
        return load('microdot_files').send_file(cls, filename, *args,
                                                **kwargs)


# --------------------------------------------------------------------- routing

class URLPattern:
    """A route's URL pattern: static (``/users``) or with ``<name>``,
    ``<int:name>``, ``<path:name>`` or ``<re:REGEX:name>`` segments.

    >>> URLPattern('/users/<int:id>').match('/users/42')
    {'id': 42}

    Arguments are percent-decoded as UTF-8 (one that does not decode is a
    400 Bad Request). An invalid pattern raises ValueError (``re``'s own
    error for an invalid ``re:`` expression). ``args`` lists
    the arguments (``{'type': 'int', 'name': 'id'}``); ``pattern`` is a
    static pattern's path, which is compared, or the regular expression of
    a pattern with arguments. Those are compiled and matched by
    ``microdot_routing``, loaded with the first one, which matches the
    built-in types without a regular expression where it can.
    """
    _route = None  # how microdot_routing matches the arguments

    def __init__(self, url_pattern):
        self.url_pattern = url_pattern
        self.pattern = '/' + url_pattern.lstrip('/')
        self.args = []
        if '<' in url_pattern:
            load('microdot_routing').compile(self)

    def __getattr__(self, name):
        # a pattern with arguments: its regex, compiled when first asked for
        if name == 'pattern':
            self.pattern = load('microdot_routing').regex(self)
            return self.pattern
        raise AttributeError(name)

    def match(self, path):
        """The arguments found in ``path`` as a dict, or None."""
        if self._route is None:
            return {} if path == self.pattern else None
        return load('microdot_routing').match(self, path)


def _shortcut(method):
    # app.get(url_pattern) and its siblings: route(url_pattern, [method])
    def decorator(self, url_pattern):
        return self.route(url_pattern, [method])
    return decorator


# ----------------------------------------------------------------- application

class Microdot:
    """The application: routes, hooks, error handlers, and the server.

    Example::

        app = Microdot()

        @app.get('/users/<int:id>')
        def get_user(request, id):
            return {'id': id}

        app.run(port=8000, debug=True)
    """
    #: The most connections served at once. None (the default) fits them to
    #: the free heap on MicroPython when the server starts (see
    #: ``microdot_server.connection_limit``: 16 on the unix port's default
    #: heap; with the default 16 KB ``max_body_length`` about 2 on an ESP32
    #: without PSRAM and 3 on a Pico W) and is 64 on CPython. When all are
    #: taken, an idle connection is closed to admit a new one; failing that,
    #: the new client waits up to a second, then gets 503.
    max_connections = None
    #: The class of the requests handlers receive: a subclass of Request
    #: may add to them.
    request_class = Request
    #: The class of the responses made of what handlers return.
    response_class = Response

    def __init__(self):
        self.url_map = []
        self.before_request_handlers = []
        self.after_request_handlers = []
        self.after_error_request_handlers = []
        self.error_handlers = {}
        self.options_handler = self.default_options_handler
        self.debug = False
        self.shutdown_requested = False
        self.server = None  # set while serving (microdot_server.Server)

    def route(self, url_pattern, methods=None):
        """Decorator: serve ``url_pattern`` for ``methods`` (default GET)::

            @app.route('/items', methods=['GET', 'POST'])
            def items(request):
                ...
        """
        def decorated(f):
            self.url_map.append((list(map(str.upper, methods or ['GET'])),
                                 URLPattern(url_pattern), f))
            return f
        return decorated

    get = _shortcut('GET')
    post = _shortcut('POST')
    put = _shortcut('PUT')
    patch = _shortcut('PATCH')
    delete = _shortcut('DELETE')

    def before_request(self, f):
        """Register ``f(request)``; a response it returns skips the route."""
        self.before_request_handlers.append(f)
        return f

    def after_request(self, f):
        """Register ``f(request, response)`` for successful responses; it
        returns the response to send (None keeps the one it was given)."""
        self.after_request_handlers.append(f)
        return f

    def after_error_request(self, f):
        """Like ``after_request``, for error responses (404, 405, 500...)."""
        self.after_error_request_handlers.append(f)
        return f

    def errorhandler(self, status_code_or_exception_class):
        """Decorator: handle a status code with ``f(request)``, or an
        exception class (and its subclasses) with ``f(request, exc)``::

            @app.errorhandler(404)
            def not_found(request):
                return {'error': 'not found'}, 404
        """
        def decorated(f):
            self.error_handlers[status_code_or_exception_class] = f
            return f
        return decorated

    def mount(self, subapp, url_prefix=''):
        """Add a sub-application's routes (under ``url_prefix``), hooks and
        error handlers to this application."""
        load('microdot_routing').mount(self, subapp, url_prefix)

    @staticmethod
    def abort(status_code, reason=None):
        """Stop handling the request and answer ``status_code``; the body is
        ``reason`` (default: the reason phrase)."""
        raise HTTPException(status_code, reason)

    def find_route(self, req):
        """The handler for a request (its URL arguments set in
        ``req.url_args``), or the status code to answer: 404 (no route), 405
        (no route for the method) or 501 (unknown method). An OPTIONS
        request gets the headers of its answer from ``options_handler``, as
        a dict (or the status, 404 where no route matches)."""
        method = req.method
        if method == 'OPTIONS' and self.options_handler:
            return self.options_handler(req)
        known = method in ('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT',
                           'OPTIONS', 'TRACE', 'PATCH')  # or a route's own
        found = 404
        for methods, pattern, handler in self.url_map:
            known = known or method in methods
            args = pattern.match(req.path)
            if args is not None:
                if method in methods or (method == 'HEAD' and
                                         'GET' in methods):
                    req.url_args = args
                    return handler
                found = 405
        return found if known else 501

    def allowed_methods(self, path):
        """The methods of the routes matching ``path`` (all routes for
        ``*``) in their order, then HEAD when GET is among them, then
        OPTIONS; empty when none match."""
        return load('microdot_routing').allowed_methods(self, path)

    def default_options_handler(self, req):
        """The headers of the answer to OPTIONS, ``Allow``; 404 for a path
        no route matches (the fixture contract's answer, where microdot
        1.x allowed OPTIONS alone)."""
        allow = self.allowed_methods(req.path)
        return {'Allow': ', '.join(allow)} if allow else 404

    def dispatch_request(self, req):
        """Run the hooks and the handler for a request (None: one that could
        not be read, answered 400) and return the Response, outside the
        server: the server runs them itself (``microdot_server.dispatch``).
        A custom server's loop::

            req = Request.create(app, stream, addr)
            app.dispatch_request(req).write(stream)
        """
        return load('microdot_stream').dispatch_request(self, req)

    def handle_request(self, sock, addr):
        """Serve one request on a blocking socket ``sock`` (from ``addr``),
        answer it and close the socket: microdot 1.x's way to serve a
        connection from a server loop of one's own."""
        load('microdot_stream').handle_request(self, sock, addr)

    def run(self, host='0.0.0.0', port=5000, debug=False, ssl=None):
        """Serve requests until ``shutdown()`` or Ctrl-C::

            app.run(port=80, debug=True)
        """
        import asyncio
        try:
            asyncio.run(self.start_server(host, port, debug, ssl))
        except KeyboardInterrupt:
            pass
        finally:
            if MICROPYTHON:
                asyncio.new_event_loop()  # leave no tasks behind at the REPL

    async def start_server(self, host='0.0.0.0', port=5000, debug=False,
                           ssl=None):
        """The server as a coroutine, to run beside other asyncio tasks."""
        await load('microdot_server').Server(self, debug).serve(host, port, ssl)

    def shutdown(self):
        """Make ``run()`` return once the request under way is answered::

            @app.route('/shutdown')
            def shutdown(request):
                request.app.shutdown()
                return 'The server is shutting down...'
        """
        self.shutdown_requested = True
        if self.server is not None:
            self.server.stop()


abort = Microdot.abort
Response.already_handled = Response()
redirect = Response.redirect
send_file = Response.send_file
