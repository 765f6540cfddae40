"""The audited cells of the chumicro-http-server column, reproduced against
``chumicro_http_server_app.py`` (the README's server with one route) on
CPython, with raw sockets::

    python tests/harness/upstream_audit/chumicro_http_server_repro.py [CELL]

The library comes from ``.peers/chumicro-http-server`` (``AUDIT_PEERS``
names another folder).
"""
from rawsock import Cell, app, request, run_cells, venv_python

HELLO_CHUNKED = b'5\r\nhello\r\n0\r\n\r\n'
COLUMN = 'chumicro-http-server'


def command(cell):
    return [venv_python(COLUMN), app('chumicro_http_server_app.py'), cell.app], {}


def get(start):
    return lambda port: request(port, [], start=start)


CELLS = [
    Cell(COLUMN, 'RFC6265-3-set-cookie-not-folded', 'set-two',
         get(b'GET /cookies/set-two HTTP/1.1')),
    Cell(COLUMN, 'RFC9112-2.3-version-no-dot', 'index', get(b'GET / HTTP/1')),
    Cell(COLUMN, 'RFC9112-2.3-version-no-dot-two-digits', 'index',
         get(b'GET / HTTP/11')),
    Cell(COLUMN, 'RFC9112-6.3-cl-arabic-indic-digit', 'echo-body',
         lambda port: request(port, [b'Content-Length: \xd9\xa5'], b'hello')),
    Cell(COLUMN, 'RFC9112-6.3-te-ff', 'echo-body',
         lambda port: request(port, [b'Transfer-Encoding: \x0cchunked'],
                              HELLO_CHUNKED),
         after=[('the plain "chunked, gzip" (RFC9112-6.3-chunked-not-final)',
                 lambda port: request(
                     port, [b'Transfer-Encoding: chunked, gzip'],
                     b'0\r\n\r\n'))]),
    # the second sample (seed 15)
    Cell(COLUMN, 'RFC9112-2.2-bare-cr-request-line', 'echo-path',
         get(b'GET /echo/path/a\rb HTTP/1.1')),
    Cell(COLUMN, 'RFC9112-3-control-in-target-esc', 'echo-path',
         get(b'GET /echo/path/a\x1bb HTTP/1.1')),
    Cell(COLUMN, 'RFC9112-7.1-chunked-decoded', 'echo-body',
         lambda port: request(port, [b'Transfer-Encoding: chunked'],
                              HELLO_CHUNKED)),
]

if __name__ == '__main__':
    run_cells(CELLS, command)
