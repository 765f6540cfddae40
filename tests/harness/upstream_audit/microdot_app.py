"""A minimal microdot application with one route, written as microdot's
documentation shows (the same code for 1.3.4 and 2.7, on CPython and on the
MicroPython unix port); no fixture, no profile, microdot's own defaults::

    PYTHONPATH=<microdot> python microdot_app.py echo-body 8001
    MICROPYPATH=<microdot>:.frozen micropython microdot_app.py index 8001

ROUTE is one of: index (GET / -> "hello"), echo-body (POST /echo/body ->
what request.body holds), echo-host (GET /echo -> the Host the application
sees), get-only (GET /get-only), static (GET /static/<path> ->
send_file of a 62-byte app.js beside this file).
"""
import sys

from microdot import Microdot, send_file

HERE = __file__.rsplit('/', 1)[0] if '/' in __file__ else '.'
app = Microdot()
route = sys.argv[1]

if route == 'index':
    @app.route('/')
    def index(request):
        return 'hello'

elif route == 'echo-body':
    @app.route('/echo/body', methods=['POST'])
    def echo_body(request):
        body = request.body or b''
        return 'received %d bytes: %r' % (len(body), body)

elif route == 'echo-host':
    @app.route('/echo')
    def echo_host(request):
        return 'Host seen: %r' % request.headers.get('Host')

elif route == 'get-only':
    @app.route('/get-only')
    def get_only(request):
        return 'get-only'

elif route == 'static':
    @app.route('/static/<path:path>')
    def static(request, path):
        return send_file(HERE + '/app.js')

else:
    raise SystemExit('unknown route ' + route)

app.run(host='127.0.0.1', port=int(sys.argv[2]))
