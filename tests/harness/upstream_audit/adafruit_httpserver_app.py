"""A minimal adafruit-circuitpython-httpserver application with one route,
written as its documentation shows, on CPython with the ``socket`` module
as the socket pool; no adapter, no profile, the library's defaults::

    <venv>/bin/python adafruit_httpserver_app.py echo-body 8001

ROUTE is one of: index (GET / -> "hello"), echo-body (POST /echo/body ->
what request.body holds), redirect (GET /redirect -> a 302 to the query's
``to``, as an application reads it), files (no route: the library's own
file serving, ``root_path`` this folder), static-get (GET /static/<name>:
a FileResponse from this folder in a GET route).
"""
import os
import socket
import sys

from adafruit_httpserver import GET, POST, FileResponse, Redirect, \
    Request, Response, Server

HERE = os.path.dirname(os.path.abspath(__file__))
route = sys.argv[1]
server = Server(socket, root_path=HERE if route == 'files' else None)

if route == 'index':
    @server.route('/')
    def index(request: Request):
        return Response(request, 'hello')

elif route == 'echo-body':
    @server.route('/echo/body', POST)
    def echo_body(request: Request):
        return Response(request, 'received %d bytes: %r' % (
            len(request.body), request.body))

elif route == 'redirect':
    @server.route('/redirect', GET)
    def redirect(request: Request):
        return Redirect(request, request.query_params.get('to', '/',
                                                          safe=False))

elif route == 'static-get':
    @server.route('/static/<name>', GET)
    def static(request: Request, name):
        return FileResponse(request, name, HERE)

elif route != 'files':
    raise SystemExit('unknown route ' + route)

server.serve_forever('127.0.0.1', int(sys.argv[2]))
