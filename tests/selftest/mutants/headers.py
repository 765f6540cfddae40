"""Mutants for conformance/cases/headers.py."""
import re

from microdot import Request
from microdot_http import is_token
from microdot_server import Server

from mutants.framing import patch_field, patch_head
from mutants.request_line import line_limit_one_less, no_line_limit, \
    stall_on


def _any_value(line, headers, original, name_ok=is_token):
    # A header line taken as it is: the name before the first colon (if
    # ``name_ok``), the value after it, whatever bytes they hold.
    name, colon, value = line.partition(b':')
    name = name.decode('latin-1')
    if not colon or not name_ok(name):
        return original(line, headers)
    headers[name] = value.strip(b' \t').decode('latin-1')


def ignore_lines(condition):
    """Header lines matching ``condition`` are skipped, not refused."""
    def mutant(b):
        patch_field(b, lambda line, headers, original: None
                    if condition(line) else original(line, headers))
    return mutant


def crash_on(condition):
    """A header line matching ``condition`` crashes the parser: the
    connection closes without an answer."""
    def fix(line, headers, original):
        if condition(line):
            raise RuntimeError('parser crash on %r' % line)
        original(line, headers)

    def mutant(b):
        patch_field(b, fix)
    return mutant


def trim_name(b):
    patch_field(b, lambda line, headers, original: original(
        re.sub(rb'^([^:]*?)[ \t]+:', rb'\1:', line), headers))


def unfold_leading_whitespace(b):
    patch_field(b, lambda line, headers, original: original(
        line.lstrip(b' \t'), headers))


def allow_controls(b):
    patch_field(b, _any_value)


def any_name_syntax(b):
    patch_field(b, lambda line, headers, original: _any_value(
        line, headers, original, bool))


def no_field_count_limit(b):
    b.attr(Request, 'max_headers', 1 << 10)


def case_sensitive_names(b):
    # The fields in a plain dict: "content-length" is not Content-Length.
    def broken(lines, original):
        method, url, version, headers = original(lines)
        return method, url, version, dict(headers)
    patch_head(b, broken)


def keep_ows(b):
    def fix(line, headers, original):
        original(line, headers)
        name, _, value = line.partition(b':')
        if name.startswith(b'X-'):  # Host with OWS would break every test
            headers[name.decode()] = value.decode('latin-1')
    patch_field(b, fix)


def default_host(b):
    def lenient(lines, original):
        if not any(line.lower().startswith(b'host:') for line in lines[1:]):
            lines = lines + [b'Host: localhost']
        return original(lines)
    patch_head(b, lenient)


def first_host_wins(b):
    patch_field(b, lambda line, headers, original: None
                if line.lower().startswith(b'host:') and 'Host' in headers
                else original(line, headers))


def any_host(b):
    def lenient(line, headers, original):
        if line.lower().startswith(b'host:') and 'Host' not in headers:
            headers['Host'] = line[5:].strip().decode('latin-1')
        else:
            original(line, headers)
    patch_field(b, lenient)


def crash_on_long_host(b):
    # A Host checked by a recursive matcher that runs out of stack on a long
    # value (MicroPython's re did): the connection closes without an answer.
    crash_on(lambda line: line.lower().startswith(b'host:') and
             len(line) > 500)(b)


def field_limit_one_less(b):
    b.attr(Request, 'max_headers', Request.max_headers - 1)


def host_list_first_member(b):
    # A Host list taken for its first member, as a list-minded parser would.
    patch_field(b, lambda line, headers, original: original(
        line.split(b',')[0] if line.lower().startswith(b'host:') else line,
        headers))


def name_bytes_normalised(b):
    # Bytes outside ASCII in a field name replaced, the line then accepted.
    def fix(line, headers, original):
        name, colon, value = line.partition(b':')
        original(bytes(c if c < 127 else 0x78 for c in name) + colon + value,
                 headers)
    patch_field(b, fix)


def continue_to_http10(b):
    # A 100 (Continue) for every "Expect: 100-continue", HTTP/1.0 too.
    async def read_request(server, original, conn, protocol):
        req, stream = await original(conn, protocol)
        if req is not None and req.http_version == '1.0' and \
                req.headers.get('Expect') == '100-continue':
            conn.write(b'HTTP/1.1 100 Continue\r\n\r\n')
        return req, stream
    b.override(Server, 'read_request', read_request)


def limit_checked_after_the_body(b):
    # The expectation is dropped and the body limit not checked until the
    # body is in: the client waits for a 100 that never comes.
    b.incoming(lambda data: data.replace(b'Expect: 100-continue\r\n', b''))
    b.attr(Request, 'max_content_length', 1 << 30)
    b.attr(Request, 'max_body_length', 1 << 30)  # read before dispatch


def server_error_when(condition):
    """A 500 for a request whose headers meet ``condition`` (a handler or a
    negotiation step that raises on them)."""
    def crash(res, req):
        if req is not None and condition(req.headers):
            res.status_code, res.body = 500, b'Internal server error'
            res.headers.pop('Content-Length')

    def mutant(b):
        b.before_send(crash)
    return mutant


def server_error_for_the_unusual(b):
    # A 500 for every request but the plainest GET / (the liveness
    # check's), refusals included: what the CONTRACT-no-5xx cases catch.
    def plain(req):
        return req is not None and req.method == 'GET' and \
            req.path == '/' and req.http_version == '1.1' and \
            [n.lower() for n in req.headers] == ['host'] and \
            req.headers['Host'].startswith('127.0.0.1:')

    def crash(res, req):
        if not plain(req):
            res.status_code, res.body = 500, b'Internal server error'
            res.headers.pop('Content-Length')
    b.before_send(crash)


NO_5XX = ('trailer-content-length', 'trailer-transfer-encoding',
          'trailer-host', 'trailer-authorization', 'trailer-content-type',
          'get-with-content', 'head-with-content', 'options-with-content',
          'byte-after-empty-body', 'absolute-form-other-host',
          'unknown-expectation', 'http10-without-host', 'two-content-types',
          'unacceptable-accept', 'backslash-in-target',
          'nul-escape-in-target', 'crlf-escape-in-target', 'empty-cookie',
          'cookie-only-separators', 'two-cookie-lines', 'cookie-empty-value',
          'cookie-space-and-equals', '64k-cookie', '1000-cookie-pairs')

MUTANTS = {
    'RFC9112-3.2-host-two-values': first_host_wins,
    'RFC9112-5.1-space-before-colon': trim_name,
    'RFC9112-5.2-obs-fold': ignore_lines(lambda line: line[:1] in b' \t'),
    'RFC9112-2.2-whitespace-before-first-field': unfold_leading_whitespace,
    'RFC9112-5-line-without-colon': ignore_lines(lambda line:
                                                 b':' not in line),
    'RFC9112-5-empty-field-name': ignore_lines(lambda line:
                                               line[:1] == b':'),
    'RFC9110-5.1-name-not-token': any_name_syntax,
    'RFC9110-5.5-cr-in-value': allow_controls,
    'RFC9110-5.5-nul-in-value': allow_controls,
    'RFC9110-5.5-ctl-in-value': stall_on(b'X-Ctl: a\x01b'),
    'RFC9110-5.5-obs-text-value': crash_on(lambda line: b'\xe9' in line),
    'RFC9110-5.4-field-line-too-long': no_line_limit,
    'CONTRACT-field-line-at-limit': line_limit_one_less,
    'RFC9110-5.4-long-field-name': no_line_limit,
    'CONTRACT-fields-at-limit': field_limit_one_less,
    'RFC9110-5.1-non-ascii-field-name': name_bytes_normalised,
    'RFC9112-3.2-host-list': host_list_first_member,
    'RFC9112-3.3-host-empty': stall_on(b'\r\nHost: \r\n'),
    'RFC9112-3.2.2-absolute-form-host-differs': stall_on(
        b'GET http://other.test/'),
    'RFC9110-15.2-no-1xx-to-http10': continue_to_http10,
    'RFC9110-10.1.1-unknown-expectation': stall_on(b'Expect: 200-ok'),
    'RFC9110-10.1.1-expect-over-limit': limit_checked_after_the_body,
    'RFC9110-5.4-too-many-fields': no_field_count_limit,
    'RFC9110-5.1-names-case-insensitive': case_sensitive_names,
    'RFC9110-5.5-ows-trimmed': keep_ows,
    'RFC9112-3.2-host-missing': default_host,
    'RFC9112-3.2-host-twice': first_host_wins,
    'RFC9112-3.2-host-invalid': any_host,
    'RFC9110-5.4-long-host': crash_on_long_host,
    # a repeated field line: the server never sees the end of the head
    'RFC9110-5.3-repeated-fields': stall_on(b'Accept-Language: fr'),
    'CONTRACT-repeated-content-type': server_error_when(
        lambda headers: ',' in headers.get('Content-Type', '')),
    'CONTRACT-unacceptable-accept': server_error_when(
        lambda headers: 'x-nonsense' in headers.get('Accept', '')),
    'CONTRACT-unknown-content-type': server_error_when(
        lambda headers: 'x-nonsense' in headers.get('Content-Type', '')),
}
MUTANTS.update(('CONTRACT-no-5xx-' + suffix, server_error_for_the_unusual)
               for suffix in NO_5XX)
