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

Three modules make the framework: this one is what applications use
(routing, requests, responses); ``microdot_http`` parses and frames HTTP/1.1
messages without doing I/O (it imports nothing from the other two);
``microdot_server`` runs connections on asyncio and each request through the
application's hooks and handlers. The last two are loaded when the server
starts, so that an application defining its routes on a small board does not
yet pay for them.
"""
import json
import re
import sys

MICROPYTHON = sys.implementation.name == 'micropython'

if MICROPYTHON:
    def print_exception(exc):
        sys.print_exception(exc)
else:
    import traceback

    def print_exception(exc):
        traceback.print_exception(type(exc), exc, exc.__traceback__)

# ---------------------------------------------------------------- text helpers

_HEX = '0123456789abcdefABCDEF'
_UNRESERVED = ('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
               '0123456789-._~')


def _unquote(s, plus):
    # Percent-escapes become bytes and the whole is read as UTF-8, so that
    # '%C3%B6' is one character. A '%' not followed by two hex digits, or
    # bytes that are not UTF-8, raise ValueError (the server answers 400).
    if plus:
        s = s.replace('+', ' ')
    if '%' not in s:
        return s
    parts = s.split('%')
    out = [parts[0].encode()]
    for part in parts[1:]:
        if len(part) < 2 or part[0] not in _HEX or part[1] not in _HEX:
            raise ValueError('invalid percent-encoding')
        out.append(bytes((int(part[:2], 16),)) + part[2:].encode())
    return b''.join(out).decode()


def urldecode_str(s):
    """Decode a query-string or form component given as ``str``.

    >>> urldecode_str('J%C3%B6rg+M')
    'Jörg M'
    """
    return _unquote(s, True)


def urldecode_bytes(s):
    """Decode a query-string or form component given as ``bytes``, to ``str``."""
    return _unquote(s.decode(), True)


def urldecode_path(s):
    """Decode a path segment: like ``urldecode_str``, but ``+`` stays ``+``."""
    return _unquote(s, False)


def urlencode(s):
    """Percent-encode a string for a query string or form (space as ``+``).

    >>> urlencode('a b&c=Jörg')
    'a+b%26c%3DJ%C3%B6rg'
    """
    out = []
    for byte in s.encode():
        c = chr(byte)
        out.append(c if c in _UNRESERVED else '+' if c == ' ' else
                   '%%%02X' % byte)
    return ''.join(out)


# ------------------------------------------------------------------ containers

# Names the server asks for on every request, lowered once: str.lower() is
# slow on MicroPython. Fixed: a cache that grew would scatter long-lived
# objects over a small heap.
_LOWER = {'Host': 'host', 'Content-Length': 'content-length',
          'Content-Type': 'content-type', 'Connection': 'connection',
          'Transfer-Encoding': 'transfer-encoding', 'Date': 'date',
          'Upgrade': 'upgrade'}


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
            self.keymap.setdefault(_LOWER.get(key) or key.lower(), key), value)

    def __getitem__(self, key):
        return super().__getitem__(
            self.keymap.get(_LOWER.get(key) or key.lower(), key))

    def __delitem__(self, key):
        super().__delitem__(self.keymap.pop(key.lower(), key))

    def __contains__(self, key):
        return (_LOWER.get(key) or key.lower()) in self.keymap

    def get(self, key, default=None):
        return super().get(
            self.keymap.get(_LOWER.get(key) or key.lower(), key), default)

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


class MultiDict(dict):
    """A ``dict`` that can hold several values per key, as query strings and
    forms do. Assigning appends; reading gives the first value.

    >>> d = MultiDict()
    >>> d['sort'] = 'name'
    >>> d['sort'] = 'email'
    >>> d['sort'], d.getlist('sort')
    ('name', ['name', 'email'])
    """

    def __init__(self, initial_dict=None):
        super().__init__()
        if initial_dict:
            for key, value in initial_dict.items():
                self[key] = value

    def __setitem__(self, key, value):
        if key not in self:
            super().__setitem__(key, [])
        super().__getitem__(key).append(value)

    def __getitem__(self, key):
        return super().__getitem__(key)[0]

    def get(self, key, default=None, type=None):
        """The first value of ``key`` (converted by ``type``), or ``default``."""
        if key not in self:
            return default
        return self[key] if type is None else type(self[key])

    def getlist(self, key, type=None):
        """All the values of ``key`` (each converted by ``type``)."""
        values = super().get(key, [])
        return values if type is None else [type(v) for v in values]


def _parse_urlencoded(text):
    data = MultiDict()
    for pair in text.split('&'):
        if pair:
            name, _, value = pair.partition('=')
            data[urldecode_str(name)] = urldecode_str(value)
    return data


class HTTPException(Exception):
    """An exception that becomes an error response (see ``abort``); the
    body is ``reason``, or the status code's reason phrase when None."""

    def __init__(self, status_code, reason=None):
        super().__init__(status_code, reason)
        self.status_code = status_code
        self.reason = reason


# --------------------------------------------------------------------- request

class Request:
    """An HTTP request, as handlers receive it.

    Attributes: ``app``, ``client_addr``, ``method``, ``url`` (path and query),
    ``path``, ``query_string``, ``args`` (a MultiDict), ``headers`` (a
    NoCaseDict), ``cookies``, ``content_length``, ``content_type``,
    ``http_version``, ``url_args`` and ``g`` (free for the application);
    ``sock``, the connection, for a handler that takes it over (see
    ``microdot_websocket``).

    The limits are class attributes that an application may change::

        Request.max_content_length = 64 * 1024   # larger bodies get 413
    """
    #: Bodies larger than this are refused with 413.
    max_content_length = 16 * 1024
    #: Bodies up to this size are read into ``body``; larger ones are left
    #: for the handler to read from ``stream``.
    max_body_length = 16 * 1024
    #: The longest request line (else 414) or header line (else 431).
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
    _sock = None
    _reader = None  # the connection's input (set by the server)
    url_args = {}
    query_string = None
    content_length = 0
    _args = None
    _cookies = None
    _g = None
    _body = None
    _stream = None
    _sync = True  # whether the code using stream is a plain function
    _used = None  # 'body' or 'stream', whichever was taken first
    _json = None
    _form = None
    _after = None

    def __init__(self, app, client_addr, method, url, http_version, headers,
                 body=None, stream=None, sock=None):
        self.app = app
        self.client_addr = client_addr
        self.method = method
        self.url = url
        self.http_version = http_version
        self.headers = headers
        if sock is not None:
            self._sock = sock
        if '?' in url:
            self.path, _, self.query_string = url.partition('?')
            # parsed now, so that a query that is not UTF-8 is a 400
            self._args = _parse_urlencoded(self.query_string)
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

    # What most requests never look at is made when first asked for.

    @property
    def args(self):
        """The query string's arguments, a MultiDict."""
        if self._args is None:
            self._args = MultiDict()
        return self._args

    @property
    def cookies(self):
        """The cookies the client sent, a dict."""
        if self._cookies is None:
            self._cookies = {}
            for pair in self.headers.get('Cookie', '').split(';'):
                name, eq, value = pair.strip().partition('=')
                if eq and name:  # malformed pairs are ignored (RFC 6265 5.2)
                    self._cookies[name] = value
        return self._cookies

    @property
    def sock(self):
        """The connection this request came on, for a handler that takes
        it over to speak another protocol on it: a
        ``microdot_socket.Socket`` (``microdot_websocket`` uses it)."""
        if self._sock is None and self._reader is not None:
            from microdot_socket import Socket
            self._sock = Socket(self._reader)
        return self._sock

    @property
    def g(self):
        """A namespace free for the application, for this request."""
        if self._g is None:
            self._g = Request.G()
        return self._g

    @property
    def after_request_handlers(self):
        """This request's own after-request handlers (``after_request``)."""
        if self._after is None:
            self._after = []
        return self._after

    def _take(self, what):
        if self._used not in (None, what):
            raise RuntimeError('Cannot use both stream and body')
        self._used = what

    @property
    def body(self):
        """The body as bytes; empty when it is larger than ``max_body_length``
        (such bodies are read from ``stream``)."""
        self._take('body')
        return self._body or b''

    @property
    def stream(self):
        """The body as a stream with ``read(n)``: awaited in async handlers,
        blocking in plain ones."""
        self._take('stream')
        if self._stream is None:
            import io
            self._stream = io.BytesIO(self._body or b'')
        if self._sync and hasattr(self._stream, 'plain'):
            return self._stream.plain()
        return self._stream

    def _parsed(self, mime_type, parse):
        # The body parsed when the Content-Type is mime_type; 400 if it fails.
        if (self.content_type or '').split(';')[0].strip().lower() != \
                mime_type:
            return None
        try:
            return parse(self.body.decode())
        except ValueError:
            raise HTTPException(400, 'Invalid %s body' % mime_type)
        except RuntimeError:  # nested deeper than the parser's recursion
            raise HTTPException(400, 'Too deeply nested %s body' % mime_type)

    @property
    def json(self):
        """The body parsed as JSON when the content type is
        ``application/json``, else None. A body that is not JSON is a 400."""
        if self._json is None:
            self._json = self._parsed('application/json', json.loads)
        return self._json

    @property
    def form(self):
        """The body as a MultiDict when the content type is
        ``application/x-www-form-urlencoded``, else None."""
        if self._form is None:
            self._form = self._parsed('application/x-www-form-urlencoded',
                                      _parse_urlencoded)
        return self._form

    def after_request(self, f):
        """Register ``f(request, response)`` to run after this request's
        handler, after the application's own after-request handlers."""
        self.after_request_handlers.append(f)
        return f


# -------------------------------------------------------------------- response

class Response:
    """An HTTP response.

    Handlers may return one, or a body (``str``, ``bytes``, ``dict``/``list``
    as JSON, a generator or a file-like object), or a tuple ``(body, status)``,
    ``(body, headers)`` or ``(body, status, headers)``::

        return Response('<h1>hi</h1>', headers={'Content-Type': 'text/html'})
    """
    types_map = {
        'css': 'text/css',
        'gif': 'image/gif',
        'html': 'text/html',
        'ico': 'image/x-icon',
        'jpg': 'image/jpeg',
        'js': 'application/javascript',
        'json': 'application/json',
        'png': 'image/png',
        'svg': 'image/svg+xml',
        'txt': 'text/plain',
    }
    send_file_buffer_size = 1024
    default_content_type = 'text/plain'
    default_send_file_max_age = None
    #: Returned by a handler that wrote its own answer (e.g. a WebSocket).
    already_handled = None
    reason = None

    def __init__(self, body='', status_code=200, headers=None, reason=None):
        if body is None and status_code == 200:
            body = ''
            status_code = 204
        self.status_code = status_code
        self.headers = NoCaseDict(headers)
        if reason is not None:
            self.reason = reason
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            self.headers['Content-Type'] = 'application/json; charset=UTF-8'
        elif isinstance(body, str):
            body = body.encode()
        self.body = body

    def set_cookie(self, cookie, value, path=None, domain=None, expires=None,
                   max_age=None, secure=False, http_only=False,
                   same_site=None):
        """Add a cookie; each cookie is sent on a Set-Cookie line of its own.

        ``expires`` is a string, a ``datetime`` or seconds since the epoch;
        ``same_site`` is ``'Strict'``, ``'Lax'`` or ``'None'``. A name that is
        not a token, or CR, LF or ``;`` in a value, raises ValueError::

            response.set_cookie('session', token, path='/', http_only=True,
                                same_site='Lax', max_age=3600)
        """
        from microdot_http import set_cookie_value
        self.headers.setdefault('Set-Cookie', []).append(set_cookie_value(
            cookie, value, path, domain, expires, max_age, secure, http_only,
            same_site))

    def delete_cookie(self, cookie, path=None, domain=None):
        """Ask the client to drop a cookie: it expires at once."""
        self.set_cookie(cookie, '', path, domain, expires=0, max_age=0)

    def complete(self):
        """Fill in what the body implies: Content-Length for bytes, and a
        Content-Type (``default_content_type``, in UTF-8) when there is none."""
        if isinstance(self.body, bytes):
            self.headers['Content-Length'] = str(len(self.body))
        if 'Content-Type' not in self.headers:
            ctype = self.default_content_type
            self.headers['Content-Type'] = ctype if 'charset=' in ctype \
                else ctype + '; charset=UTF-8'

    def body_iter(self):
        """Iterate over the body in pieces of bytes (or str)."""
        body = self.body
        if hasattr(body, 'read'):
            try:
                buf = body.read(self.send_file_buffer_size)
                while buf:
                    yield buf
                    buf = body.read(self.send_file_buffer_size)
            finally:
                if hasattr(body, 'close'):
                    body.close()
        elif isinstance(body, bytes):
            if body:
                yield body
        elif body is not None:
            yield from body

    @classmethod
    def redirect(cls, location, status_code=302):
        """A redirect to ``location``. CR or LF in it raises ValueError;
        spaces and non-ASCII characters are sent percent-encoded."""
        if '\r' in location or '\n' in location:
            raise ValueError('invalid redirect URL')
        from microdot_http import uri_reference
        return cls(status_code=status_code,
                   headers={'Location': uri_reference(location)})

    @classmethod
    def send_file(cls, filename, status_code=200, content_type=None,
                  stream=None, max_age=None, compressed=False,
                  file_extension=''):
        """A response that sends a file's contents in pieces::

            return send_file('static/index.html', max_age=3600)

        The content type follows the extension unless given. ``compressed``
        (True or an encoding name) marks a file compressed in advance. The
        filename is trusted: never pass one taken from a request unchecked.
        """
        if content_type is None:
            content_type = cls.types_map.get(filename.split('.')[-1],
                                             'application/octet-stream')
        headers = {'Content-Type': content_type}
        if max_age is None:
            max_age = cls.default_send_file_max_age
        if max_age is not None:
            headers['Cache-Control'] = 'max-age=%d' % max_age
        if compressed:
            headers['Content-Encoding'] = compressed \
                if isinstance(compressed, str) else 'gzip'
        path = filename + file_extension
        if stream is None and '\x00' in path:
            # CPython's open() refuses it; MicroPython's stops at the NUL
            # and may open a directory ('files/\x00' is 'files/')
            raise ValueError('embedded null byte')
        f = stream or open(path, 'rb')
        try:
            headers['Content-Length'] = str(f.seek(0, 2))
            f.seek(0)
        except (AttributeError, OSError, ValueError):
            pass  # not seekable: framed by chunked coding or by closing
        return cls(f, status_code, headers)


# --------------------------------------------------------------------- routing

class URLPattern:
    """A route's URL pattern: static (``/users``) or with ``<name>``,
    ``<int:name>``, ``<path:name>`` or ``<re:REGEX:name>`` segments.

    >>> URLPattern('/users/<int:id>').match('/users/42')
    {'id': 42}

    Arguments are percent-decoded as UTF-8 (one that does not decode is a
    400 Bad Request). An invalid pattern raises ValueError.
    """
    _TYPES = {'string': '[^/]+', 'int': '-?[0-9]+', 'path': '.+'}

    def __init__(self, url_pattern):
        self.url_pattern = url_pattern
        self.args = []  # (name, type, regex group)
        self.segments = []  # literal strings, or the type of an argument
        regex = ''
        group = 1
        for segment in url_pattern.lstrip('/').split('/'):
            regex += '/'
            if segment[:1] != '<':
                self.segments.append(segment)
                for c in segment:  # a literal, even if it looks like a regex
                    regex += '\\' + c if c in '.^$*+?{}[]|()\\' else c
                continue
            type_, _, name = segment[1:-1].rpartition(':')
            type_ = type_ or 'string'
            sub = type_[3:] if type_[:3] == 're:' else self._TYPES.get(type_)
            if segment[-1] != '>' or not name or not sub:
                raise ValueError('invalid URL pattern ' + url_pattern)
            self.args.append((name, type_, group))
            self.segments.append((type_,))
            # a custom regex may hold groups of its own
            group += 1 + sub.count('(') - sub.count('\\(') - sub.count('(?')
            regex += '(' + sub + ')'
        # MicroPython's re recurses once per character matched, so that a
        # long path segment would exhaust its stack: the built-in types are
        # matched segment by segment ("path" only as the last one), and only
        # a pattern that needs it gets a compiled regex (it costs heap).
        types = [s[0] for s in self.segments if isinstance(s, tuple)]
        self.regex = None if self.args else '/' + url_pattern.lstrip('/')
        if [t for t in types if t[:3] == 're:'] or 'path' in types[:-1]:
            self.segments = None
            try:
                self.regex = re.compile('^' + regex + '$')
            except Exception:  # CPython's re.error is not a ValueError
                raise ValueError('invalid URL pattern ' + url_pattern)

    def match(self, path):
        """The arguments found in ``path`` as a dict, or None."""
        if not self.args:
            return {} if path == self.regex else None
        return _server().match_arguments(self, path)


_loaded = []  # microdot_server, once it is


def _server():
    # The server, loaded when it is first needed (routing a request, serving)
    # so that an application that has only defined its routes does not pay
    # for it. Compiling a module leaves holes in the heap; a collection
    # before each keeps them few, so that large blocks still fit.
    if not _loaded:
        import gc
        for name in ('microdot_http', 'microdot_server'):
            gc.collect()
            __import__(name)
        _loaded.append(sys.modules['microdot_server'])
    return _loaded[0]


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
            self.url_map.append(([m.upper() for m in methods or ['GET']],
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
        for methods, pattern, handler in subapp.url_map:
            self.url_map.append(
                (methods, URLPattern(url_prefix + pattern.url_pattern),
                 handler))
        self.before_request_handlers += subapp.before_request_handlers
        self.after_request_handlers += subapp.after_request_handlers
        self.after_error_request_handlers += \
            subapp.after_error_request_handlers
        self.error_handlers.update(subapp.error_handlers)

    @staticmethod
    def abort(status_code, reason=None):
        """Stop handling the request and answer ``status_code``; the body is
        ``reason`` (default: the reason phrase)."""
        raise HTTPException(status_code, reason)

    def allowed_methods(self, path):
        """The methods the routes matching ``path`` (all routes for ``*``)
        allow, with HEAD beside GET and OPTIONS; empty when none match."""
        return _server().allowed_methods(self, path)

    def find_route(self, req):
        """The handler for a request, or the status code to answer: 404 (no
        route), 405 (no route for the method) or 501 (unknown method). An
        OPTIONS request gets the headers of its answer as a dict."""
        return _server().find_route(self, req)

    def default_options_handler(self, req):
        allow = self.allowed_methods(req.path)
        return {'Allow': ', '.join(allow)} if allow else 404

    async def dispatch_request(self, req):
        """Run the hooks and the handler for a request; returns a Response
        (the server's ``dispatch``, loaded with it)."""
        return await _server().dispatch(self, req)

    def run(self, host='0.0.0.0', port=5000, debug=False, ssl=None):
        """Serve requests until ``shutdown()`` or Ctrl-C::

            app.run(port=80, debug=True)
        """
        _server().run(self, host, port, debug, ssl)

    async def start_server(self, host='0.0.0.0', port=5000, debug=False,
                           ssl=None):
        """The server as a coroutine, to run beside other asyncio tasks."""
        await _server().Server(self, debug).serve(host, port, ssl)

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
