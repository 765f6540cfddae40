"""The audited cells of the phew column, reproduced against ``phew_app.py``
(phew's documented server with one route) on the MicroPython unix port,
with raw sockets::

    python tests/harness/upstream_audit/phew_repro.py [CELL]

phew comes from ``.peers/phew`` (``AUDIT_PEERS`` names another folder).
"""
import os

from rawsock import ROOT, Cell, app, micropython, request, run_cells, \
    site_packages

COLUMN = 'phew'
BOARD_MODULES = os.path.join(ROOT, 'device_runner', 'board_modules')


def command(cell):
    return [micropython(), app('phew_app.py'), cell.app], {
        'MICROPYPATH': ':'.join([site_packages('phew'), BOARD_MODULES,
                                 '.frozen'])}


def absolute(port):
    return request(port, [], start=b'GET http://127.0.0.1:%d/echo/path/'
                   b'absolute HTTP/1.1' % port)


CELLS = [
    Cell(COLUMN, 'RFC9112-3.2-host-two-values', 'echo-host',
         lambda port: request(port, [b'Host: other.example.com'],
                              start=b'GET /echo HTTP/1.1')),
    Cell(COLUMN, 'RFC9112-3.2.2-absolute-form', 'echo-path', absolute,
         note='one route, no catch-all: phew has no answer of its own',
         after=[('the same path in origin-form', lambda port: request(
             port, [], start=b'GET /echo/path/absolute HTTP/1.1'))]),
    Cell(COLUMN, 'RFC9112-3.2.2-absolute-form', 'echo-path+catchall',
         absolute, note='with a catch-all that answers 404, as the '
         'column\'s adapter has'),
    # the second sample (seed 15)
    Cell(COLUMN, 'RFC9110-5.5-nul-in-value', 'echo-headers',
         lambda port: request(port, [b'X-Nul: a\x00b'],
                              start=b'GET /echo HTTP/1.1')),
    Cell(COLUMN, 'RFC9112-2.3-version-case-sensitive', 'index',
         lambda port: request(port, [], start=b'GET / http/1.1')),
    Cell(COLUMN, 'RFC9112-6-fuzz-body-framing', 'index',
         lambda port: request(port, [b'Content-Length: 5\x00',
                                     b'Content-Length: '], b'hello world'),
         half_close=True, wait=4.0,
         note='the input the fuzz case drew (an empty Content-Length line), '
         'then the client shuts its side; phew has no /echo/body',
         after=[('an empty X-Empty line on GET /', lambda port: request(
             port, [b'X-Empty: '], start=b'GET / HTTP/1.1'))]),
]

if __name__ == '__main__':
    run_cells(CELLS, command)
