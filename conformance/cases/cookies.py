"""Cookies: Set-Cookie as the server writes it (RFC 6265 §3, §4.1), and
Cookie as the fixture reads it (the fixture contract: RFC 6265 leaves the
meaning of the Cookie header to the application, §4.2.2)."""
import json
import re
from urllib.parse import quote

from conformance.case import MAY, MUST, SHOULD, case
from conformance.probe import header_text, quoted

CONTRACT = 'fixtures/CONTRACT.md (Routes)'

TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# cookie-octet: US-ASCII without CTLs, whitespace, DQUOTE, ',', ';' and '\'
OCTETS = r'[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*'
COOKIE_PAIR = re.compile(r'^%s=(%s|"%s")$' % (TOKEN, OCTETS, OCTETS))
# extension-av, and the value of Path: any CHAR except CTLs or ';'
AV_TEXT = re.compile(r'^[\x20-\x3a\x3c-\x7e]*$')
# a label of a subdomain (RFC 1034 §3.5, RFC 1123 §2.1): the grammar has no
# leading dot
LABEL = r'[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?'
ATTRIBUTE_VALUES = {
    'expires': re.compile(r'^.+$'),  # the date is the Expires case's
    'max-age': re.compile(r'^[1-9][0-9]*$'),
    'domain': re.compile(r'^{0}(\.{0})*$'.format(LABEL)),
    'path': AV_TEXT,
}
FLAGS = ('secure', 'httponly')
RFC1123_DATE = re.compile(
    r'^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|'
    r'Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$')

# what /cookies/attributes sets (None: a flag, without a value)
ATTRIBUTES_SET = [('Path', '/cookies'), ('Domain', 'example.test'),
                  ('Expires', 'Tue, 01 Jan 2030 00:00:00 GMT'),
                  ('Max-Age', '3600'), ('Secure', None), ('HttpOnly', None)]
INJECTED = 'X-Injected'


def _get(probe, path, headers=()):
    return probe.exchange(probe.request('GET', path, headers))


def _attributes(set_cookie):
    """The cookie-avs of a Set-Cookie value as {lower name: value or None}."""
    found = {}
    for av in set_cookie.split(';')[1:]:
        name, eq, value = av.strip().partition('=')
        found[name.lower()] = value if eq else None
    return found


def _av_text(name, value):
    return name if value is None else '%s=%s' % (name, value)


def _syntax_problem(set_cookie):
    """Why a Set-Cookie value does not match RFC 6265 §4.1.1, or None."""
    parts = set_cookie.split(';')
    if COOKIE_PAIR.match(parts[0]) is None:
        return 'cookie-pair %s is not token=cookie-octets' % quoted(parts[0])
    for av in parts[1:]:
        if av[:1] != ' ' or av[1:2] in (' ', ''):
            return 'attributes are not separated by "; "'
        name, eq, value = av[1:].partition('=')
        lower = name.lower()
        if lower in FLAGS and not eq:
            continue
        pattern = ATTRIBUTE_VALUES.get(lower)
        if (pattern is None and AV_TEXT.match(av[1:]) is None) or (
                pattern is not None and (not eq or
                                         pattern.match(value) is None)):
            return 'attribute %s is malformed' % quoted(av[1:])
    return None


def _set_cookies(probe, path):
    """GET ``path``; the reply, which must set a cookie for the case to
    have something to judge."""
    reply = _get(probe, path)
    if not reply.has_header('Set-Cookie'):
        probe.not_applicable('no Set-Cookie in the answer to GET %s: %s' % (
            path, reply.describe()))
    return reply


def _every_cookie_set(probe, reply, cookies):
    """What a case about how cookies are written stands on: each of
    ``cookies`` ('name=value') is in the reply's Set-Cookie lines, on a line
    of its own or not. A server that sends one Set-Cookie per response
    loses the others; CONTRACT-cookies-come-back judges that, and the case
    is BLOCKED rather than charged with it again."""
    lines = reply.header_values('Set-Cookie')
    with probe.stands_on('CONTRACT-cookies-come-back'):
        probe.expect(all(any(c in line for line in lines) for c in cookies),
                     'every cookie the application set (%s) in the '
                     'Set-Cookie lines' % ', '.join(cookies),
                     header_text(reply, 'Set-Cookie'))
    return lines


def _cookies_seen(probe, reply):
    """The cookies /echo reports."""
    probe.expect_status(reply, 200)
    return probe.json(reply).get('cookies') or {}


def _expect_cookies(probe, seen, expected, source):
    probe.expect(all(seen.get(k) == v for k, v in expected.items()),
                 'cookies %s from %s' % (json.dumps(expected), source),
                 'cookies %s' % json.dumps(seen))


@case('RFC6265-3-set-cookie-not-folded', 'RFC 6265 §3', SHOULD,
      'Two cookies are sent on two Set-Cookie lines, never folded into one')
def not_folded(probe):
    reply = _set_cookies(probe, '/cookies/set-two')
    values = _every_cookie_set(probe, reply, ('first=one', 'second=two'))
    probe.expect(len(values) == 2 and values[0].startswith('first=one') and
                 values[1].startswith('second=two'),
                 'Set-Cookie: first=one and Set-Cookie: second=two',
                 '%d Set-Cookie line(s): %s' % (
                     len(values), header_text(reply, 'Set-Cookie')))


@case('RFC6265-4.1.1-set-cookie-syntax', 'RFC 6265 §4.1.1', SHOULD,
      'Set-Cookie is token=cookie-octets, then attributes each after "; "')
def set_cookie_syntax(probe):
    sent = [(path, value) for path in ('/cookies/set-two',
                                       '/cookies/attributes')
            for value in _get(probe, path).header_values('Set-Cookie')]
    if not sent:
        probe.not_applicable('no Set-Cookie from /cookies/set-two or '
                             '/cookies/attributes')
    for path, value in sent:
        problem = _syntax_problem(value)
        probe.expect(problem is None, 'Set-Cookie values that match the '
                     'set-cookie-string grammar', 'GET %s: Set-Cookie: %s '
                     '(%s)' % (path, value, problem or 'conforms'))


@case('RFC6265-4.1.1-expires-date', 'RFC 6265 §4.1.1', SHOULD,
      'The Expires attribute is an rfc1123-date (a four-digit year)')
def expires_date(probe):
    reply = _set_cookies(probe, '/cookies/attributes')
    dates = [found['expires'] for found in map(
        _attributes, reply.header_values('Set-Cookie')) if 'expires' in found]
    if not dates:
        probe.not_applicable('no Expires attribute: ' +
                             header_text(reply, 'Set-Cookie'))
    probe.expect(all(RFC1123_DATE.match(d or '') for d in dates),
                 'Expires=<rfc1123-date>, as in Expires=Tue, 01 Jan 2030 '
                 '00:00:00 GMT', header_text(reply, 'Set-Cookie'))


@case('CONTRACT-cookie-attributes', CONTRACT, MUST,
      '/cookies/attributes sets session=abc123 with the Path, Domain, '
      'Expires, Max-Age, Secure and HttpOnly the application set, on one '
      'Set-Cookie line')
def cookie_attributes(probe):
    reply = _get(probe, '/cookies/attributes')
    probe.expect_status(reply, 200)
    values = reply.header_values('Set-Cookie')
    found = _attributes(values[0]) if values else {}
    if (found.get('domain') or '').startswith('.'):
        found['domain'] = found['domain'][1:]  # the same cookie to a client
    wrong = [_av_text(name, value) for name, value in ATTRIBUTES_SET
             if name.lower() not in found or found[name.lower()] != value]
    if values and values[0].split(';', 1)[0] != 'session=abc123':
        wrong.insert(0, 'session=abc123')
    probe.expect(len(values) == 1 and not wrong,
                 'one Set-Cookie: session=abc123; %s (attributes in any '
                 'order)' % '; '.join(_av_text(*av) for av in
                                      ATTRIBUTES_SET),
                 '%s%s' % (header_text(reply, 'Set-Cookie'),
                           '; missing or different: ' + ', '.join(wrong)
                           if values and wrong else ''))


SAME_SITE = {'lax': 'Lax', 'strict': 'Strict'}


@case('CONTRACT-cookie-same-site', CONTRACT, MUST,
      '/cookies/same-site sets lax=one with SameSite=Lax and strict=two with '
      'SameSite=Strict, as the application asked (a server whose '
      'set_cookie cannot is answered 501: not applicable)')
def cookie_same_site(probe):
    reply = _get(probe, '/cookies/same-site')
    if reply.status == 501:
        probe.not_applicable('the server cannot set SameSite: %s' %
                             reply.describe())
    probe.expect_status(reply, 200)
    found = {value.split('=', 1)[0]: _attributes(value).get('samesite')
             for value in _every_cookie_set(probe, reply,
                                            ('lax=one', 'strict=two'))}
    probe.expect(all(found.get(name) == value
                     for name, value in SAME_SITE.items()),
                 'Set-Cookie: lax=one; ...; SameSite=Lax and Set-Cookie: '
                 'strict=two; ...; SameSite=Strict',
                 header_text(reply, 'Set-Cookie'))


@case('CONTRACT-cookie-pairs', CONTRACT, MUST,
      "/echo's cookies read a Cookie header pair by pair, a value keeping "
      'any "=" it holds')
def cookie_pairs(probe):
    reply = _get(probe, '/echo', [('Cookie', 'a=1; b=two; c=x=y')])
    _expect_cookies(probe, _cookies_seen(probe, reply),
                    {'a': '1', 'b': 'two', 'c': 'x=y'},
                    'Cookie: a=1; b=two; c=x=y')
    res = probe.http('GET', '/echo', cookies={'x': '1', 'y': 'z'})
    probe.expect(res.status_code == 200, 'status 200 to requests',
                 'status %d' % res.status_code)
    _expect_cookies(probe, probe.json(res).get('cookies') or {},
                    {'x': '1', 'y': 'z'}, 'requests')


@case('CONTRACT-malformed-cookie-pair', CONTRACT, MUST,
      "A malformed pair in Cookie is skipped by /echo's cookies: the "
      'request is answered and the valid pairs around it are read')
def malformed_pair(probe):
    sent = 'a=1; junk; =x; ; b=2'
    reply = _get(probe, '/echo', [('Cookie', sent)])
    _expect_cookies(probe, _cookies_seen(probe, reply), {'a': '1', 'b': '2'},
                    'Cookie: ' + sent)


# Http11Probe: COOK-PARSED-EMPTY-VAL (its server-side "/cookie" route is
# the contract's /echo cookies here)
@case('CONTRACT-cookie-empty-value', CONTRACT, MUST,
      "/echo's cookies read a pair with an empty value (\"foo=\") as the "
      'empty string')
def cookie_empty_value(probe):
    sent = 'foo=; bar=1'
    reply = _get(probe, '/echo', [('Cookie', sent)])
    seen = _cookies_seen(probe, reply)
    probe.expect(seen == {'foo': '', 'bar': '1'}, 'cookies %s from Cookie: '
                 '%s' % (json.dumps({'foo': '', 'bar': '1'}), sent),
                 'cookies %s' % json.dumps(seen))


# Http11Probe: COOK-EMPTY (it takes a 400 too; the contract skips what is
# no pair, and an empty Cookie holds none)
@case('CONTRACT-empty-cookie-header', CONTRACT, MUST,
      'An empty Cookie line is answered, and /echo reports no cookies')
def empty_cookie_header(probe):
    reply = _get(probe, '/echo', [b'Cookie: '])
    seen = _cookies_seen(probe, reply)
    probe.expect(seen == {}, 'no cookies from an empty Cookie line',
                 'cookies %s' % json.dumps(seen))


@case('RFC6265-5.4-several-cookie-lines', 'RFC 6265 §5.4; RFC 9110 §5.3',
      MAY, 'Two Cookie lines (a client sends one; HTTP/2 splits them) are '
      'answered; which cookies the server reads is recorded')
def several_cookie_lines(probe):
    reply = _get(probe, '/echo', [('Cookie', 'a=1'), ('Cookie', 'b=2')])
    if reply.status == 200:
        probe.observe('%s; cookies %s' % (reply.describe(), json.dumps(
            probe.json(reply).get('cookies'))))
    else:
        probe.observe(reply.describe())


def _from_query(probe, value):
    return probe.exchange(probe.request(
        'GET', '/cookies/from-query?value=' + quote(value, safe='')))


@case('RFC9110-5.5-cookie-value-crlf', 'RFC 9110 §2.2, §5.5', MUST,
      'A CR or LF in a cookie value never reaches the wire (response '
      'splitting): the value is refused or encoded')
def cookie_value_crlf(probe):
    for value in ('a\r\n%s: yes' % INJECTED, 'a\n%s: yes' % INJECTED):
        reply = _from_query(probe, value)  # a malformed head fails the read
        probe.expect(not reply.has_header(INJECTED),
                     'no %s header' % INJECTED, 'value %s gave %s, %s' % (
                         quoted(value), reply.describe(),
                         header_text(reply, INJECTED)))


@case('RFC6265-4.1.1-cookie-value-semicolon', 'RFC 6265 §4.1.1', SHOULD,
      'A ";" in a cookie value does not add attributes to the cookie')
def cookie_value_semicolon(probe):
    reply = _from_query(probe, 'a; Domain=evil.test; Path=/x')
    added = [v for v in reply.header_values('Set-Cookie')
             if set(_attributes(v).items()) - {('path', '/')}]
    probe.expect(not added, 'no attributes but the Path=/ the application '
                 'set: the value refused or encoded', '; '.join(
                     'Set-Cookie: ' + v for v in added) or
                 header_text(reply, 'Set-Cookie'))


@case('CONTRACT-refused-cookie-value-400', 'fixtures/CONTRACT.md (Routes)',
      MUST, 'A cookie value from the query that no Set-Cookie can carry (CR, '
      'LF, ";") is a client error: 400 (or sent encoded), never a 5xx')
def refused_cookie_value(probe):
    for value in ('a\r\nb', 'a;b'):
        reply = _from_query(probe, value)
        probe.expect(reply.status in (200, 400), 'status 400 (or 200 with '
                     'the value encoded) for value %s' % quoted(value),
                     reply.describe())


@case('CONTRACT-cookies-come-back', 'fixtures/CONTRACT.md (Routes)', MUST,
      'The cookies of /cookies/set-two have Path=/: a real client (requests) '
      'sends them back with its next request to /echo')
def cookies_come_back(probe):
    probe.http('GET', '/cookies/set-two')
    res = probe.http('GET', '/echo')
    seen = probe.json(res).get('cookies') if res.status_code == 200 else None
    probe.expect(seen == {'first': 'one', 'second': 'two'},
                 'cookies {"first": "one", "second": "two"} sent back',
                 'status %d, cookies %s' % (res.status_code,
                                            json.dumps(seen)))
