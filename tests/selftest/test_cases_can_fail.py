"""Every conformance case must be able to fail.

For each case there is a mutant: the reference server broken in the way the
case exists to catch. Against it the case must report FAIL (NON-STRICT for
a SHOULD); a MAY case, which is never FAIL, must record a break of a rule
every case is held to (an answer that never comes, a malformed one), which
fails the run under the rule's id. Against the reference as it is, every
case must PASS (or INFO).
"""
import pytest

import app as fixture  # fixtures/app.py
from breakage import Breakage
from conformance.case import REGISTRY, all_cases
from conformance.judge import run_case
from conformance.profile import load_profile
from conformance.verdicts import (ERROR, FAIL, INFO, MAY, NON_STRICT, PASS,
                                  UNSUPPORTED)
from inprocess import OPTIONS, PROFILE, serving
from mutants import all_mutants

CASES = [c for c in all_cases() if not c.is_rule]
MUTANTS = all_mutants()


def explain(result):
    return '%s %s: expected %s; observed %s; breaks %s\n%s' % (
        result.verdict, result.case.id, result.expected, result.observed,
        result.breaks, '\n'.join('%s\n%s' % (e['request'],
                                             e['response_head'])
                                 for e in result.evidence))


def caught(result):
    """True when the case told the mutant from the reference."""
    if result.case.level == MAY:
        return bool(result.breaks)
    return result.verdict in (FAIL, NON_STRICT)


@pytest.mark.parametrize('case', CASES, ids=lambda c: '%s-%s' % (c.area, c.id))
def test_case_fails_against_its_mutant(case):
    mutant = MUTANTS.get(case.id)
    assert mutant is not None, 'no mutant in tests/selftest/mutants proves ' \
        'that %s can fail' % case.id
    breakage = Breakage(fixture.app)
    try:
        mutant(breakage)
        with serving(breakage.server_class()) as target:
            result = run_case(case, target, OPTIONS)
    finally:
        breakage.undo()
    assert caught(result), explain(result)


def test_every_mutant_names_a_case():
    assert sorted(set(MUTANTS) - set(REGISTRY)) == []


def test_the_reference_passes_every_case():
    # with the wait its own profile gives (the mutants' runs wait less, to
    # be short): in a full test run on two busy cores, the first chunk of a
    # slowly read stream once came after the 1.5 s those runs wait
    with serving(profile=PROFILE.replace(
            read_timeout=load_profile('reference').read_timeout)) as target:
        results = [run_case(case, target, OPTIONS) for case in CASES]
    bad = [r for r in results if r.verdict not in (PASS, INFO, UNSUPPORTED)
           or r.breaks]
    assert not bad, '\n\n'.join(explain(r) for r in bad)
    assert ERROR not in {r.verdict for r in results}
