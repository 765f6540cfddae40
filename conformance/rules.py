"""The rules every case's exchanges are held to, judged once each.

Whatever a case asks, the server owes it a well-formed answer, an answer
(or a close) to every complete request, service after the case, and on a
WebSocket only frames a server may send. A case
that sees one of these broken is judged at its own level, and the break is
recorded against the rule, which the run judges once, after the cases,
under its own id, with every case that saw it as evidence::

    raise Violation(expected, observed, rule=ANSWERS.id)
    judge_rule(ANSWERS, results)     # conformance.judge: FAIL, naming them

So a server that hangs on one request costs one FAIL of the rule, not a
FAIL under every SHOULD or MAY case that happened to send that request.
"""
from conformance.case import MUST, Case, register


class Rule(Case):
    """A requirement of every exchange, not of one case."""
    is_rule = True

    def __init__(self, id, rfc, requirement):
        super().__init__(id, rfc, MUST, requirement, None, 'rules')


WELL_FORMED = register(Rule(
    'RFC9110-2.2-well-formed-responses', 'RFC 9110 §2.2; RFC 9112 §2.1, §8',
    'Every response matches the HTTP/1.1 message grammar ("a sender MUST '
    'NOT generate protocol elements that do not match the grammar"), '
    'and arrives whole (not cut short by a reset or a close)'))
ANSWERS = register(Rule(
    'CONTRACT-answers-every-request', 'fixtures/CONTRACT.md (Service)',
    'A complete request is answered, or its connection closed, within the '
    'read timeout'))
KEEPS_SERVING = register(Rule(
    'CONTRACT-keeps-serving', 'fixtures/CONTRACT.md (Service)',
    'After every case the server still answers a GET of the liveness path '
    'with a 2xx'))
WEBSOCKET_FRAMES = register(Rule(
    'RFC6455-5-frames-a-server-may-send', 'RFC 6455 §5.1, §5.2, §5.4, §5.5',
    'Every frame a server sends on a WebSocket is one it may send (not '
    'masked, no reserved bits or opcodes, its length in the fewest bytes, '
    'control frames of at most 125 bytes and never fragmented, a message\'s '
    'fragments in order), and no HTTP follows the 101'))
RULES = (WELL_FORMED, ANSWERS, KEEPS_SERVING, WEBSOCKET_FRAMES)
