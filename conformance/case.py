"""What a conformance case is, and how one run of it becomes a verdict.

A case is a function of a ``Probe`` with an id after its RFC section, the
RFC reference, a level and a one-line requirement::

    @case('RFC9110-15.5.6-405-allow', 'RFC 9110 §15.5.6', MUST,
          'A 405 response carries an Allow header')
    def allow_on_405(probe):
        reply = probe.exchange(build_request('POST', '/methods/get-only'))
        probe.expect_status(reply, 405)
        probe.expect(reply.has_header('Allow'), 'an Allow header',
                     reply.head_text)

Its module (``conformance/cases/<area>.py``) names its area. ``run_case``
turns what happens into one of the verdicts below.
"""
import time
import traceback

MUST, SHOULD, MAY = 'MUST', 'SHOULD', 'MAY'
LEVELS = (MUST, SHOULD, MAY)

PASS = 'PASS'
FAIL = 'FAIL'                # a MUST broken (or the server misbehaved)
NON_STRICT = 'NON-STRICT'    # a SHOULD broken; fails the run with --strict
INFO = 'INFO'                # MAY or unspecified: what happened is recorded
UNSUPPORTED = 'UNSUPPORTED'  # the target's profile declares it absent, or
#                              sets the case aside (unsupported_cases)
ERROR = 'ERROR'              # the harness or the network failed: no verdict
VERDICTS = (PASS, FAIL, NON_STRICT, INFO, UNSUPPORTED, ERROR)

REGISTRY = {}


class Case:
    def __init__(self, id, rfc, level, requirement, check, area, needs=()):
        self.id = id
        self.rfc = rfc
        self.level = level
        self.requirement = requirement
        self.check = check
        self.area = area
        self.needs = tuple(needs)

    def __repr__(self):
        return '<Case %s>' % self.id

    def line(self):
        """The case on one line: id, area, level, RFC, requirement."""
        return '%-44s %-13s %-6s %-22s %s' % (self.id, self.area, self.level,
                                              self.rfc, self.requirement)


def case(id, rfc, level, requirement, needs=()):
    """Register the decorated function as a case. ``needs`` names profile
    features the case requires (else UNSUPPORTED)."""
    if level not in LEVELS:
        raise ValueError('level must be one of %s' % (LEVELS,))

    def register(check):
        if id in REGISTRY:
            raise ValueError('two cases are named %s' % id)
        area = check.__module__.rsplit('.', 1)[-1]
        REGISTRY[id] = Case(id, rfc, level, requirement, check, area, needs)
        return check
    return register


def all_cases():
    """Every case, in the order of areas and then of definition."""
    import conformance.cases  # noqa: F401  (registers them)
    return list(REGISTRY.values())


class Violation(Exception):
    """An expectation a case had of the server, and what it saw instead.
    ``hard`` violations are FAIL whatever the case's level (no answer to a
    complete request, a malformed answer, a server that stopped serving);
    ``level`` caps the verdict of one that rests on a weaker requirement
    than the case's own (a SHOULD inside a MUST case)."""

    def __init__(self, expected, observed, hard=False, level=None):
        super().__init__(expected, observed)
        self.expected = expected
        self.observed = observed
        self.hard = hard
        self.level = level


class HarnessError(Exception):
    """The harness or the network could not do what the case asked."""


class NotApplicable(Exception):
    """The server did not do what the requirement is about (a rule for 405
    responses, and the server answered 404): INFO, with the reason."""


class Unsupported(Exception):
    """The case asked for a route the target's profile declares missing
    (``missing_routes``): UNSUPPORTED, with the profile's reason."""


class Result:
    """The verdict of one case on one target, with its evidence."""

    def __init__(self, case, verdict, expected='', observed='', evidence=(),
                 duration=0.0, detail=''):
        self.case = case
        self.verdict = verdict
        self.expected = expected
        self.observed = observed
        self.evidence = list(evidence)
        self.duration = duration
        self.detail = detail

    def as_dict(self):
        last = self.evidence[-1] if self.evidence else {}
        return {
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


def verdict_for(level, hard, cap=None):
    """The verdict of a broken expectation of a case at ``level`` (or at
    ``cap``, when the expectation rests on a weaker requirement)."""
    if hard:
        return FAIL
    if cap is not None and LEVELS.index(cap) > LEVELS.index(level):
        level = cap
    if level == MUST:
        return FAIL
    return NON_STRICT if level == SHOULD else INFO


def run_case(case, target, options=None):
    """Run one case against a target; returns a Result, never raises."""
    from conformance.probe import Probe
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
        result = Result(case, verdict_for(case.level, v.hard, v.level),
                        v.expected, v.observed, probe.evidence)
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
    result.duration = time.monotonic() - started
    if result.verdict != ERROR:
        _check_still_serving(result, target)
    return result


def _check_still_serving(result, target):
    # Whatever the case, the server must still answer afterwards.
    problem = target.still_serving()
    if problem:
        result.verdict = FAIL
        result.expected = 'the server keeps serving after this case'
        result.observed = problem + (' (first: %s)' % result.observed
                                     if result.observed else '')
        target.recover()
