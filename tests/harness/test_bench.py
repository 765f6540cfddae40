"""The benchmarks' mechanism, never their figures: the bare loop speaks
HTTP/1.1 on both interpreters, the bisection finds the smallest size, a
heap too small to start is reported as such, and a short run of
``python -m bench`` writes the JSON the README describes."""
import json
import math
import os
import shutil
import socket
import subprocess
import sys

import pytest

from bench import min_heap
from bench.servers import serving

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BODY = b'{"message": "Hello, World!"}'


def exchange(port, requests):
    """Send ``requests`` at once on one connection; everything read until
    the server closes it (or a 5 s silence)."""
    with socket.create_connection(('127.0.0.1', port), 5) as s:
        s.sendall(requests)
        data = b''
        try:
            while True:
                piece = s.recv(4096)
                if not piece:
                    return data, True
                data += piece
        except socket.timeout:
            return data, False


@pytest.mark.parametrize('interpreter', ['cpython', 'micropython'])
def test_the_bare_loop_keeps_alive_until_asked_to_close(interpreter):
    get = b'GET /json HTTP/1.1\r\nHost: bench\r\n'
    with serving('bare', interpreter, ready_path='/json') as server:
        data, closed = exchange(server.port, get + b'\r\n' + get +
                                b'Connection: close\r\n\r\n')
        assert closed and data.count(b'HTTP/1.1 200 OK\r\n') == 2
        assert data.endswith(b'Connection: close\r\n\r\n' + BODY)
        assert b'Content-Length: %d\r\n' % len(BODY) in data
        old, closed = exchange(server.port, b'GET / HTTP/1.0\r\n\r\n')
        assert closed and old.endswith(BODY)


@pytest.mark.parametrize('threshold', [0, 1, 5, 13, 14, None])
def test_the_bisection_finds_the_smallest_serving_size(threshold):
    grid = list(range(100, 1600, 100))  # 15 sizes
    asked = []

    def serves(size):
        asked.append(size)
        return threshold is not None and size >= grid[threshold]
    found = min_heap.first_passing(grid, serves)
    assert found == (None if threshold is None else grid[threshold])
    assert len(asked) <= math.ceil(math.log2(len(grid) + 1))


def test_a_heap_the_fixture_cannot_start_on_does_not_serve():
    attempt = min_heap.suite_run('reference', 32 * 1024)
    assert attempt == {'heap_size': 32768, 'serves': False, 'fails': None,
                       'errors': None, 'note': 'did not start'}


def test_a_short_bench_run_writes_its_json(tmp_path):
    if shutil.which('wrk') is None:
        pytest.fail('wrk is missing: apt-get install wrk (.ci/run does)')
    out = tmp_path / 'bench.json'
    done = subprocess.run(
        [sys.executable, '-m', 'bench', '--quick', '--only', 'throughput,heap',
         '--implementations', 'bare,reference', '--out', str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads(out.read_text())
    assert set(results) == {'machine', 'settings', 'throughput', 'heap',
                            'ratios', 'seconds'}
    assert results['settings']['seconds_per_wrk_run'] == 1

    rows = results['throughput']
    assert {(r['implementation'], r['interpreter'], r['keep_alive'],
             r['connections']) for r in rows} == {
        (i, p, k, c) for i in ('bare', 'reference')
        for p in ('cpython', 'micropython') for k in (True, False)
        for c in (1, 10)}
    for r in rows:
        assert r['requests'] > 0 and r['requests_per_s'] > 0, r
        assert 0 < r['latency_ms']['p50'] <= r['latency_ms']['p99'], r
        assert set(r['errors']) == {'connect', 'read', 'write', 'status',
                                    'timeout'}
        assert r['survived'] is True

    heap = results['heap']
    for app in ('two_route', 'fixture'):
        assert [(r['implementation'], r['form']) for r in heap[app]] == [
            ('reference', '.py'), ('reference', '.mpy')]
        for r in heap[app]:
            assert 0 < r['defined'] < r['serving']
    assert [r['growth_requests'] for r in heap['two_route']] == [200, 200]
    # the fixture loads what the two routes never need
    assert all(f['serving'] > t['serving']
               for t, f in zip(heap['two_route'], heap['fixture']))
    modules = [r['module'] for r in heap['modules']]
    assert modules[:4] == ['microdot', 'asyncio', 'microdot_http',
                           'microdot_server']
    assert all(r['bytes'] >= 0 for r in heap['modules'])

    # reference / bare on both interpreters, each scenario, two measures
    throughput = [r for r in results['ratios'] if r['scenario']]
    assert len(throughput) == 2 * 4 * 2
    for r in throughput:
        assert r['baseline'] == 'bare'
        assert r['ratio'] == round(r['reference'] / r['baseline_value'], 3)
    assert 'requests/s, reference / named baseline' in done.stdout
