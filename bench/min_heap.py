"""The smallest MicroPython heap on which a framework serves the whole suite.

    rows = measure(['reference', 'microdot-1.3.4'])

The fixture app (fixtures/app.py) runs on the unix port with ``-X
heapsize=N``, each framework's modules compiled by mpy-cross as a board is
given them (the micropython target's default; the app itself from source),
and the suite runs against it (``pytest --target=url``). For
the reference, "serves the suite" means the run passes (no FAIL or ERROR;
``-x`` stops it at the first) and the server still answers afterwards. For
upstream microdot, which fails cases at any heap, it means the run completes
and the server has not died; its FAIL count is reported beside the heap.
Its runs wait 2 s rather than the generic profile's 5 for an answer: on
loopback that is plenty, and each request it drops (on a small heap, most of
its MemoryErrors) costs less time.

The search is a bisection over a coarse grid (GRID, 32 KB steps), assuming
that a framework that serves on a heap serves on a larger one: four suite
runs per framework. A row::

    {'implementation': 'reference', 'profile': 'reference-micropython',
     'heap_size': 327680, 'fails': 0, 'grid_kb': [64, 512, 32],
     'tried': [{'heap_size': 294912, 'serves': False, 'fails': 1,
                'errors': 0, 'note': 'FAIL RFC9112-6-body-in-segments'},
               ...]}

``heap_size`` is None when even the largest size on the grid did not serve.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from bench.heap import compiled_copy
from bench.servers import ServerError, modules, serving

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KB = 1024
GRID = list(range(64 * KB, 512 * KB + 1, 32 * KB))
QUICK_GRID = list(range(128 * KB, 512 * KB + 1, 128 * KB))
PROFILES = {'reference': 'reference-micropython'}  # microdot: 'generic'
RUN_SECONDS = 240  # a run that takes longer has a server that hangs
UPSTREAM_READ_TIMEOUT = '2'


def first_passing(grid, serves):
    """The smallest size in ``grid`` (ascending) for which ``serves(size)``
    is true, assuming that it stays true above; None if none does. Calls
    ``serves`` about log2(len(grid)) times."""
    low, high = 0, len(grid)  # the answer's index is in [low, high]
    while low < high:
        middle = (low + high) // 2
        if serves(grid[middle]):
            high = middle
        else:
            low = middle + 1
    return grid[low] if low < len(grid) else None


def suite_run(implementation, heap_size, folder=None):
    """One suite run against the fixture on a heap of ``heap_size`` bytes,
    the framework's modules from ``folder`` (default: its sources):
    {'heap_size', 'serves', 'fails', 'errors', 'note'}."""
    strict = implementation == 'reference'
    try:
        with serving(implementation, 'micropython', fixture=True,
                     heap_size=heap_size, folder=folder) as server:
            done, summary, note = _run_suite(server.port, implementation,
                                             strict)
            alive = server.alive()
    except ServerError:
        return {'heap_size': heap_size, 'serves': False, 'fails': None,
                'errors': None, 'note': 'did not start'}
    completed = done in (0, 1)
    serves = completed and alive and (done == 0 if strict else True)
    if not alive:
        note = 'the server died'
    elif not completed:
        note = note or 'the run did not complete (exit %s)' % done
    return {'heap_size': heap_size, 'serves': serves,
            'fails': summary and summary['FAIL'],
            'errors': summary and summary['ERROR'], 'note': note}


def _run_suite(port, implementation, strict):
    """pytest's exit status, the run's summary and a note on what failed."""
    with tempfile.TemporaryDirectory(prefix='bench-suite-') as reports:
        argv = [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
                '-q', '--target=url', '--base-url',
                'http://127.0.0.1:%d' % port, '--profile',
                PROFILES.get(implementation, 'generic'),
                '--report-dir', reports] + (
                    ['-x'] if strict else
                    ['--read-timeout', UPSTREAM_READ_TIMEOUT])
        try:
            done = subprocess.run(argv, cwd=ROOT, capture_output=True,
                                  text=True, timeout=RUN_SECONDS).returncode
        except subprocess.TimeoutExpired:
            return None, None, 'no end after %d s' % RUN_SECONDS
        try:
            with open(os.path.join(reports, 'url', 'results.json')) as f:
                results = json.load(f)
        except (OSError, ValueError):
            return done, None, 'no results'
    failed = [c['id'] for c in results['cases']
              if c['verdict'] in ('FAIL', 'ERROR')]
    note = 'FAIL %s' % failed[0] if strict and failed else ''
    return done, results['summary'], note


def measure(implementations, grid=GRID, say=print):
    rows = []
    for implementation in implementations:
        tried = []
        compiled = compiled_copy(modules(implementation), tempfile.mkdtemp(
            prefix='bench-mpy-'))

        def serves(size):
            started = time.monotonic()
            tried.append(suite_run(implementation, size, compiled))
            tried[-1]['seconds'] = round(time.monotonic() - started, 1)
            say('  %s at %d KB: %s' % (implementation, size // KB,
                                       _describe(tried[-1])))
            return tried[-1]['serves']
        try:
            smallest = first_passing(grid, serves)
        finally:
            shutil.rmtree(compiled, ignore_errors=True)
        at_smallest = [t for t in tried if t['heap_size'] == smallest]
        rows.append({'implementation': implementation,
                     'profile': PROFILES.get(implementation, 'generic'),
                     'heap_size': smallest,
                     'fails': at_smallest[0]['fails'] if at_smallest else None,
                     'grid_kb': [grid[0] // KB, grid[-1] // KB,
                                 (grid[1] - grid[0]) // KB],
                     'tried': sorted(tried, key=lambda t: t['heap_size'])})
    return rows


def _describe(attempt):
    verdict = 'serves' if attempt['serves'] else 'does not serve'
    details = [verdict]
    if attempt['fails'] is not None:
        details.append('%d FAIL, %d ERROR' % (attempt['fails'],
                                               attempt['errors']))
    if attempt['note']:
        details.append(attempt['note'])
    details.append('%.0f s' % attempt['seconds'])
    return ', '.join(details)


def print_table(rows):
    if not rows:
        return
    print('Smallest MicroPython heap (-X heapsize) serving the whole suite '
          '(grid %d-%d KB, %d KB steps)' % tuple(rows[0]['grid_kb']))
    print('%-16s %-24s %14s %12s' % ('implementation', 'profile',
                                     'smallest heap', 'FAIL there'))
    for row in rows:
        heap = '%d KB' % (row['heap_size'] // KB) if row['heap_size'] \
            else '> %d KB' % row['grid_kb'][1]
        fails = '-' if row['fails'] is None else str(row['fails'])
        print('%-16s %-24s %14s %12s' % (row['implementation'],
                                         row['profile'], heap, fails))
