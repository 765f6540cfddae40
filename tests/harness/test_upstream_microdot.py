"""The suite against upstream microdot 1.3.4 and 2.7.0 serving the same
fixture app: it must report each one's protocol defects, with evidence, and
exit non-zero."""
import json
import os
import subprocess
import sys

import pytest

from bench.upstream import upstream_microdot
from conformance.targets import fixture_command
from mpy_http_conformance.process import ServerProcess, answers_get, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# Defects each version is known to have (see its source): each must FAIL.
COMMON_DEFECTS = [
    'RFC9110-15.5.6-405-allow',           # 405 without Allow
    # Content-Length read with int(): "1_0" is 10, a fullwidth "5" is 5
    'RFC9112-6.3-cl-underscore',
    'RFC9112-6.3-cl-fullwidth-digit',
    # Transfer-Encoding ignored: no chunked bodies, Content-Length used
    'RFC9112-7.1-chunked-decoded',
    'RFC9112-6.1-te-and-cl',
    'RFC9112-3.2-host-missing',           # no Host, yet answered
    'RFC9110-5.5-cr-in-value',            # a CR handed to the application
    'RFC9110-6.6.1-date',                 # no Date
    'RFC9110-10.1.1-100-continue',        # waits for a body the client holds
    # WebSocket: no checks of the handshake or of frames, no fragments
    'RFC6455-4.2.2-version-unsupported',  # version 8 switched with 101
    'RFC6455-5.2-empty-text',             # an empty message never echoed
    'RFC6455-5.2-rsv1',                   # reserved bits: echoed
    'RFC6455-5.4-fragmented-text',        # a message in fragments: closed
]
KNOWN_DEFECTS = {
    '1.3.4': COMMON_DEFECTS + [
        'RFC9110-5.5-cookie-value-crlf',  # header injection through a cookie
        'RFC9112-3-target-too-long-414',  # closed without an answer
        'RFC6455-5.5.1-close-echoed',     # no Close in answer to a Close
    ],
    '2.7.0': COMMON_DEFECTS + [
        'RFC9112-3-target-too-long-414',  # 400 instead of 414
        'CONTRACT-invalid-json-4xx',      # a 500 for a client's bad JSON
    ],
}


@pytest.fixture(scope='module', params=sorted(KNOWN_DEFECTS))
def upstream_run(request, tmp_path_factory):
    version = request.param
    folder = upstream_microdot(version)
    port = free_port()
    argv, env = fixture_command('local', port, modules=folder)
    server = ServerProcess(argv, env, str(
        tmp_path_factory.mktemp('log') / 'server.log')).start(
            lambda: answers_get(port), 20)
    try:
        reports = tmp_path_factory.mktemp('reports')
        done = subprocess.run(
            [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
             '--target=url', '--base-url', 'http://127.0.0.1:%d' % port,
             '--report-dir=%s' % reports, '--fuzz-examples=10'],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
            env=dict(os.environ, PYTHONPATH=ROOT))
    finally:
        server.stop()
    with open(reports / 'url' / 'results.json') as f:
        return version, done, json.load(f)


def test_exits_non_zero(upstream_run):
    _, done, _ = upstream_run
    assert done.returncode == 1, done.stdout[-2000:]
    assert done.stdout.rstrip().endswith('verdict: FAILED')


def test_known_defects_fail_with_evidence(upstream_run):
    version, _, data = upstream_run
    by_id = {c['id']: c for c in data['cases']}
    for case_id in KNOWN_DEFECTS[version]:
        case = by_id[case_id]
        assert case['verdict'] == 'FAIL', case
        assert case['expected'] and case['observed']
        last = case['evidence'][-1]
        assert last['request'] and (last['response_head'] or last['close'])


def test_no_harness_errors(upstream_run):
    _, _, data = upstream_run
    errors = [c for c in data['cases'] if c['verdict'] == 'ERROR']
    assert not errors, [(c['id'], c['observed']) for c in errors]


def test_a_failure_shows_the_replay_command(upstream_run):
    _, done, _ = upstream_run
    assert 'replay: python -m conformance replay RFC9110-15.5.6-405-allow ' \
        '--base-url http://127.0.0.1:' in done.stdout
