# The TestClient, run under MicroPython: exits 1 if any check fails.
# Usage: micropython check_test_client.py
import sys

from microdot import Microdot, Response, abort
from microdot_test_client import TestClient

app = Microdot()


@app.route('/')
def index(request):
    return 'hi'


@app.route('/users/<int:id>')
def user(request, id):
    return {'id': id, 'q': request.args.get('q')}


@app.route('/hello/<name>')
def hello(request, name):
    return name


@app.route('/echo', methods=['POST'])
def echo(request):
    return {'json': request.json}


@app.route('/form', methods=['POST'])
def form(request):
    return request.form['a']


@app.route('/async')
async def run_async(request):
    return 'async'


@app.route('/cookie')
def cookie(request):
    res = Response('set')
    res.set_cookie('session', 'abc', http_only=True)
    return res


@app.route('/whoami')
def whoami(request):
    return request.cookies.get('session', 'nobody')


@app.route('/stream')
def stream(request):
    def pieces():
        yield 'a'
        yield b'b'
    return pieces()


@app.route('/abort')
def do_abort(request):
    abort(403, 'no')


@app.route('/boom')
def boom(request):
    return 1 // 0


@app.route('/key')
def key_error(request):
    return {}['missing']


@app.route('/head-only', methods=['HEAD'])
def head_only(request):
    return '', {'X-Head': 'yes'}


@app.route('/c++/<name>')
def literal(request, name):
    return name


@app.before_request
async def read_stream(request):
    if request.path == '/hooked':
        request.g.data = await request.stream.read()


@app.route('/hooked', methods=['POST'])
def hooked(request):
    return request.g.data


@app.errorhandler(ArithmeticError)
def on_arithmetic(request, exc):
    return 'arithmetic', 409


@app.errorhandler(Exception)
def on_any(request, exc):
    return 'any', 418


failures = []


def check(what, got, expected):
    if got != expected:
        failures.append(what)
        print('FAIL %s: %r != %r' % (what, got, expected))


client = TestClient(app)
res = client.get('/')
check('index', (res.status_code, res.text), (200, 'hi'))
check('content type', res.headers['Content-Type'],
      'text/plain; charset=UTF-8')
check('int arg', client.get('/users/-5?q=a+b').json, {'id': -5, 'q': 'a b'})
check('utf-8 arg', client.get('/hello/J%C3%B6rg').text, 'J\xf6rg')
check('plus in path', client.get('/hello/a+b').text, 'a+b')
check('bad utf-8 arg', client.get('/hello/%FF').status_code, 400)
check('json body', client.post('/echo', body={'a': 1}).json,
      {'json': {'a': 1}})
check('bad json', client.post('/echo', body='{', headers={
    'Content-Type': 'application/json'}).status_code, 400)
check('form', client.post('/form', body='a=x+y%21', headers={
    'Content-Type': 'application/x-www-form-urlencoded'}).text, 'x y!')
check('async', client.get('/async').text, 'async')
check('404', client.get('/missing').status_code, 404)
res = client.post('/')
check('405', (res.status_code, res.headers.get('Allow')),
      (405, 'GET, HEAD, OPTIONS'))
check('501', client.request('BREW', '/').status_code, 501)
check('head', client.request('HEAD', '/').body, b'')
check('stream', client.get('/stream').body, b'ab')
check('abort', (client.get('/abort').status_code, client.get('/abort').text),
      (403, 'no'))
check('exception handler', client.get('/boom').status_code, 409)
check('base exception handler', client.get('/key').status_code, 418)
check('head route', client.request('HEAD', '/head-only').headers.get(
    'X-Head'), 'yes')
check('literal segment', client.get('/c++/x').text, 'x')
check('async hook stream', client.post('/hooked', body=b'abc').body, b'abc')
client.get('/cookie')
check('cookie jar', client.get('/whoami').text, 'abc')



def refuses(f, *args):
    try:
        f(*args)
    except ValueError:
        return True
    return False


# without the check, the unix port opens the directory '.'
check('send_file refuses a NUL', refuses(Response.send_file, '.\x00x'),
      True)



# An async decorator's wrapper is an async closure, and a hook may be an
# async bound method: MicroPython gives both a type of their own, and the
# server must still await them (not send the coroutine as a body).
def tagged(f):
    async def wrapper(request, *args, **kwargs):
        request.g.tag = 'tagged'
        return await f(request, *args, **kwargs)
    return wrapper


@app.route('/tagged/<int:n>')
@tagged
async def tagged_route(request, n):
    return '%s %d' % (request.g.tag, n)


class Hooks:
    async def after(self, request, response):
        response.headers['X-Bound'] = 'awaited'
        return response


app.after_request(Hooks().after)
res = client.get('/tagged/3')
check('async closure awaited', (res.status_code, res.text), (200, 'tagged 3'))
check('async bound method awaited', res.headers.get('X-Bound'), 'awaited')

if failures:
    print('%d failure(s)' % len(failures))
    sys.exit(1)
print('all passed')
