"""Header fields: field-line syntax, limits, Host and Expect (RFC 9110 §5,
§10.1.1, §15.2; RFC 9112 §2.2, §3.2, §5), and fields a server may refuse
or ignore but never answer with a server error (the fixture contract)."""
import json
import re

from conformance.case import MAY, MUST, SHOULD, case
from conformance.contract import echoed_header, expect_echo, post
from conformance.limits import long_field, numbered_fields
from conformance.probe import header_text, quoted


def _get(probe, *field_lines, host=True):
    """GET /echo (or the target's own path, ``probe.carrier``) with extra
    field lines (raw bytes or (name, value))."""
    return probe.request('GET', probe.carrier('GET', '/echo')[1],
                         list(field_lines), host=host)


def _is_2xx(reply):
    return reply.status is not None and 200 <= reply.status < 300


def _seen_value(probe, reply, name, judged=True):
    """The value the application saw for ``name``, when it accepted the
    request (else None). A server with its own application cannot say: a
    case that judges the value is then set aside, one that only records it
    (``judged=False``) records None."""
    if not _is_2xx(reply) or not (judged or probe.target.contract):
        return None
    return echoed_header(probe, reply, name)


def _seen(reply, name, value):
    """The reply, and what the application saw when it accepted (the value
    as a JSON string: exact, and escaped)."""
    if not _is_2xx(reply):
        return reply.describe()
    return '%s; the application saw %s' % (
        reply.describe(), 'no %s field' % name if value is None else
        '%s: %s' % (name, json.dumps(value)))


def _rejected_or_cleaned(probe, reply, name, bad):
    """A field value holding ``bad`` (CR, NUL) is rejected (4xx or a close),
    or reaches the application with ``bad`` replaced (RFC 9110 §5.5)."""
    value = _seen_value(probe, reply, name)
    probe.expect(probe.refused(reply) or (value is not None and
                                          bad not in value),
                 'a 4xx or a close, or the value with %s replaced by SP'
                 % quoted(bad), _seen(reply, name, value))


@case('RFC9112-5.1-space-before-colon', 'RFC 9112 §5.1', MUST,
      'A request with whitespace between a field name and its colon is '
      'rejected with 400')
def space_before_colon(probe):
    # Http11Probe's three: RFC9110-5.6.2-SP-BEFORE-COLON,
    # NORM-SP-BEFORE-COLON-CL (after a valid Content-Length),
    # SMUG-TE-SP-BEFORE-COLON (before one)
    hello = b'hello world'
    for data in (_get(probe, b'X-Test : value'),
                 probe.request('POST', '/echo', [b'Content-Length: 11',
                                                 b'Content-Length : 5'], hello),
                 probe.request('POST', '/echo/body', [
                     b'Transfer-Encoding : chunked', b'Content-Length: 5'],
                     b'hello')):
        probe.expect_status(probe.exchange(data), 400)


@case('RFC9112-5.2-obs-fold', 'RFC 9112 §5.2', MUST,
      'A field value continued on the next line (obs-fold) is rejected with '
      '400, or the fold is replaced by SP before the value is used')
def obs_fold(probe):
    reply = probe.exchange(_get(probe, b'X-Folded: first', b' second'))
    value = _seen_value(probe, reply, 'X-Folded')
    unfolded = value is not None and \
        re.match('^first[ \t]+second$', value) is not None
    probe.expect(reply.status == 400 or unfolded,
                 'status 400, or X-Folded seen as "first second"',
                 _seen(reply, 'X-Folded', value))


@case('RFC9112-2.2-whitespace-before-first-field', 'RFC 9112 §2.2', MUST,
      'A whitespace-preceded line right after the request line is rejected '
      'or ignored, never taken as a field')
def whitespace_before_first_field(probe):
    reply = probe.exchange(_get(probe, b' X-Injected: yes',
                                ('Host', probe.target.host_header),
                                host=False))
    value = _seen_value(probe, reply, 'X-Injected')
    probe.expect(probe.refused(reply) or (_is_2xx(reply) and value is None),
                 'a 4xx or a close, or the line ignored (no X-Injected '
                 'field)', _seen(reply, 'X-Injected', value))


@case('RFC9112-5-line-without-colon', 'RFC 9112 §5, §2.2', SHOULD,
      'A header line without a colon is refused with 400')
def line_without_colon(probe):
    reply = probe.exchange(_get(probe, b'NoColonHere'))
    probe.expect_refused(reply, 400)


@case('RFC9112-5-empty-field-name', 'RFC 9112 §5, §2.2', SHOULD,
      'A header line with an empty field name (": value") is refused with '
      '400')
def empty_field_name(probe):
    reply = probe.exchange(_get(probe, b': empty-name'))
    probe.expect_refused(reply, 400)


@case('RFC9110-5.1-name-not-token', 'RFC 9110 §5.1, RFC 9112 §2.2', SHOULD,
      'A field name that is not a token ("X(Bad)", "X/Bad", "Bad[Name", '
      '"Content<HTAB>Length") is refused with 400')
def name_not_token(probe):
    requests = [(line.decode(), _get(probe, line)) for line in (
        b'X(Bad): value', b'X/Bad: value', b'Bad[Name: value')]
    # Http11Probe: NORM-TAB-IN-NAME, after a valid Content-Length
    requests.append(('Content\\tLength: 99', probe.request(
        'POST', '/echo', [b'Content-Length: 11', b'Content\tLength: 99'],
        b'hello world')))
    probe.expect_each_refused(requests, 400)


@case('RFC9110-5.5-cr-in-value', 'RFC 9110 §5.5, RFC 9112 §2.2', MUST,
      'A bare CR in a field value is rejected, or replaced by SP before the '
      'value is used')
def cr_in_value(probe):
    reply = probe.exchange(_get(probe, b'X-Cr: a\rb'))
    _rejected_or_cleaned(probe, reply, 'X-Cr', '\r')


@case('RFC9110-5.5-nul-in-value', 'RFC 9110 §5.5', MUST,
      'A NUL in a field value is rejected, or replaced by SP before the '
      'value is used')
def nul_in_value(probe):
    reply = probe.exchange(_get(probe, b'X-Nul: a\x00b'))
    _rejected_or_cleaned(probe, reply, 'X-Nul', '\x00')
    # Http11Probe: COOK-NUL, in a Cookie
    reply = probe.exchange(_get(probe, b'Cookie: foo=\x00bar'))
    _rejected_or_cleaned(probe, reply, 'Cookie', '\x00')


# Http11Probe: MAL-NON-ASCII-HEADER-NAME
@case('RFC9110-5.1-non-ascii-field-name', 'RFC 9110 §5.1, RFC 9112 §2.2',
      SHOULD, 'A field name holding non-ASCII bytes ("X-T\u00e9st", in UTF-8)'
      ' is no token: refused with 400')
def non_ascii_field_name(probe):
    reply = probe.exchange(_get(probe, b'X-T\xc3\xabst: value'))
    probe.expect_refused(reply, 400)


@case('RFC9110-5.5-ctl-in-value', 'RFC 9110 §5.5', MAY,
      'Other control characters (SOH, DEL) in a field value may be refused '
      'or retained; what happens is recorded')
def ctl_in_value(probe):
    seen = []
    for label, byte in (('SOH', b'\x01'), ('DEL', b'\x7f')):
        reply = probe.exchange(_get(probe, b'X-Ctl: a' + byte + b'b'))
        seen.append('%s: %s' % (label, _seen(
            reply, 'X-Ctl', _seen_value(probe, reply, 'X-Ctl', False))))
    probe.observe('; '.join(seen))


@case('RFC9110-5.5-obs-text-value', 'RFC 9110 §5.5', SHOULD,
      'A field value with obs-text (a Latin-1 byte) is valid, its octets '
      'opaque data: the request is answered with a 2xx (what the '
      'application saw is recorded)')
def obs_text_value(probe):
    reply = probe.exchange(_get(probe, b'X-Latin: caf\xe9'))
    probe.expect(_is_2xx(reply), 'a 2xx', reply.describe())
    probe.observe(_seen(reply, 'X-Latin',
                        _seen_value(probe, reply, 'X-Latin', False)))


@case('RFC9110-5.4-field-line-too-long', 'RFC 9110 §5.4, RFC 6585 §5', MUST,
      'A header line longer than the server processes (one byte over the '
      'profile\'s field_line_limit) gets a 4xx (431 is the precise one)',
      needs=('field_line_limit',))
def field_line_too_long(probe):
    field = long_field(probe.limit('field_line_limit') + 1, 'X-Big')
    probe.expect_status(probe.exchange(_get(probe, field)), '4xx')


@case('CONTRACT-field-line-at-limit', 'fixtures/CONTRACT.md (Limits)', MUST,
      'A header line of exactly the profile\'s field_line_limit (without '
      'its CRLF; the contract\'s line_limit where it declares none) is '
      'accepted, its value whole')
def field_line_at_limit(probe):
    name, value = long_field(probe.profile.line_at_limit('field_line_limit'))
    reply = probe.exchange(_get(probe, (name, value)))
    probe.expect_status(reply, 200)
    seen = echoed_header(probe, reply, name) or ''
    probe.expect(seen == value, 'X-Long echoed with its %d bytes' %
                 len(value), 'X-Long echoed with %d bytes' % len(seen))


# Http11Probe: MAL-LONG-HEADER-NAME
@case('RFC9110-5.4-long-field-name', 'RFC 9110 §5.4, RFC 6585 §5', MUST,
      'A header line made long by its name (one byte over the profile\'s '
      'field_line_limit) gets a 4xx (431 is the precise one)',
      needs=('field_line_limit',))
def long_field_name(probe):
    name = 'N' * (probe.limit('field_line_limit') + 1 - len(': val'))
    probe.expect_status(probe.exchange(_get(probe, (name, 'val'))), '4xx')


# Http11Probe: MAL-MANY-HEADERS
@case('RFC9110-5.4-too-many-fields', 'RFC 9110 §5.4, RFC 6585 §5', MUST,
      'More header lines than the server processes (the profile\'s '
      'max_headers) get a 4xx (431 is the precise one)',
      needs=('max_headers',))
def too_many_fields(probe):
    # with Host, max_headers + 1 field lines
    fields = numbered_fields(probe.profile.max_headers)
    probe.expect_status(probe.exchange(_get(probe, *fields)), '4xx')


@case('CONTRACT-fields-at-limit', 'fixtures/CONTRACT.md (Limits)', MUST,
      'A request with exactly the profile\'s max_headers header lines (Host '
      'among them) is accepted', needs=('max_headers',))
def fields_at_limit(probe):
    fields = numbered_fields(probe.profile.max_headers - 1)
    reply = probe.exchange(_get(probe, *fields))
    probe.expect_status(reply, 200)
    name, value = fields[-1]
    seen = echoed_header(probe, reply, name)
    probe.expect(seen == value, 'the last field echoed: %s: %s' % (
        name, value), _seen(reply, name, seen))


@case('RFC9110-5.1-names-case-insensitive', 'RFC 9110 §5.1, §2.4', MUST,
      'Field names are case-insensitive: "hOsT" and "cOnTeNt-TyPe" work as '
      'Host and Content-Type')
def names_case_insensitive(probe):
    reply = probe.exchange(_get(probe, ('hOsT', probe.target.host_header),
                                ('cOnTeNt-TyPe', 'text/plain'), host=False))
    probe.expect_status(reply, 200)  # "hOsT" taken for Host
    if not probe.target.contract:
        return  # what became of Content-Type only /echo can say
    seen = probe.json(reply).get('content_type')
    probe.expect(seen == 'text/plain', 'content type "text/plain" (echoed)',
                 'content type %s' % json.dumps(seen))


@case('RFC9110-5.5-ows-trimmed', 'RFC 9110 §5.5', MUST,
      'Whitespace around a field value is not part of it')
def ows_trimmed(probe):
    reply = probe.exchange(_get(probe, b'X-Padded: \t padded value \t '))
    probe.expect_status(reply, 200)
    value = echoed_header(probe, reply, 'X-Padded')
    probe.expect(value == 'padded value', 'X-Padded: "padded value" '
                 '(echoed)', _seen(reply, 'X-Padded', value))


@case('RFC9112-3.2-host-missing', 'RFC 9112 §3.2', MUST,
      'An HTTP/1.1 request without Host is answered with 400')
def host_missing(probe):
    reply = probe.exchange(probe.request('GET', probe.path, host=False))
    probe.expect_status(reply, 400)


@case('RFC9112-3.2-host-twice', 'RFC 9112 §3.2', MUST,
      'A request with two Host lines (even identical ones) is answered with '
      '400')
def host_twice(probe):
    reply = probe.exchange(_get(probe, ('Host', probe.target.host_header)))
    probe.expect_status(reply, 400)


# Http11Probe: RFC9110-5.4-DUPLICATE-HOST
@case('RFC9112-3.2-host-two-values', 'RFC 9112 §3.2', MUST,
      'A request with two Host lines of different values (the target\'s '
      'host, then "other.example.com") is answered with 400')
def host_two_values(probe):
    reply = probe.exchange(_get(probe, ('Host', 'other.example.com')))
    probe.expect_status(reply, 400)


# Http11Probe: COMP-HOST-WITH-USERINFO, COMP-HOST-WITH-PATH (around the
# target's own host, as it sends them)
INVALID_HOSTS = ('%s/path', 'a b.test', 'example.test:8x', 'user@%s')


@case('RFC9112-3.2-host-invalid', 'RFC 9112 §3.2, RFC 9110 §7.2', MUST,
      'A Host that is not uri-host[:port] (a slash, a space, a bad port, '
      'userinfo) is answered with 400')
def host_invalid(probe):
    wrong = []
    values = [v.replace('%s', probe.target.host_header) for v in INVALID_HOSTS]
    for value in values:
        reply = probe.exchange(_get(probe, ('Host', value), host=False))
        if reply.status != 400:
            wrong.append('Host: %s -> %s' % (value, reply.describe()))
    probe.expect(not wrong, 'status 400 for each of ' + ', '.join(values),
                 '; '.join(wrong) or 'all 400')


# Http11Probe: SMUG-MULTIPLE-HOST-COMMA, as it sends it
@case('RFC9112-3.2-host-list', 'RFC 9112 §3.2, RFC 9110 §7.2', MUST,
      'A Host holding a list (the target\'s host, then ", '
      'other.example.com": one field, two hosts) has an invalid value and '
      'is answered with 400')
def host_list(probe):
    reply = probe.exchange(_get(probe, ('Host', probe.target.host_header +
                                        ', other.example.com'), host=False))
    probe.expect_status(reply, 400)


def _long_host(length):
    """A valid reg-name of ``length`` (4 or more) characters: ten-letter
    labels, then ``test``."""
    labels, rest = divmod(length - 4, 11)
    return 'a' * rest + 'abcdefghij.' * labels + 'test'


# RFC 3986 sets no length on a reg-name. A server that checks Host with a
# backtracking regular expression may run out of stack on a long one
# (MicroPython's re recurses once a character) and drop the connection.
@case('RFC9110-5.4-long-host', 'RFC 9110 §5.4, §7.2; RFC 9112 §3.2', MUST,
      'A valid Host of about a thousand characters (within the profile\'s '
      'field_line_limit) is served, or refused with a 4xx by a server that does '
      'not wish to process it; never a dropped connection or a 5xx')
def long_host(probe):
    value = _long_host(min(1000, probe.profile.line_at_limit(
        'field_line_limit') - len('Host: ')))
    reply = probe.exchange(_get(probe, ('Host', value), host=False))
    probe.expect_status(reply, 200, '4xx')


# Http11Probe: COMP-HOST-EMPTY-VALUE (MUST 400 there). An empty Host is a
# valid field value (RFC 9112 §3.2 has clients send one when the target URI
# has no authority); an "http" URI needs a host (RFC 3986 §3.2.2), and RFC
# 9112 §3.3 lets the server then reject the request or use a configured
# default: no keyword decides.
@case('RFC9112-3.3-host-empty', 'RFC 9112 §3.2, §3.3; RFC 3986 §3.2.2', MAY,
      'An empty Host leaves the http target URI without a host: the server '
      'may reject the request or use a default; what it does is recorded')
def host_empty(probe):
    reply = probe.exchange(_get(probe, b'Host: ', host=False))
    probe.observe(_seen(reply, 'Host', _seen_value(probe, reply, 'Host',
                                                   False)))


# Http11Probe: COMP-ABSOLUTE-FORM covers the same-host case
@case('RFC9112-3.2.2-absolute-form-host-differs', 'RFC 9112 §3.2.2', MAY,
      'An absolute-form target names another host than Host: the server '
      'MUST use the target\'s and ignore Host; which one the application '
      'saw is recorded')
def absolute_form_host_differs(probe):
    reply = probe.exchange(probe.request(
        'GET', 'http://other.test' + probe.carrier('GET', '/echo')[1]))
    seen = _seen_value(probe, reply, 'Host', False)
    whose = {'other.test': " (the target's)",
             probe.target.host_header: " (the Host field's)"}.get(seen, '')
    probe.observe(_seen(reply, 'Host', seen) + whose)


@case('RFC9110-5.3-repeated-fields', 'RFC 9110 §5.3', MAY,
      'Repeated field lines of a list field may be combined, in order, into '
      'one value; what the application saw is recorded')
def repeated_fields(probe):
    reply = probe.exchange(_get(probe, ('Accept-Language', 'en'),
                                ('Accept-Language', 'fr')))
    probe.expect(_is_2xx(reply), 'a 2xx', reply.describe())
    if not probe.target.contract:
        probe.observe(reply.describe())
        return
    value = _seen_value(probe, reply, 'Accept-Language')
    # combining is optional, but a combined value keeps the lines' order
    probe.expect(value in ('en, fr', 'en,fr'),
                 'Accept-Language seen as "en, fr"',
                 _seen(reply, 'Accept-Language', value))


# -------------------------------------------------------------------- Expect


# Http11Probe: COMP-NO-1XX-HTTP10
@case('RFC9110-15.2-no-1xx-to-http10', 'RFC 9110 §15.2, §10.1.1', MUST,
      'An HTTP/1.0 request with "Expect: 100-continue" and its body gets no '
      '1xx: the expectation is ignored and the request answered')
def no_1xx_to_http10(probe):
    method, path = probe.carrier('POST', '/echo/body')
    reply = probe.exchange(probe.request(method, path, [
        ('Expect', '100-continue'), ('Content-Length', '5')], b'hello',
        'HTTP/1.0'))
    probe.expect(not reply.interim, 'no 1xx before the final response',
                 '%s, then %s' % (' and '.join(quoted(head.split(
                     b'\r\n', 1)[0]) for head in reply.interim),
                     reply.describe()) if reply.interim else
                 reply.describe())
    if probe.target.contract:
        expect_echo(probe, reply, b'hello')


# Http11Probe: COMP-EXPECT-UNKNOWN
@case('RFC9110-10.1.1-unknown-expectation', 'RFC 9110 §10.1.1', MAY,
      'An expectation other than 100-continue ("200-ok") may be answered '
      'with 417; what the server does is recorded')
def unknown_expectation(probe):
    reply = probe.exchange(_get(probe, ('Expect', '200-ok')))
    probe.observe(reply.describe())


# RFC 9110 §10.1.1 asks for an immediate answer to the head: a final status
# if the head decides it, or a 100. Which of the two, when the head does
# decide it, the RFC leaves open ("MUST send either"): a 100 before the 413
# is recorded (INFO), not failed.
@case('RFC9110-10.1.1-expect-over-limit', 'RFC 9110 §10.1.1; '
      'fixtures/CONTRACT.md (Limits)', MUST,
      '"Expect: 100-continue" with a Content-Length over the body limit is '
      'answered at once, without waiting for the body, and with 413 (the '
      'contract\'s)')
def expect_over_limit(probe):
    size = probe.profile.body_limit + 1
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'', [('Content-Length', size),
                                              ('Expect', '100-continue')]))
    probe.expect(conn.wait_for_head(probe.settle), 'a final status or a '
                 '100 (Continue) within %.1f s' % probe.settle,
                 'nothing: the server waits for the body')
    interim = conn.buffer[9:12] == b'100'
    if interim:
        conn.send(b'b' * size)
    reply = probe.read(conn, 'POST')
    probe.expect_status(reply, 413)
    probe.expect(not interim, 'the 413 at once (the head decides it), '
                 'without a 100 first', ('100 (Continue), then %s' if interim
                                         else '%s at once') %
                 reply.describe(), level=MAY)


# ------------------------------------------------------------- no server error
# Requests that a server may refuse or take as it likes, where no RFC keyword
# fixes the answer: the contract's rule that a client's error is a 4xx,
# never a 5xx (fixtures/CONTRACT.md, Service), decides what must not come.

SERVICE = 'fixtures/CONTRACT.md (Service)'


def _no_server_error(suffix, rfc, statuses, what, method, path, fields,
                     body=b''):
    """``statuses``: the answers the RFC leaves to the server; a 200 from
    /echo/body echoes the body."""
    @case('CONTRACT-' + suffix, '%s; %s' % (SERVICE, rfc), MUST,
          '%s is answered with %s, never a 5xx; which is recorded' % (
              what, ' or '.join(str(s) for s in statuses)))
    def check(probe):
        reply = probe.exchange(probe.request(method, path, fields, body))
        probe.expect_status(reply, *statuses)
        if reply.status == 200 and path == '/echo/body':
            expect_echo(probe, reply, body)
        probe.observe('%s, %s' % (reply.describe(),
                                  header_text(reply, 'Content-Type')))
    return check


# RFC 9110 §5.3: a sender MUST NOT repeat a field that is not a list, as
# Content-Type is not; nothing is said of the recipient.
# Http11Probe: COMP-DUPLICATE-CT
_no_server_error('repeated-content-type', 'RFC 9110 §5.3, §8.3',
                 ('2xx', '4xx'), 'A POST with two Content-Type lines',
                 'POST', '/echo/body', [('Content-Length', '5'),
                                        ('Content-Type', 'text/plain'),
                                        ('Content-Type', 'text/html')],
                 b'hello')
# RFC 9110 §12.5.1: the origin server "can either honor the header field by
# sending a 406 (Not Acceptable) response or disregard the header field".
# Http11Probe: COMP-ACCEPT-NONSENSE
_no_server_error('unacceptable-accept', 'RFC 9110 §12.5.1, §15.5.7',
                 (200, 406), 'GET / with an Accept that no representation '
                 'matches ("application/x-nonsense")', 'GET', '/',
                 [('Accept', 'application/x-nonsense')])
# RFC 9110 §15.5.16: a 415 refuses content in a format the resource does
# not support; the contract's /echo/body takes any.
# Http11Probe: COMP-POST-UNSUPPORTED-CT
_no_server_error('unknown-content-type', 'RFC 9110 §15.5.16', (200, 415),
                 'A POST to /echo/body with an unknown Content-Type '
                 '("application/x-nonsense")', 'POST', '/echo/body',
                 [('Content-Length', '5'),
                  ('Content-Type', 'application/x-nonsense')], b'hello')


# Http11Probe's own requests that no RFC keyword answers for the server,
# sent as it sends them: it passes a 400 or a close and warns on (or
# passes) a 2xx, and fails a server error. The contract's rule: a client's
# error is a 4xx, and a valid request is served; never a 5xx.


def _never_5xx(suffix, what, request, statuses=('2xx', '4xx')):
    """``request(probe)``: the request bytes; ``statuses``: the answers
    that pass beside a close (a redirect, too, for a target that a 301 may
    mend, RFC 9112 §3)."""
    @case('CONTRACT-no-5xx-' + suffix, SERVICE, MUST,
          '%s is answered with a %s, or by a close; never a server error'
          % (what, ' or a '.join(statuses)))
    def check(probe):
        data = request(probe)
        reply = probe.exchange(data, method=data.split(b' ', 1)[0].decode())
        probe.expect_refused(reply, *statuses)
        probe.observe(reply.describe())
    return check


def _raw_request(method, target, *field_lines, body=b''):
    """``request(probe)`` for _never_5xx: the lines as given, after Host."""
    def request(probe):
        return probe.request(method, target, list(field_lines), body)
    return request


def _with_trailer(field):
    return _raw_request('POST', '/echo/body', b'Transfer-Encoding: chunked',
                        body=b'5\r\nhello\r\n0\r\n' + field + b'\r\n\r\n')


# Trailer fields a sender MUST NOT send (RFC 9110 §6.5.1), which a recipient
# MUST NOT merge into the header section (RFC 9112 §7.1.2): Http11Probe's
# SMUG-TRAILER-CL, -TE, -HOST, -AUTH, -CONTENT-TYPE.
_never_5xx('trailer-content-length', 'A chunked POST with "Content-Length: '
           '50" in its trailer section', _with_trailer(b'Content-Length: 50'))
_never_5xx('trailer-transfer-encoding', 'A chunked POST with '
           '"Transfer-Encoding: chunked" in its trailer section',
           _with_trailer(b'Transfer-Encoding: chunked'))
_never_5xx('trailer-host', 'A chunked POST with "Host: evil.example.com" '
           'in its trailer section', _with_trailer(b'Host: evil.example.com'))
_never_5xx('trailer-authorization', 'A chunked POST with "Authorization: '
           'Bearer evil" in its trailer section',
           _with_trailer(b'Authorization: Bearer evil'))
_never_5xx('trailer-content-type', 'A chunked POST with "Content-Type: '
           'text/evil" in its trailer section',
           _with_trailer(b'Content-Type: text/evil'))
# Content on methods whose semantics give it no meaning (RFC 9110 §9.3.1,
# §9.3.2, §9.3.7): SMUG-HEAD-CL-BODY, SMUG-OPTIONS-CL-BODY,
# SMUG-GET-CL-BODY-DESYNC, SMUG-OPTIONS-CL-BODY-DESYNC (their first step)
for _method in ('GET', 'HEAD', 'OPTIONS'):
    _never_5xx('%s-with-content' % _method.lower(), '%s / with '
               '"Content-Length: 5" and "hello"' % _method, _raw_request(
                   _method, '/', b'Content-Length: 5', body=b'hello'))
# SMUG-CL0-BODY-POISON: a byte after an empty body, the start of a request
_never_5xx('byte-after-empty-body', 'A POST with "Content-Length: 0" '
           'followed by a byte ("X")', _raw_request(
               'POST', '/echo/body', b'Content-Length: 0', body=b'X'))
# SMUG-ABSOLUTE-URI-HOST-MISMATCH (RFC 9112 §3.2.2: the target's host is
# used, and this server may not serve it)
_never_5xx('absolute-form-other-host', 'GET http://other.example.com/ '
           'beside this server\'s Host', _raw_request(
               'GET', 'http://other.example.com/'))
# COMP-EXPECT-UNKNOWN (RFC 9110 §10.1.1: a 417 MAY answer it)
_never_5xx('unknown-expectation', 'GET / with "Expect: 200-ok"',
           _raw_request('GET', '/', b'Expect: 200-ok'))
# COMP-HTTP10-NO-HOST (Host is HTTP/1.1's)
_never_5xx('http10-without-host', 'GET / in HTTP/1.0 without Host',
           lambda probe: b'GET / HTTP/1.0\r\n\r\n')
# COMP-DUPLICATE-CT, COMP-ACCEPT-NONSENSE, as Http11Probe sends them (the
# CONTRACT- cases above answer them on a kept connection, never a close)
_never_5xx('two-content-types', 'A POST with two Content-Type lines',
           _raw_request('POST', '/echo/body', b'Content-Length: 5',
                        b'Content-Type: text/plain',
                        b'Content-Type: text/html', body=b'hello'))
_never_5xx('unacceptable-accept', 'GET / with "Accept: '
           'application/x-nonsense"', _raw_request(
               'GET', '/', b'Accept: application/x-nonsense'))
# Targets Http11Probe passes unless a server error comes: MAL-URL-BACKSLASH,
# MAL-URL-PERCENT-NULL, MAL-URL-PERCENT-CRLF
WITH_REDIRECT = ('2xx', '3xx', '4xx')
_never_5xx('backslash-in-target', 'A target with a backslash',
           _raw_request('GET', b'/echo/path/path\\file'), WITH_REDIRECT)
_never_5xx('nul-escape-in-target', 'A file name with "%00" in it',
           _raw_request('GET', '/static/readme.txt%00.html'), WITH_REDIRECT)
_never_5xx('crlf-escape-in-target', 'A target with "%0d%0a" and a field '
           'after it', _raw_request(
               'GET', '/echo/path/path%0d%0aX-Injected:%20true'),
           WITH_REDIRECT)
# Http11Probe's Cookie suite (COOK-EMPTY, -MALFORMED, -MULTI-HEADER,
# -PARSED-EMPTY-VAL, -PARSED-SPECIAL, -OVERSIZED, -MANY-PAIRS)
_COOKIE_PAIRS = '; '.join('k%d=v%d' % (i, i) for i in range(1000))
for _suffix, _what, _lines in (
        ('empty-cookie', 'An empty Cookie', [b'Cookie: ']),
        ('cookie-only-separators', 'A Cookie of "===;;;"',
         [b'Cookie: ===;;;']),
        ('two-cookie-lines', 'Two Cookie lines', [b'Cookie: a=1',
                                                  b'Cookie: b=2']),
        ('cookie-empty-value', 'A Cookie "foo=" (an empty value)',
         [b'Cookie: foo=']),
        ('cookie-space-and-equals', 'A Cookie "a=hello world; b=x=y"',
         [b'Cookie: a=hello world; b=x=y']),
        ('64k-cookie', 'A 64 KB Cookie', [b'Cookie: big=' + b'A' * 65536]),
        ('1000-cookie-pairs', 'A Cookie of 1,000 pairs',
         [b'Cookie: ' + _COOKIE_PAIRS.encode()])):
    _never_5xx(_suffix, _what, _raw_request('GET', '/echo', *_lines))
