"""The same calls against whichever microdot is on the path, as JSON.

    PYTHONPATH=FOLDER python tests/compat/probes.py WORKDIR
    MICROPYPATH=FOLDER:.frozen micropython tests/compat/probes.py WORKDIR

Each probe is one call (or one request dispatched) of microdot 1.x's API,
made by the same code whichever implementation answers: microdot 1.3.4 or
the reference. The script prints one JSON object, each probe's id and what
it gave (its result made plain, or the kind of exception it raised);
``test_differential.py`` runs it on both, on CPython and on MicroPython, and
compares. WORKDIR is an empty folder for the files ``send_file`` sends.
Each probe is printed on a line of its own (``PROBE [id, result]``), so
that what the implementation itself prints may come in between.
"""
import io
import sys

import microdot
from microdot import (Microdot, NoCaseDict, Request, Response, URLPattern,
                      abort, redirect, send_file)
from probing import plain, print_probes, probe, run


# ---------------------------------------------------------------- URLPattern

TYPES = ('', 'string:', 'int:', 'path:', 're:[a-c]+:')
SHAPES = ('/<%sa>', '/x/<%sa>', '/<%sa>/x', '/x/<%sa>/y', '/<%sa>/<int:b>',
          '/<string:b>/<%sa>', '/x/<%sa>/<path:b>', '/<%sa>/<re:[0-9]+:b>/z')
PATHS = ('/abc', '/12', '/-7', '/ab/cd', '/x/abc', '/x/12', '/x/ab/cd',
         '/abc/x', '/12/x', '/x/abc/y', '/x/a/b/y', '/x/12/y', '/abc/12',
         '/12/abc', '/abc/3/z', '/x/ab/c/d', '/', '/x', '/x/', '//x', '/abc/')


def _match(pattern, path):
    return URLPattern(pattern).match(path)


for _shape in SHAPES:
    for _type in TYPES:
        for _path in PATHS:
            probe('URLPattern(%r).match(%r)' % (_shape % _type, _path),
                  _match, _shape % _type, _path)
for _pattern, _path in (
        ('/users/<path:path>/foo', '/users/abc/def/foo'),
        ('/users/<path:path>/foo', '/users/abc/foo'),
        ('/users/<path:path>/foo', '/users/foo'),
        ('/<path:a>/<path:b>', '/1/2/3'),
        ('/static', '/static'), ('static', '/static'), ('/', '/'),
        ('/a/', '/a/'), ('/a/', '/a'), ('/a.b', '/a.b'), ('/a.b', '/aXb'),
        ('/<re:a.c:x>', '/abc'), ('/<re:a|b:x>', '/a'),
        ('/<int:x>', '/+5'), ('/<int:x>', '/00'), ('/<int:x>', '/1.5')):
    probe('URLPattern(%r).match(%r)' % (_pattern, _path), _match, _pattern,
          _path)
for _pattern in ('/<bad:x>', '/<int:x', '/<re:[:x>'):
    probe('URLPattern(%r)' % _pattern, lambda p: URLPattern(p).url_pattern,
          _pattern)
probe('URLPattern percent-encoded argument',
      lambda: URLPattern('/x/<a>').match('/x/a%20b'))
probe('URLPattern.args', lambda: URLPattern('/<a>/<int:b>/<re:x+:c>').args)
probe('URLPattern.pattern static', lambda: URLPattern('/a/b').pattern)
probe('URLPattern.url_pattern', lambda: URLPattern('a/<b>').url_pattern)


# ------------------------------------------------- dicts and percent-coding

def _nocase():
    d = NoCaseDict({'Content-Type': 'text/plain'})
    d['content-type'] = 'text/html'
    d['X-One'] = '1'
    d['x-one'] = '2'
    out = [d['CONTENT-TYPE'], d.get('x-ONE'), 'content-TYPE' in d,
           'nope' in d, d.get('nope', 'default'), sorted(d.keys())]
    del d['X-ONE']
    out.append(sorted(d.items()))
    d.update({'A': 1, 'a': 2})
    out.append(sorted(d.items()))
    return out


def _nocase_missing():
    return NoCaseDict()['missing']


def _multidict():
    d = microdot.MultiDict()
    d['a'] = '1'
    d['a'] = '2'
    d['b'] = '3'
    return [d['a'], d.get('a'), d.getlist('a'), d.get('n', 'x'),
            d.get('b', type=int), d.getlist('a', type=int), d.getlist('n'),
            sorted(d.keys()), 'a' in d,
            microdot.MultiDict({'k': 'v'}).getlist('k')]


probe('NoCaseDict', _nocase)
probe('NoCaseDict missing', _nocase_missing)
probe('MultiDict', _multidict)
for _text in ('a+b', 'a%20b', 'a%2Bb', '%41%42', 'plain', '', 'x=1&y=2'):
    probe('urldecode_str(%r)' % _text, lambda t: microdot.urldecode_str(t),
          _text)
    probe('urldecode_bytes(%r)' % _text,
          lambda t: microdot.urldecode_bytes(t.encode()), _text)
for _text in ('a b', 'a&b=c', 'a?b#c', 'plain', 'a/b', '', 'a:b@c;d',
              'a+b', '100%', 'x"y'):
    probe('urlencode(%r)' % _text, lambda t: microdot.urlencode(t), _text)
probe('urlencode(non-ASCII)', lambda: microdot.urlencode('J\u00f6rg'))


class _Base(Exception):
    pass


class _Middle(_Base):
    pass


class _Leaf(_Middle):
    pass


probe('mro', lambda: [c.__name__ for c in microdot.mro(_Leaf)])
probe('HTTPException', lambda: [
    (e.status_code, e.reason) for e in (microdot.HTTPException(404),
                                        microdot.HTTPException(400, 'no'))])


# ---------------------------------------------------------------- Response

def _response(res):
    return [res.status_code, res.reason, sorted(res.headers.items()),
            plain(res.body) if isinstance(res.body, (bytes, str)) else
            '<stream>', res.is_head]


def _pieces(res):
    return [plain(p) for p in res.body_iter()]


def _gen():
    yield 'one'
    yield b'two'


class _Short:
    # a file-like body whose reads come back short: body_iter stops there
    def __init__(self):
        self.reads = [b'ab', b'cd']
        self.closed = False

    def read(self, n):
        return self.reads.pop(0) if self.reads else b''

    def close(self):
        self.closed = True


def _short_body():
    body = _Short()
    res = Response(body)
    return [_pieces(res), body.closed]


probe('Response()', lambda: _response(Response()))
probe('Response(None)', lambda: _response(Response(None)))
probe('Response(None, 404)', lambda: _response(Response(None, 404)))
probe('Response(str)', lambda: _response(Response('héllo')))
probe('Response(bytes, 201, headers)', lambda: _response(
    Response(b'ok', 201, {'X-A': 'b'})))
probe('Response(dict)', lambda: _response(Response({'a': [1, None]})))
probe('Response(list, headers)', lambda: _response(
    Response([1, 2], headers={'Content-Type': 'text/json'})))
probe('Response(reason)', lambda: _response(Response('x', 299, reason='Hi')))
probe('Response.complete', lambda: (lambda r: (r.complete(), _response(r))[1])(
    Response('abc')))
probe('Response.complete keeps length', lambda: (
    lambda r: (r.complete(), _response(r))[1])(
        Response('abc', headers={'Content-Length': '3',
                                 'Content-Type': 'x/y'})))
probe('Response.complete default type', lambda: (
    lambda r: (r.complete(), sorted(r.headers.items()))[1])(
        Response(b'')))
probe('Response.set_cookie', lambda: (lambda r: (
    r.set_cookie('a', 'b'),
    r.set_cookie('c', 'd', path='/p', domain='x.test',
                 expires='Thu, 01 Jan 2099 00:00:00 GMT', max_age=60,
                 secure=True, http_only=True),
    r.headers['Set-Cookie'])[2])(Response()))
probe('Response.set_cookie max_age=0', lambda: (lambda r: (
    r.set_cookie('a', 'b', max_age=0), r.headers['Set-Cookie'])[1])(
        Response()))
probe('Response.set_cookie with ;', lambda: (lambda r: (
    r.set_cookie('a', 'b;c'), r.headers['Set-Cookie'])[1])(Response()))
probe('Response.redirect', lambda: _response(Response.redirect('/to')))
probe('redirect non-ASCII', lambda: _response(redirect('/caf\u00e9 menu')))
probe('redirect 301', lambda: _response(redirect('/to', 301)))
probe('redirect CRLF', lambda: _response(redirect('/a\r\nX: y')))
probe('Response.types_map', lambda: sorted(Response.types_map.items()))
probe('Response defaults', lambda: [
    Response.send_file_buffer_size, Response.default_content_type,
    Response.default_send_file_max_age, Response.already_handled is None])
for _name, _body in (('str', 'abc'), ('bytes', b'abc'), ('empty', b''),
                     ('dict', {'k': 1})):
    probe('body_iter(%s)' % _name, lambda b: _pieces(Response(b)), _body)
probe('body_iter(generator)', lambda: _pieces(Response(_gen())))
probe('body_iter(file 2500)', lambda: _pieces(Response(io.BytesIO(
    b'x' * 2500))))
probe('body_iter(file 2048)', lambda: _pieces(Response(io.BytesIO(
    b'y' * 2048))))
probe('body_iter(short reads)', _short_body)


def _written(res):
    """What Response.write wrote, as (status code, headers, body): the
    status line and the Date and Connection fields are compared apart (see
    test_differential.py)."""
    out = io.BytesIO()
    res.write(out)
    head, _, body = out.getvalue().partition(b'\r\n\r\n')
    lines = head.decode().split('\r\n')
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(':')
        if name.lower() not in ('date', 'connection'):
            headers.append([name.lower(), value.strip()])
    return [int(lines[0].split(' ')[1]), sorted(headers), plain(body)]


def _status_line(res):
    out = io.BytesIO()
    res.write(out)
    return out.getvalue().split(b'\r\n')[0].decode()


def _head_only(res):
    res.is_head = True
    return _written(res)


probe('write(str)', lambda: _written(Response('hello')))
probe('write(dict, 201)', lambda: _written(Response({'a': 1}, 201)))
probe('write(bytes, headers)', lambda: _written(
    Response(b'raw', headers={'X-Test': 'yes', 'Content-Type': 'a/b'})))
probe('write(generator)', lambda: _written(Response(_gen())))
probe('write(file)', lambda: _written(Response(io.BytesIO(b'z' * 3000))))
probe('write(cookies)', lambda: _written((lambda r: (
    r.set_cookie('a', '1'), r.set_cookie('b', '2', http_only=True), r)[2])(
        Response('c'))))
probe('write(redirect)', lambda: _written(redirect('/elsewhere')))
probe('write(head)', lambda: _head_only(Response('not sent')))
probe('write(404)', lambda: _written(Response('missing', 404)))
probe('write(None)', lambda: _written(Response(None)))
probe('write(304)', lambda: _written(Response('', 304)))
probe('write(CRLF in a header)', lambda: _written(
    Response('x', headers={'X-A': 'b\r\nX-Injected: yes'})))
probe('write status line 200', lambda: _status_line(Response('x')))
probe('write status line 404', lambda: _status_line(Response('x', 404)))
probe('write status line reason', lambda: _status_line(
    Response('x', 200, reason='Fine')))
probe('write Connection', lambda: [
    line for line in _raw(Response('x')).split(b'\r\n')
    if line.lower().startswith(b'connection')])


def _raw(res):
    out = io.BytesIO()
    res.write(out)
    return out.getvalue()


# ------------------------------------------------------------ Request.create

ADDR = ('10.0.0.1', 4321)


def _create(raw):
    req = Request.create(None, io.BytesIO(raw), ADDR)
    if req is None:
        return None
    out = {}
    for name in ('method', 'url', 'path', 'query_string', 'http_version',
                 'content_length', 'content_type', 'client_addr', 'cookies'):
        out[name] = getattr(req, name)
    out['args'] = {k: req.args.getlist(k) if hasattr(req.args, 'getlist')
                   else [req.args[k]] for k in req.args}
    out['headers'] = sorted(req.headers.items())
    out['body'] = req.body
    out['json'] = run(lambda: req.json)
    out['form'] = run(lambda: req.form and {
        k: req.form.getlist(k) for k in req.form})
    out['used'] = [req.body_used, req.stream_used]
    return out


def _stream_read(raw, n):
    req = Request.create(None, io.BytesIO(raw), ADDR)
    data = req.stream.read(n)
    return [data, req.stream_used, run(lambda: req.body)]


def _create_exc(raw):
    return Request.create(None, io.BytesIO(raw), ADDR)


def _line(n):
    # a request line of n bytes before its CRLF
    return b'GET /' + b'a' * (n - 14) + b' HTTP/1.1\r\nHost: h\r\n\r\n'


CREATED = (
    b'GET / HTTP/1.1\r\nHost: h\r\n\r\n',
    b'GET /path/x?a=1&b=two&a=3 HTTP/1.1\r\nHost: h\r\nX-Y: z\r\n\r\n',
    b'GET /q?e=&f&g=a+b%20c HTTP/1.1\r\nHost: h\r\n\r\n',
    b'POST /form HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-'
    b'form-urlencoded\r\nContent-Length: 10\r\n\r\nname=a&n=b',
    b'POST /json HTTP/1.1\r\nHost: h\r\nContent-Type: application/json; '
    b'charset=utf-8\r\nContent-Length: 13\r\n\r\n{"a": [1, 2]}',
    b'PUT /raw HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\n\x00\x01ab',
    b'GET /c HTTP/1.1\r\nHost: h\r\nCookie: a=1; b=x=y\r\n\r\n',
    b'GET /old HTTP/1.0\r\n\r\n',
    b'DELETE /d HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n\r\n',
    b'GET / HTTP/1.1\r\nHost: h\r\nX-Spaces:   padded  \r\n\r\n',
    b'',
    b'GET /q?name=%C3%A9 HTTP/1.1\r\nHost: h\r\n\r\n',
    b'GET /q?bad=%zz HTTP/1.1\r\nHost: h\r\n\r\n',
    b'GET / HTTP/1.1\r\n\r\n',
    b'\r\nGET /after-empty-line HTTP/1.1\r\nHost: h\r\n\r\n',
    b'GET /\r\n\r\n',
    b'GET / HTTP/1.1\r\nHost: h\r\nNo colon here\r\n\r\n',
    b'POST /l HTTP/1.1\r\nHost: h\r\nContent-Length: 1_0\r\n\r\n0123456789',
    b'POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'
    b'3\r\nabc\r\n0\r\n\r\n',
    b'GET /c HTTP/1.1\r\nHost: h\r\nCookie: a=1; flag\r\n\r\n',
)
for _raw_request in CREATED:
    probe('Request.create(%r)' % _raw_request, _create, _raw_request)
probe('Request.create stream', _stream_read,
      b'POST /s HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789',
      4)
for _n in (2045, 2046, 2047, 2048):
    probe('Request.create request line %d bytes' % _n,
          lambda n: _create_exc(_line(n)) is not None, _n)
probe('Request.create header line at max_readline', lambda: _create_exc(
    b'GET / HTTP/1.1\r\nHost: h\r\nX: ' + b'v' * 2043 + b'\r\n\r\n')
    is not None)
probe('Request.create header line past max_readline', lambda: _create_exc(
    b'GET / HTTP/1.1\r\nHost: h\r\nX: ' + b'v' * 2044 + b'\r\n\r\n')
    is not None)
probe('Request limits', lambda: [
    Request.max_content_length, Request.max_body_length,
    Request.max_readline, Request.socket_read_timeout])


# ---------------------------------------------------------------- the app

def make_app(workdir):
    app = Microdot()
    sub = Microdot()
    log = []

    @app.before_request
    def before(req):
        log.append('before ' + req.path)
        req.g.seen = True
        if req.path == '/intercept':
            return 'intercepted', 202

    @app.after_request
    def after(req, res):
        res.headers['X-After'] = 'app'
        return res

    @app.after_error_request
    def after_error(req, res):
        res.headers['X-After-Error'] = str(res.status_code)

    @app.route('/')
    def index(req):
        return 'index ' + str(req.g.seen)

    @app.route('/tuple2')
    def tuple2(req):
        return 'two', 201

    @app.route('/tuple-headers')
    def tuple_headers(req):
        return 'h', {'X-Mine': 'yes'}

    @app.route('/tuple3')
    def tuple3(req):
        return {'three': 3}, 203, {'X-Three': '3'}

    @app.route('/none')
    def none(req):
        return None

    @app.route('/methods', methods=['GET', 'POST', 'put'])
    def methods(req):
        return req.method

    @app.post('/post')
    def post(req):
        return {'body': req.body, 'json': req.json}

    @app.put('/put')
    def put(req):
        return 'put'

    @app.patch('/patch')
    def patch(req):
        return 'patch'

    @app.delete('/delete')
    def delete(req):
        return 'delete'

    @app.get('/args/<int:n>/<name>/<path:rest>')
    def args(req, n, name, rest):
        return {'n': n, 'name': name, 'rest': rest}

    @app.get('/abort/<int:code>')
    def do_abort(req, code):
        abort(code)

    @app.get('/abort-reason')
    def abort_reason(req):
        abort(406, 'not this way')

    @app.get('/app-abort')
    def app_abort(req):
        Microdot.abort(409)

    @app.get('/raise/<kind>')
    def raise_(req, kind):
        raise {'leaf': _Leaf, 'middle': _Middle, 'base': _Base,
               'value': ValueError, 'key': KeyError,
               'zero': ZeroDivisionError}[kind]('raised')

    @app.errorhandler(_Middle)
    def middle(req, exc):
        return 'middle handled ' + type(exc).__name__, 418

    @app.errorhandler(_Base)
    def base(req, exc):
        return 'base handled ' + type(exc).__name__, 419

    @app.errorhandler(ValueError)
    def value_error(req, exc):
        return None  # a handler that answers nothing: 500

    @app.errorhandler(ZeroDivisionError)
    def zero(req, exc):
        raise RuntimeError('the handler fails too')

    @app.errorhandler(404)
    def not_found(req):
        return {'error': 'not found', 'path': req.path}, 404

    @app.errorhandler(409)
    def conflict(req):
        return 'conflict handled', 409

    @app.route('/request-after')
    def request_after(req):
        @req.after_request
        def own(req, res):
            res.headers['X-Own'] = 'mine'
            return res
        return 'with its own'

    @app.route('/cookie')
    def cookie(req):
        res = Response('cookie')
        res.set_cookie('k', 'v', path='/', http_only=True)
        return res

    @app.route('/redirect')
    def go(req):
        return redirect('/elsewhere', 303)

    @app.route('/stream')
    def stream(req):
        def pieces():
            for i in range(3):
                yield 'piece %d\n' % i
        return pieces()

    @app.route('/streamed-body', methods=['POST'])
    def streamed_body(req):
        return {'read': req.stream.read(7), 'length': req.content_length}

    @app.route('/file/<name>')
    def file(req, name):
        return send_file(workdir + '/' + name)

    @app.route('/file-max-age')
    def file_max_age(req):
        return send_file(workdir + '/page.html', max_age=60)

    @app.route('/file-gz')
    def file_gz(req):
        return send_file(workdir + '/data.txt', compressed=True,
                         file_extension='.gz')

    @app.route('/file-br')
    def file_br(req):
        return send_file(workdir + '/data.txt', compressed='br',
                         file_extension='.br', content_type='text/x-mine')

    @app.route('/file-stream')
    def file_stream(req):
        return send_file('name.css', stream=io.BytesIO(b'body{}'),
                         status_code=206)

    @app.route('/log')
    def show_log(req):
        return {'log': log[-3:]}

    @app.route('/shutdown')
    def shutdown(req):
        req.app.shutdown()
        return 'bye'

    @sub.before_request
    def sub_before(req):
        req.g.sub = True

    @sub.route('/')
    def sub_index(req):
        return 'sub index'

    @sub.route('/item/<int:i>', methods=['GET', 'DELETE'])
    def sub_item(req, i):
        return {'item': i, 'method': req.method}

    @sub.errorhandler(_Leaf)
    def sub_leaf(req, exc):
        return 'leaf handled by the sub-application', 420

    @sub.route('/leaf')
    def sub_raise(req):
        raise _Leaf()

    app.mount(sub, url_prefix='/sub')
    return app


def _files(workdir):
    for name, data in (('page.html', b'<p>hi</p>'), ('style.css', b'a{}'),
                       ('data.txt', b'plain'), ('data.txt.gz', b'\x1f\x8b'),
                       ('data.txt.br', b'BR'), ('blob.bin', b'\x00\x01'),
                       ('readme.txt', b'x' * 1500)):
        with open(workdir + '/' + name, 'wb') as f:
            f.write(data)


def _dispatched(app, raw):
    req = Request.create(app, io.BytesIO(raw), ADDR)
    res = app.dispatch_request(req)
    headers = sorted([k, v] for k, v in res.headers.items())
    return [res.status_code, res.reason, headers, _pieces(res), res.is_head]


DISPATCHED = [
    ('GET', '/'), ('HEAD', '/'), ('GET', '/tuple2'), ('GET', '/tuple-headers'),
    ('GET', '/tuple3'), ('GET', '/none'), ('GET', '/methods'),
    ('POST', '/methods'), ('PUT', '/methods'), ('PATCH', '/methods'),
    ('DELETE', '/methods'), ('POST', '/put'), ('PUT', '/put'),
    ('PATCH', '/patch'), ('DELETE', '/delete'), ('GET', '/delete'),
    ('GET', '/args/5/bob/a/b/c'), ('GET', '/args/x/bob/c'),
    ('GET', '/args/-5/bob/c.txt'), ('GET', '/abort/404'),
    ('GET', '/abort/403'), ('GET', '/abort/500'), ('GET', '/abort-reason'),
    ('GET', '/app-abort'), ('GET', '/raise/leaf'), ('GET', '/raise/middle'),
    ('GET', '/raise/base'), ('GET', '/raise/value'), ('GET', '/raise/key'),
    ('GET', '/raise/zero'), ('GET', '/nowhere'), ('GET', '/intercept'),
    ('GET', '/request-after'), ('GET', '/cookie'), ('GET', '/redirect'),
    ('GET', '/stream'), ('HEAD', '/stream'), ('GET', '/file/page.html'),
    ('GET', '/file/style.css'), ('GET', '/file/data.txt'),
    ('GET', '/file/blob.bin'), ('GET', '/file/readme.txt'),
    ('GET', '/file-max-age'), ('GET', '/file-gz'), ('GET', '/file-br'),
    ('GET', '/file-stream'), ('GET', '/sub'), ('GET', '/sub/'),
    ('GET', '/sub/item/3'), ('DELETE', '/sub/item/4'), ('POST', '/sub/item/4'),
    ('GET', '/sub/leaf'), ('OPTIONS', '/methods'), ('OPTIONS', '/sub/item/1'),
    ('GET', '/log'), ('get', '/'), ('FOO', '/'), ('OPTIONS', '/nowhere'),
    ('GET', '/args/1/caf%C3%A9/x'),
]


def _request(method, path, body=b'', headers=b''):
    length = b'Content-Length: %d\r\n' % len(body) if body else b''
    return method.encode() + b' ' + path.encode() + \
        b' HTTP/1.1\r\nHost: h\r\n' + headers + length + b'\r\n' + body


def add_app_probes(workdir):
    _files(workdir)
    app = make_app(workdir)
    for method, path in DISPATCHED:
        probe('dispatch %s %s' % (method, path), _dispatched, app,
              _request(method, path))
    probe('dispatch POST /post json', _dispatched, app, _request(
        'POST', '/post', b'{"x": 1}', b'Content-Type: application/json\r\n'))
    probe('dispatch POST /post body', _dispatched, app, _request(
        'POST', '/post', b'raw bytes'))
    probe('dispatch max_body_length stream', lambda: _limits(
        app, 8, 100, _request('POST', '/streamed-body', b'0123456789')))
    probe('dispatch max_content_length 413', lambda: _limits(
        app, 16, 9, _request('POST', '/post', b'0123456789')))
    probe('dispatch max_content_length edge', lambda: _limits(
        app, 16, 10, _request('POST', '/post', b'0123456789')))
    probe('dispatch 413 handler', lambda: _with_handler(
        app, 413, _request('POST', '/post', b'x' * 20000)))
    probe('dispatch 405 handler', lambda: _with_handler(
        app, 405, _request('POST', '/delete')))
    probe('dispatch 500 handler', lambda: _with_handler(
        app, 500, _request('GET', '/raise/key')))
    probe('dispatch None (unreadable request)', lambda: _dispatch_none(app))
    probe('find_route url_args', lambda: _find_route(app))
    for method, path in (('GET', '/'), ('GET', '/tuple3'), ('GET', '/stream'),
                         ('GET', '/nowhere'), ('GET', '/raise/base'),
                         ('GET', '/file/page.html')):
        probe('handle_request %s %s' % (method, path), _handled, app,
              _request(method, path))
    probe('handle_request POST /post', _handled, app, _request(
        'POST', '/post', b'{"x": 2}', b'Content-Type: application/json\r\n'))
    probe('shutdown', lambda: _shutdown(app))


def _limits(app, body, content, raw):
    saved = Request.max_body_length, Request.max_content_length
    Request.max_body_length, Request.max_content_length = body, content
    try:
        return _dispatched(app, raw)
    finally:
        Request.max_body_length, Request.max_content_length = saved


def _with_handler(app, status, raw):
    app.errorhandler(status)(lambda req: ('handled %d' % status, status))
    try:
        return _dispatched(app, raw)
    finally:
        del app.error_handlers[status]


def _dispatch_none(app):
    res = app.dispatch_request(None)
    return [res.status_code, _pieces(res), sorted(res.headers.items())]


def _find_route(app):
    req = Request.create(app, io.BytesIO(_request('GET', '/args/1/a/b')),
                         ADDR)
    f = app.find_route(req)
    return [getattr(f, '__name__', f), req.url_args]


def _handled(app, raw):
    """Microdot.handle_request on a real loopback socket: the answer, as
    _written gives it."""
    import socket
    import time
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    port = 20000 + int(time.time() * 1000) % 20000  # no getsockname() on
    while True:  # MicroPython's unix port: the first free port from here
        try:
            listener.bind(socket.getaddrinfo('127.0.0.1', port)[0][-1])
            break
        except OSError:
            port += 1
    listener.listen(1)
    client = socket.socket()
    client.connect(socket.getaddrinfo('127.0.0.1', port)[0][-1])
    client.send(raw)
    sock, addr = listener.accept()
    app.handle_request(sock, addr)
    out = b''
    while True:
        piece = client.recv(4096)
        if not piece:
            break
        out += piece
    client.close()
    listener.close()
    head, _, body = out.partition(b'\r\n\r\n')
    lines = head.decode().split('\r\n')
    headers = sorted([n.lower(), v.strip()] for n, _, v in (
        line.partition(':') for line in lines[1:])
        if n.lower() not in ('date', 'connection'))
    return [int(lines[0].split(' ')[1]), headers, plain(body)]


def _shutdown(app):
    before = app.shutdown_requested
    _dispatched(app, _request('GET', '/shutdown'))
    return [before, app.shutdown_requested]


def main(workdir):
    add_app_probes(workdir)
    print_probes()


if __name__ == '__main__':
    main(sys.argv[1])
