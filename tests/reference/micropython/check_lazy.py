# What each request makes the reference load: exits 1, saying which, if a
# module is loaded before a request needs it. Runs on either interpreter:
#   micropython check_lazy.py     (MICROPYPATH=reference:.frozen)
#   python check_lazy.py          (PYTHONPATH=reference)
import sys

from microdot import Microdot, Response, redirect, send_file
from microdot_test_client import TestClient

app = Microdot()


@app.route('/')
def index(request):
    return 'Hello, world!'


@app.route('/query')
def query(request):
    return request.args.get('q', '')


@app.post('/body')
def body(request):
    return request.body


@app.route('/cookie')
def cookie(request):
    res = Response('cookie')
    res.set_cookie('a', 'b')
    return res


def user(request, id):
    return str(id)


@app.route('/to')
def to(request):
    return redirect('/caf\xe9')


@app.route('/file')
def a_file(request):
    return send_file(__file__)




def loaded():
    return set(name for name in sys.modules if name.startswith('microdot'))


def check(what, send, expected):
    before = loaded()
    send()
    new = loaded() - before
    if new != set(expected):
        failures.append('%s loaded %s, not %s' % (what, sorted(new),
                                                  sorted(expected)))


failures = []
if loaded() != {'microdot', 'microdot_test_client'}:
    failures.append('the application loaded %s' % sorted(loaded()))
client = TestClient(app)
CORE = ['microdot_http', 'microdot_server']
if sys.implementation.name != 'micropython':
    CORE.append('microdot_cpython')  # CPython's worker threads
check('GET /', lambda: client.get('/'), CORE)
check('GET / again', lambda: client.get('/'), [])
check('a query', lambda: client.get('/query?q=1'), ['microdot_forms'])
check('a body', lambda: client.post('/body', body='abc'), ['microdot_body'])
check('a chunked body', lambda: client.post(
    '/body', {'Transfer-Encoding': 'chunked'}), ['microdot_chunked'])
check('a 404', lambda: client.get('/nope'),
      ['microdot_errors', 'microdot_status'])
check('set_cookie', lambda: client.get('/cookie'), ['microdot_cookies'])
check('a route with arguments', lambda: app.route('/users/<int:id>')(user),
      ['microdot_routing'])
check('a request to it', lambda: client.get('/users/7'), [])
check('send_file', lambda: client.get('/file'), ['microdot_files'])
check('redirect', lambda: client.get('/to'), [])
for failure in failures:
    print('FAIL', failure)
if failures:
    sys.exit(1)
print('lazy loading: ok')
