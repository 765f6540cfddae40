"""A minimal adafruit-circuitpython-httpserver application with one route,
written as its documentation shows, on CPython with the ``socket`` module
as the socket pool; no adapter, no profile, the library's defaults::

    <venv>/bin/python adafruit_httpserver_app.py echo-body 8001

ROUTE is one of: index (GET / -> "hello"), echo-body (POST /echo/body ->
what request.body holds).
"""
import socket
import sys

from adafruit_httpserver import POST, Request, Response, Server

server = Server(socket)
route = sys.argv[1]

if route == 'index':
    @server.route('/')
    def index(request: Request):
        return Response(request, 'hello')

elif route == 'echo-body':
    @server.route('/echo/body', POST)
    def echo_body(request: Request):
        return Response(request, 'received %d bytes: %r' % (
            len(request.body), request.body))

else:
    raise SystemExit('unknown route ' + route)

server.serve_forever('127.0.0.1', int(sys.argv[2]))
