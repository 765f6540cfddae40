"""Header fields: field-line syntax, limits, Host (RFC 9110 §5, RFC 9112
§2.2, §3.2, §5)."""
import json
import re

from conformance.case import MAY, MUST, SHOULD, case
from conformance.contract import echoed_header
from conformance.probe import quoted


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
      'A header line longer than the server processes (the profile\'s '
      'line_limit) gets a 4xx (431 is the precise one)')
def field_line_too_long(probe):
    reply = probe.exchange(_get(probe, ('X-Long',
                                        'a' * probe.profile.line_limit)))
    probe.expect_status(reply, '4xx')


@case('RFC9110-5.4-too-many-fields', 'RFC 9110 §5.4, RFC 6585 §5', MUST,
      'More header lines than the server processes (the profile\'s '
      'max_headers) get a 4xx (431 is the precise one)',
      needs=('max_headers',))
def too_many_fields(probe):
    # with Host, max_headers + 1 field lines
    fields = [('X-Field-%d' % i, str(i))
              for i in range(probe.profile.max_headers)]
    reply = probe.exchange(_get(probe, *fields))
    probe.expect_status(reply, '4xx')


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
