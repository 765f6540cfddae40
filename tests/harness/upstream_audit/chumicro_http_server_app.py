"""A minimal chumicro-http-server application with one route, written as
its README's quick example shows (``HttpServer`` on a ``listener``, the
check/handle loop); no adapter, no profile, the library's defaults::

    <venv>/bin/python chumicro_http_server_app.py index 8001

ROUTE is one of: index (GET / -> "hello"), echo-body (POST /echo/body ->
what request.body holds), echo-path (GET /echo/path/<name> -> the name
the application sees), set-two (GET /cookies/set-two: two Set-Cookie
headers, given as the list of pairs ``build_response`` takes).
"""
import sys

from chumicro_http_server import HttpServer, build_response
from chumicro_sockets import listener
from chumicro_timing import ticks_ms

port = int(sys.argv[2])
server = HttpServer(transport_factory=lambda: listener(host='127.0.0.1',
                                                       port=port))
route = sys.argv[1]

if route == 'index':
    @server.route('/')
    def index(request):
        return build_response(200, text='hello')

elif route == 'echo-body':
    @server.route('/echo/body', methods=['POST'])
    def echo_body(request):
        return build_response(200, text='received %d bytes: %r' % (
            len(request.body), request.body))

elif route == 'echo-path':
    @server.route('/echo/path/<name>')
    def echo_path(request):
        return build_response(200, text='name seen: %r' %
                              request.path_params['name'])

elif route == 'set-two':
    @server.route('/cookies/set-two')
    def set_two(request):
        return build_response(200, text='two cookies', headers=[
            ('Set-Cookie', 'first=one; Path=/'),
            ('Set-Cookie', 'second=two; Path=/')])

else:
    raise SystemExit('unknown route ' + route)

while True:
    now = ticks_ms()
    if server.check(now):
        server.handle(now)
