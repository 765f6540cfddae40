"""Mutants for conformance/cases/methods.py."""
import app as fixture
import microdot_http

from breakage import drop_header


def _when(condition, change):
    # A before_send change applied only to matching exchanges.
    def apply(res, req):
        if req is not None and condition(res, req):
            change(res, req)
    return apply


def get_answered_204(b):
    # GET / answered with 204 and no content: a success still, so that the
    # harness's liveness check passes and the verdict is the case's own.
    def no_content(res, req):
        res.status_code, res.body = 204, b''
    b.before_send(_when(lambda res, req: req.path == '/' and
                        req.method == 'GET', no_content))


def status_to(old, new):
    def mutant(b):
        b.before_send(_when(lambda res, req: res.status_code == old,
                            lambda res, req: setattr(res, 'status_code',
                                                     new)))
    return mutant


def no_allow(b):
    b.response_head(lambda head, res, req: drop_header(head, 'Allow'))


def allow_lists_everything_folded(b):
    # Allow lists every method, on a folded line (obs-fold), which no sender
    # may generate (RFC 9112 §5.2): a malformed response.
    b.before_send(_when(lambda res, req: res.status_code == 405,
                        lambda res, req: res.headers.__setitem__(
                            'Allow', 'GET, HEAD,\r\n POST, OPTIONS')))
    b.attr(microdot_http, 'refuse_ctl', lambda what, value: None)


def uppercase_methods(b):
    b.incoming(lambda data: data[:4].upper() + data[4:]
               if data[:4] == b'get ' else data)


def head_sent_as_get(b):
    b.before_send(_when(lambda res, req: req.method == 'HEAD',
                        lambda res, req: setattr(req, 'method', 'GET')))


def extra_header_on_head(b):
    b.before_send(_when(lambda res, req: req.method == 'HEAD',
                        lambda res, req: res.headers.__setitem__(
                            'X-Only-On-Head', 'yes')))


def empty_body_on_head(b):
    b.before_send(_when(lambda res, req: req.method == 'HEAD',
                        lambda res, req: setattr(res, 'body', b'')))


def options_without_allow(b):
    b.before_send(_when(lambda res, req: req.method == 'OPTIONS',
                        lambda res, req: res.headers.pop('Allow')))


def options_everywhere(b):
    b.attr(fixture.app, 'options_handler',
           lambda req: {'Allow': 'GET, HEAD, OPTIONS'})


def malformed_options_answer(b):
    b.response_head(lambda head, res, req:
                    b'HTTP/1.1 200 OK\r\nthis is not a header\r\n\r\n'
                    if req is not None and req.method == 'OPTIONS' else head)


MUTANTS = {
    'RFC9110-9.3.1-get': get_answered_204,
    'CONTRACT-unknown-path-404': status_to(404, 200),
    'RFC9110-9.1-405-status': status_to(405, 400),
    'RFC9110-15.5.6-405-allow': no_allow,
    'RFC9110-10.2.1-allow-excludes-refused': allow_lists_everything_folded,
    'RFC9110-9.1-unknown-method-501': status_to(501, 405),
    'RFC9110-9.1-method-case-sensitive': uppercase_methods,
    'RFC9110-9.3.2-head-no-body': head_sent_as_get,
    'RFC9110-9.3.2-head-same-headers': extra_header_on_head,
    'RFC9110-8.6-head-content-length': empty_body_on_head,
    'RFC9110-9.3.2-head-streamed': head_sent_as_get,
    'RFC9110-9.3.7-options-allow': options_without_allow,
    'CONTRACT-options-unknown-404': options_everywhere,
    'RFC9110-9.3.7-options-asterisk': malformed_options_answer,
}
