"""How one run of a case becomes a verdict, with its evidence::

    result = run_case(case, target, options)    # never raises
    result.verdict, result.evidence, result.breaks

A case ends by returning (PASS, or INFO for a MAY), or by raising what the
probe raised: a ``Violation`` (the verdict of its level), ``Blocked``,
``NotApplicable``, ``Unsupported`` or ``HarnessError``. A break of a rule
every case is held to (``conformance.rules``) is kept in ``result.breaks``
and judged once per run by ``judge_rule``.
"""
import time
import traceback

from conformance.rules import KEEPS_SERVING
from conformance.verdicts import (BLOCKED, ERROR, FAIL, INFO, MAY, PASS,
                                  UNSUPPORTED, Blocked, HarnessError,
                                  NotApplicable, Unsupported, Violation,
                                  verdict_for)


class Result:
    """The verdict of one case on one target, with its evidence.
    ``breaks``: the rules for every case that this case saw broken;
    ``blocked_by``: the case that judges what a BLOCKED case stood on."""

    def __init__(self, case, verdict, expected='', observed='', evidence=(),
                 duration=0.0, detail=''):
        self.case = case
        self.verdict = verdict
        self.expected = expected
        self.observed = observed
        self.evidence = list(evidence)
        self.duration = duration
        self.detail = detail
        self.breaks = []
        self.blocked_by = None

    def broke(self, rule, expected, observed):
        self.breaks.append({'rule': rule, 'expected': expected,
                            'observed': observed})

    def as_dict(self):
        last = self.evidence[-1] if self.evidence else {}
        entry = {
            'id': self.case.id,
            'area': self.case.area,
            'rfc': self.case.rfc,
            'level': self.case.level,
            'verdict': self.verdict,
            'requirement': self.case.requirement,
            'expected': self.expected,
            'observed': self.observed,
            'request': last.get('request', ''),
            'response_head': last.get('response_head', ''),
            'evidence': self.evidence,
            'detail': self.detail,
            'duration': round(self.duration, 4),
        }
        if self.breaks:
            entry['breaks'] = self.breaks
        if self.blocked_by:
            entry['blocked_by'] = self.blocked_by
        return entry


def run_case(case, target, options=None):
    """Run one case against a target; returns a Result, never raises."""
    from conformance.exchanges import NEEDS_CONTRACT, profile_needed
    from conformance.probe import Probe
    if not case.any_server and not target.contract:
        return Result(case, UNSUPPORTED, observed='%s: a rule of '
                      'fixtures/CONTRACT.md about its routes (the server '
                      'serves its own application)' % NEEDS_CONTRACT)
    if case.needs and not target.limits_declared:
        return Result(case, UNSUPPORTED, observed=profile_needed(
            ', '.join(case.needs), target.profile.name))
    missing = [f for f in case.needs if not target.profile.supports(f)]
    if missing:
        return Result(case, UNSUPPORTED, observed='the %s profile declares '
                      'no %s' % (target.profile.name, ', '.join(missing)))
    set_aside = target.profile.unsupported_case(case.id)
    if set_aside is not None:
        return Result(case, UNSUPPORTED, observed='the %s profile sets this '
                      'case aside: %s' % (target.profile.name, set_aside))
    try:
        probe = Probe(target, case, options)
    except HarnessError as exc:
        return Result(case, ERROR, observed=str(exc))
    started = time.monotonic()
    try:
        case.check(probe)
    except Violation as v:
        result = Result(case, verdict_for(case.level, v.level), v.expected,
                        v.observed, probe.evidence)
        _keep_break(result, v)
    except Blocked as b:
        result = Result(case, BLOCKED, b.violation.expected,
                        'blocked by %s: %s' % (b.by, b.violation.observed),
                        probe.evidence)
        result.blocked_by = b.by
        _keep_break(result, b.violation)
    except NotApplicable as why:
        result = Result(case, INFO, probe.expected_text,
                        'not applicable: %s' % why, probe.evidence)
    except Unsupported as why:
        result = Result(case, UNSUPPORTED, observed=str(why),
                        evidence=probe.evidence)
    except HarnessError as exc:
        result = Result(case, ERROR, observed=str(exc),
                        evidence=probe.evidence)
    except Exception as exc:
        result = Result(case, ERROR, observed='%s: %s' % (
            type(exc).__name__, exc), evidence=probe.evidence,
            detail=traceback.format_exc())
    else:
        result = Result(case, INFO if case.level == MAY else PASS,
                        probe.expected_text, probe.observed_text,
                        probe.evidence)
    finally:
        probe.close()
    for violation in probe.breaks:
        _keep_break(result, violation)
    result.duration = time.monotonic() - started
    if result.verdict != ERROR:
        _check_still_serving(result, target)
    return result


def _keep_break(result, violation):
    if violation.rule is not None:
        result.broke(violation.rule, violation.expected, violation.observed)


def _check_still_serving(result, target):
    # Whatever the case, the server must still answer afterwards: a rule of
    # its own, so that the case keeps the verdict of its own requirement.
    problem = target.still_serving()
    if problem:
        result.broke(KEEPS_SERVING.id, KEEPS_SERVING.requirement, problem)
        result.observed += '%sthen the server stopped serving (%s): see %s' % (
            '; ' if result.observed else '', problem, KEEPS_SERVING.id)
        target.recover()


def judge_rule(rule, results):
    """The verdict of a rule for every case: FAIL when any of ``results``
    saw it broken, with each such case's account as evidence."""
    seen = [(r, b) for r in results for b in r.breaks if b['rule'] == rule.id]
    if not seen:
        return Result(rule, PASS, rule.requirement, 'held in each of the %d '
                      'cases judged' % len([r for r in results
                                            if not r.case.is_rule]))
    evidence = []
    for result, broken in seen:
        last = dict(result.evidence[-1]) if result.evidence else {
            'request': '', 'response_head': ''}
        last['note'] = 'in %s: %s' % (result.case.id, broken['observed'])
        evidence.append(last)
    ids = []
    for result, _ in seen:
        if result.case.id not in ids:
            ids.append(result.case.id)
    return Result(rule, FAIL, rule.requirement, 'broken in %d case%s: %s' % (
        len(ids), '' if len(ids) == 1 else 's', ', '.join(ids)), evidence)
