"""Mutants for conformance/cases/status.py."""
from microdot_server import Server

from breakage import drop_header, replace_status_line


def _not_liveness(req):
    # Leave GET / alone, so that the harness's liveness check still passes
    # and the verdict comes from the case itself.
    return req is not None and req.path != '/'


def _on_head(condition, rewrite):
    def apply(head, res, req):
        return rewrite(head, res) if condition(res, req) else head
    return apply


def _on_send(condition, change):
    def apply(res, req):
        if condition(res, req):
            change(res)
    return apply


def status_line_without_reason(b):
    # 'HTTP/1.1 204': no reason phrase, and no SP before it either.
    b.response_head(_on_head(
        lambda res, req: _not_liveness(req),
        lambda head, res: replace_status_line(
            head, b'HTTP/1.1 %d' % res.status_code)))


def control_character_in_reason(b):
    b.response_head(_on_head(
        lambda res, req: req is not None and req.path.startswith('/status/'),
        lambda head, res: replace_status_line(
            head, b'HTTP/1.1 %d Odd\x7fReason' % res.status_code)))


def exception_answered_200(b):
    def succeed(res):
        res.status_code = 200
    b.before_send(_on_send(
        lambda res, req: req is not None and req.path == '/error/raise',
        succeed))


def every_abort_is_400(b):
    def to_400(res):
        res.status_code = 400
    b.before_send(_on_send(
        lambda res, req: req is not None and
        req.path.startswith('/error/abort/'), to_400))


def invalid_status_unanswered(b):
    # When the application asks for a status outside 100..599 nothing is
    # sent, and the connection is left open until the client gives up.
    async def stalled(server, original, conn, res, req, keep):
        if 100 <= res.status_code <= 599:
            return await original(conn, res, req, keep)
        while await conn.receive():  # no deadline: until the client leaves
            pass
        return False
    b.override(Server, 'send', stalled)


def error_without_content_type(b):
    b.response_head(_on_head(
        lambda res, req: res.status_code >= 400,
        lambda head, res: drop_header(head, 'Content-Type')))


def error_without_explanation(b):
    def empty(res):
        res.body = b''
    b.before_send(_on_send(lambda res, req: res.status_code >= 400, empty))


MUTANTS = {
    'RFC9112-4-status-line-syntax': status_line_without_reason,
    'RFC9110-15-reason-phrases': control_character_in_reason,
    'CONTRACT-handler-exception-500': exception_answered_200,
    'CONTRACT-abort-status': every_abort_is_400,
    'RFC9110-15-invalid-status-answered': invalid_status_unanswered,
    'RFC9110-8.3-error-content-type': error_without_content_type,
    'RFC9110-15.5-error-explanation': error_without_explanation,
}
