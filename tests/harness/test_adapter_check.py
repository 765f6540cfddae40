"""Each adapter proves itself before it is judged: every route it claims,
asked with a well-formed request, answers as fixtures/CONTRACT.md says
(``conformance.adapter_check``, which the matrix runs before each column).
And the check can fail: an adapter missing a route, or answering one
wrongly, is caught."""
import os
import sys
import textwrap

import pytest
from mpy_http_conformance import fixture_path

from conformance.adapter_check import ROUTES, check_adapter, checked_routes
from conformance.peers import (PEERS, PYTHON, Peer, PeerTarget,
                               register_peer_targets)
from conformance.profile import load_profile
from conformance.targets import make_target

# Routes some frameworks leave without any answer to a well-formed request:
# their defects, which the cases judge, not the adapters'.
KNOWN_UNANSWERED = {
    # microdot 2.7 on MicroPython awaits what a plain handler returns when
    # it looks like a coroutine, and there a generator does: a handler that
    # streams by returning a generator never answers
    'microdot-2.7-micropython': ['GET /stream/3', 'POST /stream/3'],
    # phew's FileResponse returns False from __init__ for a missing file;
    # the TypeError leaves the connection without an answer
    'phew': ['GET /static/missing.txt', 'GET /gzip/missing.txt'],
}
# Routes a framework has left unanswered now and then, on a loaded machine
# (the framework serves fixtures/app.py itself: no adapter is involved).
SOMETIMES_UNANSWERED = {
    # microdot 1.3.4 on MicroPython: the 200's head, then a reset before
    # its body, once in a run of the whole test tree beside other work
    'microdot-1.3.4-micropython': ['PUT /echo'],
}


def checked(peer, report_dir):
    register_peer_targets()
    target = make_target(peer.target, {}, load_profile(peer.profile),
                         str(report_dir))
    target.start()
    try:
        return check_adapter(target)
    finally:
        target.stop()


@pytest.mark.parametrize('peer', PEERS, ids=lambda p: p.name)
def test_every_route_answers_as_the_contract_says(peer, tmp_path):
    found = checked(peer, tmp_path)
    assert found.problems == [], '\n'.join(found.problems)
    unanswered = set(u.split(':')[0] for u in found.unanswered)
    known = set(KNOWN_UNANSWERED.get(peer.name, []))
    assert known <= unanswered <= known | set(
        SOMETIMES_UNANSWERED.get(peer.name, [])), found.unanswered
    assert found.requests == checked_routes(load_profile(peer.profile))


def test_every_route_of_the_contract_is_asked():
    with open(fixture_path('CONTRACT.md'), encoding='utf-8') as f:
        contract = f.read()
    table = contract.split('| method | path | answer |', 1)[1].split(
        '\n\n', 1)[0]
    paths = {row.split('|')[2].strip().strip('`').split('?')[0]
             for row in table.strip().splitlines()[1:]}
    asked = {route.path for route in ROUTES}
    # the one left out: its answer is the framework's (a handler raising)
    assert paths - asked == {'/error/raise'}


def broken_adapter(tmp_path, breakage):
    """A Peer serving http_server_peer.py with ``breakage`` (Python run
    after the adapter is imported as ``peer``)."""
    script = tmp_path / 'broken_peer.py'
    script.write_text(textwrap.dedent('''\
        import sys
        sys.path.insert(0, %r)
        import http_server_peer as peer
        %s
        peer.main()
        ''') % (fixture_path('peers'), breakage))
    return Peer('broken', 'broken', PYTHON, 'http.server', app=str(script),
                venv='http-server')


def broken_check(tmp_path, breakage):
    peer = broken_adapter(tmp_path, breakage)
    target = PeerTarget(peer, {}, load_profile('http.server'),
                        str(tmp_path / 'report'))
    target.start()
    try:
        return check_adapter(target)
    finally:
        target.stop()


def test_a_missing_route_fails_the_check(tmp_path):
    found = broken_check(tmp_path, "peer.ROUTES[:] = [r for r in peer.ROUTES"
                         " if r[1].pattern != '^/own-date$']")
    assert not found.passed
    assert found.problems == ['GET /own-date: status 200 expected, got '
                              'HTTP/1.1 404 Not Found']


def test_a_body_on_205_fails_the_check(tmp_path):
    # the adapters' old defect: content with 205 (they spared 204 and 304)
    found = broken_check(tmp_path, 'peer.common.bodyless = '
                         'lambda status: status in (204, 304)')
    assert found.problems == ["GET /status/205: no content expected, got "
                              "b'status 205'"]


def test_a_wrong_answer_names_what_differs(tmp_path):
    found = broken_check(tmp_path, "peer.common.INDEX_BODY = 'hello'")
    assert found.problems == ["GET /: content b'conformance fixture' "
                              "expected, got b'hello'"]


def test_the_contract_numbers_are_the_adapters():
    # the adapters read the numbers app.py reads (one place)
    sys.path.insert(0, fixture_path('peers'))
    try:
        import common
        import contract_numbers
    finally:
        sys.path.remove(fixture_path('peers'))
    assert common.BODY_LIMIT == contract_numbers.BODY_LIMIT
    assert common.LINE_LIMIT == contract_numbers.LINE_LIMIT
    assert os.path.samefile(contract_numbers.__file__,
                            fixture_path('contract_numbers.py'))
