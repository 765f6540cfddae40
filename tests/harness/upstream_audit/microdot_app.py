"""A minimal microdot application with one route, written as microdot's
documentation shows (the same code for 1.3.4 and 2.7, on CPython and on the
MicroPython unix port); no fixture, no profile, microdot's own defaults::

    PYTHONPATH=<microdot> python microdot_app.py echo-body 8001
    MICROPYPATH=<microdot>:.frozen micropython microdot_app.py index 8001

ROUTE is one of: index (GET / -> "hello"), echo-body (POST /echo/body ->
what request.body holds), echo-host (GET /echo -> the Host the application
sees), echo-headers (GET /echo -> every header the application sees),
echo-cookies (GET /echo -> request.cookies), echo-path (GET
/echo/path/<name> -> name), get-only (GET /get-only), static (GET
/static/<path> -> send_file of a 62-byte app.js beside this file),
ws-echo (/echo: the WebSocket echo of microdot's documentation, plain in
1.x, async in 2.x).
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

elif route == 'echo-headers':
    @app.route('/echo')
    def echo_headers(request):
        return 'headers seen: %r' % request.headers

elif route == 'echo-cookies':
    @app.route('/echo')
    def echo_cookies(request):
        return 'cookies seen: %r' % request.cookies

elif route == 'echo-path':
    @app.route('/echo/path/<name>')
    def echo_path(request, name):
        return 'name seen: %r' % name

elif route == 'ws-echo':
    try:  # microdot 2.x
        from microdot.websocket import with_websocket

        @app.route('/echo')
        @with_websocket
        async def ws_echo(request, ws):
            while True:
                await ws.send(await ws.receive())
    except ImportError:  # microdot 1.x
        from microdot_websocket import with_websocket

        @app.route('/echo')
        @with_websocket
        def ws_echo(request, ws):
            while True:
                ws.send(ws.receive())

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
