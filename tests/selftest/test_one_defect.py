"""One defect, one FAIL: a broken route or a hang is judged by the case
that is about it (or by the rule every case is held to), and the cases that
only stand on it are BLOCKED, or judge what they still can; a MAY never
FAILs."""
import app as fixture
import pytest

from breakage import Breakage, add_header, drop_header
from conformance.case import REGISTRY, all_cases
from conformance.contract import DECODES_CHUNKED
from conformance.judge import judge_rule, run_case
from conformance.rules import ANSWERS
from conformance.verdicts import (BLOCKED, FAIL, MAY, NON_STRICT, PASS,
                                  verdict_for)
from inprocess import OPTIONS, serving
from mutants.chunked import ignores_transfer_encoding
from mutants.decoding import escapes_kept_in_query
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


STANDS_ON_DECODING = [c.id for c in all_cases()
                      if getattr(c.check, 'stands_on', None) ==
                      DECODES_CHUNKED]


def test_a_server_that_decodes_no_chunked_body_fails_that_once():
    # The cases about chunk sizes, extensions, trailers and Transfer-Encodings
    # read as chunked stand on a plain chunked body being decoded: on a server
    # that ignores Transfer-Encoding they would all see that one defect.
    assert len(STANDS_ON_DECODING) >= 35
    assert DECODES_CHUNKED not in STANDS_ON_DECODING
    results = run(ignores_transfer_encoding,
                  [DECODES_CHUNKED] + STANDS_ON_DECODING)
    assert results[DECODES_CHUNKED].verdict == FAIL
    for case_id in STANDS_ON_DECODING:
        result = results[case_id]
        assert result.verdict == BLOCKED, (case_id, result.observed)
        assert result.blocked_by == DECODES_CHUNKED


def one_set_cookie_per_response(b):
    # Headers kept one value per name: of several Set-Cookie lines, the last.
    def keep_last(head, res, req):
        cookies = [line for line in head.split(b'\r\n')
                   if line.lower().startswith(b'set-cookie:')]
        if not cookies:
            return head
        return add_header(drop_header(head, 'Set-Cookie'), cookies[-1])
    b.response_head(keep_last)


def test_a_dropped_cookie_is_not_charged_as_a_folded_one():
    ids = ['RFC6265-3-set-cookie-not-folded', 'CONTRACT-cookie-same-site']
    results = run(one_set_cookie_per_response,
                  ['CONTRACT-cookies-come-back'] + ids)
    assert results['CONTRACT-cookies-come-back'].verdict == FAIL
    for case_id in ids:
        assert results[case_id].verdict == BLOCKED, results[case_id].observed
        assert results[case_id].blocked_by == 'CONTRACT-cookies-come-back'


def test_an_undecoded_query_is_not_charged_as_a_wrong_location():
    # /redirect/<code> takes its target from the query: a server that hands
    # the application "%2Ftarget%2F..." gets it back in Location.
    ids = ['RFC9110-15.4.%s-location' % c for c in
           ('2-301', '3-302', '4-303', '8-307', '9-308')]
    results = run(escapes_kept_in_query,
                  ['CONTRACT-query-encoded-delimiters'] + ids)
    assert results['CONTRACT-query-encoded-delimiters'].verdict == FAIL
    for case_id in ids:
        assert results[case_id].verdict == BLOCKED, results[case_id].observed
        assert results[case_id].blocked_by == \
            'CONTRACT-query-encoded-delimiters'
