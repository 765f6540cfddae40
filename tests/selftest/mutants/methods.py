"""Mutants for conformance/cases/methods.py."""
import app as fixture
from microdot_http import Protocol

from breakage import drop_header
from mutants.framing import patch_head
from mutants.request_line import garbles_answer_to, stall_on


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
    b.replace(Protocol, 'field_line',
              lambda protocol, name, value: str(value).encode())


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


def unknown_path_refused_for(method):
    """``method`` on a path no route matches gets 501, as if the method
    were unknown."""
    def mutant(b):
        original = fixture.app.find_route

        def find_route(req):
            found = original(req)
            return 501 if found == 404 and req.method == method else found
        b.attr(fixture.app, 'find_route', find_route)
    return mutant


def connect_tunnels(b):
    # CONNECT's authority-form target accepted, and answered 200: a tunnel.
    b.override(Protocol, 'target', lambda protocol, original, method,
               target, headers: '/' if method == 'CONNECT'
               else original(method, target, headers))
    b.before_send(_when(lambda res, req: req.method == 'CONNECT',
                        lambda res, req: setattr(res, 'status_code', 200)))


def trace_reflects_everything(b):
    # TRACE answered with the request as received, secrets included.
    def reflect(res, req):
        lines = ['%s %s HTTP/%s' % (req.method, req.url, req.http_version)]
        lines += ['%s: %s' % item for item in req.headers.items()]
        res.status_code, res.body = 200, '\r\n'.join(lines).encode()
        res.headers['Content-Type'] = 'message/http'
        res.headers.pop('Content-Length')
        res.headers.pop('Allow')
    b.before_send(_when(lambda res, req: req.method == 'TRACE', reflect))


def trace_content_unframed(b):
    # The Content-Length of a TRACE is not read: its content is left for
    # the next request.
    def broken(lines, original):
        method, url, version, headers = original(lines)
        if method == 'TRACE':
            headers.pop('Content-Length')
        return method, url, version, headers
    patch_head(b, broken)


def ranges_on_any_method(b):
    # Range applied to whatever answer a request gets, POST's too.
    def partial(res, req):
        spec = req.headers.get('Range', '')
        first, _, last = spec[len('bytes='):].partition('-')
        body = res.body
        res.status_code, res.body = 206, body[int(first):int(last) + 1]
        res.headers['Content-Range'] = 'bytes %s-%s/%d' % (first, last,
                                                           len(body))
        res.headers.pop('Content-Length')
    b.before_send(_when(lambda res, req: req.method == 'POST' and
                        'Range' in req.headers and
                        isinstance(res.body, bytes), partial))


MUTANTS = {
    'RFC9110-9.3.1-get': get_answered_204,
    'CONTRACT-unknown-path-404': status_to(404, 200),
    'CONTRACT-unknown-path-404-post': unknown_path_refused_for('POST'),
    'CONTRACT-unknown-path-404-put': unknown_path_refused_for('PUT'),
    'CONTRACT-unknown-path-404-delete': unknown_path_refused_for('DELETE'),
    'CONTRACT-unknown-path-404-patch': unknown_path_refused_for('PATCH'),
    'CONTRACT-unknown-path-404-head': unknown_path_refused_for('HEAD'),
    'RFC9110-9.3.6-connect-refused': connect_tunnels,
    'RFC9110-9.3.8-trace': stall_on(b'TRACE / HTTP/1.1'),
    'RFC9110-9.3.8-trace-sensitive-fields': trace_reflects_everything,
    'RFC9110-9.3.8-trace-with-body': garbles_answer_to(
        lambda req: req.method == 'TRACE' and req.content_length),
    'RFC9112-6.3-trace-content-framed': trace_content_unframed,
    'RFC9110-9.1-405-status': status_to(405, 400),
    'RFC9110-15.5.6-405-allow': no_allow,
    'RFC9110-10.2.1-allow-excludes-refused': allow_lists_everything_folded,
    'RFC9110-9.1-unknown-method-501': status_to(501, 405),
    'RFC9110-9.1-method-case-sensitive': uppercase_methods,
    'RFC9110-9.1-lower-case-method-501': uppercase_methods,
    'RFC9110-9.1-trace-405-or-501': status_to(405, 404),
    'RFC9110-9.3.8-trace-with-content-refused': status_to(405, 404),
    'RFC9110-9.3.2-head-no-body': head_sent_as_get,
    'RFC9110-9.3.2-head-same-headers': extra_header_on_head,
    'RFC9110-8.6-head-content-length': empty_body_on_head,
    'RFC9110-9.3.2-head-streamed': head_sent_as_get,
    'RFC9110-9.3.7-options-allow': options_without_allow,
    'CONTRACT-options-unknown-404': options_everywhere,
    'RFC9110-9.3.7-options-asterisk': malformed_options_answer,
    'RFC9110-14.2-range-on-post-ignored': ranges_on_any_method,
}
