"""The fuzz runner: generated inputs sent one by one, each answer judged.

A fuzzing case gives a hypothesis strategy and a check; the runner draws
``fuzz_examples`` inputs from ``fuzz_seed`` (no shrinking, no example
database: a run repeats exactly), sends each on a fresh connection that it
then half-closes, so that a server waiting for more bytes sees that none
are coming, and stops at the first input the server mishandles::

    Fuzz(probe).run(strategy, lambda fuzz, data: exchange(fuzz, data))

A check that counts answers reads them all with ``fuzz.answers(data,
most)``, which stops at the server's close or after ``most`` answers.

What no input may cause: a malformed response, or a server that stops
answering ``GET /`` afterwards (FAIL); neither an answer nor a close within
the read timeout after the half-close (RFC 9112 §9.5 SHOULD, NON-STRICT).
The first input that breaks a rule is the evidence; otherwise the last few.
"""
import re

from hypothesis import HealthCheck, Phase, given, seed, settings

from conformance.rules import WELL_FORMED
from conformance.verdicts import SHOULD, HarnessError, Violation
from conformance.wire import show_bytes

KEPT = 3  # examples kept as evidence when every input was handled
SHOWN = 300  # bytes of an input quoted in an observation

HEADISH = re.compile(rb'^[ \t\r\n\x0b\x0c]*head', re.IGNORECASE)


class Fuzz:
    """Sends generated inputs for one case and judges each answer."""

    def __init__(self, probe):
        self.probe = probe
        self.recent = []  # (input, reply) of the last examples
        self.count = 0
        self.failure = None

    def run(self, strategy, check):
        """``check(fuzz, example)`` for each generated example, until the
        first one the server mishandles; then that one is the verdict."""
        options = self.probe.options

        @seed(options.get('fuzz_seed') or 0)
        @settings(max_examples=options.get('fuzz_examples') or
                  self.probe.profile.fuzz_examples, database=None,
                  deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck),
                  report_multiple_bugs=False)
        @given(strategy)
        def each(example):
            if self.failure is None:
                try:
                    check(self, example)
                except (Violation, HarnessError) as exc:
                    self.failure = exc
        each()
        if self.failure is not None:
            raise self.failure
        for data, reply in self.recent:
            self.probe.record(data, reply, 'one of the last inputs')
        self.probe.observe('%d generated inputs, each answered or closed '
                           'cleanly; the server kept serving' % self.count)

    def send(self, data):
        """Send ``data``, half-close, and read one reply."""
        return self.answers(data, 1)[0]

    def answers(self, data, most):
        """Send ``data``, half-close, and read replies until the server
        closes, one is malformed or ``most`` answers have come; returns
        them (the last may be the close or the wait that ended it)."""
        self.count += 1
        # RFC 9112 §3 lets a server split the request line on any
        # whitespace (VT, FF, CR...): what starts like HEAD may be one.
        method = 'HEAD' if HEADISH.match(data) else 'GET'
        try:
            conn = self.probe.connect()
        except HarnessError as exc:  # the previous input killed it, late
            last = self.recent[-1][0] if self.recent else b''
            self.probe.expect(False, 'the server keeps accepting '
                              'connections', '%s, after: %s' % (
                                  exc, shown_input(last)))
        replies = []
        try:
            conn.send(data)
            conn.shutdown_write()
            while len(replies) < most:
                replies.append(conn.read_reply(method))
                if replies[-1].status is None or replies[-1].problem:
                    break
        finally:
            conn.close()
        self.recent = (self.recent + [(data, replies[-1])])[-KEPT:]
        return replies

    def judge(self, data, reply, must_answer=False):
        """The rules no input may break."""
        shown = shown_input(data)
        if reply.problem:
            self.fail(data, reply, 'a well-formed response, or a clean '
                      'close', 'malformed response (%s) to: %s' % (
                          reply.problem, shown), rule=WELL_FORMED)
        if reply.timed_out:
            self.fail(data, reply, 'an answer or a close within %.1f s of '
                      'the client closing its side (RFC 9112 §9.5)' %
                      self.probe.timeout, 'neither within %.1f s, for: %s'
                      % (reply.elapsed, shown), level=SHOULD)
        if must_answer and reply.status is None:
            self.fail(data, reply, 'a response to a valid request',
                      'the connection closed without one, for: ' + shown)
        problem = self.probe.target.still_serving()
        if problem:
            self.fail(data, reply, 'the server keeps serving',
                      '%s, after: %s' % (problem, shown))

    def fail(self, data, reply, expected, observed, level=None, rule=None):
        """Record the input as evidence and end the case: at its level, or
        at ``level`` when the expectation is a weaker requirement; a
        ``rule`` every case is held to is recorded as broken too."""
        self.probe.record(data, reply, 'the input that broke the rule')
        if rule is not None:
            self.probe.hold_to(rule, False, expected, observed)
        self.probe.expect(False, expected, observed, level=level)


def shown_input(data):
    """An input on one line, CR and LF escaped."""
    return show_bytes(data[:SHOWN]).replace('\n', '')


def exchange(fuzz, data, must_answer=False):
    reply = fuzz.send(data)
    fuzz.judge(data, reply, must_answer)
    return reply
