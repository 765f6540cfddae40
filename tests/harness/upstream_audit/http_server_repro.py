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
]

if __name__ == '__main__':
    run_cells(CELLS, command)
