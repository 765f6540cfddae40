"""The audited cells of the http.server column, reproduced against
``http_server_app.py`` (the module's documented handler) on this CPython,
with raw sockets::

    python tests/harness/upstream_audit/http_server_repro.py [CELL]
"""
import sys

from rawsock import Cell, app, request, run_cells

COLUMN = 'http.server'


def command(cell):
    return [sys.executable, app('http_server_app.py'), cell.app], {}


CELLS = [
    Cell(COLUMN, 'RFC9112-2.2-leading-empty-line', 'index',
         lambda port: b'\r\n' + request(port, [], start=b'GET / HTTP/1.1')),
    Cell(COLUMN, 'RFC9112-2.3-version-no-dot-two-digits', 'index',
         lambda port: request(port, [], start=b'GET / HTTP/11')),
    # the second sample (seed 15)
    Cell(COLUMN, 'RFC9112-2.2-incomplete-head-not-processed', 'echo-path',
         lambda port: request(port, [b'X-Test: value'],
                              start=b'GET /echo/path/incomplete HTTP/1.1')
         [:-2], half_close=True),
    Cell(COLUMN, 'RFC9112-2.3-version-three-parts', 'index',
         lambda port: request(port, [], start=b'GET / HTTP/1.1.1')),
    Cell(COLUMN, 'RFC9112-3-control-in-target-del', 'echo-path',
         lambda port: request(port, [], start=b'GET /echo/path/a\x7fb '
                              b'HTTP/1.1')),
]

if __name__ == '__main__':
    run_cells(CELLS, command)
