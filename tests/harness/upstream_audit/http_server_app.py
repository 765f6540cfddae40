"""A minimal http.server application with one route, written as the module's
documentation shows: a ``BaseHTTPRequestHandler`` with ``do_GET`` on an
``HTTPServer``, speaking HTTP/1.1 (``protocol_version``, as the matrix's
column does); no adapter, no profile::

    python http_server_app.py index 8001

ROUTE: index (GET / -> "hello"; the only one the audited cells need).
"""
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_GET(self):
        body = b'hello'
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if sys.argv[1] != 'index':
    raise SystemExit('unknown route ' + sys.argv[1])
HTTPServer(('127.0.0.1', int(sys.argv[2])), Handler).serve_forever()
