"""The suite against upstream microdot 1.3.4 serving the same fixture app:
it must report that server's protocol defects, with evidence, and exit
non-zero."""
import json
import os
import subprocess
import sys
import time

import pytest

from bench.upstream import upstream_microdot
from conformance.targets import free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# Defects microdot 1.3.4 is known to have (see its source): each must FAIL.
KNOWN_DEFECTS = [
    'RFC9110-15.5.6-405-allow',           # 405 without Allow
    'RFC9110-9.1-method-case-sensitive',  # "get" served as GET
    # Content-Length read with int(): "1_0" is 10, a fullwidth "5" is 5
    'RFC9112-6.3-cl-underscore',
    'RFC9112-6.3-cl-fullwidth-digit',
    # Transfer-Encoding ignored: no chunked bodies, Content-Length used
    'RFC9112-7.1-chunked-decoded',
    'RFC9112-6.1-te-and-cl',
]


@pytest.fixture(scope='module')
def upstream_run(tmp_path_factory):
    folder = upstream_microdot('1.3.4')
    port = free_port()
    log = open(tmp_path_factory.mktemp('log') / 'server.log', 'wb')
    server = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, 'fixtures', 'app.py'), '--port',
         str(port)], env=dict(os.environ, PYTHONPATH=folder), stdout=log,
        stderr=subprocess.STDOUT)
    try:
        time.sleep(0.5)
        reports = tmp_path_factory.mktemp('reports')
        done = subprocess.run(
            [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
             '--target=url', '--base-url', 'http://127.0.0.1:%d' % port,
             '--report-dir=%s' % reports, '--fuzz-examples=10'],
            cwd=ROOT, capture_output=True, text=True, timeout=600)
    finally:
        server.kill()
        server.wait()
        log.close()
    with open(reports / 'url' / 'results.json') as f:
        return done, json.load(f)


def test_exits_non_zero(upstream_run):
    done, _ = upstream_run
    assert done.returncode == 1, done.stdout[-2000:]
    assert done.stdout.rstrip().endswith('verdict: FAILED')


def test_known_defects_fail_with_evidence(upstream_run):
    _, data = upstream_run
    by_id = {c['id']: c for c in data['cases']}
    for case_id in KNOWN_DEFECTS:
        case = by_id[case_id]
        assert case['verdict'] == 'FAIL', case
        assert case['expected'] and case['observed']
        assert case['request'] and case['response_head']


def test_no_harness_errors(upstream_run):
    _, data = upstream_run
    errors = [c for c in data['cases'] if c['verdict'] == 'ERROR']
    assert not errors, [(c['id'], c['observed']) for c in errors]


def test_a_failure_shows_the_replay_command(upstream_run):
    done, _ = upstream_run
    assert 'replay: python -m conformance replay RFC9110-15.5.6-405-allow ' \
        '--base-url http://127.0.0.1:' in done.stdout
