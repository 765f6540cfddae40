"""Decoding: percent-encoding and '+' in paths, query strings and form
bodies. How /echo decodes what it is given is the fixture contract's (RFC
3986 §2.5 only suggests UTF-8 to new URI schemes, and the
application/x-www-form-urlencoded format is not an RFC); what a server does
with a request-target that is not valid is RFC 9112 §3's."""
import json

from conformance.case import MAY, MUST, SHOULD, case

CONTRACT = 'fixtures/CONTRACT.md (Routes)'
FORM_TYPE = 'application/x-www-form-urlencoded'


def _echo(probe, path):
    """GET ``path`` (a route of the /echo family) and return its JSON."""
    reply = probe.exchange(probe.request('GET', path))
    probe.expect(reply.status == 200, 'status 200 for GET ' + path,
                 reply.describe())
    return probe.json(reply)


def _form(probe, body):
    """POST raw form ``body`` to /echo/form and return the parsed form."""
    reply = probe.exchange(probe.request(
        'POST', '/echo/form', [('Content-Type', FORM_TYPE),
                               ('Content-Length', len(body))], body))
    probe.expect(reply.status == 200, 'status 200 for the form "%s"' %
                 body.decode(), reply.describe())
    return probe.json(reply).get('form')


def _text(value):
    return json.dumps(value, ensure_ascii=False)


def _expect_value(probe, where, seen, expected):
    probe.expect(seen == expected, '%s decoded to %s' % (
        where, _text(expected)), '%s decoded to %s' % (where, _text(seen)))


@case('CONTRACT-path-utf8', CONTRACT, MUST,
      'Percent-encoded UTF-8 in a path segment decodes to its characters')
def path_utf8(probe):
    _expect_value(probe, '/echo/path/J%C3%B6rg', _echo(
        probe, '/echo/path/J%C3%B6rg').get('name'), 'J\u00f6rg')
    path = '/echo/rest/caf%C3%A9/%E2%82%AC'
    _expect_value(probe, path, _echo(probe, path).get('rest'),
                  'caf\u00e9/\u20ac')


@case('CONTRACT-query-utf8', CONTRACT, MUST,
      'Percent-encoded UTF-8 in the query string decodes to its characters')
def query_utf8(probe):
    path = '/echo?name=J%C3%B6rg&city=Z%C3%BCrich%20%E2%82%AC'
    _expect_value(probe, path, _echo(probe, path).get('args'),
                  {'name': ['J\u00f6rg'], 'city': ['Z\u00fcrich \u20ac']})


@case('CONTRACT-form-utf8', CONTRACT, MUST,
      'A form a browser or requests sends (UTF-8, percent-encoded) decodes '
      'to its characters')
def form_utf8(probe):
    sent = {'name': 'J\u00f6rg', 'city': 'Z\u00fcrich \u20ac'}
    res = probe.http('POST', '/echo/form', data=sent)
    form = probe.json(res).get('form') if res.status_code == 200 \
        else 'status %d' % res.status_code
    _expect_value(probe, 'the form %s' % _text(sent), form,
                  {k: [v] for k, v in sent.items()})


@case('CONTRACT-plus-is-space', CONTRACT, MUST,
      '"+" is a space in query strings and form bodies, and "%2B" a "+"')
def plus_is_space(probe):
    _expect_value(probe, '?q=a+b+c&r=%2B', _echo(
        probe, '/echo?q=a+b+c&r=%2B').get('args'),
        {'q': ['a b c'], 'r': ['+']})
    _expect_value(probe, 'the form q=a+b&r=%2B', _form(probe, b'q=a+b&r=%2B'),
                  {'q': ['a b'], 'r': ['+']})


@case('CONTRACT-path-plus-literal', CONTRACT, MUST,
      '"+" in a path is a literal "+", not a space')
def path_plus_literal(probe):
    _expect_value(probe, '/echo/path/a+b',
                  _echo(probe, '/echo/path/a+b').get('name'), 'a+b')
    _expect_value(probe, '/echo/rest/x+y/z',
                  _echo(probe, '/echo/rest/x+y/z').get('rest'), 'x+y/z')


@case('CONTRACT-query-encoded-delimiters', CONTRACT, MUST,
      '"%26", "%3D" and "%2B" in a query or form value are data: they decode '
      'to "&", "=" and "+" after the pairs are split')
def encoded_delimiters(probe):
    query = 'a=x%26y%3Dz%2Bw&b=2'
    expected = {'a': ['x&y=z+w'], 'b': ['2']}
    _expect_value(probe, '?' + query, _echo(probe, '/echo?' + query).get(
        'args'), expected)
    _expect_value(probe, 'the form ' + query, _form(probe, query.encode()),
                  expected)


@case('RFC9112-3-invalid-pct-encoding', 'RFC 9112 §3; RFC 3986 §2.1', SHOULD,
      'A "%" not followed by two hex digits makes the request-target '
      'invalid: 400 (or a 301 to the target properly encoded)')
def invalid_pct_encoding(probe):
    for path in ('/echo/path/%zz', '/echo/path/100%', '/echo?q=%zz',
                 '/echo?q=50%'):
        reply = probe.exchange(probe.request('GET', path))
        probe.expect(probe.refused(reply, 400, 301),
                     'status 400 or 301, or a close without a response',
                     'GET %s: %s' % (path, reply.describe()))


@case('CONTRACT-non-utf8-octets', CONTRACT, MUST,
      'Percent-encoded octets that are not UTF-8 are refused with a 4xx or '
      'kept; they are the client\'s error, never a 5xx')
def non_utf8_octets(probe):
    seen = []
    for path in ('/echo/path/%FF', '/echo/rest/a/%C3%28', '/echo?q=%FF'):
        reply = probe.exchange(probe.request('GET', path))
        probe.expect(probe.refused(reply) or reply.status is not None and
                     reply.status < 500,
                     'a 4xx or a close (refused), or an answer that keeps '
                     'the octets: never a 5xx',
                     'GET %s: %s' % (path, reply.describe()))
        seen.append('%s: %s' % (path, reply.describe()))
    probe.observe('; '.join(seen))


@case('RFC3986-2.2-encoded-slash', 'RFC 3986 §2.2', MAY,
      '"%2F" in a single-segment argument: whether it matches as data, is '
      'refused or is not found is recorded')
def encoded_slash(probe):
    seen = []
    for path in ('/echo/path/a%2Fb', '/echo/rest/a%2Fb/c'):
        reply = probe.exchange(probe.request('GET', path))
        shown = reply.body[:60].decode('utf-8', 'replace') \
            if reply.status == 200 else ''
        seen.append('%s: %s %s' % (path, reply.describe(), shown))
    probe.observe('; '.join(seen))


OVERLONG_SLASH = [('/echo/path/a%C0%AFb', 'name'),
                  ('/echo/rest/a%C0%AFb', 'rest'), ('/echo?q=a%C0%AFb', 'args')]


# Http11Probe: MAL-URL-OVERLONG-UTF8
@case('RFC3629-3-overlong-utf8', 'RFC 3629 §3, §10', MUST,
      '"%C0%AF", an overlong UTF-8 form of "/", is never decoded to "/": '
      'refused, or kept as the invalid octets it is')
def overlong_utf8(probe):
    seen = []
    for path, key in OVERLONG_SLASH:
        reply = probe.exchange(probe.request('GET', path))
        value = _echoed(reply, key)
        probe.expect(value != 'a/b', 'not "a/b" from GET %s' % path,
                     '%s; the application saw %s' % (reply.describe(),
                                                     _text(value)))
        seen.append('%s: %s' % (path, reply.describe()))
    probe.observe('; '.join(seen))


def _echoed(reply, key):
    """What an /echo route says it got for ``key`` (the first ``q`` of
    ``args``); None when it did not answer with JSON (a server that keeps
    invalid octets may echo them, and they are no UTF-8)."""
    try:
        answer = json.loads(reply.body.decode('utf-8'))
    except ValueError:
        return None
    value = answer.get(key) if isinstance(answer, dict) else None
    if key == 'args' and isinstance(value, dict):
        return (value.get('q') or [None])[0]
    return value
