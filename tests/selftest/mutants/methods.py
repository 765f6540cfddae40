"""Mutants for conformance/cases/methods.py."""
import app as fixture

from breakage import drop_header


def _when(condition, change):
    # A before_send change applied only to matching exchanges.
    def apply(res, req):
        if req is not None and condition(res, req):
            change(res, req)
    return apply


def wrong_index_body(b):
    b.before_send(_when(lambda res, req: req.path == '/' and
                        req.method == 'GET',
                        lambda res, req: setattr(res, 'body', b'wrong')))


def status_to(old, new):
    def mutant(b):
        b.before_send(_when(lambda res, req: res.status_code == old,
                            lambda res, req: setattr(res, 'status_code',
                                                     new)))
    return mutant


def no_allow(b):
    b.response_head(lambda head, res, req: drop_header(head, 'Allow'))


def allow_lists_everything(b):
    b.before_send(_when(lambda res, req: res.status_code == 405,
                        lambda res, req: res.headers.__setitem__(
                            'Allow', 'GET, HEAD, POST, OPTIONS')))


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
    'RFC9110-9.3.1-get': wrong_index_body,
    'RFC9110-15.5.5-unknown-path-404': status_to(404, 200),
    'RFC9110-15.5.6-405-status': status_to(405, 400),
    'RFC9110-15.5.6-405-allow': no_allow,
    'RFC9110-10.2.1-allow-excludes-refused': allow_lists_everything,
    'RFC9110-15.6.2-unknown-method-501': status_to(501, 405),
    'RFC9110-9.1-method-case-sensitive': uppercase_methods,
    'RFC9110-9.3.2-head-no-body': head_sent_as_get,
    'RFC9110-9.3.2-head-same-headers': extra_header_on_head,
    'RFC9110-9.3.2-head-content-length': empty_body_on_head,
    'RFC9110-9.3.2-head-streamed': head_sent_as_get,
    'RFC9110-9.3.7-options-allow': options_without_allow,
    'RFC9110-9.3.7-options-unknown-404': options_everywhere,
    'RFC9110-9.3.7-options-asterisk': malformed_options_answer,
}
