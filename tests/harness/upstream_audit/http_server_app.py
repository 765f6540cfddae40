"""A minimal http.server application with one route, written as the module's
documentation shows: a ``BaseHTTPRequestHandler`` with ``do_GET`` on an
``HTTPServer``, speaking HTTP/1.1 (``protocol_version``, as the matrix's
column does); no adapter, no profile::

    python http_server_app.py index 8001

ROUTE: index (GET of any path -> "hello"), echo-path (GET of any path ->
the path the handler sees).
"""
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_GET(self):
        body = b'hello' if ROUTE == 'index' else b'path seen: %r' % self.path
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


ROUTE = sys.argv[1]
if ROUTE not in ('index', 'echo-path'):
    raise SystemExit('unknown route ' + ROUTE)
HTTPServer(('127.0.0.1', int(sys.argv[2])), Handler).serve_forever()
