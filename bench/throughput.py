"""Requests per second and latency of the JSON hello route, measured by wrk.

    rows = measure(['bare', 'reference'], ['cpython', 'micropython'], 2.0)

Each implementation serves bench/hello_app.py (the bare loop answers the
same route with its own bytes) on each interpreter, on the unix port's
default heap; wrk then runs once per scenario: with and without keep-alive
(``Connection: close`` on every request), 1 and 10 connections, one thread.
bench/wrk_report.lua makes wrk end with one line of JSON. A row::

    {'implementation': 'reference', 'interpreter': 'micropython',
     'keep_alive': True, 'connections': 10, 'requests_per_s': 2345.6,
     'requests': 4691, 'latency_ms': {'p50': 3.9, 'p75': ..., 'p90': ...,
     'p99': ..., 'max': ...}, 'errors': {'connect': 0, 'read': 0, ...},
     'survived': True}
"""
import json
import os
import shutil
import subprocess

from bench.servers import ServerError, get, serving

HERE = os.path.dirname(os.path.abspath(__file__))
WRK_SCRIPT = os.path.join(HERE, 'wrk_report.lua')
REPORT_MARK = 'WRK-JSON '
SCENARIOS = [(True, 1), (True, 10), (False, 1), (False, 10)]
WARM_UP_REQUESTS = 20
PATH = '/json'


def scenario_name(keep_alive, connections):
    return '%s, %d conn.' % ('keep-alive' if keep_alive else 'close',
                             connections)


def find_wrk():
    found = shutil.which('wrk')
    if found is None:
        raise ServerError('wrk is missing: apt-get install wrk (.ci/run '
                          'installs it)')
    return found


def wrk(port, connections, keep_alive, seconds):
    """One wrk run of whole ``seconds`` (wrk takes no fractions) against
    ``PATH``: its figures, as a dict."""
    argv = [find_wrk(), '-t1', '-c%d' % connections, '-d%ds' % seconds,
            '--timeout', '5s', '-s', WRK_SCRIPT]
    if not keep_alive:
        argv += ['-H', 'Connection: close']
    done = subprocess.run(argv + ['http://127.0.0.1:%d%s' % (port, PATH)],
                          capture_output=True, text=True,
                          timeout=seconds + 30)
    for line in done.stdout.splitlines():
        if line.startswith(REPORT_MARK):
            return json.loads(line[len(REPORT_MARK):])
    raise ServerError('wrk printed no figures (exit %d):\n%s%s' % (
        done.returncode, done.stdout[-1000:], done.stderr[-1000:]))


def row(implementation, interpreter, keep_alive, connections, report):
    latency = report['latency_us']
    return {
        'implementation': implementation, 'interpreter': interpreter,
        'keep_alive': keep_alive, 'connections': connections,
        'requests_per_s': round(report['requests'] * 1e6 /
                                max(report['duration_us'], 1), 1),
        'requests': report['requests'],
        'latency_ms': {name: round(latency[name] / 1000.0, 3)
                       for name in ('p50', 'p75', 'p90', 'p99', 'max')},
        'errors': report['errors'],
    }


def measure(implementations, interpreters, seconds):
    rows = []
    for interpreter in interpreters:
        for implementation in implementations:
            with serving(implementation, interpreter,
                         ready_path=PATH) as server:
                for _ in range(WARM_UP_REQUESTS):
                    get(server.port, PATH)
                found = [row(implementation, interpreter, keep_alive,
                             connections, wrk(server.port, connections,
                                              keep_alive, seconds))
                         for keep_alive, connections in SCENARIOS]
                survived = server.alive()
            for entry in found:
                entry['survived'] = survived
            rows.extend(found)
    return rows


def print_table(rows, interpreters):
    """Per interpreter: requests/s and p50 / p99 latency per scenario."""
    for interpreter in interpreters:
        mine = [r for r in rows if r['interpreter'] == interpreter]
        if not mine:
            continue
        print('%s: requests/s (p50 / p99 latency, ms), wrk -t1' %
              interpreter)
        print('%-16s' % 'implementation' + ''.join(
            '%26s' % scenario_name(*s) for s in SCENARIOS))
        for implementation in _in_order(mine):
            cells = []
            for keep_alive, connections in SCENARIOS:
                r = _find(mine, implementation, keep_alive, connections)
                cells.append('%26s' % _cell(r))
            print('%-16s' % implementation + ''.join(cells))
        print()


def _cell(r):
    if r is None:
        return '-'
    errors = sum(r['errors'].values())
    return '%s (%.2f / %.2f)%s' % (
        '{:,.0f}'.format(r['requests_per_s']), r['latency_ms']['p50'],
        r['latency_ms']['p99'], ' !%d' % errors if errors else '')


def _in_order(rows):
    seen = []
    for r in rows:
        if r['implementation'] not in seen:
            seen.append(r['implementation'])
    return seen


def _find(rows, implementation, keep_alive, connections):
    for r in rows:
        if (r['implementation'], r['keep_alive'], r['connections']) == \
                (implementation, keep_alive, connections):
            return r
    return None
