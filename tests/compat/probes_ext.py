"""The same calls of microdot 1.x's extension modules against whichever
microdot is on the path: microdot_asyncio, microdot_cors,
microdot_utemplate and the two test clients (``probes_session.py`` has the
sessions). Run as ``probes.py`` is (WORKDIR: an empty folder for
templates); utemplate must be on the path too."""
import asyncio
import io
import sys

import microdot
import microdot_asyncio
from microdot_asyncio import Microdot, Request, Response
from microdot_cors import CORS
from probing import plain, print_probes, probe

ADDR = ('10.0.0.2', 5555)


class Reader:
    """An asyncio stream over bytes, as 1.3.4 and the reference read one."""

    def __init__(self, data):
        self.data = io.BytesIO(data)

    async def readline(self):
        return self.data.readline()

    async def read(self, n=-1):
        return self.data.read(n)

    async def readexactly(self, n):
        return self.data.read(n)


class Writer:
    def __init__(self):
        self.out = b''

    async def awrite(self, data):
        self.out += data


def run(coro):
    return asyncio.run(coro)


def _request(method, path, body=b'', headers=b''):
    length = b'Content-Length: %d\r\n' % len(body) if body else b''
    return method.encode() + b' ' + path.encode() + \
        b' HTTP/1.1\r\nHost: h\r\n' + headers + length + b'\r\n' + body


# ---------------------------------------------------------- microdot_asyncio

async def _pieces(res):
    out = []
    async for piece in res.body_iter():
        out.append(plain(piece))
    return out


async def _created(raw):
    req = await Request.create(None, Reader(raw), Writer(), ADDR)
    if req is None:
        return None
    return [req.method, req.path, req.query_string, sorted(
        req.headers.items()), req.content_length, req.body,
        await req.stream.read(4) if req.content_length > 16 else None]


CREATED = (
    b'GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n',
    b'POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello',
    b'PUT /c HTTP/1.1\r\nHost: h\r\nContent-Length: 20\r\n\r\n' + b'z' * 20,
    b'',
)
for _raw in CREATED:
    probe('asyncio Request.create(%r)' % _raw, lambda r: run(_created(r)),
          _raw)


def async_app():
    app = Microdot()

    def tagged(f):
        # an async decorator: its wrapper is an async closure
        async def wrapper(request, *args, **kwargs):
            request.g.tag = 'tagged'
            return await f(request, *args, **kwargs)
        return wrapper

    @app.before_request
    async def before(req):
        req.g.before = True
        if req.path == '/stop':
            return 'stopped by the hook', 203

    @app.after_request
    async def after(req, res):
        res.headers['X-Async-After'] = '1'
        return res

    @app.route('/')
    async def index(req):
        return {'before': req.g.before}

    @app.route('/tagged')
    @tagged
    async def tagged_route(req):
        return 'tag ' + req.g.tag

    @app.route('/plain')
    def plain_route(req):
        return 'plain handler'

    @app.route('/read', methods=['POST'])
    async def read(req):
        return {'first': await req.stream.read(3),
                'rest': await req.stream.read(), 'len': req.content_length}

    @app.route('/big', methods=['POST'])
    async def big(req):
        return {'body': req.body, 'first': await req.stream.read(5)}

    @app.route('/gen')
    async def gen(req):
        def pieces():
            yield 'a'
            yield b'b'
        return pieces()

    @app.route('/abort')
    async def do_abort(req):
        microdot_asyncio.abort(401)

    @app.route('/boom')
    async def boom(req):
        raise KeyError('boom')

    @app.errorhandler(KeyError)
    async def key_error(req, exc):
        return 'key error handled', 409

    @app.errorhandler(404)
    async def not_found(req):
        return 'async 404', 404

    @app.route('/redirect')
    async def go(req):
        return microdot_asyncio.redirect('/there')

    @app.route('/file')
    async def file(req):
        return microdot_asyncio.send_file(
            'x.txt', stream=io.BytesIO(b'file body'), max_age=5)

    @app.route('/response')
    async def response(req):
        res = Response('made', 202, {'X-Made': 'yes'})
        res.set_cookie('c', 'v')
        return res
    return app


async def _dispatched(app, raw):
    req = await Request.create(app, Reader(raw), Writer(), ADDR)
    res = await app.dispatch_request(req)
    headers = sorted([k, v] for k, v in res.headers.items())
    return [res.status_code, headers, await _pieces(res), res.is_head,
            isinstance(res, Response)]


async def _written(app, raw):
    req = await Request.create(app, Reader(raw), Writer(), ADDR)
    res = await app.dispatch_request(req)
    writer = Writer()
    await res.write(writer)
    head, _, body = writer.out.partition(b'\r\n\r\n')
    lines = head.decode().split('\r\n')
    headers = sorted([n.lower(), v.strip()] for n, _, v in (
        line.partition(':') for line in lines[1:])
        if n.lower() not in ('date', 'connection'))
    return [int(lines[0].split(' ')[1]), headers, plain(body)]


APP = async_app()
for _method, _path, _body in (
        ('GET', '/', b''), ('HEAD', '/', b''), ('GET', '/tagged', b''),
        ('GET', '/plain', b''), ('POST', '/read', b'0123456789'),
        ('POST', '/big', b'x' * 20000), ('GET', '/gen', b''),
        ('GET', '/abort', b''), ('GET', '/boom', b''), ('GET', '/nowhere', b''),
        ('GET', '/stop', b''), ('GET', '/redirect', b''), ('GET', '/file', b''),
        ('GET', '/response', b''), ('POST', '/', b'')):
    probe('asyncio dispatch %s %s' % (_method, _path),
          lambda r: run(_dispatched(APP, r)), _request(_method, _path, _body))
    probe('asyncio write %s %s' % (_method, _path),
          lambda r: run(_written(APP, r)), _request(_method, _path, _body))
for _name, _body in (('str', 'abc'), ('bytes', b'abc'), ('empty', ''),
                     ('dict', {'a': 1}), ('file', io.BytesIO(b'q' * 2500))):
    probe('asyncio body_iter(%s)' % _name,
          lambda b: run(_pieces(Response(b))), _body)
probe('asyncio names', lambda: [
    microdot_asyncio.abort is Microdot.abort,
    microdot_asyncio.Response.already_handled is not None,
    issubclass(Microdot, microdot.Microdot),
    issubclass(Request, microdot.Request),
    issubclass(Response, microdot.Response)])


# ---------------------------------------------------------------- the test
# clients: what a test sees of a response

def _seen(res):
    return None if res is None else [
        res.status_code, res.body, res.text, res.json,
        res.headers.get('Content-Type'), res.headers.get('X-Async-After'),
        res.headers.get('X-Made'), res.headers.get('Location')]


def _async_client(calls):
    from microdot_asyncio_test_client import TestClient

    async def go():
        client = TestClient(APP)
        out = []
        for method, path, body in calls:
            out.append(_seen(await client.request(method, path, body=body)))
        return out
    return run(go())


for _call in (('GET', '/', None), ('GET', '/tagged', None),
              ('POST', '/read', b'0123456789'), ('GET', '/gen', None),
              ('GET', '/boom', None), ('GET', '/nowhere', None),
              ('POST', '/read', {'json': [1]}), ('GET', '/redirect', None),
              ('GET', '/response', None)):
    probe('asyncio TestClient %s %s' % _call[:2], _async_client, [_call])


def sync_app():
    app = microdot.Microdot()

    @app.route('/')
    def index(req):
        return {'cookies': req.cookies}

    @app.route('/set')
    def set_(req):
        res = microdot.Response('set')
        res.set_cookie('one', '1')
        return res

    @app.route('/echo', methods=['POST'])
    def echo(req):
        return {'json': req.json, 'form': req.form and dict(req.form),
                'text': req.body.decode()}
    return app


def _sync_client(calls, cookies=None):
    from microdot_test_client import TestClient
    client = TestClient(sync_app(), cookies=cookies)
    out = []
    for method, path, body, headers in calls:
        out.append(_seen(client.request(method, path, headers, body)))
    out.append(sorted(client.cookies.items()))
    return out


probe('TestClient cookies kept', _sync_client, [
    ('GET', '/set', None, None), ('GET', '/', None, None)])
probe('TestClient cookies given', _sync_client, [('GET', '/', None, None)],
      {'a': 'b'})
probe('TestClient json body', _sync_client, [
    ('POST', '/echo', {'k': [1, 2]}, None)])
probe('TestClient str body', _sync_client, [
    ('POST', '/echo', 'a=1&b=2', {
        'Content-Type': 'application/x-www-form-urlencoded'})])
probe('TestClient 404', _sync_client, [('GET', '/none', None, None)])


def websocket_app(awaited):
    """An echo and a route that reads twice before it answers, as 1.3.4
    pairs them: microdot with microdot_websocket, or microdot_asyncio with
    microdot_asyncio_websocket."""
    if awaited:
        import microdot_asyncio
        from microdot_asyncio_websocket import with_websocket
        app = microdot_asyncio.Microdot()

        @app.route('/echo')
        @with_websocket
        async def echo(req, ws):
            while True:
                await ws.send(await ws.receive())

        @app.route('/two-then-one')
        @with_websocket
        async def two_then_one(req, ws):
            first = await ws.receive()
            await ws.send('%s+%s' % (first, await ws.receive()))
        return app
    from microdot_websocket import with_websocket
    app = microdot.Microdot()

    @app.route('/echo')
    @with_websocket
    def echo(req, ws):
        while True:
            ws.send(ws.receive())

    @app.route('/two-then-one')
    @with_websocket
    def two_then_one(req, ws):
        first = ws.receive()
        ws.send('%s+%s' % (first, ws.receive()))
    return app


def _conversation(path, messages, awaited=False):
    """What the test client's ``websocket`` returns and what each message
    brought back (1.3.4's test of its echo sends such messages)."""
    replies = []

    def talk():
        for message in messages:
            replies.append((yield message))
    if awaited:
        from microdot_asyncio_test_client import TestClient
        returned = run(TestClient(websocket_app(True)).websocket(path, talk))
    else:
        from microdot_test_client import TestClient
        returned = TestClient(websocket_app(False)).websocket(path, talk)
    return [returned, replies]


WS_MESSAGES = ['hello', b'bye', b'*' * 300, 'caf\xe9']
probe('TestClient websocket echo', _conversation, '/echo', WS_MESSAGES)
probe('asyncio TestClient websocket echo', _conversation, '/echo',
      WS_MESSAGES, True)
probe('TestClient websocket two reads, one answer', _conversation,
      '/two-then-one', ['a', 'b', 'c'])
probe('asyncio TestClient websocket two reads, one answer', _conversation,
      '/two-then-one', ['a', 'b', 'c'], True)


# -------------------------------------------------------------------- CORS

def cors_app(**options):
    app = microdot.Microdot()

    @app.route('/data', methods=['GET', 'POST'])
    def data(req):
        return microdot.Response('data', headers={'Vary': 'Accept'})

    @app.route('/fail')
    def fail(req):
        microdot.abort(418)
    CORS(app, **options)
    return app


def _cors(options, method, path, headers):
    app = cors_app(**options)
    raw = method.encode() + b' ' + path.encode() + b' HTTP/1.1\r\nHost: h\r\n' \
        + b''.join(k.encode() + b': ' + v.encode() + b'\r\n'
                   for k, v in headers) + b'\r\n'
    req = microdot.Request.create(app, io.BytesIO(raw), ADDR)
    res = app.dispatch_request(req)
    return [res.status_code, sorted([k, v] for k, v in res.headers.items()
                                    if k.lower() != 'content-length')]


ORIGIN = ('Origin', 'https://a.test')
PREFLIGHT = [ORIGIN, ('Access-Control-Request-Method', 'post'),
             ('Access-Control-Request-Headers', 'X-One, x-two, X-Three')]
CORS_OPTIONS = (
    {'allowed_origins': '*'},
    {'allowed_origins': ['https://a.test'], 'allow_credentials': True},
    {'allowed_origins': ['https://b.test']},
    {'allowed_origins': '*', 'allowed_methods': ['GET'], 'max_age': 600,
     'expose_headers': ['X-Total', 'X-Page'],
     'allowed_headers': ['x-one', 'X-Three']},
    {'allowed_origins': ['https://a.test'], 'handle_cors': False},
    {},
)
for _i, _options in enumerate(CORS_OPTIONS):
    for _method, _path, _headers in (
            ('GET', '/data', [ORIGIN]), ('GET', '/data', []),
            ('OPTIONS', '/data', PREFLIGHT), ('GET', '/fail', [ORIGIN]),
            ('POST', '/data', [ORIGIN]), ('DELETE', '/data', [ORIGIN]),
            ('OPTIONS', '/nowhere', PREFLIGHT)):
        probe('CORS options %d: %s %s %s' % (_i, _method, _path,
                                             [h[0] for h in _headers]),
              _cors, _options, _method, _path, _headers)


def _cors_headers():
    cors = CORS(allowed_origins=['https://a.test'], expose_headers=['X-A'])
    req = microdot.Request.create(None, io.BytesIO(
        b'GET / HTTP/1.1\r\nHost: h\r\nOrigin: https://a.test\r\n\r\n'), ADDR)
    return [sorted(cors.get_cors_headers(req).items()),
            cors.allowed_headers, cors.max_age]


probe('CORS.get_cors_headers', _cors_headers)


# --------------------------------------------------------------- utemplate

def add_template_probes(workdir):
    import os
    folder = workdir + '/templates'
    os.mkdir(folder)
    with open(folder + '/page.html', 'w') as f:
        f.write('{% args name, items %}<h1>{{ name }}</h1>\n'
                '{% for i in items %}<li>{{ i }}</li>{% endfor %}\n')
    with open(folder + '/plain.txt', 'w') as f:
        f.write('no arguments here\n')
    import microdot_utemplate
    # utemplate imports a compiled template as a module named after its
    # folder: a folder relative to the current one, which is on the path
    os.chdir(workdir)
    if '' not in sys.path:
        sys.path.insert(0, '')
    microdot_utemplate.init_templates('templates')
    app = microdot.Microdot()

    @app.route('/<name>')
    def page(req, name):
        return microdot_utemplate.render_template('page.html', name,
                                                  [1, 2, 3]), \
            {'Content-Type': 'text/html'}

    def rendered(*args):
        return ''.join(microdot_utemplate.render_template(*args))

    def served(path):
        req = microdot.Request.create(app, io.BytesIO(
            b'GET ' + path + b' HTTP/1.1\r\nHost: h\r\n\r\n'), ADDR)
        res = app.dispatch_request(req)
        return [res.status_code, sorted(res.headers.items()),
                [plain(p) for p in res.body_iter()]]

    probe('render_template(page.html)', rendered, 'page.html', 'T', ['a'])
    probe('render_template(plain.txt)', rendered, 'plain.txt')
    probe('render_template served', served, b'/world')


def main(workdir):
    add_template_probes(workdir)
    print_probes()


if __name__ == '__main__':
    main(sys.argv[1])
