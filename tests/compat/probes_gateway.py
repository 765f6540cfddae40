"""The same calls of microdot 1.x's CPython-only extension modules against
whichever microdot is on the path: microdot_wsgi (the WSGI callable called
with environ dicts, as a WSGI server calls it), microdot_asgi (the ASGI
application awaited with a scope, ``receive`` and ``send``, as an ASGI
server awaits it) and microdot_jinja (jinja2 must be importable). Run as
``probes.py`` is, on CPython: ``python probes_gateway.py WORKDIR`` (an empty
folder, for templates and files)."""
import asyncio
import io
import os
import sys

import microdot_asgi
import microdot_asgi_websocket
import microdot_wsgi
from probing import plain, print_probes, probe

FILE = 'sample.txt'  # written into WORKDIR, which becomes the current folder
FILE_BODY = b'0123456789' * 250  # 2,500 bytes: three pieces of 1,024
BIG = b'x' * 20000  # beyond max_body_length: read from the stream


class Tracked(io.BytesIO):
    """A file whose closing is recorded in ``CLOSED``."""

    def close(self):
        CLOSED.append(self.tell())
        super().close()


CLOSED = []


def routes(app, m, wrap):
    """The same routes on a WSGI or an ASGI application (``m``: its
    module); ``wrap`` makes a handler of a function (async for ASGI)."""

    @app.route('/', methods=['GET', 'PUT'])
    @wrap
    def index(req):
        return 'hello'

    @app.route('/echo', methods=['GET', 'POST', 'DELETE'])
    @wrap
    def echo(req):
        return {'method': req.method, 'url': req.url, 'path': req.path,
                'query_string': req.query_string,
                'args': {k: req.args.getlist(k) for k in req.args},
                'headers': sorted([k, v] for k, v in req.headers.items()),
                'cookies': req.cookies, 'content_length': req.content_length,
                'content_type': req.content_type, 'body': plain(req.body),
                'json': req.json, 'form': req.form and {
                    k: req.form.getlist(k) for k in req.form},
                'http_version': req.http_version,
                'client_addr': list(req.client_addr), 'g': vars(req.g)}

    @app.route('/args/<int:n>/<path:rest>')
    @wrap
    def args(req, n, rest):
        return {'n': n, 'rest': rest}

    @app.route('/one/<name>')
    @wrap
    def one(req, name):
        return {'name': name, 'path': req.path}

    @app.route('/status/<int:code>')
    @wrap
    def status(req, code):
        return '', code

    @app.route('/none')
    @wrap
    def none(req):
        return None

    @app.route('/reason')
    @wrap
    def reason(req):
        return m.Response('made', 299, reason='Custom Reason')

    @app.route('/pieces')
    @wrap
    def pieces(req):
        def made():
            for i in range(5):
                yield b'piece %d;' % i
        return made()

    @app.route('/str-pieces')
    @wrap
    def str_pieces(req):
        def made():
            yield 'one;'
            yield 'two'
        return made()

    @app.route('/file')
    @wrap
    def file(req):
        return m.send_file(FILE, max_age=60)

    @app.route('/tracked')
    @wrap
    def tracked(req):
        return m.send_file(FILE, stream=Tracked(FILE_BODY))

    @app.route('/headers')
    @wrap
    def headers(req):
        res = m.Response('cookies', headers={
            'X-Made': 'yes', 'Cache-Control': 'no-store'})
        res.set_cookie('one', '1', path='/')
        res.set_cookie('two', '2', http_only=True)
        return res

    @app.route('/crlf')
    @wrap
    def crlf(req):
        return 'x', {'X-Bad': 'a\r\nInjected: yes'}

    @app.route('/abort')
    @wrap
    def do_abort(req):
        m.abort(403)

    @app.route('/boom')
    @wrap
    def boom(req):
        raise KeyError('boom')

    @app.route('/redirect')
    @wrap
    def go(req):
        return m.redirect('/there')

    @app.errorhandler(404)
    @wrap
    def not_found(req):
        return {'error': 'not found'}, 404

    @app.before_request
    @wrap
    def before(req):
        req.g.seen = True

    @app.after_request
    @wrap
    def after(req, res):
        res.headers['X-After'] = 'yes'
        return res


# --------------------------------------------------------------------- WSGI

WSGI = microdot_wsgi.Microdot()
routes(WSGI, microdot_wsgi, lambda f: f)


@WSGI.route('/stream', methods=['POST'])
def wsgi_stream(req):
    first = req.stream.read(5)
    rest = req.stream.read()
    return {'first': plain(first), 'rest': len(rest),
            'content_length': req.content_length}


@WSGI.route('/gateway')
def wsgi_gateway(req):
    return {'environ': req.environ['wsgi.url_scheme'], 'sock': req.sock}


def environ(method, path, query='', headers=(), body=b'', **extra):
    """An environ as a WSGI server makes it (wsgiref's keys): the path
    percent-decoded, one character per byte."""
    env = {'REQUEST_METHOD': method, 'SCRIPT_NAME': '', 'PATH_INFO': path,
           'QUERY_STRING': query, 'SERVER_NAME': '127.0.0.1',
           'SERVER_PORT': '8000', 'SERVER_PROTOCOL': 'HTTP/1.1',
           'REMOTE_ADDR': '10.0.0.4', 'REMOTE_PORT': '40000',
           'HTTP_HOST': '127.0.0.1:8000', 'wsgi.version': (1, 0),
           'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(body),
           'wsgi.errors': sys.stderr, 'wsgi.multithread': False,
           'wsgi.multiprocess': False, 'wsgi.run_once': False}
    if body:
        env['CONTENT_LENGTH'] = str(len(body))
    for name, value in headers:
        key = name.upper().replace('-', '_')
        if key not in ('CONTENT_TYPE', 'CONTENT_LENGTH'):
            key = 'HTTP_' + key
        env[key] = value
    env.update(extra)
    return env


def wsgi_call(env, app=None):
    """[status, headers, body pieces] as a WSGI server sees them; the body
    iterable is closed after, as a server closes it."""
    started = []

    def start_response(status, headers, exc_info=None):
        started.append([status, sorted([k, v] for k, v in headers)])
    app = app or WSGI
    result = app(env, start_response)
    try:
        body = [plain(piece) for piece in result]
    finally:
        if hasattr(result, 'close'):
            result.close()
    return started + [body]


WSGI_CALLS = [
    ('GET', '/', {}), ('HEAD', '/', {}), ('PUT', '/', {}),
    ('GET', '/echo', {'query': 'a=1&a=2&b=%C3%A9+x',
                      'headers': [('X-Custom', 'v'),
                                  ('Cookie', 'c1=1; c2=2'),
                                  ('Accept', 'text/plain')]}),
    ('POST', '/echo', {'body': b'{"k": [1, 2]}',
                       'headers': [('Content-Type', 'application/json')]}),
    ('POST', '/echo', {'body': b'name=Susan&tag=a&tag=b', 'headers': [
        ('Content-Type', 'application/x-www-form-urlencoded')]}),
    ('DELETE', '/echo', {}),
    ('GET', '/args/42/a/b/c.txt', {}),
    ('GET', '/one/caf\xc3\xa9', {}),
    ('GET', '/status/204', {}), ('GET', '/status/304', {}),
    ('GET', '/status/404', {}), ('GET', '/status/418', {}),
    ('GET', '/none', {}), ('GET', '/reason', {}),
    ('GET', '/pieces', {}), ('HEAD', '/pieces', {}),
    ('GET', '/str-pieces', {}),
    ('GET', '/file', {}), ('HEAD', '/file', {}),
    ('GET', '/headers', {}), ('GET', '/crlf', {}),
    ('GET', '/abort', {}), ('GET', '/boom', {}), ('GET', '/redirect', {}),
    ('GET', '/nowhere', {}), ('POST', '/', {}), ('get', '/', {}),
    ('GET', '/gateway', {}),
    ('GET', '/echo', {'headers': [('Host', '')], 'SERVER_PROTOCOL':
                      'HTTP/1.0'}),
    ('POST', '/stream', {'body': BIG}),
    ('POST', '/echo', {'body': b'x', 'headers': [
        ('Content-Length', str(64 * 1024))]}),
]
for _method, _path, _options in WSGI_CALLS:
    _options = dict(_options)
    _name = 'wsgi %s %s%s' % (_method, _path, '?' + _options['query']
                              if 'query' in _options else '')
    if 'headers' in _options and _path == '/echo' and _method == 'POST':
        _name += ' ' + _options['headers'][0][1]
    if 'SERVER_PROTOCOL' in _options:
        _name += ' HTTP/1.0'
    if _path == '/one/caf\xc3\xa9':
        _name = 'wsgi GET /one/caf%C3%A9 (PATH_INFO one character a byte)'
    probe(_name, lambda m, p, o: wsgi_call(environ(m, p, **o)), _method,
          _path, _options)
probe('wsgi wsgi_app GET /', lambda: wsgi_call(environ('GET', '/'),
                                                   WSGI.wsgi_app))
probe('wsgi mounted: SCRIPT_NAME /app, PATH_INFO /echo', lambda: wsgi_call(
    environ('GET', '/echo', SCRIPT_NAME='/args/1')))
probe('wsgi HTTP/1.1 without Host', lambda: wsgi_call(
    {k: v for k, v in environ('GET', '/').items() if k != 'HTTP_HOST'}))
probe('wsgi chunked body (wsgi.input_terminated)', lambda: wsgi_call(environ(
    'POST', '/echo', headers=[('Transfer-Encoding', 'chunked')],
    **{'wsgi.input': io.BytesIO(b'chunked data'),
       'wsgi.input_terminated': True})))


def _closed(early):
    # a server whose client left stops iterating and closes the iterable:
    # the file being sent is closed all the same
    del CLOSED[:]
    res = WSGI(environ('GET', '/tracked'), lambda status, headers: None)
    pieces = iter(res)
    got = [len(next(pieces))] if early else [len(p) for p in pieces]
    res.close()
    return [got, CLOSED[:]]


probe('wsgi the body iterable read whole', _closed, False)
probe('wsgi the body iterable closed early', _closed, True)


# --------------------------------------------------------------------- ASGI

ASGI = microdot_asgi.Microdot()


def _async(f):
    async def handler(*args, **kwargs):
        return f(*args, **kwargs)
    return handler


routes(ASGI, microdot_asgi, _async)


@ASGI.route('/stream', methods=['POST'])
async def asgi_stream(req):
    data = await req.stream.read()
    return {'read': len(data), 'content_length': req.content_length,
            'body': len(req.body)}


@ASGI.route('/plain')
def asgi_plain(req):
    return 'a plain handler'


@ASGI.route('/async-pieces')
async def asgi_async_pieces(req):
    async def made():
        for i in range(3):
            yield b'async %d;' % i
    return made()


@ASGI.route('/endless')
async def asgi_endless(req):
    def made():
        i = 0
        while True:
            yield b'%d;' % i
            i += 1
            if i > 1000:  # a client that never leaves: stop anyway
                raise RuntimeError('the disconnect was not seen')
    return made()


@ASGI.route('/gateway')
async def asgi_gateway(req):
    return {'scope': req.asgi_scope['type'],
            'sock': len(req.sock) if isinstance(req.sock, tuple) else None}


RAN = []


@ASGI.route('/ws')
async def asgi_ws(req):
    RAN.append(req.path)
    return 'never sent'


def scope(method, path, query=b'', headers=(), kind='http', **extra):
    """A scope as an ASGI server makes it: ``path`` decoded (UTF-8),
    ``raw_path`` as received, the header names lower case."""
    from urllib.parse import unquote
    s = {'type': kind, 'asgi': {'version': '3.0'}, 'http_version': '1.1',
         'method': method, 'scheme': 'http', 'path': unquote(path),
         'raw_path': path.encode(), 'query_string': query, 'root_path': '',
         'headers': [(b'host', b'127.0.0.1:8000')] + [
             (k.lower().encode(), v.encode()) for k, v in headers],
         'client': ('10.0.0.5', 40001), 'server': ('127.0.0.1', 8000)}
    s.update(extra)
    return s


async def asgi_run(s, events=(), disconnect_after=None):
    """[messages sent]: ``receive`` gives ``events``, then waits until the
    response is over (or ``disconnect_after`` body messages were sent) and
    says http.disconnect, as a server does when the client leaves."""
    events = list(events)
    sent = []
    over = asyncio.Event()

    async def receive():
        if events:
            return events.pop(0)
        await over.wait()
        return {'type': 'http.disconnect'}

    async def send(message):
        sent.append(message)
        bodies = [m for m in sent if m['type'] == 'http.response.body']
        if message['type'] == 'http.response.body' and (
                not message.get('more_body') or
                len(bodies) == disconnect_after):
            over.set()
        await asyncio.sleep(0)
    await asyncio.wait_for(ASGI(s, receive, send), 10)
    return sent


def asgi_seen(sent):
    """What the client is sent: [status, headers, the body's non-empty
    pieces, whether the last message ends the body]."""
    if not sent:
        return None
    start = sent[0]
    bodies = [m for m in sent[1:] if m['type'] == 'http.response.body']
    return [start['status'], sorted([plain(k), plain(v)]
                                    for k, v in start['headers']),
            [plain(m['body']) for m in bodies if m.get('body')],
            not bodies[-1].get('more_body', False) if bodies else None]


def body_events(*pieces):
    return [{'type': 'http.request', 'body': p,
             'more_body': i < len(pieces) - 1} for i, p in enumerate(pieces)]


def asgi_call(method, path, query=b'', headers=(), pieces=(b'',), **extra):
    return asgi_seen(asyncio.run(asgi_run(
        scope(method, path, query, headers, **extra), body_events(*pieces))))


ASGI_CALLS = [
    ('GET', '/', {}), ('HEAD', '/', {}), ('PUT', '/', {}),
    ('GET', '/echo', {'query': b'a=1&a=2&b=%C3%A9+x', 'headers': [
        ('X-Custom', 'v'), ('Cookie', 'c1=1; c2=2')]}),
    ('POST', '/echo', {'headers': [('Content-Type', 'application/json'),
                                   ('Content-Length', '13')],
                       'pieces': (b'{"k": ', b'[1, 2]}')}),
    ('POST', '/echo', {'headers': [
        ('Content-Type', 'application/x-www-form-urlencoded'),
        ('Content-Length', '22')], 'pieces': (b'name=Susan&tag=a&tag=b',)}),
    ('DELETE', '/echo', {}),
    ('GET', '/args/42/a/b/c.txt', {}), ('GET', '/args/7/caf%C3%A9', {}),
    ('GET', '/one/caf%C3%A9', {}), ('GET', '/one/a%2Fb', {}),
    ('GET', '/status/204', {}), ('GET', '/status/304', {}),
    ('GET', '/status/404', {}), ('GET', '/none', {}), ('GET', '/reason', {}),
    ('GET', '/pieces', {}), ('HEAD', '/pieces', {}),
    ('GET', '/str-pieces', {}), ('GET', '/async-pieces', {}),
    ('GET', '/file', {}), ('HEAD', '/file', {}),
    ('GET', '/headers', {}), ('GET', '/crlf', {}),
    ('GET', '/abort', {}), ('GET', '/boom', {}), ('GET', '/redirect', {}),
    ('GET', '/nowhere', {}), ('POST', '/', {}), ('get', '/', {}),
    ('GET', '/plain', {}), ('GET', '/gateway', {}),
    ('GET', '/echo', {'headers': [('X-Dup', 'one'), ('X-Dup', 'two')]}),
    ('POST', '/stream', {'headers': [('Content-Length', str(len(BIG)))],
                         'pieces': (BIG[:5000], BIG[5000:])}),
    ('POST', '/echo', {'headers': [('Content-Length', str(64 * 1024))],
                       'pieces': (b'x',)}),
    ('POST', '/echo', {'headers': [('Transfer-Encoding', 'chunked')],
                       'pieces': (b'chunked ', b'data')}),
]
for _method, _path, _options in ASGI_CALLS:
    _name = 'asgi %s %s%s' % (_method, _path, '?' + _options['query'].decode()
                              if 'query' in _options else '')
    if _method == 'POST' and 'headers' in _options:
        _name += ' ' + ' '.join('%s: %s' % h for h in _options['headers'])
    elif 'headers' in _options:
        _name += ' ' + ', '.join(h[0] for h in _options['headers'])
    probe(_name, lambda m, p, o: asgi_call(m, p, **o), _method, _path,
          _options)
probe('asgi asgi_app GET /', lambda: asgi_seen(asyncio.run(_asgi_app())))
probe('asgi HTTP/1.1 without Host', lambda: asgi_seen(asyncio.run(asgi_run(
    dict(scope('GET', '/'), headers=[]), body_events(b'')))))
probe('asgi HTTP/1.0 without Host', lambda: asgi_seen(asyncio.run(asgi_run(
    dict(scope('GET', '/'), headers=[], http_version='1.0'),
    body_events(b'')))))
probe('asgi without raw_path', lambda: asgi_seen(asyncio.run(asgi_run(
    {k: v for k, v in scope('GET', '/one/caf%C3%A9').items()
     if k != 'raw_path'}, body_events(b'')))))
probe('asgi root_path /app', lambda: asgi_seen(asyncio.run(asgi_run(
    scope('GET', '/echo', root_path='/app'), body_events(b'')))))


async def _asgi_app():
    s = scope('GET', '/')
    events = body_events(b'')
    sent = []

    async def receive():
        return events.pop(0) if events else {'type': 'http.disconnect'}

    async def send(message):
        sent.append(message)
    await ASGI.asgi_app(s, receive, send)
    return sent


def _disconnect():
    # the client leaves after three pieces of an endless body: the
    # application stops sending
    sent = asyncio.run(asgi_run(scope('GET', '/endless'), body_events(b''),
                                disconnect_after=3))
    bodies = [m for m in sent if m['type'] == 'http.response.body']
    return [sent[0]['status'], 3 <= len(bodies) < 20]


def _tracked_disconnect():
    # the same with a file: it is closed unsent
    del CLOSED[:]
    sent = asyncio.run(asgi_run(scope('GET', '/tracked'), body_events(b''),
                                disconnect_after=1))
    return [len(sent), CLOSED[:]]


probe('asgi client disconnects mid-body', _disconnect)
probe('asgi client disconnects mid-file', _tracked_disconnect)


def _other_scope(kind):
    calls = []

    async def receive():
        calls.append('receive')
        return {'type': kind + '.startup'}

    async def send(message):
        calls.append(message['type'])
    asyncio.run(ASGI(dict(scope('GET', '/'), type=kind), receive, send))
    return calls


probe('asgi lifespan scope', _other_scope, 'lifespan')


def _websocket_scope():
    # a WebSocket's route runs; what it returns is not sent (the route
    # answers the WebSocket itself)
    del RAN[:]
    sent = asyncio.run(asgi_run(scope('GET', '/ws', kind='websocket'),
                                [{'type': 'websocket.connect'}]))
    return [RAN, sent]


probe('asgi websocket scope', _websocket_scope)


@ASGI.route('/ws/echo')
@microdot_asgi_websocket.with_websocket
async def asgi_ws_echo(req, ws):
    while True:
        message = await ws.receive()
        if message == 'fail':
            raise RuntimeError('the handler failed')
        await ws.send(message)


@ASGI.route('/ws/upgrade')
async def asgi_ws_upgrade(req):
    ws = await microdot_asgi_websocket.websocket_upgrade(req)
    await ws.send('hello')
    await ws.close()
    await ws.close()  # once only
    return 'not sent'


def _websocket(path, *events, kind='websocket'):
    """What a WebSocket route sends, given the events after the connect
    (then the client goes)."""
    connect = [{'type': 'websocket.connect'}] if kind == 'websocket' else []
    sent = asyncio.run(asgi_run(
        scope('GET', path, kind=kind), connect + list(events) + [
            {'type': 'websocket.disconnect', 'code': 1000}]))
    return [{k: plain(v) for k, v in m.items()} for m in sent]


def _ws_message(**content):
    return dict({'type': 'websocket.receive'}, **content)


probe('asgi websocket echo', _websocket, '/ws/echo',
      _ws_message(text='hello'), _ws_message(bytes=b'\x00\xff'),
      _ws_message(text='κόσμε'))
probe('asgi websocket both keys', _websocket, '/ws/echo',
      _ws_message(text='hello', bytes=None),
      _ws_message(bytes=b'data', text=None))
probe('asgi websocket handler fails', _websocket, '/ws/echo',
      _ws_message(text='fail'))
probe('asgi websocket_upgrade', _websocket, '/ws/upgrade')
probe('asgi websocket route asked over http', lambda: asgi_seen(asyncio.run(
    asgi_run(scope('GET', '/ws/echo'), body_events(b'')))))


# -------------------------------------------------------------------- Jinja

def add_jinja_probes(workdir):
    import microdot_jinja
    folder = os.path.join(workdir, 'templates')
    os.mkdir(folder)
    other = os.path.join(workdir, 'other')
    os.mkdir(other)
    templates = {
        'page.html': '<h1>{{ title }}</h1>\n<ul>{% for i in items %}'
                     '<li>{{ i }}</li>{% endfor %}</ul>\n',
        'base.html': '<title>{% block title %}{% endblock %}</title>'
                     '{% block body %}{% endblock %}',
        'child.html': '{% extends "base.html" %}{% block title %}{{ t }}'
                      '{% endblock %}{% block body %}<p>{{ t }}</p>'
                      '{% endblock %}',
        'note.txt': 'plain {{ text }} {{ missing }}.',
        'feed.xml': '<item>{{ text }}</item>',
        'safe.html': '{{ text|safe }} {{ text|upper }}',
    }
    for name, text in templates.items():
        with open(os.path.join(folder, name), 'w') as f:
            f.write(text)
    with open(os.path.join(other, 'page.html'), 'w') as f:
        f.write('other folder: {{ title }}')
    render = microdot_jinja.render_template
    # without init_templates: templates/ in the current folder
    probe('jinja render before init_templates', lambda: render(
        'page.html', title='<T & T>', items=['<a>', 2]))
    probe('jinja init_templates(other)', lambda: (
        microdot_jinja.init_templates(other),
        render('page.html', title='x'))[1])
    probe('jinja init_templates() again', lambda: (
        microdot_jinja.init_templates(),
        render('page.html', title='y', items=[]))[1])
    probe('jinja page.html escaped', lambda: render(
        'page.html', title='<b>"x"</b>', items=['a&b']))
    probe('jinja a dict argument', render, 'page.html',
          {'title': 'from a dict', 'items': [1]})
    probe('jinja a dict and keywords', lambda: render(
        'page.html', {'title': 'dict', 'items': [1]}, title='keyword'))
    probe('jinja extends', lambda: render('child.html', t='<i>'))
    probe('jinja note.txt not escaped', lambda: render('note.txt',
                                                       text='<raw>'))
    probe('jinja feed.xml escaped', lambda: render('feed.xml', text='<x>'))
    probe('jinja safe and filters', lambda: render('safe.html',
                                                   text='<b>ok</b>'))
    probe('jinja missing template', render, 'nowhere.html')
    probe('jinja result type', lambda: type(render('note.txt', text=1))
          .__name__)

    app = microdot_wsgi.Microdot()

    @app.route('/<title>')
    def page(req, title):
        return render('page.html', title=title, items=[1, 2]), \
            {'Content-Type': 'text/html'}
    probe('jinja served through WSGI', lambda: wsgi_call(
        environ('GET', '/<world>'), app))


def main(workdir):
    # BIG is beyond max_body_length (read from the stream), not beyond this
    microdot_wsgi.Request.max_content_length = 32 * 1024
    os.chdir(workdir)
    with open(FILE, 'wb') as f:
        f.write(FILE_BODY)
    add_jinja_probes(workdir)
    print_probes()


if __name__ == '__main__':
    main(sys.argv[1])
