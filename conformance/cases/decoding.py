"""Decoding: percent-encoding and '+' in paths, query strings and form
bodies (RFC 3986 §2, the application/x-www-form-urlencoded format)."""
from conformance.case import MAY, SHOULD, case

FORM_TYPE = 'application/x-www-form-urlencoded'


def _echo(probe, path):
    """GET ``path`` (a route of the /echo family) and return its JSON."""
    reply = probe.exchange(probe.request('GET', path))
    probe.require(reply.status is not None, 'a response to GET ' + path,
                  reply.describe())
    probe.expect(reply.status == 200, 'status 200 for GET ' + path,
                 reply.describe())
    return probe.json(reply)


def _form(probe, body):
    """POST raw form ``body`` to /echo/form and return the parsed form."""
    reply = probe.exchange(probe.request(
        'POST', '/echo/form', [('Content-Type', FORM_TYPE),
                               ('Content-Length', len(body))], body))
    probe.require(reply.status is not None, 'a response to a form POST',
                  reply.describe())
    probe.expect(reply.status == 200, 'status 200 for the form %r' % body,
                 reply.describe())
    return probe.json(reply)['form'] or {}


def _expect_value(probe, where, seen, expected):
    probe.expect(seen == expected, '%s decoded to %r' % (where, expected),
                 '%s decoded to %r' % (where, seen))


@case('RFC3986-2.5-path-utf8', 'RFC 3986 §2.5', SHOULD,
      'Percent-encoded UTF-8 in a path segment decodes to its characters')
def path_utf8(probe):
    _expect_value(probe, '/echo/path/J%C3%B6rg',
                  _echo(probe, '/echo/path/J%C3%B6rg')['name'], 'J\u00f6rg')
    path = '/echo/rest/caf%C3%A9/%E2%82%AC'
    _expect_value(probe, path, _echo(probe, path)['rest'], 'caf\u00e9/\u20ac')


@case('RFC3986-2.5-query-utf8', 'RFC 3986 §2.5', SHOULD,
      'Percent-encoded UTF-8 in the query string decodes to its characters')
def query_utf8(probe):
    path = '/echo?name=J%C3%B6rg&city=Z%C3%BCrich%20%E2%82%AC'
    args = _echo(probe, path)['args']
    _expect_value(probe, path, args, {'name': ['J\u00f6rg'],
                                      'city': ['Z\u00fcrich \u20ac']})


@case('WHATWG-URL-5.1-form-utf8', 'WHATWG URL §5.1; RFC 3986 §2.5', SHOULD,
      'A form a browser or requests sends (UTF-8, percent-encoded) decodes '
      'to its characters')
def form_utf8(probe):
    sent = {'name': 'J\u00f6rg', 'city': 'Z\u00fcrich \u20ac'}
    res = probe.http('POST', '/echo/form', data=sent)
    form = probe.json(res).get('form') if res.status_code == 200 \
        else 'status %d' % res.status_code
    _expect_value(probe, 'the form %r' % sent, form,
                  {k: [v] for k, v in sent.items()})


@case('WHATWG-URL-5.1-plus-is-space', 'WHATWG URL §5.1', SHOULD,
      '"+" is a space in query strings and form bodies, and "%2B" a "+"')
def plus_is_space(probe):
    _expect_value(probe, '?q=a+b+c&r=%2B', _echo(probe, '/echo?q=a+b+c&r=%2B')
                  ['args'], {'q': ['a b c'], 'r': ['+']})
    _expect_value(probe, 'the form q=a+b&r=%2B', _form(probe, b'q=a+b&r=%2B'),
                  {'q': ['a b'], 'r': ['+']})


@case('RFC3986-2.2-path-plus-literal', 'RFC 3986 §2.2', SHOULD,
      '"+" in a path is a literal "+", not a space')
def path_plus_literal(probe):
    _expect_value(probe, '/echo/path/a+b',
                  _echo(probe, '/echo/path/a+b')['name'], 'a+b')
    _expect_value(probe, '/echo/rest/x+y/z',
                  _echo(probe, '/echo/rest/x+y/z')['rest'], 'x+y/z')


@case('RFC3986-2.4-query-encoded-delimiters', 'RFC 3986 §2.4', SHOULD,
      '"%26", "%3D" and "%2B" in a query or form value are data: they decode '
      'to "&", "=" and "+" after the pairs are split')
def encoded_delimiters(probe):
    query = 'a=x%26y%3Dz%2Bw&b=2'
    expected = {'a': ['x&y=z+w'], 'b': ['2']}
    _expect_value(probe, '?' + query, _echo(probe, '/echo?' + query)['args'],
                  expected)
    _expect_value(probe, 'the form ' + query, _form(probe, query.encode()),
                  expected)


@case('RFC9112-3-invalid-pct-encoding', 'RFC 9112 §3; RFC 3986 §2.1', SHOULD,
      'A "%" not followed by two hex digits makes the request-target '
      'invalid: 400 (or a 301 to the target properly encoded)')
def invalid_pct_encoding(probe):
    for path in ('/echo/path/%zz', '/echo/path/100%', '/echo?q=%zz',
                 '/echo?q=50%'):
        reply = probe.exchange(probe.request('GET', path))
        probe.expect(reply.status in (400, 301) or (
            reply.status is None and reply.closed),
            'status 400 or 301, or a close without a response',
            'GET %s: %s' % (path, reply.describe()))


@case('RFC3986-2.5-non-utf8-octets', 'RFC 3986 §2.5; RFC 9110 §15.5',
      SHOULD, 'Percent-encoded octets that are not UTF-8 are refused with a '
      '4xx or kept; they are the client\'s error, never a 5xx')
def non_utf8_octets(probe):
    seen = []
    for path in ('/echo/path/%FF', '/echo/rest/a/%C3%28', '/echo?q=%FF'):
        reply = probe.exchange(probe.request('GET', path))
        probe.expect(reply.status is None and reply.closed or
                     reply.status is not None and reply.status < 500,
                     'a 4xx, a 2xx with the octets kept, or a close',
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
        probe.require(reply.status is not None, 'a response to GET ' + path,
                      reply.describe())
        shown = reply.body[:60].decode('utf-8', 'replace') \
            if reply.status == 200 else ''
        seen.append('%s: %s %s' % (path, reply.describe(), shown))
    probe.observe('; '.join(seen))
