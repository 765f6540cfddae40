"""Mutants for conformance/cases/request_line.py."""
import re

import app as fixture
from microdot import Request
from microdot_http import HTTPError, Protocol

from breakage import replace_status_line

VERSION = re.compile('^HTTP/[0-9][.][0-9]$')  # what the reference checks


def waits_forever(b):
    # A read never times out: a server stuck on its input hangs.
    b.attr(Request, 'socket_read_timeout', 30)


def stall_on(marker):
    """The server never sees the end of a head holding ``marker``."""
    def mutant(b):
        waits_forever(b)
        b.incoming(lambda data: data.rstrip(b'\r\n') + b'\r\n'
                   if marker in data else data)
    return mutant


def garbles_answer_to(asked):
    """The answer to a request for which ``asked(req)`` holds has a
    malformed status line (a break of the rule every case is held to)."""
    def mutant(b):
        b.response_head(lambda head, res, req: head.replace(
            b'HTTP/1.1 ', b'HTTP/1.1  ', 1) if req is not None and asked(req)
            else head)
    return mutant


def patch_request_line(b, fix):
    """Parse request lines with ``fix(line, original)``."""
    b.override(Protocol, 'request_line',
               lambda protocol, original, line: fix(line, original))


def lenient_target(protocol, line):
    # Checks method and version, lets anything through in the target.
    parts = line.split(b' ')
    if len(parts) != 3:
        raise HTTPError(400)
    method, target, version = [p.decode('latin-1') for p in parts]
    if VERSION.match(version) is None:
        raise HTTPError(400)
    return method, target, version[5:]


def accept_any_target(b):
    b.replace(Protocol, 'request_line', lenient_target)


def drop_query(b):
    def fix(line, original):
        method, target, version = original(line)
        return method, target.split('?')[0], version
    patch_request_line(b, fix)


def default_version(b):
    patch_request_line(b, lambda line, original: original(
        line + b' HTTP/1.1' if line.count(b' ') == 1 else line))


def version_any_case(b):
    b.incoming(lambda data: data.replace(b' http/1.1\r\n', b' HTTP/1.1\r\n'))


def loose_version(b):
    # Any run of digits and dots after "HTTP/" is a version: read as 1.1.
    def fix(line, original):
        method, _, rest = line.partition(b' ')
        target, _, version = rest.rpartition(b' ')
        if re.match(rb'^HTTP/[0-9.]+$', version):
            version = b'HTTP/1.1'
        return original(method + b' ' + target + b' ' + version)
    patch_request_line(b, fix)


def echo_http2_version(b):
    b.response_head(lambda head, res, req: replace_status_line(
        head, b'HTTP/2.0 505 HTTP Version Not Supported')
        if res.status_code == 505 else head)


def no_line_limit(b):
    b.attr(Request, 'max_readline', 1 << 20)


def any_method_syntax(b):
    # Whatever comes before the first space is the method.
    def fix(line, original):
        method, space, rest = line.partition(b' ')
        _, target, version = original(b'GET' + space + rest)
        return method.decode('latin-1'), target, version
    patch_request_line(b, fix)


def no_empty_lines(b):
    # An empty line before the request line is a malformed request line.
    def head_lines(protocol, original):
        if protocol.buf[:1] in (b'\r', b'\n') and protocol.buf:
            raise HTTPError(400)
        return original()
    b.override(Protocol, 'head_lines', head_lines)


def answers_bare_lf_in_kind(b):
    # Takes bare LF as a line end, and ends the lines of its answer to such
    # a request (the bare-LF case asks for /echo/path/lf) with a bare LF
    # too: a malformed response.
    b.response_head(lambda head, res, req: head.replace(b'\r\n', b'\n')
                    if req is not None and req.path == '/echo/path/lf'
                    else head)


def origin_form_only(b):
    def strict(protocol, original, method, target, headers):
        if target != '*':
            raise HTTPError(400)
        return original(method, target, headers)
    b.override(Protocol, 'target', strict)


def only_known_minors(b):
    def strict(line, original):
        method, target, version = original(line)
        if version not in ('1.0', '1.1'):
            raise HTTPError(505)
        return method, target, version
    patch_request_line(b, strict)


def version_space_squeezed(b):
    # "HTTP/ 1.1" read as "HTTP/1.1"
    patch_request_line(b, lambda line, original: original(
        line.replace(b'HTTP/ ', b'HTTP/')))


def last_word_is_version(protocol, line):
    # Method first, version last, and whatever lies between is the target.
    parts = line.split(b' ')
    method, version = parts[0].decode(), parts[-1].decode()
    if VERSION.match(version) is None:
        raise HTTPError(400)
    return method, b' '.join(parts[1:-1]).decode('latin-1'), version[5:]


def spaces_kept_in_target(b):
    b.replace(Protocol, 'request_line', last_word_is_version)


def fragment_stripped(b):
    patch_request_line(b, lambda line, original: original(
        re.sub(rb'#[^ ]*', b'', line)))


def default_target(b):
    # A request line of two words gets "/" for a target.
    def fix(line, original):
        words = [w for w in line.split(b' ') if w]
        if len(words) == 2:
            line = words[0] + b' / ' + words[1]
        return original(line)
    patch_request_line(b, fix)


def bare_cr_ends_lines(b):
    b.incoming(lambda data: re.sub(rb'\r(?!\n)', b'\r\n', data))


def line_limit_one_less(b):
    b.attr(Request, 'max_readline', Request.max_readline - 1)


def request_line_errors_are_500(b):
    # A request line the parser cannot read escapes as a server error.
    def fix(line, original):
        try:
            return original(line)
        except HTTPError:
            raise HTTPError(500)
    patch_request_line(b, fix)


def long_methods_are_400(b):
    def fix(line, original):
        if len(line.split(b' ', 1)[0]) > 32:
            raise HTTPError(400)
        return original(line)
    patch_request_line(b, fix)


def preface_answered_200(b):
    # An unsupported major version answered as if it were a success.
    b.response_head(lambda head, res, req: replace_status_line(
        head, b'HTTP/1.1 200 OK') if res.status_code == 505 else head)


def stops_on_empty_lines_then_close(b):
    # A client that sent only empty lines, then closed, takes the server
    # down with it.
    def feed(protocol, original, data):
        if data and not data.strip(b'\r\n'):
            protocol.only_empty_lines = True
        elif not data and getattr(protocol, 'only_empty_lines', False) and \
                not protocol.buf:
            fixture.app.server.stop()
        return original(data)
    b.override(Protocol, 'feed', feed)


def echo_http10(b):
    b.response_head(lambda head, res, req:
                    b'HTTP/1.0' + head[8:]
                    if req is not None and req.http_version == '1.0'
                    else head)


def bare_lf_kept_then_500(b):
    # Lines end at CRLF only: a bare LF stays in its line (shown to the
    # parser as a control byte), and the parser's refusal escapes as a
    # server error.
    b.incoming(lambda data: re.sub(rb'(?<!\r)\n(?!\r\n)', b'\x0b', data)
               if b'\r\n\r\n' in data else data)
    b.before_send(lambda res, req: setattr(res, 'status_code', 500)
                  if res.status_code == 400 else None)


def line_alone_is_a_request(b):
    # A request line without a version is taken as a whole request
    # (HTTP/0.9's), and its missing version escapes as a server error.
    def head_lines(protocol, original):
        lines = original()
        match = re.match(rb'^([A-Za-z]+ [^ \r\n]+)\r\n', protocol.buf)
        if lines is None and match:
            protocol.buf = protocol.buf[match.end():]
            return [match.group(1)]
        return lines
    b.override(Protocol, 'head_lines', head_lines)
    request_line_errors_are_500(b)


MUTANTS = {
    'RFC9112-2.2-bare-lf-request-line': bare_lf_kept_then_500,
    'RFC9112-2.2-bare-lf-field-line': bare_lf_kept_then_500,
    'RFC9112-3-double-space-or-400': request_line_errors_are_500,
    'RFC9112-3-tab-separator-or-400': request_line_errors_are_500,
    'RFC9112-3-http09-request-line': line_alone_is_a_request,
    'RFC9112-2.3-version-leading-zeros': loose_version,
    'RFC9112-3-request-line-valid': drop_query,
    'RFC9112-3-missing-version': default_version,
    'RFC9112-3-double-space': stall_on(b'GET  /'),
    'RFC9112-3-tab-separator': stall_on(b'GET\t/'),
    'RFC9112-2.3-version-case-sensitive': version_any_case,
    'RFC9112-2.3-version-no-dot': loose_version,
    'RFC9112-2.3-version-missing-minor': loose_version,
    'RFC9112-2.3-version-no-dot-two-digits': loose_version,
    'RFC9112-2.3-version-three-parts': loose_version,
    'RFC9112-2.3-version-minor-leading-zero': loose_version,
    'RFC9112-2.3-version-major-leading-zero': loose_version,
    'RFC9112-2.3-version-space-inside': version_space_squeezed,
    'RFC9112-3-version-trailing-space': stall_on(b'HTTP/1.1 \r\n'),
    'RFC9110-15.6.6-http2-505': stall_on(b' HTTP/2.0\r\nHost'),
    'RFC9110-6.2-no-unsupported-version': echo_http2_version,
    'RFC9112-3-target-too-long-414': no_line_limit,
    'CONTRACT-request-line-at-limit': line_limit_one_less,
    'RFC9112-3-method-not-token': any_method_syntax,
    'RFC9112-2.2-leading-empty-line': no_empty_lines,
    'RFC9112-2.2-bare-cr-request-line': accept_any_target,
    'RFC9112-2.2-bare-lf': answers_bare_lf_in_kind,
    'RFC9112-3-control-in-target-nul': accept_any_target,
    'RFC9112-3-control-in-target-esc': accept_any_target,
    'RFC9112-3-control-in-target-del': accept_any_target,
    'RFC9112-3-non-ascii-target': accept_any_target,
    'RFC9112-3.2.2-absolute-form': origin_form_only,
    # stalls on "GET *" (the request line alone, then waits for more)
    'RFC9112-3.2.4-asterisk-not-options': stall_on(b'GET * HTTP/1.1'),
    # an HTTP/1.0 head without fields: waits for a Host that never comes
    'RFC9112-3.2-http10-without-host': stall_on(b' HTTP/1.0\r\n\r\n'),
    'RFC9110-6.2-higher-minor-version': only_known_minors,
    'RFC9110-6.2-response-version': echo_http10,
    'RFC9112-3.2-space-in-target': spaces_kept_in_target,
    'RFC9112-3.2-fragment-in-target': fragment_stripped,
    'RFC9112-3-missing-target': default_target,
    'RFC9112-2.2-cr-ends-request-line': bare_cr_ends_lines,
    'RFC9112-2.2-binary-garbage': request_line_errors_are_500,
    'RFC9112-2.2-whitespace-only-line': request_line_errors_are_500,
    'RFC9112-2.2-only-empty-lines': stops_on_empty_lines_then_close,
    'RFC9112-3-long-method-501': long_methods_are_400,
    'RFC9110-6.2-h2-preface-refused': preface_answered_200,
}
