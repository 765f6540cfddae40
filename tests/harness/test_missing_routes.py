"""A route a target's profile declares missing makes the cases that ask for
it UNSUPPORTED, with the profile's reason; never FAIL. So does a case the
profile sets aside (``unsupported_cases``)."""
import json

import pytest
from mpy_http_conformance import fixture_path

from conformance.case import Case
from conformance.judge import run_case
from conformance.verdicts import FAIL, MUST, PASS, UNSUPPORTED
from conformance.profile import ProfileError, load_profile

GAPS = [{'path': '/upload/stream', 'why': 'no streamed request bodies'},
        {'path': '/static/*', 'why': 'no files on this framework'}]


class StubTarget:
    """Enough of a target for run_case, with no server behind it."""
    host, port, round_trip, host_header = '127.0.0.1', 9, 0.01, 'x'
    path, contract, limits_declared = '/', True, True
    server_timeouts = ()

    def __init__(self, profile):
        self.profile = profile

    def still_serving(self):
        return None


def profile_with(tmp_path, gaps, aside=()):
    with open(fixture_path('profiles', 'generic.json')) as f:
        values = json.load(f)
    values['missing_routes'] = gaps
    values['unsupported_cases'] = list(aside)
    path = tmp_path / 'gaps.json'
    path.write_text(json.dumps(values))
    return load_profile(str(path))


def asking_for(target, request_via='raw'):
    def check(probe):
        if request_via == 'raw':
            probe.request('GET', target)
        else:
            probe.http('GET', target)
        probe.expect(False, 'something the stub cannot give', 'nothing')
    return Case('CONTRACT-x', 'here', MUST, 'r', check, 'static')


@pytest.mark.parametrize('target, via', [
    ('/upload/stream', 'raw'), ('/static/readme.txt', 'raw'),
    ('/static/a/b.txt?x=1', 'raw'), ('http://x/static/y', 'raw'),
    ('/static/readme.txt', 'http')])
def test_a_missing_route_is_unsupported_with_the_reason(tmp_path, target,
                                                         via):
    target_ = StubTarget(profile_with(tmp_path, GAPS))
    result = run_case(asking_for(target, via), target_)
    assert result.verdict == UNSUPPORTED, result.observed
    assert 'no ' in result.observed and 'declares no' in result.observed


def test_other_routes_are_judged_as_ever(tmp_path):
    target = StubTarget(profile_with(tmp_path, GAPS))
    assert run_case(asking_for('/upload/streamed'), target).verdict == FAIL
    assert run_case(asking_for('/echo'), target).verdict == FAIL
    passing = Case('CONTRACT-y', 'here', MUST, 'r',
                   lambda probe: probe.request('GET', '/echo'), 'static')
    assert run_case(passing, target).verdict == PASS


@pytest.mark.parametrize('gaps', [
    ['/static/*'], [{'path': '/x'}], [{'path': '/x', 'why': ''}],
    [{'path': '/x', 'why': 'w', 'method': 'GET'}]])
def test_malformed_missing_routes_are_refused(tmp_path, gaps):
    with pytest.raises(ProfileError, match='missing_routes'):
        profile_with(tmp_path, gaps)


def test_a_case_set_aside_is_unsupported_with_the_reason(tmp_path):
    target = StubTarget(profile_with(tmp_path, [], [
        {'cases': ['CONTRACT-x*'], 'why': 'the adapter decides it'}]))
    result = run_case(asking_for('/echo'), target)
    assert result.verdict == UNSUPPORTED
    assert 'sets this case aside: the adapter decides it' in result.observed
    other = Case('CONTRACT-y', 'here', MUST, 'r',
                 lambda probe: probe.expect(False, 'x', 'y'), 'static')
    assert run_case(other, target).verdict == FAIL
