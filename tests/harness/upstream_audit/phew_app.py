"""A minimal phew application with one route, written as phew's README
shows (``@server.route``, ``server.run()``), on the MicroPython unix port
with the emulated board's ``network`` and ``machine`` modules (phew imports
them); no adapter, no profile::

    MICROPYPATH=<phew>:device_runner/board_modules:.frozen \\
        micropython phew_app.py echo-host 8001

ROUTE is one of: index (GET / -> "hello"), echo-headers (GET /echo -> every
header phew's request holds), echo-host (GET /echo -> the Host phew's request holds),
echo-path (GET /echo/path/<name> -> name), echo-path+catchall (the same,
and a catch-all that answers 404, as a phew application needs for any
answer to a path it has no route for).
"""
import sys

from phew import server

route = sys.argv[1]

if route == 'index':
    @server.route('/', methods=['GET'])
    def index(request):
        return 'hello', 200, 'text/plain'

elif route == 'echo-headers':
    @server.route('/echo', methods=['GET'])
    def echo_headers(request):
        return 'headers seen: %r' % request.headers, 200, 'text/plain'

elif route == 'echo-host':
    @server.route('/echo', methods=['GET'])
    def echo_host(request):
        return 'Host seen: %r' % request.headers.get('host'), 200, 'text/plain'

elif route.startswith('echo-path'):
    @server.route('/echo/path/<name>', methods=['GET'])
    def echo_path(request, name):
        return 'name: ' + name, 200, 'text/plain'

    if route.endswith('+catchall'):
        @server.catchall()
        def catchall(request):
            return 'not found', 404, 'text/plain'

else:
    raise SystemExit('unknown route ' + route)

server.run(host='127.0.0.1', port=int(sys.argv[2]))
