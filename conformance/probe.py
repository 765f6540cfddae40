"""The probe: what a case expects of the server, on top of how it talks to
it (``conformance.exchanges``).

Every reply is held to the rules no case can waive (``conformance.rules``):
an answer, or a close, within the target's timeout to a complete request,
and a well-formed message. A broken expectation raises ``Violation``;
``conformance.judge.run_case`` turns it into a verdict::

    reply = probe.exchange(probe.request('GET', '/echo'))
    probe.expect_status(reply, 200)
    probe.expect_header(reply, 'Content-Type', 'application/json')
"""
import contextlib

from conformance.exchanges import NEEDS_CONTRACT, Exchanges
from conformance.rules import ANSWERS, WELL_FORMED
from conformance.verdicts import (SHOULD, Blocked, NotApplicable, Unsupported,
                                  Violation)
from conformance.wire import quoted

def header_text(reply, name):
    """'Name: value' of a reply's header, or 'no Name header'."""
    values = reply.header_values(name)
    if not values:
        return 'no %s header' % name
    return '; '.join('%s: %s' % (name, v) for v in values)


def status_in(status, statuses):
    """True when ``status`` is one of ``statuses`` (ints, or '4xx')."""
    for expected in statuses:
        if status is not None and (status == expected or (
                isinstance(expected, str) and str(status)[0] == expected[0])):
            return True
    return False


class Probe(Exchanges):
    """What a case expects of the target, and what it saw (``expected_text``,
    ``observed_text``, and the rules broken by exchanges it went past)."""

    def __init__(self, target, case, options=None):
        super().__init__(target, case, options)
        self.expected_text = ''
        self.observed_text = ''
        self.breaks = []  # rules broken by exchanges the case went past

    def received(self, reply, silence_ok, half_closed):
        self.well_formed(reply, silence_ok, half_closed)

    def attempt(self, step, *args, judged=(), **kwargs):
        """``step(*args, **kwargs)`` (an exchange, say) that only fetches
        something for the case to look at: its result, or None when it
        broke a rule every case is held to (a wait in vain, a malformed
        answer). That is not this case's to judge: it is recorded against
        the rule (``conformance.rules``), and the case goes on; unless the
        rule is among those the case ``judged`` itself (a case about
        Content-Length judges a body cut short)::

            reply = probe.attempt(probe.exchange, data)
        """
        try:
            return step(*args, **kwargs)
        except Violation as v:
            if v.rule is None or v.rule in [r.id for r in judged]:
                raise
            self.breaks.append(v)
            return None

    # ------------------------------------------------------ expectations

    def expect(self, ok, expected, observed, level=None):
        """An expectation at the case's level (or at ``level``, when it
        rests on a weaker requirement than the case's own)."""
        self.expected_text, self.observed_text = expected, str(observed)
        if not ok:
            raise Violation(expected, str(observed), level=level)

    def hold_to(self, rule, ok, expected, observed):
        """A rule every case is held to (``conformance.rules``): broken, it
        ends the case at the case's own level and is recorded against the
        rule, which the run judges once."""
        self.expected_text, self.observed_text = expected, str(observed)
        if not ok:
            raise Violation(expected, str(observed), rule=rule.id)

    @contextlib.contextmanager
    def stands_on(self, case_id):
        """What is checked inside is another case's requirement (the case
        ``case_id`` judges it), which this case needs before it can judge
        its own: if it does not hold, this case is BLOCKED, not judged::

            with probe.stands_on('CONTRACT-handler-exception-500'):
                reply = probe.exchange(probe.request('GET', '/error/raise'))
                probe.expect_status(reply, 500)
        """
        try:
            yield
        except Violation as v:
            raise Blocked(case_id, v)

    def observe(self, observed):
        """Record what was seen, for a case that has no pass or fail."""
        self.observed_text = str(observed)

    def not_applicable(self, why):
        """End the case with INFO: the server did not do what the
        requirement is about (e.g. it answered 404, so a rule about 405
        responses has nothing to judge)."""
        raise NotApplicable(why)

    def well_formed(self, reply, silence_ok=False, half_closed=False):
        if reply.problem:
            self.hold_to(WELL_FORMED, False, 'a well-formed HTTP/1.1 '
                         'response (RFC 9112)', reply.describe())
        if not reply.timed_out or silence_ok:
            return
        expected = 'an answer or a close within %.1f s' % self.timeout
        if half_closed:
            self.expect(False, expected + ', once the client had closed its '
                        'side (RFC 9112 §9.5: SHOULD monitor open connections'
                        ' for a closure)', reply.describe(), level=SHOULD)
        self.hold_to(ANSWERS, False, expected, reply.describe())

    def expect_status(self, reply, *statuses):
        """The reply's status is one of ``statuses`` (ints, or '4xx')."""
        self.expect(status_in(reply.status, statuses),
                    'status ' + ' or '.join(str(s) for s in statuses),
                    reply.describe())

    # A request the server must not act on may be answered with an error
    # status or by closing the connection without a response.
    @staticmethod
    def refused(reply, *statuses):
        """True when ``reply`` refuses the request: one of ``statuses``
        (any 4xx when none are given), or a close without a response."""
        return status_in(reply.status, statuses or ('4xx',)) or (
            reply.status is None and reply.closed and not reply.simple)

    def expect_refused(self, reply, *statuses):
        self.expect(self.refused(reply, *statuses), _refusal(statuses),
                    reply.describe())

    def expect_each_refused(self, requests, *statuses):
        """Send each (label, bytes) on its own connection; each refused."""
        wrong = []
        for label, data in requests:
            reply = self.exchange(data, method='GET')
            if not self.refused(reply, *statuses):
                wrong.append('%s: %s' % (label, reply.describe()))
        self.expect(not wrong, '%s, for each of %s' % (
            _refusal(statuses), ', '.join(label for label, _ in requests)),
            '; '.join(wrong) or 'all refused')

    def expect_header(self, reply, name, value=None):
        """The reply carries ``name`` (with ``value``, when given)."""
        actual = reply.header(name)
        if value is None:
            self.expect(actual is not None, 'a %s header' % name,
                        'no %s header in: %s' % (name, reply.describe()))
        else:
            self.expect(actual == value, '%s: %s' % (name, value),
                        header_text(reply, name))

    def expect_closed(self, reply, expected='the connection closed after '
                      'the response'):
        """The server closed the connection right after ``reply`` (read
        with ``linger``)."""
        self.expect(reply.closed, expected, self.close_state(reply))

    def close_state(self, reply):
        """What became of the connection after ``reply``, for 'observed'."""
        if not reply.closed:
            after = 'still open %.1f s later' % self.close_wait
        else:
            after = 'reset (RST)' if reply.ended == 'RST' else 'closed'
        return '%s, then %s' % (reply.describe(), after)

    def expect_nothing_more(self, conn, reply, expected):
        """No bytes follow ``reply`` on ``conn`` within ``settle``."""
        extra = self.trailing(conn)
        self.expect(not extra, expected, '%s; %s' % (
            reply.describe(), extra_text(extra)))

    def expect_graceful_close(self, conn, reply):
        """After ``reply`` the server took every byte of the request and, if
        it closed, closed cleanly (FIN): a reset (RST) can destroy a
        response before the client reads it (RFC 9112 §9.6)."""
        if not conn.eof:
            conn.wait_closed(self.close_wait)
        trouble = []
        if conn.send_error:
            trouble.append('the request could not be sent whole: %s with '
                           '%d bytes unsent' % (conn.send_error, conn.unsent))
        if conn.ended == 'RST':
            trouble.append('the server reset the connection (RST)')
        self.expect(not trouble, 'the whole request taken, the whole '
                    'response sent, then a clean close (FIN) or an open '
                    'connection', '%s; %s' % (reply.describe(),
                                              '; '.join(trouble)))

    def json(self, reply):
        """The body of a contract route's reply (or of a ``requests``
        response) as JSON; a violation at the case's level if it is not.
        A server with its own application has no such route: the case
        cannot see what the application received, and is set aside."""
        import json
        if not self.target.contract:
            raise Unsupported('%s: what the application received is read '
                              'from the answer of /echo (the server serves '
                              'its own application)' % NEEDS_CONTRACT)
        body = reply.content if hasattr(reply, 'content') else reply.body
        try:
            return json.loads(body.decode('utf-8'))
        except ValueError:
            self.expect(False, 'a JSON body (fixture contract)',
                        '%s with %s' % (_status_of(reply), quoted(body, 200)))

    def still_alive_after(self, what):
        """The server answers a plain GET after ``what`` (the case's own
        requirement, at its level)."""
        problem = self.target.still_serving()
        self.expect(problem is None, 'the server keeps serving after ' +
                    what, problem or 'it answered GET %s' % self.target.path)


def _status_of(reply):
    if hasattr(reply, 'status_code'):
        return 'status %d' % reply.status_code
    return reply.describe()


def extra_text(extra):
    """Bytes that came when none were due, for 'observed'."""
    if not extra:
        return 'nothing more came'
    return '%d more bytes: %s' % (len(extra), quoted(extra, 120))


def _refusal(statuses):
    return 'status %s, or a close without a response' % ' or '.join(
        str(s) for s in statuses or ('4xx',))


