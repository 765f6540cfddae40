"""Redirects: Location on 301/302/303/307/308, and redirect targets that
must not break the response head (RFC 9110 §10.2.2, §15.4, §5.5)."""
import json
import re
from urllib.parse import quote, unquote

from conformance.case import MAY, MUST, SHOULD, case
from conformance.probe import header_text, quoted

TARGET = '/target/page?x=1&y=two'
QUERY_DECODED = 'CONTRACT-query-encoded-delimiters'

# URI-reference (RFC 3986 §4.1): only these characters, '%' only before two
# hex digits.
URI_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")
BAD_PERCENT = re.compile(r'%(?![0-9A-Fa-f]{2})')

INJECTED = 'X-Injected'


def _redirect(probe, code, to):
    """GET /redirect/<code>?to=<to>, ``to`` percent-encoded whole."""
    return probe.exchange(probe.request(
        'GET', '/redirect/%d?to=%s' % (code, quote(to, safe=''))))


def _same_target(probe, location, to):
    # A relative target may come back made absolute on this origin.
    return location in (to, 'http://%s%s' % (probe.target.host_header, to))


def _target_reaches_application(probe):
    """What a Location case stands on: the application reads ``to`` from
    the query decoded. A server that hands it "%2Ftarget%2Fpage%3F..."
    sends that in Location as it was given; CONTRACT-query-encoded-delimiters
    judges that defect once. A server with its own application has no /echo
    to ask: the case is judged as it stands."""
    if not probe.target.contract:
        return
    with probe.stands_on(QUERY_DECODED):
        reply = probe.exchange(probe.request(
            'GET', '/echo?to=%s' % quote(TARGET, safe='')))
        probe.expect_status(reply, 200)
        seen = (probe.json(reply).get('args') or {}).get('to')
        probe.expect(seen == [TARGET], 'the query value to=%s' % TARGET,
                     'to=%s' % seen)


def _location_case(code, section, level=SHOULD, wording=''):
    """The case for one redirect status: Location is the target the
    application set."""
    @case('RFC9110-%s-%d-location' % (section, code),
          'RFC 9110 §%s' % section, level,
          'A %d response carries a Location header with the target the '
          'application set%s' % (code, wording))
    def location(probe):
        _target_reaches_application(probe)
        reply = _redirect(probe, code, TARGET)
        probe.expect_status(reply, code)
        value = reply.header('Location')
        probe.expect(value is not None and _same_target(probe, value, TARGET),
                     'Location: %s' % TARGET,
                     'Location: %s' % value if value is not None else
                     'no Location header in: %s' % reply.describe())
    return location


_location_case(301, '15.4.2')
_location_case(302, '15.4.3')
# §15.4.4 has no keyword: a 303 redirects "as indicated by a URI in the
# Location header field", but nothing says it SHOULD carry one.
_location_case(303, '15.4.4', MAY, ' (303 is defined by its Location; '
               'whether it carries one is recorded)')
_location_case(307, '15.4.8')
_location_case(308, '15.4.9')


def _expect_not_injected(probe, to):
    reply = _redirect(probe, 302, to)  # a malformed head fails in the read
    probe.expect(not reply.has_header(INJECTED),
                 'no %s header: the target never becomes a header line' %
                 INJECTED, 'to=%s gave %s, %s' % (
                     quoted(to), reply.describe(),
                     header_text(reply, INJECTED)))
    return reply


@case('RFC9110-5.5-redirect-crlf', 'RFC 9110 §2.2, §5.5', MUST,
      'A CR LF in a redirect target never reaches the wire as a line break '
      '(response splitting): the target is refused or encoded')
def redirect_crlf(probe):
    for to in ('/x\r\n%s: yes' % INJECTED, '/x\r\n%s: yes\r\n\r\n<p>' %
               INJECTED):
        _expect_not_injected(probe, to)


@case('RFC9110-5.5-redirect-bare-ctl', 'RFC 9110 §2.2, §5.5', MUST,
      'A lone LF, a lone CR or a NUL in a redirect target is not sent in '
      'the Location field either')
def redirect_bare_ctl(probe):
    for to in ('/x\n%s: yes' % INJECTED, '/x\r%s: yes' % INJECTED,
               '/x\x00y'):
        _expect_not_injected(probe, to)


@case('RFC9110-10.2.2-location-uri-reference', 'RFC 9110 §10.2.2, §2.2',
      MUST, 'Location is a URI-reference: a target with a space or non-ASCII '
      'characters is sent percent-encoded, or refused, never as raw bytes')
def location_uri_reference(probe):
    to = '/caf\u00e9 men\u00fc'
    reply = _redirect(probe, 302, to)
    value = reply.header('Location')
    if value is None:  # refused, or no Location: nothing raw was sent
        probe.observe('no Location: %s' % reply.describe())
        return
    raw = value.encode('latin-1')  # the field's bytes, as received
    probe.expect(URI_CHARACTERS.match(value) is not None and
                 BAD_PERCENT.search(value) is None,
                 'a Location made of URI characters (e.g. %s)' % quote(to),
                 'Location bytes: %s' % quoted(raw, 120))
    probe.observe('Location: %s (decodes to %s)' % (
        value, json.dumps(unquote(value, errors='replace'))))
