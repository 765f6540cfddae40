"""
microdot_wsgi: a microdot application as a WSGI application
===========================================================

microdot 1.x's WSGI extension (CPython only): the application is the WSGI
callable, for any WSGI server (Gunicorn, uWSGI, mod_wsgi, wsgiref)::

    from microdot_wsgi import Microdot

    app = Microdot()

    @app.route('/')
    def index(request):
        return 'Hello, world!'

    # gunicorn hello:app

Handlers, hooks and error handlers run as with ``microdot``; a request also
has ``environ``, and ``sock`` is Gunicorn's socket where there is one. The
request is read as the reference's own server reads one (its path decoded
once, by the routing; an HTTP/1.1 request without Host is a 400) and the
body given in ``CONTENT_LENGTH`` bytes of ``wsgi.input`` (to its end with
``wsgi.input_terminated``); the answer is ``Response.write``'s, less what
the WSGI server decides (Connection, Date, the framing). ``app.run()``
serves the application with the reference's own server instead, and then
``shutdown()`` stops it; behind a WSGI server, ``shutdown()`` sends SIGTERM
to the leader of the process's group (the server's master process, or the
server itself), as microdot 1.x did. Every name of ``microdot`` is also a
name of this module.
"""
import microdot
from microdot import HTTPException, NoCaseDict, Request, Response, \
    URLPattern, abort, print_exception, redirect, send_file  # noqa: F401
from microdot import Microdot as BaseMicrodot
import microdot_gateway as gateway


def __getattr__(name):
    # the rest of microdot's names (MultiDict, urlencode, mro...), as
    # microdot 1.x's module offered them beside its own
    return getattr(microdot, name)


class Input:
    """The request's body in ``wsgi.input``, read no further than its end
    (``left`` bytes; None: to the end of the input): ``read(n)`` blocks."""

    def __init__(self, source, left):
        self.source = source
        self.left = left
        self.ahead = b''  # read before it was asked for

    def read(self, n=-1):
        """``n`` bytes (all for ``n`` < 0), fewer only at the end."""
        out = [self.ahead]
        have = len(self.ahead)
        while (n < 0 or have < n) and self.left != 0:
            size = 65536 if n < 0 else n - have
            if self.left is not None:
                size = min(size, self.left)
            data = self.source.read(size)
            if not data:
                break
            out.append(data)
            have += len(data)
            if self.left is not None:
                self.left -= len(data)
        data = b''.join(out)
        self.ahead = data[n:] if 0 <= n < len(data) else b''
        return data if n < 0 else data[:n]


class Stream:
    """``request.stream`` over an ``Input``: ``await read(n)`` in async
    code, ``read(n)`` in plain functions (``plain()``)."""

    def __init__(self, body):
        self.body = body

    async def read(self, n=-1):
        return self.body.read(n)

    def plain(self):
        return self.body


def request_of(app, environ):
    """The Request a WSGI ``environ`` describes, its body up to
    ``max_body_length`` read (a larger one is left for ``stream``);
    ValueError for one the reference's server would refuse (its
    ``status``)."""
    path = environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
    fields = [(key[5:], value.encode('latin-1'))
              for key, value in environ.items() if key[:5] == 'HTTP_']
    for key in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
        if environ.get(key):
            fields.append((key, environ[key].encode('latin-1')))
    protocol = environ.get('SERVER_PROTOCOL', 'HTTP/1.1')
    method, url, headers, length = gateway.head(
        environ['REQUEST_METHOD'], gateway.encoded(path.encode('latin-1')),
        environ.get('QUERY_STRING'), protocol[5:], fields)
    body = Input(environ['wsgi.input'], length or (
        None if environ.get('wsgi.input_terminated') else 0))
    data = None
    limit = Request.max_body_length
    if body.left is None or body.left <= limit:
        data = body.read(limit + 1)
        body.ahead = data  # for ``stream``, read again
        if len(data) > limit:  # of unknown length, and larger
            data = None
    req = app.request_class(
        app, (environ.get('REMOTE_ADDR'), int(environ.get('REMOTE_PORT')
                                              or 0)),
        method, url, protocol, headers, data, Stream(body),
        environ.get('gunicorn.socket'))
    req.environ = environ
    return req


def pieces(res):
    """The body of ``res`` for the WSGI server, a bytes piece at a time;
    closed (a file, a generator) when the server closes the iterable."""
    body = res.body_iter()
    try:
        for piece in body:
            yield piece.encode() if isinstance(piece, str) else piece
    finally:
        body.close()


class Microdot(gateway.Served, BaseMicrodot):
    """An application that is also a WSGI callable, ``app(environ,
    start_response)``."""

    def wsgi_app(self, environ, start_response):
        """The WSGI application: serve the request ``environ`` describes,
        call ``start_response`` and return the body's pieces."""
        try:
            req = request_of(self, environ)
        except ValueError as exc:
            res = gateway.refused(exc)
        else:
            res = self.dispatch_request(req)
        status, fields, body = gateway.answer(res)
        start_response(status.decode('latin-1'), [
            (name.decode('latin-1'), value.decode('latin-1'))
            for name, value in fields])
        return pieces(body) if body else []

    def __call__(self, environ, start_response):
        return self.wsgi_app(environ, start_response)
