"""One defect, one FAIL: a broken route or a hang is judged by the case
that is about it (or by the rule every case is held to), and the cases that
only stand on it are BLOCKED, or judge what they still can; a MAY never
FAILs."""
import app as fixture
import pytest

from breakage import Breakage
from conformance.case import REGISTRY, all_cases
from conformance.judge import judge_rule, run_case
from conformance.rules import ANSWERS
from conformance.verdicts import (BLOCKED, FAIL, MAY, NON_STRICT, PASS,
                                  verdict_for)
from inprocess import OPTIONS, serving
from mutants.request_line import stall_on

all_cases()


def run(mutant, ids):
    breakage = Breakage(fixture.app)
    try:
        mutant(breakage)
        with serving(breakage.server_class()) as target:
            return {i: run_case(REGISTRY[i], target, OPTIONS) for i in ids}
    finally:
        breakage.undo()


# cases that read a response of /error/raise among others'
READ_ERROR_RAISE = ['RFC9112-4-status-line-syntax',
                    'RFC9110-6.6.1-no-date-without-clock',
                    'RFC9110-8.3-content-type',
                    'RFC9110-8.3-error-content-type',
                    'RFC9110-15.5-error-explanation',
                    'RFC9110-8.6-error-content-length']


def test_a_route_that_hangs_fails_its_own_case_and_the_rule_once():
    results = run(stall_on(b'GET /error/raise'),
                  ['CONTRACT-handler-exception-500'] + READ_ERROR_RAISE)
    assert results['CONTRACT-handler-exception-500'].verdict == FAIL
    for case_id in READ_ERROR_RAISE:
        result = results[case_id]
        assert result.verdict == PASS, (case_id, result.observed)
        assert [b['rule'] for b in result.breaks] == [ANSWERS.id]
    rule = judge_rule(ANSWERS, list(results.values()))
    assert rule.verdict == FAIL
    assert all(i in rule.observed for i in READ_ERROR_RAISE)


def files_missing(b):
    def missing(filename, **kwargs):
        raise OSError('no such file')
    b.attr(fixture, 'send_file', missing)


STAND_ON_FILES = ['CONTRACT-static-content-type',
                  'RFC9110-8.6-static-content-length',
                  'RFC9110-13.1.2-static-if-none-match',
                  'RFC9110-13.1.3-ims-invalid-date']


def test_cases_that_stand_on_a_broken_route_are_blocked_by_its_case():
    results = run(files_missing,
                  ['CONTRACT-static-byte-exact'] + STAND_ON_FILES)
    assert results['CONTRACT-static-byte-exact'].verdict == FAIL
    for case_id in STAND_ON_FILES:
        result = results[case_id]
        assert result.verdict == BLOCKED, (case_id, result.observed)
        assert result.blocked_by == 'CONTRACT-static-byte-exact'
        assert result.observed.startswith(
            'blocked by CONTRACT-static-byte-exact: ')


@pytest.mark.parametrize('cap', [None, 'SHOULD', 'MAY'])
def test_a_may_is_never_fail(cap):
    assert verdict_for(MAY, cap) not in (FAIL, NON_STRICT)


def test_a_may_case_that_sees_a_hang_records_it_against_the_rule():
    result = run(stall_on(b'GET  /echo/path/double'),
                 ['RFC9112-3-double-space'])['RFC9112-3-double-space']
    assert result.verdict not in (FAIL, NON_STRICT)
    assert [b['rule'] for b in result.breaks] == [ANSWERS.id]
