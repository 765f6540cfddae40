"""Every conformance case must be able to fail.

For each case there is a mutant: the reference server broken in the way the
case exists to catch. The case must report FAIL (or NON-STRICT for a SHOULD)
against it, and PASS (or INFO) against the reference as it is.
"""
import pytest

from breakage import Breakage
from conformance.case import (ERROR, FAIL, INFO, NON_STRICT, PASS,
                              UNSUPPORTED, REGISTRY, all_cases, run_case)
from inprocess import OPTIONS, serving
from mutants import all_mutants

CASES = all_cases()
MUTANTS = all_mutants()


def explain(result):
    return '%s %s: expected %s; observed %s\n%s' % (
        result.verdict, result.case.id, result.expected, result.observed,
        '\n'.join('%s\n%s' % (e['request'], e['response_head'])
                  for e in result.evidence))


@pytest.mark.parametrize('case', CASES, ids=lambda c: '%s-%s' % (c.area, c.id))
def test_case_fails_against_its_mutant(case):
    mutant = MUTANTS.get(case.id)
    assert mutant is not None, 'no mutant in tests/selftest/mutants proves ' \
        'that %s can fail' % case.id
    breakage = Breakage()
    try:
        mutant(breakage)
        with serving() as target:
            result = run_case(case, target, OPTIONS)
    finally:
        breakage.undo()
    assert result.verdict in (FAIL, NON_STRICT), explain(result)


def test_every_mutant_names_a_case():
    assert sorted(set(MUTANTS) - set(REGISTRY)) == []


def test_the_reference_passes_every_case():
    with serving() as target:
        results = [run_case(case, target, OPTIONS) for case in CASES]
    bad = [r for r in results if r.verdict not in (PASS, INFO, UNSUPPORTED)]
    assert not bad, '\n\n'.join(explain(r) for r in bad)
    assert ERROR not in {r.verdict for r in results}
