"""Levels, verdicts, and the ways a case can end.

A case states one requirement at the level its source gives it (MUST,
SHOULD, MAY). What the server does becomes one verdict::

    verdict_for(MUST)            # FAIL: a broken MUST
    verdict_for(MUST, SHOULD)    # NON-STRICT: the expectation rests on a SHOULD
    fails_run(NON_STRICT, strict=True)   # True

A MAY is never FAIL: what the server did is recorded (INFO). A case that
cannot judge its requirement because something it stands on is broken
(a route another case judges) is BLOCKED, naming that case, so that one
defect makes one FAIL.
"""

MUST, SHOULD, MAY = 'MUST', 'SHOULD', 'MAY'
LEVELS = (MUST, SHOULD, MAY)

PASS = 'PASS'
FAIL = 'FAIL'                # a MUST broken
NON_STRICT = 'NON-STRICT'    # a SHOULD broken; fails the run with --strict
INFO = 'INFO'                # a MAY, or nothing to judge: what happened is recorded
BLOCKED = 'BLOCKED'          # what the case stands on is broken (another case's FAIL)
UNSUPPORTED = 'UNSUPPORTED'  # the target lacks what the case needs (profile, contract)
ERROR = 'ERROR'              # the harness or the network failed: no verdict
VERDICTS = (PASS, FAIL, NON_STRICT, INFO, BLOCKED, UNSUPPORTED, ERROR)

_BROKEN = {MUST: FAIL, SHOULD: NON_STRICT, MAY: INFO}


def verdict_for(level, cap=None):
    """The verdict of a broken expectation of a case at ``level``, or at
    ``cap`` when the expectation rests on a weaker requirement."""
    if cap is not None and LEVELS.index(cap) > LEVELS.index(level):
        level = cap
    return _BROKEN[level]


def fails_run(verdict, strict=False):
    """True when ``verdict`` makes the run fail (exit status 1): FAIL and
    ERROR always, NON-STRICT under ``--strict``."""
    return verdict in (FAIL, ERROR) or (strict and verdict == NON_STRICT)


class Violation(Exception):
    """An expectation a case had of the server, and what it saw instead.
    ``level`` caps the verdict of one that rests on a weaker requirement
    than the case's own (a SHOULD inside a MUST case). ``rule`` names the
    rule for every case that it also breaks (``conformance.rules``: no
    answer, a malformed answer), which is judged once, under its own id."""

    def __init__(self, expected, observed, level=None, rule=None):
        super().__init__(expected, observed)
        self.expected = expected
        self.observed = observed
        self.level = level
        self.rule = rule


class HarnessError(Exception):
    """The harness or the network could not do what the case asked."""


class NotApplicable(Exception):
    """The server did not do what the requirement is about (a rule for 405
    responses, and the server answered 404): INFO, with the reason."""


class Unsupported(Exception):
    """The target lacks what the case needs: a route its profile declares
    missing, or the fixture contract itself (a server that serves its own
    application): UNSUPPORTED, with the reason."""


class Blocked(Exception):
    """Something the case stands on, and that another case judges, did not
    hold (the route that should answer 500 hung): BLOCKED, naming that case,
    with what went wrong (``violation``)."""

    def __init__(self, by, violation):
        super().__init__(by, violation.observed)
        self.by = by
        self.violation = violation
