"""Cookies: Set-Cookie as the server writes it, Cookie as it reads it
(RFC 6265 §3, §4.1, §4.2)."""
import re
from urllib.parse import quote

from conformance.case import MAY, MUST, SHOULD, case

TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
# cookie-octet: US-ASCII without CTLs, whitespace, DQUOTE, ',', ';' and '\'
OCTETS = r'[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*'
COOKIE_PAIR = re.compile(r'^%s=(%s|"%s")$' % (TOKEN, OCTETS, OCTETS))
# extension-av, and the value of Path: any CHAR except CTLs or ';'
AV_TEXT = re.compile(r'^[\x20-\x3a\x3c-\x7e]*$')
ATTRIBUTE_VALUES = {
    'expires': re.compile(r'^.+$'),  # the date is the Expires case's
    'max-age': re.compile(r'^[1-9][0-9]*$'),
    'domain': re.compile(r'^\.?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$'),
    'path': AV_TEXT,
}
FLAGS = ('secure', 'httponly')
RFC1123_DATE = re.compile(
    r'^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|'
    r'Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$')

ATTRIBUTES_SET = {'path': '/cookies', 'domain': 'example.test',
                  'expires': 'Tue, 01 Jan 2030 00:00:00 GMT',
                  'max-age': '3600', 'secure': None, 'httponly': None}
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


def _syntax_problem(set_cookie):
    """Why a Set-Cookie value does not match RFC 6265 §4.1.1, or None."""
    parts = set_cookie.split(';')
    if COOKIE_PAIR.match(parts[0]) is None:
        return 'cookie-pair %r is not token=cookie-octets' % parts[0]
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
            return 'attribute %r is malformed' % av[1:]
    return None


def _set_cookies(probe, path):
    reply = _get(probe, path)
    probe.expect_status(reply, 200)
    return reply.header_values('Set-Cookie')


def _cookies_seen(probe, reply, what):
    """The cookies /echo reports; the request must have been answered."""
    probe.require(reply.status is not None, 'a response to ' + what,
                  reply.describe())
    probe.expect_status(reply, 200)
    return probe.json(reply)['cookies']


@case('RFC6265-3-set-cookie-not-folded', 'RFC 6265 §3', SHOULD,
      'Two cookies are sent on two Set-Cookie lines, never folded into one')
def not_folded(probe):
    values = _set_cookies(probe, '/cookies/set-two')
    probe.expect(len(values) == 2 and values[0].startswith('first=one') and
                 values[1].startswith('second=two'),
                 'Set-Cookie: first=one and Set-Cookie: second=two',
                 '%d Set-Cookie line(s): %r' % (len(values), values))


@case('RFC6265-4.1.1-set-cookie-syntax', 'RFC 6265 §4.1.1', SHOULD,
      'Set-Cookie is token=cookie-octets, then attributes each after "; "')
def set_cookie_syntax(probe):
    for path in ('/cookies/set-two', '/cookies/attributes'):
        for value in _set_cookies(probe, path):
            problem = _syntax_problem(value)
            probe.expect(problem is None, 'Set-Cookie values that match '
                         'the set-cookie-string grammar',
                         'GET %s: Set-Cookie: %s (%s)' % (
                             path, value, problem or 'conforms'))


@case('RFC6265-4.1.1-expires-date', 'RFC 6265 §4.1.1', SHOULD,
      'The Expires attribute is an rfc1123-date, the one the application set')
def expires_date(probe):
    values = _set_cookies(probe, '/cookies/attributes')
    expires = [_attributes(v).get('expires') for v in values]
    probe.expect(expires and expires[0] == ATTRIBUTES_SET['expires'] and
                 RFC1123_DATE.match(expires[0]) is not None,
                 'Expires=%s' % ATTRIBUTES_SET['expires'],
                 'Set-Cookie: %r' % values)


@case('RFC6265-4.1.2-attributes-as-set', 'RFC 6265 §4.1.2', SHOULD,
      'Path, Domain, Max-Age, Secure and HttpOnly are sent as the '
      'application set them')
def attributes_as_set(probe):
    values = _set_cookies(probe, '/cookies/attributes')
    found = _attributes(values[0]) if values else {}
    if (found.get('domain') or '').startswith('.'):
        found['domain'] = found['domain'][1:]  # RFC 6265 ignores the dot
    wrong = ['%s=%s' % (name, found.get(name, '(absent)'))
             for name, value in ATTRIBUTES_SET.items()
             if name != 'expires' and (name not in found or
                                       found[name] != value)]
    probe.expect(len(values) == 1 and not wrong,
                 'one Set-Cookie with Path=/cookies; Domain=example.test; '
                 'Max-Age=3600; Secure; HttpOnly',
                 'Set-Cookie: %r; wrong: %s' % (values, ', '.join(wrong)))


@case('RFC6265-4.2.1-cookie-pairs', 'RFC 6265 §4.2.1, §5.4', SHOULD,
      'A Cookie header with several pairs is read pair by pair, a value '
      'keeping any "=" it holds')
def cookie_pairs(probe):
    sent = {'a': '1', 'b': 'two', 'c': 'x=y'}
    reply = _get(probe, '/echo', [('Cookie', 'a=1; b=two; c=x=y')])
    seen = _cookies_seen(probe, reply, 'a Cookie header with three pairs')
    probe.expect(all(seen.get(k) == v for k, v in sent.items()),
                 'cookies %r' % sent, 'cookies %r' % seen)
    res = probe.http('GET', '/echo', cookies={'x': '1', 'y': 'z'})
    seen = probe.json(res)['cookies'] if res.status_code == 200 else {}
    probe.expect(seen.get('x') == '1' and seen.get('y') == 'z',
                 "cookies {'x': '1', 'y': 'z'} from requests",
                 '%d, cookies %r' % (res.status_code, seen))


@case('RFC6265-4.2.1-malformed-pair-ignored', 'RFC 6265 §4.2.1', SHOULD,
      'A malformed pair in Cookie does not fail the request: the valid '
      'pairs around it are still read')
def malformed_pair(probe):
    reply = _get(probe, '/echo', [('Cookie', 'a=1; junk; =x; ; b=2')])
    seen = _cookies_seen(probe, reply, 'Cookie: a=1; junk; =x; ; b=2')
    probe.expect(seen.get('a') == '1' and seen.get('b') == '2',
                 "cookies a=1 and b=2", 'cookies %r' % seen)


@case('RFC6265-5.4-several-cookie-lines', 'RFC 6265 §5.4; RFC 9110 §5.3',
      MAY, 'Two Cookie lines (a client sends one; HTTP/2 splits them) are '
      'answered; which cookies the server reads is recorded')
def several_cookie_lines(probe):
    reply = _get(probe, '/echo', [('Cookie', 'a=1'), ('Cookie', 'b=2')])
    probe.require(reply.status is not None, 'a response to two Cookie lines',
                  reply.describe())
    cookies = probe.json(reply)['cookies'] if reply.status == 200 else None
    probe.observe('%s; cookies %r' % (reply.describe(), cookies))


def _from_query(probe, value):
    return probe.exchange(probe.request(
        'GET', '/cookies/from-query?value=' + quote(value, safe='')))


@case('RFC6265-4.1.1-cookie-value-crlf', 'RFC 9112 §11.1; RFC 9110 §5.5',
      MUST, 'A CR or LF in a cookie value never reaches the wire (response '
      'splitting): the value is refused or encoded')
def cookie_value_crlf(probe):
    for value in ('a\r\n%s: yes' % INJECTED, 'a\n%s: yes' % INJECTED):
        reply = _from_query(probe, value)  # a malformed head fails the read
        probe.expect(not reply.has_header(INJECTED),
                     'no %s header' % INJECTED, 'value=%r gave %s, %s: %s'
                     % (value, reply.describe(), INJECTED,
                        reply.header(INJECTED) or '(none)'))


@case('RFC6265-4.1.1-cookie-value-semicolon', 'RFC 6265 §4.1.1', SHOULD,
      'A ";" in a cookie value does not add attributes to the cookie')
def cookie_value_semicolon(probe):
    reply = _from_query(probe, 'a; Domain=evil.test; Path=/')
    values = reply.header_values('Set-Cookie')
    added = [v for v in values if _attributes(v)]
    probe.expect(not added, 'no attributes (the application set none): the '
                 'value refused or encoded', 'Set-Cookie: %r' % added)
