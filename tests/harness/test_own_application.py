"""A server that serves its own application, not the fixture contract, is
judged only on what it has: no FAIL (nor NON-STRICT) for a route it never
had, the cases about the contract's routes set aside with the reason, and
what needs no contract route still judged, on the path the user names."""
import json
import os
import subprocess
import sys

import pytest
from mpy_http_conformance import reference_path
from mpy_http_conformance.process import (ServerProcess, answers_get,
                                          free_port, python_command)

from bench.upstream import upstream_microdot
from conformance.verdicts import FAIL, NON_STRICT, PASS, UNSUPPORTED

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TWO_ROUTES = os.path.join(ROOT, 'tests', 'harness', 'apps', 'two_routes.py')
# protocol defects of microdot 1.3.4 that need no contract route to show
MICRODOT_1_DEFECTS = ['RFC9112-3.2-host-missing',
                      'RFC9112-3.2-host-twice',
                      'RFC9112-6.3-cl-underscore',
                      # "GET http://host/ HTTP/1.1" is answered 404
                      'RFC9112-3.2.2-absolute-form']


def suite(tmp_path, port, *options):
    """The suite against the server on ``port``: (pytest's exit status,
    its output, the cases by id)."""
    done = subprocess.run(
        [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
         '--target=url', '--base-url', 'http://127.0.0.1:%d' % port,
         '--report-dir', str(tmp_path), '--fuzz-examples=10'] + list(options),
        cwd=str(tmp_path), capture_output=True, text=True, timeout=600,
        env=dict(os.environ, PYTHONPATH=ROOT))
    with open(tmp_path / 'url' / 'results.json') as f:
        cases = {c['id']: c for c in json.load(f)['cases']}
    return done.returncode, done.stdout, cases


def serve_two_routes(modules, folder):
    port = free_port()
    argv, env = python_command('local', TWO_ROUTES, [str(port)], modules)
    return port, ServerProcess(argv, env, str(folder / 'server.log')).start(
        lambda: answers_get(port), 20)


@pytest.fixture(scope='module')
def on_reference(tmp_path_factory):
    """The port of the two-route app on the reference."""
    port, server = serve_two_routes(reference_path(),
                                    tmp_path_factory.mktemp('reference'))
    yield port
    server.stop()


@pytest.fixture(scope='module')
def on_microdot_1(tmp_path_factory):
    """The port of the two-route app on microdot 1.3.4."""
    port, server = serve_two_routes(upstream_microdot('1.3.4'),
                                    tmp_path_factory.mktemp('microdot'))
    yield port
    server.stop()


@pytest.mark.parametrize('path', ['/', '/users/active'])
def test_a_correct_server_with_its_own_app_gets_no_fail(on_reference, path,
                                                        tmp_path):
    status, out, cases = suite(tmp_path, on_reference, '--path', path)
    bad = {i: c['observed'] for i, c in cases.items()
           if c['verdict'] in (FAIL, NON_STRICT)}
    assert status == 0 and not bad, bad
    judged = [c for c in cases.values() if c['area'] != 'rules']
    assert sum(c['verdict'] == PASS for c in judged) >= 150
    aside = [c for c in judged if c['verdict'] == UNSUPPORTED]
    assert aside and all(c['observed'].startswith((
        'needs ', 'the generic profile declares no ')) for c in aside)
    assert 'does not serve the fixture contract' in out
    assert 'judged %d of %d cases' % (len(judged) - len(aside),
                                      len(judged)) in out


def test_its_real_defects_still_show(on_microdot_1, tmp_path):
    status, _, cases = suite(tmp_path, on_microdot_1)
    assert status == 1
    for case_id in MICRODOT_1_DEFECTS:
        assert cases[case_id]['verdict'] == FAIL, cases[case_id]
