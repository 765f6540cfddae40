"""What a conformance case is: an id after its RFC section, the RFC
reference, a level and a one-line requirement, and a check that talks to
the target through a ``Probe``::

    @case('RFC9110-15.5.6-405-allow', 'RFC 9110 §15.5.6', MUST,
          'A 405 response carries an Allow header')
    def allow_on_405(probe):
        reply = probe.exchange(build_request('POST', '/methods/get-only'))
        probe.expect_status(reply, 405)
        probe.expect(reply.has_header('Allow'), 'an Allow header',
                     reply.head_text)

Its module (``conformance/cases/<area>.py``) names its area.
``conformance.judge.run_case`` turns what happens into a verdict
(``conformance.verdicts``).
"""
from conformance.verdicts import LEVELS, MAY, MUST, SHOULD  # noqa: F401

REGISTRY = {}


class Case:
    is_rule = False  # a rule every case is held to (conformance.rules)

    def __init__(self, id, rfc, level, requirement, check, area, needs=(),
                 any_server=True):
        self.id = id
        self.rfc = rfc
        self.level = level
        self.requirement = requirement
        self.check = check
        self.area = area
        self.needs = tuple(needs)
        self.any_server = any_server

    def __repr__(self):
        return '<Case %s>' % self.id

    def line(self):
        """The case on one line: id, area, level, RFC, requirement."""
        return '%-44s %-13s %-6s %-22s %s' % (self.id, self.area, self.level,
                                              self.rfc, self.requirement)


def register(item):
    if item.id in REGISTRY:
        raise ValueError('two cases are named %s' % item.id)
    REGISTRY[item.id] = item
    return item


def case(id, rfc, level, requirement, needs=(), any_server=None):
    """Register the decorated function as a case. ``needs`` names profile
    features the case requires (else UNSUPPORTED). ``any_server`` says
    whether its requirement holds for a server that serves its own
    application rather than the fixture contract: true for an RFC's
    requirement (its requests then go where ``probe.carrier`` sends them,
    and a contract route it asks for sets it aside), false by default for
    the contract's own rules (``CONTRACT-`` ids), true for those of them
    about service (serving several clients) rather than routes."""
    if level not in LEVELS:
        raise ValueError('level must be one of %s' % (LEVELS,))
    if any_server is None:
        any_server = not id.startswith('CONTRACT-')

    def registered(check):
        area = check.__module__.rsplit('.', 1)[-1]
        register(Case(id, rfc, level, requirement, check, area, needs,
                      any_server))
        return check
    return registered


def all_cases():
    """Every case, in the order of areas and then of definition, and the
    rules every case is held to last."""
    import conformance.cases  # noqa: F401  (registers them)
    import conformance.rules  # noqa: F401
    return list(REGISTRY.values())
