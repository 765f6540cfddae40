"""Does a server serve the contract's routes at all? One well-formed request
to every route of ``fixtures/CONTRACT.md`` (but those its profile declares
missing), each answer checked against what the contract says of it::

    checked = check_adapter(target)    # a started target
    checked.problems    # ['GET /own-date: status 200 expected, got ... 404']
    checked.unanswered  # ['GET /stream/3: no response within 3.0 s']

It proves an adapter (``fixtures/peers/``) before the suite judges the
framework behind it: a route that is absent or answers a plain request
otherwise than the contract says is the adapter's defect (``problems``),
and any verdict resting on it would be ours. So it asks only what the
adapter decides: which handler a path reaches, its status, its content and
the headers it sets itself. How the framework frames, parses or refines
that (a second Set-Cookie it drops, a HEAD, a percent-escape, a handler
that raises: ``/error/raise`` is left out) is for the cases to judge. A
route that gets no well-formed answer at all (silence, a close, a
malformed response) is kept apart (``unanswered``): a framework that hangs
on a handler's result is judged by the cases, whose rules no case waives;
the tests hold each adapter to the few such routes known to be its
framework's (``tests/harness/test_adapter_check.py``). ``python -m
conformance matrix`` runs the check before each column and publishes no
verdicts for a column with problems.
"""
import gzip
import json
import zlib

from mpy_http_conformance import fixture_module, fixture_path

from conformance.limits import body_pattern
from conformance.wire import Connection, build_request

CONTRACT = fixture_module('contract_numbers')
FILE_TYPES = {'index.html': ('text/html',), 'style.css': ('text/css',),
              'app.js': ('application/javascript', 'text/javascript'),
              'data.json': ('application/json',),
              'logo.png': ('image/png',), 'readme.txt': ('text/plain',),
              'blob.bin': ('application/octet-stream',)}
FORM = 'application/x-www-form-urlencoded'


class Route:
    """One request to one route of the contract, and what the answer must
    be: ``expect(reply)`` returns the problems found (strings)."""

    def __init__(self, path, method, target, expect, headers=(), body=None):
        self.path = path  # the contract's route, for missing_routes
        self.method = method
        self.target = target
        self.expect = expect
        self.headers = list(headers)
        self.body = body

    def label(self):
        return '%s %s' % (self.method, self.target)

    def request(self, host):
        headers = self.headers + [('Connection', 'close')]
        if self.body is not None:
            headers.append(('Content-Length', len(self.body)))
        return build_request(self.method, self.target, headers,
                             self.body or b'', host=host)


# ------------------------------------------------------------ expectations

def _status(code, *more):
    """Expectations of a reply with status ``code``, then ``more``."""
    def expect(reply):
        if reply.problem or reply.status != code:
            return ['status %d expected, got %s' % (code, reply.describe())]
        return [problem for check in more for problem in check(reply)]
    return expect


def _media_type(reply):
    value = reply.header('Content-Type') or ''
    return value.split(';', 1)[0].strip().lower()


def _content_type(*types):
    def check(reply):
        if _media_type(reply) not in types:
            return ['Content-Type %s expected, got %r' % (
                ' or '.join(types), reply.header('Content-Type'))]
        return []
    return check


def _content(expected):
    def check(reply):
        if reply.body != expected:
            return ['content %r expected, got %r' % (
                expected[:60], reply.body[:60])]
        return []
    return check


def _json(**fields):
    """A JSON answer holding ``fields`` (a value, or a predicate)."""
    def check(reply):
        problems = _content_type('application/json')(reply)
        try:
            answer = json.loads(reply.body.decode('utf-8'))
        except ValueError:
            return problems + ['a JSON body expected, got %r' %
                               reply.body[:60]]
        if not isinstance(answer, dict):
            return problems + ['a JSON object expected, got %r' % answer]
        for name, want in fields.items():
            got = answer.get(name)
            ok = want(got) if callable(want) else got == want
            if not ok:
                problems.append('%s: %s expected, got %s' % (
                    name, getattr(want, 'shows', json.dumps(want)),
                    json.dumps(got)))
        return problems
    return check


def _shown(text, predicate):
    predicate.shows = text
    return predicate


def _has_field(name, value):
    def test(headers):
        return isinstance(headers, dict) and any(
            k.lower() == name.lower() and v == value
            for k, v in headers.items())
    return _shown('a field %s: %s' % (name, value), test)


def _header(name, predicate, shows):
    def check(reply):
        values = reply.header_values(name)
        if not any(predicate(v) for v in values):
            return ['%s %s expected, got %s' % (name, shows, values or
                                                'none')]
        return []
    return check


def _contains(part):
    return lambda value: part.lower() in value.lower()


def _cookie(name_value, *attributes):
    """A Set-Cookie for ``name_value`` carrying ``attributes`` (any order,
    names in any case)."""
    def test(value):
        parts = [p.strip() for p in value.split(';')]
        have = {p.split('=', 1)[0].lower() + ('=' + p.split('=', 1)[1]
                                              if '=' in p else '')
                for p in parts[1:]}
        have |= {p.replace('domain=.', 'domain=') for p in have}
        return parts[0] == name_value and all(
            a.lower() in {h.lower() for h in have} for a in attributes)
    return test


def _some_cookie(*cookies):
    """At least one of ``cookies`` ((name=value, attributes...) each): a
    framework that keeps one Set-Cookie of several is judged by the cases
    (CONTRACT-cookies-come-back), not here."""
    tests = [_cookie(*c) for c in cookies]
    return _header('Set-Cookie', lambda v: any(t(v) for t in tests),
                   'for one of %s' % ', '.join(c[0] for c in cookies))


def _nothing(reply):
    if reply.body:
        return ['no content expected, got %r' % reply.body[:60]]
    return []


def _file(name):
    with open(fixture_path('files', name), 'rb') as f:
        return f.read()


def _gzip_or_plain(name):
    """The contract's /gzip/ answer to a client that accepts gzip: the .gz
    file with Content-Encoding: gzip, or the file itself without one."""
    plain = _file(name)

    def check(reply):
        coding = (reply.header('Content-Encoding') or '').lower()
        if coding == 'gzip':
            try:
                data = gzip.decompress(reply.body)
            except (OSError, EOFError):
                return ['gzip content expected, got %r' % reply.body[:30]]
        elif coding:
            return ['Content-Encoding %s' % coding]
        else:
            data = reply.body
        return [] if data == plain else ['the content of %s expected' % name]
    return check


def _static(name):
    return _status(200, _content(_file(name)),
                   _content_type(*FILE_TYPES[name]),
                   _header('Cache-Control', _contains('max-age=3600'),
                           'with max-age=3600'))


# ------------------------------------------------------------------ routes

def _routes():
    json_body = b'{"a": [1, "x"]}'
    upload = body_pattern(5000)
    stream = b''.join(b'piece %d\n' % i for i in range(3))
    routes = [
        Route('/', 'GET', '/', _status(200, _content(b'conformance fixture'),
                                       _content_type('text/plain'))),
        Route('/echo', 'GET', '/echo?a=1&b=two', _status(200, _json(
            method='GET', path='/echo', query_string='a=1&b=two',
            args={'a': ['1'], 'b': ['two']}, cookies={'c': '3'},
            headers=_has_field('X-Check', 'yes'))),
            headers=[('X-Check', 'yes'), ('Cookie', 'c=3')]),
        Route('/echo', 'DELETE', '/echo',
              _status(200, _json(method='DELETE'))),
        Route('/echo/form', 'POST', '/echo/form', _status(200, _json(
            form={'a': ['1'], 'b': ['two']})), [('Content-Type', FORM)],
            b'a=1&b=two'),
        Route('/echo/json', 'POST', '/echo/json', _status(200, _json(
            json={'a': [1, 'x']})), [('Content-Type', 'application/json')],
            json_body),
        Route('/echo/path/<name>', 'GET', '/echo/path/abc',
              _status(200, _json(name='abc'))),
        Route('/echo/int/<int:n>', 'GET', '/echo/int/42',
              _status(200, _json(n=42))),
        Route('/echo/int/<int:n>', 'GET', '/echo/int/-3',
              _status(200, _json(n=-3))),
        Route('/echo/rest/<path:rest>', 'GET', '/echo/rest/a/b/c',
              _status(200, _json(rest='a/b/c'))),
        Route('/methods/get-only', 'GET', '/methods/get-only',
              _status(200, _content(b'get-only'))),
        Route('/methods/post-only', 'POST', '/methods/post-only',
              _status(200, _content(b'post-only')), body=b''),
        Route('/cookies/set-two', 'GET', '/cookies/set-two', _status(
            200, _some_cookie(('first=one', 'Path=/'),
                              ('second=two', 'Path=/')))),
        Route('/cookies/attributes', 'GET', '/cookies/attributes', _status(
            200, _some_cookie(('session=abc123', 'Path=/cookies',
                               'Domain=example.test',
                               'Expires=Tue, 01 Jan 2030 00:00:00 GMT',
                               'Max-Age=3600', 'Secure', 'HttpOnly')))),
        Route('/cookies/same-site', 'GET', '/cookies/same-site',
              _same_site),
        Route('/cookies/from-query', 'GET', '/cookies/from-query?value=hello',
              _status(200, _some_cookie(('echoed=hello', 'Path=/')))),
        Route('/redirect/<code>', 'GET', '/redirect/200', _status(404)),
        Route('/error/abort/<code>', 'GET', '/error/abort/409',
              _status(409)),
        Route('/status/<code>', 'GET', '/status/201',
              _status(201, _content(b'status 201'))),
        Route('/own-date', 'GET', '/own-date', _status(
            200, _content(b'own date'),
            _header('Date', lambda v: v.endswith(' GMT'), 'an IMF-fixdate'))),
        Route('/stream/<n>', 'GET', '/stream/3',
              _status(200, _content(stream))),
        Route('/stream/<n>', 'POST', '/stream/3',
              _status(200, _content(stream)), body=b'unread'),
        Route('/bytes/<n>', 'GET', '/bytes/10', _status(
            200, _content(b'x' * 10),
            _content_type('application/octet-stream'))),
        Route('/bytes/<n>', 'GET', '/bytes/%d' % (CONTRACT.MAX_BYTES + 1),
              _status(400)),
        Route('/static/<path:name>', 'GET', '/static/missing.txt',
              _status(404)),
        Route('/gzip/<name>', 'GET', '/gzip/readme.txt', _status(
            200, _gzip_or_plain('readme.txt'), _content_type('text/plain'),
            _header('Vary', _contains('accept-encoding'),
                    'naming Accept-Encoding'))),
        Route('/gzip/<name>', 'GET', '/gzip/readme.txt', _status(
            200, _content(_file('readme.txt')),
            _header('Vary', _contains('accept-encoding'),
                    'naming Accept-Encoding')),
            [('Accept-Encoding', 'identity')]),
        Route('/gzip/<name>', 'GET', '/gzip/missing.txt', _status(404)),
        Route('/upload/stream', 'POST', '/upload/stream', _status(
            200, _json(length=len(upload), crc32=zlib.crc32(upload))),
            body=upload),
        Route('(none)', 'GET', '/no/such/route', _status(404)),
    ]
    for method in ('POST', 'PUT', 'PATCH'):
        routes.append(Route('/echo', method, '/echo', _status(200, _json(
            method=method, content_length=3,
            content_type=_shown('text/plain', lambda v: isinstance(
                v, str) and v.startswith('text/plain')))),
            [('Content-Type', 'text/plain')], b'abc'))
        routes.append(Route('/echo/body', method, '/echo/body', _status(
            200, _json(length=5, text='hello', hex='68656c6c6f')),
            body=b'hello'))
    for code in CONTRACT.REDIRECT_CODES:
        routes.append(Route('/redirect/<code>', 'GET',
                            '/redirect/%d?to=/target' % code, _status(
                                code, _header('Location', lambda v: v ==
                                              '/target', '/target'))))
    for code in CONTRACT.BODYLESS_STATUSES:
        routes.append(Route('/status/<code>', 'GET', '/status/%d' % code,
                            _status(code, _nothing)))
    for name in sorted(FILE_TYPES):
        routes.append(Route('/static/<path:name>', 'GET', '/static/' + name,
                            _static(name)))
    return routes


def _same_site(reply):
    # a server that cannot set SameSite answers 501 (the contract)
    if reply.status == 501:
        return []
    return _status(200, _some_cookie(('lax=one', 'Path=/', 'SameSite=Lax'),
                                     ('strict=two', 'Path=/',
                                      'SameSite=Strict')))(reply)


ROUTES = _routes()


def _missing(profile, route):
    """The route's path as the profile's missing_routes match it."""
    path = route.target.split('?', 1)[0]
    return profile.missing_route(path)


class Checked:
    """What ``check_adapter`` found: ``problems`` (wrong answers),
    ``unanswered`` (no well-formed answer) and how many ``requests``."""

    def __init__(self):
        self.problems = []
        self.unanswered = []
        self.requests = 0

    @property
    def passed(self):
        return not self.problems

    def as_dict(self):
        return {'passed': self.passed, 'problems': self.problems,
                'unanswered': self.unanswered, 'requests': self.requests}


def check_adapter(target):
    """Ask a started target for every route its profile does not declare
    missing; returns a ``Checked``."""
    checked = Checked()
    for route in ROUTES:
        if _missing(target.profile, route) is not None:
            continue
        checked.requests += 1
        try:
            with Connection(target.host, target.port,
                            target.profile.read_timeout) as conn:
                conn.send(route.request(target.host_header))
                reply = conn.read_reply(route.method)
        except OSError as exc:
            checked.unanswered.append('%s: cannot connect: %s' % (
                route.label(), exc))
            continue
        if reply.problem or reply.status is None:
            checked.unanswered.append('%s: %s' % (route.label(),
                                                  reply.describe()))
            continue
        checked.problems += ['%s: %s' % (route.label(), p)
                             for p in route.expect(reply)]
    return checked


def checked_routes(profile):
    """How many requests ``check_adapter`` sends under ``profile``."""
    return sum(_missing(profile, r) is None for r in ROUTES)
