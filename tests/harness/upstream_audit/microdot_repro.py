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
import os
import sys

from rawsock import HERE, Cell, app, micropython, request, run_cells, \
    silent_then_other, site_packages

# the raw-socket WebSocket scenarios: the handshake, its 101 read, a frame
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'upstream_websocket'))
import repro as websocket  # noqa: E402

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


def ws(scenario):
    """A cell's scenario of upstream_websocket/repro.py, on ws-echo's /echo."""
    return [('', websocket.SCENARIOS[scenario])]


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
    # the second sample (seed 15)
    Cell('microdot-1.3.4', 'CONTRACT-malformed-cookie-pair', 'echo-cookies',
         get(b'GET /echo HTTP/1.1', b'Cookie: a=1; junk; =x; ; b=2'),
         after=[('the valid pairs alone', get(b'GET /echo HTTP/1.1',
                                              b'Cookie: a=1; b=2'))]),
    Cell('microdot-1.3.4', 'RFC6455-5.2-empty-binary', 'ws-echo', None,
         after=ws('empty-binary')),
    Cell('microdot-1.3.4', 'RFC9110-6.2-response-version', 'index',
         get(b'GET / HTTP/1.1')),
    Cell('microdot-1.3.4', 'RFC9110-9.1-unknown-method-501', 'index',
         get(b'FOOBAR / HTTP/1.1')),
    Cell('microdot-1.3.4', 'RFC9112-2.3-version-no-dot-two-digits', 'index',
         get(b'GET / HTTP/11')),
    Cell('microdot-1.3.4', 'RFC9112-3.2-host-list', 'echo-host',
         lambda port: b'GET /echo HTTP/1.1\r\nHost: 127.0.0.1:%d, '
         b'other.example.com\r\n\r\n' % port),
    Cell('microdot-1.3.4', 'RFC9112-6.3-cl-arabic-indic-digit', 'echo-body',
         lambda port: request(port, [b'Content-Length: \xd9\xa5'], b'hello')),
    Cell('microdot-1.3.4-micropython', 'RFC6455-5.2-rsv3', 'ws-echo', None,
         after=ws('rsv3')),
    Cell('microdot-1.3.4-micropython',
         'RFC9112-2.2-incomplete-head-not-processed', 'echo-path',
         lambda port: get(b'GET /echo/path/incomplete HTTP/1.1',
                          b'X-Test: value')(port)[:-2], half_close=True),
    Cell('microdot-2.7', 'RFC9112-2.3-version-major-leading-zero', 'index',
         get(b'GET / HTTP/01.1')),
    Cell('microdot-2.7', 'RFC9112-3.2-fragment-in-target', 'echo-path',
         get(b'GET /echo/path/x#frag HTTP/1.1')),
    Cell('microdot-2.7', 'RFC9112-6.1-te-capitalised-then-cl', 'echo-body',
         te_then_cl(b'Transfer-Encoding: Chunked'), half_close=True),
    Cell('microdot-2.7', 'RFC9112-6.3-te-identity-then-cl', 'echo-body',
         te_then_cl(b'Transfer-Encoding: identity')),
    Cell('microdot-2.7-micropython', 'RFC9110-5.5-nul-in-value',
         'echo-headers', get(b'GET /echo HTTP/1.1', b'X-Nul: a\x00b')),
    Cell('microdot-2.7-micropython', 'RFC9112-6.1-te-trailing-comma-then-cl',
         'echo-body', te_then_cl(b'Transfer-Encoding: chunked,'),
         half_close=True),
    Cell('microdot-2.7-micropython', 'RFC9112-6.3-te-vt-then-cl', 'echo-body',
         te_then_cl(b'Transfer-Encoding: \x0bchunked')),
    # outside the sample: the verdict the CONTRACT-silent-client fix changed
    Cell('microdot-1.3.4-micropython', 'CONTRACT-silent-client', 'index',
         None, after=[('', silent_then_other)]),
]

if __name__ == '__main__':
    run_cells(CELLS, command)
