"""The audited cells of the four microdot columns, reproduced against
``microdot_app.py`` (a plain ``Microdot()`` app with one route), on the
interpreter each column uses, with raw sockets::

    python tests/harness/upstream_audit/microdot_repro.py            # all
    python tests/harness/upstream_audit/microdot_repro.py microdot-2.7
    python tests/harness/upstream_audit/microdot_repro.py \\
        microdot-2.7/RFC9110-15.5.6-405-allow

microdot comes from ``.peers/microdot-1.3.4`` and ``.peers/microdot-2.7``
(``AUDIT_PEERS`` names another folder); the MicroPython columns run the
unix port with MICROPYPATH=<site-packages>:.frozen, as the matrix does.
"""
import sys

from rawsock import Cell, app, micropython, request, run_cells, \
    silent_then_other, site_packages

HELLO_CHUNKED = b'5\r\nhello\r\n0\r\n\r\n'
COLUMNS = {  # column: (virtualenv, interpreter)
    'microdot-1.3.4': ('microdot-1.3.4', 'CPython'),
    'microdot-1.3.4-micropython': ('microdot-1.3.4', 'MicroPython'),
    'microdot-2.7': ('microdot-2.7', 'CPython'),
    'microdot-2.7-micropython': ('microdot-2.7', 'MicroPython'),
}


def command(cell):
    venv, interpreter = COLUMNS[cell.column]
    modules = site_packages(venv)
    if interpreter == 'MicroPython':
        return [micropython(), app('microdot_app.py'), cell.app], {
            'MICROPYPATH': modules + ':.frozen'}
    return [sys.executable, app('microdot_app.py'), cell.app], {
        'PYTHONPATH': modules}


def te_then_cl(value):
    """A Transfer-Encoding line, then Content-Length: 5 and "hello"."""
    return lambda port: request(port, [value, b'Content-Length: 5'], b'hello')


def chunked_body(body, coding=b'chunked'):
    return lambda port: request(port, [b'Transfer-Encoding: ' + coding], body)


def get(start, *lines):
    return lambda port: request(port, list(lines), start=start)


def two_lengths(port):
    hidden = b'GET /echo/path/smuggled HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n' \
        % port
    return request(port, [b'Content-Length: %d' % len(hidden),
                          b'Content-Length: 0'], hidden)


CELLS = [
    Cell('microdot-1.3.4', 'RFC9112-6.1-te-leading-comma-then-cl',
         'echo-body', te_then_cl(b'Transfer-Encoding: , chunked'),
         half_close=True),
    Cell('microdot-1.3.4', 'RFC9112-6.3-te-identity-then-cl', 'echo-body',
         te_then_cl(b'Transfer-Encoding: identity')),
    Cell('microdot-1.3.4', 'RFC9112-7.1-chunk-data-no-crlf', 'echo-body',
         chunked_body(b'5\r\nhello0\r\n\r\n')),
    Cell('microdot-1.3.4-micropython', 'RFC9112-6.1-te-tab-then-cl',
         'echo-body', te_then_cl(b'Transfer-Encoding:\tchunked'),
         half_close=True),
    Cell('microdot-1.3.4-micropython', 'RFC9112-6.3-desync-two-cl-zero-last',
         'echo-body', two_lengths),
    Cell('microdot-1.3.4-micropython', 'RFC9112-6.3-te-nbsp', 'echo-body',
         chunked_body(HELLO_CHUNKED, b'chunked\xa0')),
    Cell('microdot-1.3.4-micropython', 'RFC9112-7-te-chunked-parameter',
         'echo-body', chunked_body(HELLO_CHUNKED, b'chunked;ext=val')),
    Cell('microdot-1.3.4-micropython', 'RFC9112-7.1-chunk-size-prefix',
         'echo-body', chunked_body(b'0x5\r\nhello\r\n0\r\n\r\n')),
    Cell('microdot-1.3.4-micropython', 'RFC9112-9.6-close-announced', 'index',
         get(b'GET / HTTP/1.1', b'Connection: close')),
    Cell('microdot-2.7', 'RFC9110-15.5.6-405-allow', 'get-only',
         get(b'POST /get-only HTTP/1.1', b'Content-Length: 0')),
    Cell('microdot-2.7', 'RFC9110-8.6-static-content-length', 'static',
         get(b'GET /static/app.js HTTP/1.1', b'Connection: close')),
    Cell('microdot-2.7', 'RFC9112-6.1-te-nul-then-cl', 'echo-body',
         te_then_cl(b'Transfer-Encoding: chunked\x00'), half_close=True),
    Cell('microdot-2.7', 'RFC9112-7.1-chunk-size-leading-space', 'echo-body',
         chunked_body(b' 5\r\nhello\r\n0\r\n\r\n')),
    Cell('microdot-2.7', 'RFC9112-7.1-chunk-size-prefix', 'echo-body',
         chunked_body(b'0x5\r\nhello\r\n0\r\n\r\n')),
    Cell('microdot-2.7-micropython', 'RFC9112-2.3-version-leading-zeros',
         'index', get(b'GET / HTTP/01.01')),
    Cell('microdot-2.7-micropython', 'RFC9112-3.2-host-list', 'echo-host',
         lambda port: b'GET /echo HTTP/1.1\r\nHost: 127.0.0.1:%d, '
         b'other.example.com\r\n\r\n' % port),
    Cell('microdot-2.7-micropython', 'RFC9112-7.1-chunked-decoded',
         'echo-body', chunked_body(HELLO_CHUNKED)),
    # outside the sample: the verdict the CONTRACT-silent-client fix changed
    Cell('microdot-1.3.4-micropython', 'CONTRACT-silent-client', 'index',
         None, after=[('', silent_then_other)]),
]

if __name__ == '__main__':
    run_cells(CELLS, command)
