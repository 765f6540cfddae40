"""The audited cells of the adafruit-httpserver column, reproduced against
``adafruit_httpserver_app.py`` (the library's documented server with one
route) on CPython, with raw sockets::

    python tests/harness/upstream_audit/adafruit_httpserver_repro.py [CELL]

The library comes from ``.peers/adafruit-httpserver`` (``AUDIT_PEERS``
names another folder).
"""
import socket

from rawsock import Cell, app, request, run_cells, show, silent_then_other, \
    venv_python

HELLO_CHUNKED = b'5\r\nhello\r\n0\r\n\r\n'


def command(cell):
    return [venv_python('adafruit-httpserver'), app('adafruit_httpserver_app.py'),
            cell.app], {}


def index(port):
    return request(port, [], start=b'GET / HTTP/1.1')


def head(path):
    return lambda port: request(port, [b'Connection: close'],
                                start=b'HEAD ' + path + b' HTTP/1.1')


def empty_connection_then_get(port):
    """A client that connects and closes without sending a byte (a port
    scan, a browser's preconnect), then GET / on a new connection."""
    socket.create_connection(('127.0.0.1', port)).close()
    show('GET / after a client connected and closed without a byte', port,
         index(port), wait=3.0)


CELLS = [
    Cell('adafruit-httpserver', 'RFC9112-6-fuzz-body-framing', 'echo-body',
         lambda port: request(port, [b'Content-Length: 37']),
         half_close=True, wait=4.0,
         note='the input the fuzz case drew: a Content-Length of 37 and no '
         'body, then the client shuts its side',
         after=[('then GET / on a new connection', index)]),
    Cell('adafruit-httpserver', 'RFC9112-6.3-te-chunked-identity',
         'echo-body', lambda port: request(
             port, [b'Transfer-Encoding: chunked, identity'], HELLO_CHUNKED)),
    Cell('adafruit-httpserver', 'RFC9112-6.3-te-identity-then-cl',
         'echo-body', lambda port: request(
             port, [b'Transfer-Encoding: identity', b'Content-Length: 5'],
             b'hello')),
    Cell('adafruit-httpserver', 'RFC9112-7.1.1-chunk-ext-64k', 'echo-body',
         lambda port: request(port, [b'Transfer-Encoding: chunked'],
                              b'5;ext=' + b'x' * 65536 +
                              b'\r\nhello\r\n0\r\n\r\n'),
         after=[('the plain chunked body (RFC9112-7.1-chunked-decoded)',
                 lambda port: request(port, [b'Transfer-Encoding: chunked'],
                                      HELLO_CHUNKED))]),
    # the second sample (seed 15); CONTRACT-silent-client is below
    Cell('adafruit-httpserver', 'RFC9110-15.4.3-302-location', 'redirect',
         lambda port: request(port, [], start=b'GET /redirect?to=%2Ftarget'
                              b'%2Fpage%3Fx%3D1%26y%3Dtwo HTTP/1.1'),
         after=[('the same target, unescaped in the query', lambda port:
                 request(port, [], start=b'GET /redirect?to=/target/page '
                         b'HTTP/1.1'))]),
    Cell('adafruit-httpserver', 'RFC9110-9.3.2-static-head-no-body',
         'static-get', head(b'/static/app.js'),
         note='a GET route serving the file, as the column\'s adapter has',
         after=[('GET of the same file', lambda port: request(
             port, [b'Connection: close'],
             start=b'GET /static/app.js HTTP/1.1'))]),
    Cell('adafruit-httpserver', 'RFC9110-9.3.2-static-head-no-body',
         'files', head(b'/app.js'),
         note='the library\'s own file serving (root_path)'),
    Cell('adafruit-httpserver', 'RFC9112-3-method-not-token', 'index',
         lambda port: request(port, [], start=b'G(T / HTTP/1.1')),
    Cell('adafruit-httpserver', 'RFC9112-7.1-chunked-decoded', 'echo-body',
         lambda port: request(port, [b'Transfer-Encoding: chunked'],
                              HELLO_CHUNKED)),
    # the second sample; outside the first: the verdict that flipped
    Cell('adafruit-httpserver', 'CONTRACT-silent-client', 'index', None,
         after=[('', silent_then_other)]),
    # outside the sample, and no case of the suite sends it
    Cell('adafruit-httpserver', 'empty-connection', 'index', None,
         after=[('', empty_connection_then_get)]),
]

if __name__ == '__main__':
    run_cells(CELLS, command)
