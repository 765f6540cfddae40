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
    """GET /echo with extra field lines (raw bytes or (name, value))."""
    return probe.request('GET', '/echo', list(field_lines), host=host)


def _is_2xx(reply):
    return reply.status is not None and 200 <= reply.status < 300


def _seen_value(probe, reply, name):
    """The value the application saw for ``name``, when it accepted the
    request (else None)."""
    return echoed_header(probe, reply, name) if _is_2xx(reply) else None


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
    reply = probe.exchange(_get(probe, b'X-Spaced : value'))
    probe.expect_status(reply, 400)


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
    reply = probe.exchange(_get(probe, b'X-No-Colon value'))
    probe.expect_refused(reply, 400)


@case('RFC9112-5-empty-field-name', 'RFC 9112 §5, §2.2', SHOULD,
      'A header line with an empty field name (": value") is refused with '
      '400')
def empty_field_name(probe):
    reply = probe.exchange(_get(probe, b': value'))
    probe.expect_refused(reply, 400)


@case('RFC9110-5.1-name-not-token', 'RFC 9110 §5.1, RFC 9112 §2.2', SHOULD,
      'A field name that is not a token ("X(Bad)", "X/Bad") is refused with '
      '400')
def name_not_token(probe):
    probe.expect_each_refused([(line.decode(), _get(probe, line)) for line
                               in (b'X(Bad): value', b'X/Bad: value')], 400)


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


# Http11Probe: MAL-NON-ASCII-HEADER-NAME
@case('RFC9110-5.1-non-ascii-field-name', 'RFC 9110 §5.1, RFC 9112 §2.2',
      SHOULD, 'A field name holding non-ASCII bytes ("X-T\u00e9st", in UTF-8)'
      ' is no token: refused with 400')
def non_ascii_field_name(probe):
    reply = probe.exchange(_get(probe, b'X-T\xc3\xa9st: v'))
    probe.expect_refused(reply, 400)


@case('RFC9110-5.5-ctl-in-value', 'RFC 9110 §5.5', MAY,
      'Other control characters (SOH, DEL) in a field value may be refused '
      'or retained; what happens is recorded')
def ctl_in_value(probe):
    seen = []
    for label, byte in (('SOH', b'\x01'), ('DEL', b'\x7f')):
        reply = probe.exchange(_get(probe, b'X-Ctl: a' + byte + b'b'))
        seen.append('%s: %s' % (label, _seen(
            reply, 'X-Ctl', _seen_value(probe, reply, 'X-Ctl'))))
    probe.observe('; '.join(seen))


@case('RFC9110-5.5-obs-text-value', 'RFC 9110 §5.5', SHOULD,
      'A field value with obs-text (a Latin-1 byte) is valid, its octets '
      'opaque data: the request is answered with a 2xx (what the '
      'application saw is recorded)')
def obs_text_value(probe):
    reply = probe.exchange(_get(probe, b'X-Latin: caf\xe9'))
    probe.expect(_is_2xx(reply), 'a 2xx', reply.describe())
    probe.observe(_seen(reply, 'X-Latin',
                        _seen_value(probe, reply, 'X-Latin')))


@case('RFC9110-5.4-field-line-too-long', 'RFC 9110 §5.4, RFC 6585 §5', MUST,
      'A header line longer than the server processes (one byte over the '
      'profile\'s field_line_limit) gets a 4xx (431 is the precise one)',
      needs=('field_line_limit',))
def field_line_too_long(probe):
    field = long_field(probe.profile.field_line_limit + 1)
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
    name = 'X-' + 'n' * (probe.profile.field_line_limit + 1 - len('X-: v'))
    probe.expect_status(probe.exchange(_get(probe, (name, 'v'))), '4xx')


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
    probe.expect_status(reply, 200)
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
    reply = probe.exchange(probe.request('GET', '/', host=False))
    probe.expect_status(reply, 400)


@case('RFC9112-3.2-host-twice', 'RFC 9112 §3.2', MUST,
      'A request with two Host lines (even identical ones) is answered with '
      '400')
def host_twice(probe):
    reply = probe.exchange(_get(probe, ('Host', probe.target.host_header)))
    probe.expect_status(reply, 400)


INVALID_HOSTS = ('bad/host', 'a b.test', 'example.test:8x', 'user@host')


@case('RFC9112-3.2-host-invalid', 'RFC 9112 §3.2, RFC 9110 §7.2', MUST,
      'A Host that is not uri-host[:port] (a slash, a space, a bad port, '
      'userinfo) is answered with 400')
def host_invalid(probe):
    wrong = []
    for value in INVALID_HOSTS:
        reply = probe.exchange(_get(probe, ('Host', value), host=False))
        if reply.status != 400:
            wrong.append('Host: %s -> %s' % (value, reply.describe()))
    probe.expect(not wrong, 'status 400 for each of ' +
                 ', '.join(INVALID_HOSTS), '; '.join(wrong) or 'all 400')


@case('RFC9112-3.2-host-list', 'RFC 9112 §3.2, RFC 9110 §7.2', MUST,
      'A Host holding a list ("a.test, b.test": one field, two hosts) has an '
      'invalid value and is answered with 400')
def host_list(probe):
    reply = probe.exchange(_get(probe, ('Host', 'a.test, b.test'),
                                host=False))
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
    probe.observe(_seen(reply, 'Host', _seen_value(probe, reply, 'Host')))


# Http11Probe: COMP-ABSOLUTE-FORM covers the same-host case
@case('RFC9112-3.2.2-absolute-form-host-differs', 'RFC 9112 §3.2.2', MAY,
      'An absolute-form target names another host than Host: the server '
      'MUST use the target\'s and ignore Host; which one the application '
      'saw is recorded')
def absolute_form_host_differs(probe):
    reply = probe.exchange(probe.request('GET', 'http://other.test/echo'))
    seen = _seen_value(probe, reply, 'Host')
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
    reply = probe.exchange(post(probe, '/echo/body', b'hello', [
        ('Content-Length', '5'), ('Expect', '100-continue')], 'HTTP/1.0'))
    probe.expect(not reply.interim, 'no 1xx before the final response',
                 '%s, then %s' % (' and '.join(quoted(head.split(
                     b'\r\n', 1)[0]) for head in reply.interim),
                     reply.describe()) if reply.interim else
                 reply.describe())
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
