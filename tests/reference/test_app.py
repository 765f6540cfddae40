"""The application API (``microdot``) through the in-process ``TestClient``,
which drives the real server core over an in-memory connection."""
import asyncio
import datetime
import io

import pytest
from hypothesis import given, settings, strategies as st

import microdot_server
from microdot import (HTTPException, Microdot, MultiDict, NoCaseDict,
                      Request, Response, URLPattern, abort, redirect,
                      send_file, urldecode_bytes, urldecode_str, urlencode)
from microdot_test_client import MemoryConnection, TestClient


def exchange(app, raw):
    """Feed raw request bytes to the server core; the raw answer."""
    conn = MemoryConnection(raw)
    asyncio.run(microdot_server.Server(app).serve_connection(conn))
    return conn.response


def split_response(raw):
    head, _, body = raw.partition(b'\r\n\r\n')
    lines = head.decode().split('\r\n')
    return lines[0], lines[1:], body


@pytest.fixture
def app():
    return Microdot()


@pytest.fixture
def client(app):
    return TestClient(app)


def without_date(headers):
    return {k: v for k, v in headers.items() if k != 'Date'}


# ----------------------------------------------------------------- routing

def test_static_route(app, client):
    app.route('/')(lambda req: 'Hello, World!')
    res = client.get('/')
    assert (res.status_code, res.reason, res.text) == (200, 'OK',
                                                       'Hello, World!')


@pytest.mark.parametrize('pattern, path, expected', [
    ('/u/<name>', '/u/susan', {'name': 'susan'}),
    ('/u/<string:name>', '/u/joe', {'name': 'joe'}),
    ('/u/<int:id>', '/u/42', {'id': 42}),
    ('/u/<int:id>', '/u/-7', {'id': -7}),
    ('/u/<int:id>', '/u/007', {'id': 7}),
    ('/f/<path:p>', '/f/a/b/c.txt', {'p': 'a/b/c.txt'}),
    ('/r/<re:[a-c]+:x>', '/r/abcba', {'x': 'abcba'}),
    ('/<a>/<int:b>/<path:c>', '/x/1/y/z', {'a': 'x', 'b': 1, 'c': 'y/z'}),
    ('/<re:(a|b)(c)?:x>/<int:n>', '/ac/5', {'x': 'ac', 'n': 5}),
    ('/<re:(?:a|b)+:x>/<y>', '/abab/q', {'x': 'abab', 'y': 'q'}),
    ('/v1.0/<name>', '/v1.0/a', {'name': 'a'}),
    ('/c++/<name>', '/c++/x', {'name': 'x'}),
    ('/a(b)/<int:n>', '/a(b)/5', {'n': 5}),
    ('/a$/<x>', '/a$/b', {'x': 'b'}),
    ('/users', '/users', {}),
    ('users', '/users', {}),
    ('/a//<x>/', '/a//b/', {'x': 'b'}),
    ('/h/<name>', '/h/' + 'a' * 5000, {'name': 'a' * 5000}),
    ('/f/<path:p>', '/f/a//b/', {'p': 'a//b/'}),
    ('/n/<int:n>', '/n/-' + '9' * 50, {'n': -int('9' * 50)}),
])
def test_url_pattern_matches(pattern, path, expected):
    assert URLPattern(pattern).match(path) == expected


@pytest.mark.parametrize('pattern, path', [
    ('/u/<name>', '/u/a/b'),
    ('/u/<name>', '/u/'),
    ('/u/<int:id>', '/u/4x'),
    ('/u/<int:id>', '/u/1.5'),
    ('/u/<int:id>', '/u/'),
    ('/f/<path:p>', '/f/'),
    ('/r/<re:[a-c]+:x>', '/r/abd'),
    ('/v1.0/<name>', '/v1x0/a'),
    ('/a.b', '/axb'),
    ('/users', '/users/'),
    ('/users', '/Users'),
    ('/u/<int:id>', '/u/-'),
    ('/u/<int:id>', '/u/--1'),
    ('/f/<path:p>', '/f'),
    ('/a/<x>', 'a/b'),
    ('/a/<x>/b', '/a/x/c'),
])
def test_url_pattern_does_not_match(pattern, path):
    assert URLPattern(pattern).match(path) is None


@pytest.mark.parametrize('pattern', [
    '/a/<int:id', '/a/<foo:id>', '/a/<>', '/a/<int:>', '/a/<re::x>'])
def test_invalid_url_pattern_raises_valueerror(app, pattern):
    with pytest.raises(ValueError):
        URLPattern(pattern)
    with pytest.raises(ValueError):
        app.route(pattern)(lambda req: '')


@pytest.mark.parametrize('pattern', ['/a/<re:(:x>', '/a/<re:[a-:x>'])
def test_invalid_regex_raises_re_error(app, pattern):
    # re's own error, as microdot 1.x let it through
    import re
    with pytest.raises(re.error):
        URLPattern(pattern)


def test_url_arguments_reach_the_handler(app, client):
    @app.route('/users/<int:id>/<name>')
    def user(req, id, name):
        return {'id': id, 'name': name, 'url_args': req.url_args}
    assert client.get('/users/-3/bob').json == {
        'id': -3, 'name': 'bob', 'url_args': {'id': -3, 'name': 'bob'}}


@pytest.mark.parametrize('path, expected', [
    ('/hello/J%C3%B6rg', 'J\xf6rg'),
    ('/hello/a+b', 'a+b'),
    ('/hello/a%20b', 'a b'),
    ('/hello/a%2Bb', 'a+b'),
    ('/hello/%E2%82%AC', '\u20ac'),
    ('/hello/%2F', '/'),
])
def test_path_arguments_are_percent_decoded_as_utf8(app, client, path,
                                                    expected):
    app.route('/hello/<name>')(lambda req, name: name)
    res = client.get(path)
    assert (res.status_code, res.text) == (200, expected)


@pytest.mark.parametrize('path', ['/hello/%FF', '/hello/%C3', '/hello/%C3%28',
                                  '/hello/100%', '/hello/%zz', '/hello/%4'])
def test_path_argument_not_utf8_or_bad_escape_is_400(app, client, path):
    app.route('/hello/<name>')(lambda req, name: name)
    assert client.get(path).status_code == 400


def test_query_string_decoding(app, client):
    @app.route('/q')
    def q(req):
        return {'q': req.args['q'], 'all': req.args.getlist('q'),
                'query_string': req.query_string}
    assert client.get('/q?q=a+b%20c&q=J%C3%B6rg&x').json == {
        'q': 'a b c', 'all': ['a b c', 'J\xf6rg'],
        'query_string': 'q=a+b%20c&q=J%C3%B6rg&x'}


def test_query_string_not_utf8_is_400(app, client):
    app.route('/q')(lambda req: 'x')
    assert client.get('/q?a=%FF').status_code == 400


def test_no_query_string_is_none(app, client):
    app.route('/q')(lambda req: repr((req.query_string, dict(req.args))))
    assert client.get('/q').text == '(None, {})'
    assert client.get('/q?').text == "('', {})"


@pytest.mark.parametrize('method', ['get', 'post', 'put', 'patch', 'delete'])
def test_method_shortcuts(app, client, method):
    getattr(app, method)('/m')(lambda req: req.method)
    res = client.request(method.upper(), '/m')
    assert (res.status_code, res.text) == (200, method.upper())


def test_route_methods_are_case_insensitive(app, client):
    app.route('/m', methods=['post'])(lambda req: 'posted')
    assert client.post('/m').text == 'posted'


def test_first_matching_route_wins(app, client):
    app.route('/a/<x>')(lambda req, x: 'first')
    app.route('/a/b')(lambda req: 'second')
    assert client.get('/a/b').text == 'first'


def test_request_attributes(app, client):
    @app.route('/attrs', methods=['POST'])
    def attrs(req):
        return {
            'method': req.method, 'url': req.url, 'path': req.path,
            'query_string': req.query_string, 'args': req.args.getlist('a'),
            'content_length': req.content_length,
            'content_type': req.content_type,
            'http_version': req.http_version,
            'client_addr': list(req.client_addr),
            'x': req.headers['x-custom'], 'app': req.app is app,
        }
    res = client.post('/attrs?a=1&a=2', headers={
        'X-Custom': 'v', 'Content-Type': 'text/plain'}, body='hello')
    assert res.json == {
        'method': 'POST', 'url': '/attrs?a=1&a=2', 'path': '/attrs',
        'query_string': 'a=1&a=2', 'args': ['1', '2'], 'content_length': 5,
        'content_type': 'text/plain', 'http_version': '1.1',
        'client_addr': ['127.0.0.1', 1234], 'x': 'v', 'app': True}


def test_g_is_a_fresh_namespace_per_request(app, client):
    @app.before_request
    def before(req):
        assert not hasattr(req.g, 'user')
        req.g.user = 'susan'
    app.route('/')(lambda req: req.g.user)
    assert client.get('/').text == 'susan'
    assert client.get('/').text == 'susan'


# ------------------------------------------------------------ return types

def test_str_is_sent_as_utf8_text(app, client):
    app.route('/')(lambda req: 'h\xe9llo')
    res = client.get('/')
    assert res.body == 'h\xe9llo'.encode()
    assert res.headers['Content-Length'] == '6'
    assert res.headers['Content-Type'] == 'text/plain; charset=UTF-8'


def test_bytes_are_sent_as_they_are(app, client):
    app.route('/')(lambda req: b'\x00\xff')
    res = client.get('/')
    assert res.body == b'\x00\xff'
    assert res.headers['Content-Length'] == '2'


@pytest.mark.parametrize('value', [{'a': [1, 2], 'b': None}, [1, 'x'], []])
def test_dict_and_list_are_sent_as_json(app, client, value):
    app.route('/')(lambda req: value)
    res = client.get('/')
    assert res.json == value
    assert res.headers['Content-Type'] == 'application/json; charset=UTF-8'


def test_none_is_an_empty_204(app, client):
    app.route('/')(lambda req: None)
    res = client.get('/')
    assert (res.status_code, res.reason, res.body) == (204, 'No Content', b'')
    assert 'Content-Length' not in res.headers
    assert 'Transfer-Encoding' not in res.headers


@pytest.mark.parametrize('result, status, header', [
    (('made', 201), 201, None),
    (('hi', {'X-A': '1'}), 200, '1'),
    (('teapot', 418, {'X-A': '2'}), 418, '2'),
    ((Response('r'), ), 200, None),
])
def test_tuple_results(app, client, result, status, header):
    app.route('/')(lambda req: result if len(result) > 1 else result[0])
    res = client.get('/')
    assert res.status_code == status
    assert res.headers.get('X-A') == header


def test_response_object_with_reason_and_list_header(app, client):
    app.route('/')(lambda req: Response(
        'body', 202, {'X-Multi': ['a', 'b']}, reason='Queued'))
    res = client.get('/')
    assert (res.status_code, res.reason, res.text) == (202, 'Queued', 'body')
    assert res.headers['X-Multi'] == ['a', 'b']


def test_generator_is_streamed_with_chunked_coding(app):
    @app.route('/')
    def stream(req):
        def pieces():
            yield 'ab'
            yield b''
            yield b'cde'
        return pieces()
    status, headers, body = split_response(exchange(
        app, b'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))
    assert status == 'HTTP/1.1 200 OK'
    assert 'Transfer-Encoding: chunked' in headers
    assert not [h for h in headers if h.startswith('Content-Length')]
    assert body == b'2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n'


def test_generator_to_http10_is_framed_by_close(app):
    app.route('/')(lambda req: iter([b'ab', b'cd']))
    status, headers, body = split_response(exchange(
        app, b'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'))
    assert 'Connection: close' in headers
    assert not [h for h in headers if h.startswith('Transfer-Encoding')]
    assert body == b'abcd'


def test_async_generator_is_streamed(app, client):
    @app.route('/')
    async def stream(req):
        async def pieces():
            for i in range(3):
                await asyncio.sleep(0)
                yield str(i)
        return pieces()
    assert client.get('/').text == '012'


def test_file_like_body_is_streamed_and_closed(app, client):
    Response.send_file_buffer_size = 4
    f = io.BytesIO(b'0123456789')
    app.route('/')(lambda req: f)
    res = client.get('/')
    assert res.body == b'0123456789'
    assert res.headers['Transfer-Encoding'] == 'chunked'
    assert f.closed


def test_generator_failing_midway_cuts_the_message(app):
    def pieces():
        yield b'ok'
        raise RuntimeError('broken')
    app.route('/')(lambda req: pieces())
    raw = exchange(app, b'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
                        b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    assert raw.count(b'HTTP/1.1 200') == 1  # closed: no second answer
    assert not raw.endswith(b'0\r\n\r\n')  # and no chunked terminator


# ------------------------------------------------------------------- hooks

def test_before_request_can_short_circuit(app, client):
    calls = []
    app.before_request(lambda req: ('blocked', 403))
    app.route('/')(lambda req: calls.append('handler'))
    res = client.get('/')
    assert (res.status_code, res.text, calls) == (403, 'blocked', [])


def test_before_request_returning_none_continues(app, client):
    calls = []
    app.before_request(lambda req: calls.append('before'))
    app.route('/')(lambda req: calls.append('handler') or 'ok')
    assert client.get('/').text == 'ok'
    assert calls == ['before', 'handler']


def test_after_request_hooks_in_order(app, client):
    order = []

    @app.after_request
    def first(req, res):
        order.append('app')
        res.headers['X-First'] = '1'

    @app.after_request
    def second(req, res):
        order.append('app2')
        return Response(res.body + b'!', headers=res.headers)

    @app.route('/')
    def index(req):
        @req.after_request
        def per_request(req, res):
            order.append('request')
            res.headers['X-Request'] = '1'
            return res
        return 'hi'

    res = client.get('/')
    assert res.text == 'hi!'
    assert (res.headers['X-First'], res.headers['X-Request']) == ('1', '1')
    assert order == ['app', 'app2', 'request']


@pytest.mark.parametrize('method, path, status', [
    ('GET', '/missing', 404), ('POST', '/', 405), ('GET', '/boom', 500),
    ('BREW', '/', 501), ('GET', '/abort', 403)])
def test_after_error_request_runs_on_errors_only(app, client, method, path,
                                                 status):
    seen = []
    app.route('/')(lambda req: 'ok')
    app.route('/boom')(lambda req: 1 / 0)
    app.route('/abort')(lambda req: abort(403))
    app.after_request(lambda req, res: seen.append(('after', res.status_code)))

    @app.after_error_request
    def after_error(req, res):
        seen.append(('error', res.status_code))
        res.headers['X-Error'] = 'yes'

    res = client.request(method, path)
    assert (res.status_code, res.headers['X-Error']) == (status, 'yes')
    assert seen == [('error', status)]
    seen.clear()
    assert client.get('/').status_code == 200
    assert seen == [('after', 200)]


def test_after_error_request_runs_on_413(app, client):
    Request.max_content_length = 4
    app.route('/', methods=['POST'])(lambda req: 'ok')
    app.after_error_request(lambda req, res: Response('too big', 413))
    res = client.post('/', body=b'12345')
    assert (res.status_code, res.text) == (413, 'too big')


def test_hooks_see_413_of_a_chunked_body(app):
    Request.max_content_length = 4
    app.route('/', methods=['POST'])(lambda req: 'ok')
    app.errorhandler(413)(lambda req: ('custom 413', 413))
    raw = exchange(app, b'POST / HTTP/1.1\r\nHost: x\r\n'
                        b'Transfer-Encoding: chunked\r\n\r\n'
                        b'5\r\nabcde\r\n0\r\n\r\n')
    assert split_response(raw)[2] == b'custom 413'


def test_failing_after_error_request_keeps_the_response(app, client):
    app.after_error_request(lambda req, res: 1 / 0)
    assert client.get('/missing').status_code == 404


def test_failing_after_request_is_a_500(app, client):
    app.route('/')(lambda req: 'ok')
    app.after_request(lambda req, res: 1 / 0)
    assert client.get('/').status_code == 500


# --------------------------------------------------------- error handlers

def test_errorhandler_by_status(app, client):
    app.errorhandler(404)(lambda req: ({'error': req.path}, 404))
    res = client.get('/nowhere')
    assert (res.status_code, res.json) == (404, {'error': '/nowhere'})


def test_errorhandler_for_405_keeps_allow(app, client):
    app.route('/', methods=['GET', 'PUT'])(lambda req: 'ok')
    app.errorhandler(405)(lambda req: ('no', 405))
    res = client.delete('/')
    assert (res.status_code, res.text) == (405, 'no')
    assert res.headers['Allow'] == 'GET, PUT, HEAD, OPTIONS'


def test_errorhandler_for_500_handles_exceptions(app, client):
    app.route('/')(lambda req: {}['missing'])
    app.errorhandler(500)(lambda req: ('oops', 500))
    assert client.get('/').text == 'oops'


def test_errorhandler_by_exception_class(app, client):
    app.route('/')(lambda req: 1 / 0)
    app.errorhandler(ZeroDivisionError)(
        lambda req, exc: ('division: %s' % type(exc).__name__, 400))
    res = client.get('/')
    assert (res.status_code, res.text) == (400, 'division: ZeroDivisionError')


@pytest.mark.parametrize('exc, expected', [
    (ZeroDivisionError, 'ArithmeticError'),
    (OverflowError, 'ArithmeticError'),
    (KeyError, 'LookupError'),
    (RuntimeError, 'Exception'),
    (io.UnsupportedOperation, 'ValueError'),  # (OSError, ValueError)
    (UnicodeDecodeError, 'ValueError'),
])
def test_most_specific_exception_handler_wins(app, client, exc, expected):
    def fail(req):
        if exc is UnicodeDecodeError:
            b'\xff'.decode()
        raise exc('x')
    app.route('/')(fail)
    for cls in (Exception, ArithmeticError, LookupError, ValueError):
        app.errorhandler(cls)(lambda req, e, cls=cls: cls.__name__)
    assert client.get('/').text == expected


def test_failing_error_handler_falls_back_to_500(app, client):
    app.route('/')(lambda req: 1 / 0)
    app.errorhandler(ZeroDivisionError)(lambda req, exc: [][1])
    res = client.get('/')
    assert res.status_code == 500
    assert res.text == 'Internal server error'  # microdot's wording


def test_abort_with_reason(app, client):
    app.route('/')(lambda req: abort(403, 'Go away'))
    res = client.get('/')
    assert (res.status_code, res.reason, res.text) == (403, 'Forbidden',
                                                       'Go away')


def test_abort_without_reason_says_status_error(app, client):
    # microdot 1.x's body for an abort without a reason; the status line
    # keeps the standard phrase
    app.route('/')(lambda req: Microdot.abort(418))
    res = client.get('/')
    assert (res.status_code, res.reason, res.text) == (
        418, "I'm a teapot", '418 error')


def test_abort_reaches_the_status_errorhandler(app, client):
    app.route('/')(lambda req: abort(404))
    app.errorhandler(404)(lambda req: 'custom not found')
    assert client.get('/').text == 'custom not found'


def test_http_exception_attributes():
    exc = HTTPException(400, 'bad')
    assert (exc.status_code, exc.reason) == (400, 'bad')
    assert HTTPException(500).reason == '500 error'


def test_default_500_and_next_request_served(app, client):
    app.route('/boom')(lambda req: 1 / 0)
    app.route('/ok')(lambda req: 'fine')
    res = client.get('/boom')
    assert (res.status_code, res.reason) == (500, 'Internal Server Error')
    assert client.get('/ok').text == 'fine'


def test_invalid_status_from_handler_is_500(app, client):
    app.route('/')(lambda req: ('x', 1000))
    assert client.get('/').status_code == 500


def test_header_name_ending_in_newline_is_500(app, client):
    app.route('/')(lambda req: ('x', {'X-A\n': 'v'}))
    assert client.get('/').status_code == 500


def test_header_injection_from_handler_is_500(app, client):
    app.route('/')(lambda req: ('x', {'X-A': 'a\r\nSet-Cookie: evil=1'}))
    res = client.get('/')
    assert res.status_code == 500
    assert 'Set-Cookie' not in res.headers


# ------------------------------------------------------------------- mount

def test_mount_with_prefix(app, client):
    sub = Microdot()
    sub.route('/items/<int:id>')(lambda req, id: 'item %d' % id)
    sub.before_request(lambda req: setattr(req.g, 'sub', 1))
    sub.after_request(lambda req, res: res.headers.update({'X-Sub': 'y'}))
    sub.errorhandler(404)(lambda req: ('sub 404', 404))
    app.route('/')(lambda req: 'main')
    app.mount(sub, url_prefix='/api')
    res = client.get('/api/items/3')
    assert (res.text, res.headers['X-Sub']) == ('item 3', 'y')
    assert client.get('/items/3').text == 'sub 404'
    assert client.get('/').text == 'main'


def test_mount_without_prefix(app, client):
    sub = Microdot()
    sub.route('/s')(lambda req: 'sub')
    app.mount(sub)
    assert client.get('/s').text == 'sub'


# -------------------------------------------------- 404, 405, 501, HEAD

def test_404(app, client):
    res = client.get('/missing')
    assert (res.status_code, res.reason) == (404, 'Not Found')
    assert res.text == 'Not found'  # microdot's wording


def test_405_carries_allow(app, client):
    app.route('/r', methods=['GET', 'POST'])(lambda req: 'ok')
    app.route('/r', methods=['PUT'])(lambda req: 'ok')
    app.route('/other', methods=['DELETE'])(lambda req: 'ok')
    res = client.patch('/r')
    assert (res.status_code, res.reason) == (405, 'Method Not Allowed')
    assert res.headers['Allow'] == 'GET, POST, PUT, HEAD, OPTIONS'


def test_unknown_method_is_501(app, client):
    app.route('/')(lambda req: 'ok')
    res = client.request('BREW', '/')
    assert (res.status_code, res.reason) == (501, 'Not Implemented')


def test_lowercase_method_is_not_get(app, client):
    app.route('/')(lambda req: 'ok')
    assert client.request('get', '/').status_code == 501


def test_custom_method_with_a_route(app, client):
    app.route('/', methods=['BREW'])(lambda req: 'coffee')
    assert client.request('BREW', '/').text == 'coffee'


@pytest.mark.parametrize('result', [
    'hello', b'bytes', {'a': 1}, None, ('x', 201, {'X-A': '1'})])
def test_head_has_the_headers_of_get_and_no_body(app, client, result):
    app.route('/')(lambda req: result)
    get, head = client.get('/'), client.request('HEAD', '/')
    assert head.status_code == get.status_code
    assert without_date(head.headers) == without_date(get.headers)
    assert head.body == b''


def test_head_of_a_streamed_body(app):
    app.route('/')(lambda req: iter([b'abc']))
    raw = exchange(app, b'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n'
                        b'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    head, _, rest = raw.partition(b'\r\n\r\n')
    assert b'Transfer-Encoding: chunked' in head
    assert rest.startswith(b'HTTP/1.1 200 OK\r\n')  # no body in between


def test_head_of_a_file_closes_it(app, client):
    f = io.BytesIO(b'data')
    app.route('/')(lambda req: f)
    assert client.request('HEAD', '/').body == b''
    assert f.closed


def test_explicit_head_route(app, client):
    app.route('/h', methods=['HEAD'])(lambda req: ('', {'X-Head': '1'}))
    res = client.request('HEAD', '/h')
    assert (res.status_code, res.headers.get('X-Head')) == (200, '1')
    assert client.get('/h').status_code == 405


def test_options_lists_allowed_methods(app, client):
    app.route('/r', methods=['GET', 'POST'])(lambda req: 'ok')
    app.route('/<x>', methods=['DELETE'])(lambda req, x: 'ok')
    res = client.request('OPTIONS', '/r')
    assert (res.status_code, res.body) == (200, b'')
    assert res.headers['Allow'] == 'GET, POST, DELETE, HEAD, OPTIONS'


def test_options_without_get_has_no_head(app, client):
    app.route('/r', methods=['POST'])(lambda req: 'ok')
    assert client.request('OPTIONS', '/r').headers['Allow'] == \
        'POST, OPTIONS'


def test_options_of_unknown_path_is_404(app, client):
    app.route('/r')(lambda req: 'ok')
    assert client.request('OPTIONS', '/nowhere').status_code == 404


def test_options_asterisk_lists_every_method(app):
    app.route('/a', methods=['PUT'])(lambda req: 'ok')
    app.route('/b')(lambda req: 'ok')
    raw = exchange(app, b'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')
    assert b'\r\nAllow: PUT, GET, HEAD, OPTIONS\r\n' in raw


def test_asterisk_for_get_is_400(app):
    raw = exchange(app, b'GET * HTTP/1.1\r\nHost: x\r\n\r\n')
    assert raw.startswith(b'HTTP/1.1 400 ')


@settings(database=None, deadline=None, max_examples=300)
@given(method=st.sampled_from([b'GET', b'POST', b'HEAD', b'OPTIONS', b'X']),
       target=st.binary(max_size=12),
       version=st.sampled_from([b'HTTP/1.1', b'HTTP/1.0']),
       lines=st.lists(st.one_of(st.binary(max_size=20), st.sampled_from([
           b'Host: a', b'Content-Length: 3', b'Transfer-Encoding: chunked',
           b'Cookie: a=b; c', b'Expect: 100-continue',
           b'Content-Type: application/x-www-form-urlencoded',
           b'N\xe4me: x', b'Content-Length: \xc2\xb2'])),
           max_size=5),
       body=st.binary(max_size=20))
def test_any_request_gets_an_answer_or_a_quiet_close(method, target, version,
                                                    lines, body):
    app = Microdot()
    app.route('/<x>', methods=['GET', 'POST'])(
        lambda req, x: [x, req.args.getlist('a'), req.cookies,
                        req.form and dict(req.form)])
    raw = b'%s /%s %s\r\n%s\r\n\r\n%s' % (method, target, version,
                                        b'\r\n'.join(lines), body)
    out = exchange(app, raw)  # an exception here would drop the connection
    assert out == b'' or out.startswith(b'HTTP/1.1 ')


# ------------------------------------------------------------ request body

def test_body(app, client):
    app.route('/', methods=['POST'])(lambda req: req.body[::-1])
    assert client.post('/', body=b'abc').body == b'cba'


def test_stream_in_a_plain_handler(app, client):
    app.route('/', methods=['POST'])(lambda req: req.stream.read())
    assert client.post('/', body=b'abc').body == b'abc'


def test_stream_in_an_async_handler(app, client):
    @app.route('/', methods=['POST'])
    async def echo(req):
        return await req.stream.read(2)
    assert client.post('/', body=b'abc').body == b'ab'


@pytest.mark.parametrize('first, second', [('body', 'stream'),
                                           ('stream', 'body')])
def test_body_and_stream_together_raise_runtimeerror(app, client, first,
                                                     second):
    errors = []

    @app.route('/', methods=['POST'])
    def both(req):
        getattr(req, first)
        try:
            getattr(req, second)
        except RuntimeError:
            errors.append(second)
            raise
    assert client.post('/', body=b'abc').status_code == 500
    assert errors == [second]


def test_async_hook_reads_the_stream(app, client):
    @app.before_request
    async def before(req):
        req.g.data = await req.stream.read()

    app.route('/', methods=['POST'])(lambda req: req.g.data)
    res = client.post('/', body=b'abc')
    assert (res.status_code, res.body) == (200, b'abc')


def test_plain_hook_reads_the_stream_of_an_async_handler(app, client):
    app.before_request(lambda req: setattr(req.g, 'data', req.stream.read()))

    @app.route('/', methods=['POST'])
    async def handler(req):
        return req.g.data

    assert client.post('/', body=b'abc').body == b'abc'


def test_generator_reads_the_stream_after_an_async_hook(app, client):
    @app.route('/', methods=['POST'])
    def lazy_echo(req):
        def pieces():
            yield req.stream.read()
        return pieces()

    @app.after_request
    async def after(req, res):
        res.headers['X-After'] = '1'

    res = client.post('/', body=b'abc')
    assert (res.body, res.headers['X-After']) == (b'abc', '1')


def test_body_twice_is_fine(app, client):
    app.route('/', methods=['POST'])(lambda req: req.body + req.body)
    assert client.post('/', body=b'ab').body == b'abab'


@pytest.mark.parametrize('sync', [True, False])
def test_large_body_is_left_in_the_stream(app, client, sync):
    Request.max_body_length = 10
    data = bytes(range(256)) * 4
    if sync:
        def handler(req):
            return b''.join(iter(lambda: req.stream.read(100), b''))
    else:
        async def handler(req):
            out = b''
            while True:
                piece = await req.stream.read(100)
                if not piece:
                    return out
                out += piece
    app.route('/', methods=['POST'])(handler)
    res = client.post('/', body=data)
    assert (res.status_code, res.body) == (200, data)


def test_large_body_is_not_in_body(app, client):
    Request.max_body_length = 10
    app.route('/', methods=['POST'])(lambda req: repr(req.body))
    assert client.post('/', body=b'x' * 10).text == repr(b'x' * 10)
    assert client.post('/', body=b'x' * 11).text == "b''"


def test_body_over_max_content_length_is_413(app, client):
    Request.max_content_length = 10
    app.route('/', methods=['POST'])(lambda req: 'ok')
    assert client.post('/', body=b'x' * 10).text == 'ok'
    res = client.post('/', body=b'x' * 11)
    assert (res.status_code, res.reason) == (413, 'Content Too Large')


def test_chunked_request_body(app):
    app.route('/', methods=['POST'])(lambda req: req.body)
    raw = exchange(app, b'POST / HTTP/1.1\r\nHost: x\r\n'
                        b'Transfer-Encoding: chunked\r\n\r\n'
                        b'3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n'
                        b'GET /missing HTTP/1.1\r\nHost: x\r\n\r\n')
    status, headers, rest = split_response(raw)
    assert status == 'HTTP/1.1 200 OK'
    assert rest.startswith(b'abcdeHTTP/1.1 404 ')


def test_chunked_request_body_over_max_content_length_is_413(app):
    Request.max_content_length = 4
    app.route('/', methods=['POST'])(lambda req: req.body)
    raw = exchange(app, b'POST / HTTP/1.1\r\nHost: x\r\n'
                        b'Transfer-Encoding: chunked\r\n\r\n'
                        b'3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n')
    assert raw.startswith(b'HTTP/1.1 413 Content Too Large\r\n')
    assert b'\r\nConnection: close\r\n' in raw


def test_json_body(app, client):
    app.route('/', methods=['POST'])(lambda req: {'got': req.json})
    assert client.post('/', body={'a': [1, 2]}).json == {'got': {'a': [1, 2]}}


def test_json_with_charset_parameter(app, client):
    app.route('/', methods=['POST'])(lambda req: {'got': req.json})
    res = client.post('/', headers={
        'Content-Type': 'Application/JSON; charset=utf-8'}, body='[1]')
    assert res.json == {'got': [1]}


@pytest.mark.parametrize('body', [b'{"a": ', b'nope', b'\xff',
                                  b'[' * 8000 + b']' * 8000])
def test_invalid_json_is_400(app, client, body):
    app.route('/', methods=['POST'])(lambda req: {'got': req.json})
    res = client.post('/', headers={'Content-Type': 'application/json'},
                      body=body)
    assert res.status_code == 400


def test_json_of_other_content_type_is_none(app, client):
    app.route('/', methods=['POST'])(lambda req: repr((req.json, req.form)))
    res = client.post('/', headers={'Content-Type': 'text/plain'},
                      body='{"a": 1}')
    assert res.text == '(None, None)'


def test_form_body(app, client):
    @app.route('/', methods=['POST'])
    def form(req):
        return {'name': req.form['name'], 'tags': req.form.getlist('tag'),
                'empty': req.form.get('empty'), 'keys': sorted(req.form)}
    res = client.post('/', headers={
        'Content-Type': 'application/x-www-form-urlencoded'},
        body='name=J%C3%B6rg+M&tag=a&tag=b%26c&empty=&&novalue')
    assert res.json == {'name': 'J\xf6rg M', 'tags': ['a', 'b&c'],
                        'empty': '', 'keys': ['empty', 'name', 'novalue',
                                              'tag']}


def test_form_not_utf8_is_400(app, client):
    app.route('/', methods=['POST'])(lambda req: req.form['a'])
    res = client.post('/', headers={
        'Content-Type': 'application/x-www-form-urlencoded'}, body='a=%FF')
    assert res.status_code == 400


# ----------------------------------------------------------------- cookies

def test_cookie_parsing(app, client):
    app.route('/')(lambda req: req.cookies)
    res = client.get('/', headers={
        'Cookie': 'a=1; b=x=y;bad; =nameless; c=; d="q"'})
    assert res.json == {'a': '1', 'b': 'x=y', 'c': '', 'd': '"q"'}


def test_set_cookie_lines(app, client):
    @app.route('/')
    def set_cookies(req):
        res = Response('ok')
        res.set_cookie('a', '1', path='/', http_only=True)
        res.set_cookie('b', '2', max_age=60, secure=True, same_site='Lax')
        res.set_cookie('c', '3', expires=datetime.datetime(2030, 1, 2))
        return res
    assert client.get('/').headers['Set-Cookie'] == [
        'a=1; Path=/; HttpOnly', 'b=2; Max-Age=60; Secure; SameSite=Lax',
        'c=3; Expires=Wed, 02 Jan 2030 00:00:00 GMT']


def test_delete_cookie(app, client):
    @app.route('/')
    def delete(req):
        res = Response('ok')
        res.delete_cookie('a', path='/p')
        return res
    assert client.get('/').headers['Set-Cookie'] == [
        'a=; Path=/p; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0']


def test_set_cookie_with_crlf_is_refused(app, client):
    @app.route('/')
    def evil(req):
        res = Response('ok')
        res.set_cookie('a', 'x\r\nSet-Cookie: evil=1')
        return res
    res = client.get('/')
    assert res.status_code == 500
    assert 'Set-Cookie' not in res.headers


def test_test_client_cookie_jar(app, client):
    @app.route('/login')
    def login(req):
        res = Response('in')
        res.set_cookie('session', 'abc')
        res.set_cookie('theme', 'dark')
        return res

    @app.route('/logout')
    def logout(req):
        res = Response('out')
        res.delete_cookie('session')
        return res

    app.route('/me')(lambda req: req.cookies)
    assert client.get('/me').json == {}
    client.get('/login')
    assert client.cookies == {'session': 'abc', 'theme': 'dark'}
    assert client.get('/me').json == {'session': 'abc', 'theme': 'dark'}
    assert client.get('/me', headers={'Cookie': 'x=1'}).json == {
        'x': '1', 'session': 'abc', 'theme': 'dark'}
    client.get('/logout')
    assert client.get('/me').json == {'theme': 'dark'}


def test_test_client_starts_with_given_cookies(app):
    app.route('/')(lambda req: req.cookies)
    assert TestClient(app, cookies={'k': 'v'}).get('/').json == {'k': 'v'}


# ---------------------------------------------------------------- redirect

def test_redirect(app, client):
    app.route('/old')(lambda req: redirect('/new'))
    app.route('/perm')(lambda req: Response.redirect('/new', 301))
    res = client.get('/old')
    assert (res.status_code, res.reason) == (302, 'Found')
    assert res.headers['Location'] == '/new'
    assert client.get('/perm').status_code == 301


@pytest.mark.parametrize('location', ['/a\r\nX: 1', '/a\nb', '/a\rb'])
def test_redirect_refuses_crlf(location):
    with pytest.raises(ValueError):
        redirect(location)
    with pytest.raises(ValueError):
        Response.redirect(location)


# --------------------------------------------------------------- send_file

@pytest.fixture
def files(tmp_path):
    for name in ('a.css', 'a.gif', 'a.html', 'a.jpg', 'a.js', 'a.json',
                 'a.png', 'a.txt', 'a.bin', 'noext'):
        (tmp_path / name).write_bytes(b'"content of %s"' % name.encode())
    return tmp_path


@pytest.mark.parametrize('name, content_type', [
    ('a.css', 'text/css'), ('a.gif', 'image/gif'), ('a.html', 'text/html'),
    ('a.jpg', 'image/jpeg'), ('a.js', 'application/javascript'),
    ('a.json', 'application/json'), ('a.png', 'image/png'),
    ('a.txt', 'text/plain'), ('a.bin', 'application/octet-stream'),
    ('noext', 'application/octet-stream')])
def test_send_file_content_types(app, client, files, name, content_type):
    app.route('/')(lambda req: send_file(str(files / name)))
    res = client.get('/')
    assert res.headers['Content-Type'] == content_type
    assert res.body == b'"content of %s"' % name.encode()
    assert res.headers['Content-Length'] == str(len(res.body))
    assert 'Cache-Control' not in res.headers
    assert 'Content-Encoding' not in res.headers


def test_send_file_options(app, client, files):
    app.route('/')(lambda req: Response.send_file(
        str(files / 'a.bin'), status_code=203, content_type='x/y',
        max_age=60, compressed=True))
    res = client.get('/')
    assert (res.status_code, res.headers['Content-Type']) == (203, 'x/y')
    assert res.headers['Cache-Control'] == 'max-age=60'
    assert res.headers['Content-Encoding'] == 'gzip'


def test_send_file_default_max_age_and_named_encoding(app, client, files):
    Response.default_send_file_max_age = 0
    app.route('/')(lambda req: send_file(str(files / 'a.txt'),
                                         compressed='br'))
    res = client.get('/')
    assert res.headers['Cache-Control'] == 'max-age=0'
    assert res.headers['Content-Encoding'] == 'br'


@pytest.mark.parametrize('name, extension', [('a\x00.txt', ''),
                                             ('a.txt', '\x00')])
def test_send_file_refuses_a_nul_in_the_path(files, name, extension):
    with pytest.raises(ValueError):
        send_file(str(files / name), file_extension=extension)


def test_send_file_with_extension(app, client, files):
    (files / 'page.html.gz').write_bytes(b'\x1f\x8bzipped')
    app.route('/')(lambda req: send_file(
        str(files / 'page.html'), compressed=True, file_extension='.gz'))
    res = client.get('/')
    assert res.body == b'\x1f\x8bzipped'
    assert res.headers['Content-Type'] == 'text/html'


def test_send_file_larger_than_the_buffer(app, client, files):
    Response.send_file_buffer_size = 7
    data = bytes(range(256)) * 10
    (files / 'big.bin').write_bytes(data)
    app.route('/')(lambda req: send_file(str(files / 'big.bin')))
    res = client.get('/')
    assert res.body == data
    assert res.headers['Content-Length'] == str(len(data))


def test_send_file_from_a_stream(app, client):
    stream = io.BytesIO(b'[1, 2]')
    app.route('/')(lambda req: send_file('x.json', stream=stream))
    res = client.get('/')
    assert (res.json, res.headers['Content-Length']) == ([1, 2], '6')
    assert res.headers['Content-Type'] == 'application/json'
    assert stream.closed


def test_send_file_missing_file_is_500(app, client, files):
    app.route('/')(lambda req: send_file(str(files / 'nope.txt')))
    assert client.get('/').status_code == 500


# ---------------------------------------------------------- async handlers

def test_async_handler_and_hooks(app, client):
    @app.before_request
    async def before(req):
        await asyncio.sleep(0)
        req.g.before = True

    @app.route('/<int:n>')
    async def handler(req, n):
        await asyncio.sleep(0)
        return {'n': n, 'before': req.g.before}

    @app.after_request
    async def after(req, res):
        res.headers['X-Async'] = 'yes'

    res = client.get('/5')
    assert res.json == {'n': 5, 'before': True}
    assert res.headers['X-Async'] == 'yes'


def test_async_error_handler(app, client):
    @app.route('/')
    async def fail(req):
        raise KeyError('k')

    @app.errorhandler(KeyError)
    async def on_key_error(req, exc):
        return 'handled', 409

    assert client.get('/').status_code == 409


def test_plain_wrapper_around_async_function(app, client):
    async def real(req):
        return 'awaited'
    app.route('/')(lambda req: real(req))
    assert client.get('/').text == 'awaited'


# ----------------------------------------------------------------- helpers

def test_nocasedict():
    d = NoCaseDict({'Content-Type': 'text/html'})
    assert d['content-type'] == 'text/html'
    d['CONTENT-TYPE'] = 'text/plain'
    assert list(d.items()) == [('Content-Type', 'text/plain')]
    assert 'content-TYPE' in d and 'x' not in d
    assert d.get('CONTENT-type') == 'text/plain'
    assert d.get('missing', 5) == 5
    assert d.setdefault('X-A', 1) == 1
    assert d.setdefault('x-a', 2) == 1
    assert d.pop('X-a') == 1 and 'X-A' not in d
    assert d.pop('nothing', 'dflt') == 'dflt'
    del d['content-type']
    assert len(d) == 0 and 'Content-Type' not in d
    with pytest.raises(KeyError):
        d['missing']
    with pytest.raises(KeyError):
        del d['missing']


def test_nocasedict_clear_and_popitem():
    d = NoCaseDict({'A': 1})
    d.clear()
    assert 'a' not in d and 'A' not in d and d.get('a') is None
    d['b'] = 2
    d.popitem()
    assert 'B' not in d


def test_nocasedict_respells_after_delete():
    d = NoCaseDict()
    d['abc'] = 1
    del d['ABC']
    d['ABC'] = 2
    assert list(d) == ['ABC']


def test_nocasedict_update():
    d = NoCaseDict({'a': 1})
    d.update({'A': 2, 'b': 3})
    assert dict(d) == {'a': 2, 'b': 3}


def test_multidict():
    d = MultiDict()
    d['sort'] = 'name'
    d['sort'] = 'email'
    d['n'] = '5'
    assert d['sort'] == 'name'
    assert d.getlist('sort') == ['name', 'email']
    assert d.get('n', type=int) == 5
    assert d.getlist('n', type=int) == [5]
    assert d.get('missing') is None
    assert d.get('missing', 'x') == 'x'
    assert d.getlist('missing') == []
    assert 'sort' in d and len(d) == 2
    with pytest.raises(KeyError):
        d['missing']
    assert MultiDict({'a': 1}).getlist('a') == [1]


@pytest.mark.parametrize('text, expected', [
    ('abc', 'abc'), ('a b', 'a+b'), ('a&b=c', 'a%26b%3Dc'),
    ('J\xf6rg', 'J%C3%B6rg'), ('-._~', '-._~'), ('a+b', 'a%2Bb'),
    ('/?#%', '/%3F%23%25'), ('', ''), ('\u20ac', '%E2%82%AC'),
    ('a:b@c;d,e', 'a:b@c;d,e'), ('<"|>', '%3C%22%7C%3E')])
def test_urlencode(text, expected):
    assert urlencode(text) == expected
    assert urldecode_str(expected) == text


@pytest.mark.parametrize('text, expected', [
    ('J%C3%B6rg+M', 'J\xf6rg M'), ('a%20b', 'a b'), ('%41%42', 'AB'),
    ('%e2%82%ac', '\u20ac'),
    ('plain', 'plain'), ('', '')])
def test_urldecode(text, expected):
    assert urldecode_str(text) == expected
    assert urldecode_bytes(text.encode()) == expected


@pytest.mark.parametrize('text', ['%FF', '%C3', '%C3%28', '100%', '%zz',
                                  '%4', 'a%g0'])
def test_urldecode_of_invalid_input_raises_valueerror(text):
    with pytest.raises(ValueError):
        urldecode_str(text)


def test_response_defaults():
    res = Response()
    assert (res.status_code, res.body, res.reason) == (200, b'', None)
    assert isinstance(res.headers, NoCaseDict)
    assert Response.already_handled is not None
    assert Response(None, 404).status_code == 404


def test_already_handled_writes_nothing(app, client):
    app.route('/')(lambda req: Response.already_handled)
    assert client.get('/') is None


def test_dispatch_request_runs_the_route(app):
    # microdot 1.x's method, now loading the server's dispatch on first use
    app.route('/x/<int:n>')(lambda req, n: {'n': n})
    req = Request(app, ('127.0.0.1', 1), 'GET', '/x/7', '1.1',
                  NoCaseDict({'Host': 'a'}))
    res = app.dispatch_request(req)
    assert (res.status_code, res.body) == (200, b'{"n": 7}')


def test_dispatch_request_inside_a_running_loop(app):
    # a sync API called from async code (an async test) still answers
    app.route('/')(lambda req: 'hi')
    req = Request(app, ('127.0.0.1', 1), 'GET', '/', '1.1',
                  NoCaseDict({'Host': 'a'}))

    async def main():
        return app.dispatch_request(req)
    assert asyncio.run(main()).body == b'hi'


# ------------------------------------------------------------- the clock

@pytest.mark.parametrize('year, weekday, date', [
    (2025, 1, 'Tue, 04 Mar 2025 05:06:07 GMT'),
    (2024, 0, 'Mon, 04 Mar 2024 05:06:07 GMT'),
    (2023, 5, None), (2000, 5, None), (1970, 2, None)])
def test_date_only_when_the_clock_is_set(app, client, monkeypatch, year,
                                         weekday, date):
    # a board without a time source starts in 2000 (or 1970): no Date
    import time
    fake = time.struct_time((year, 3, 4, 5, 6, 7, weekday, 63, 0))
    monkeypatch.setattr(time, 'time', lambda: 1e9 + year)
    monkeypatch.setattr(time, 'gmtime', lambda *a: fake)
    app.route('/')(lambda req: 'x')
    assert client.get('/').headers.get('Date') == date


def test_the_date_is_made_once_a_second(app, monkeypatch):
    import time
    calls = []
    gmtime = time.gmtime
    monkeypatch.setattr(time, 'gmtime', lambda *a: calls.append(a) or
                        gmtime(*a))
    monkeypatch.setattr(time, 'time', lambda: 1750000000.5)
    app.route('/')(lambda req: 'x')
    raw = exchange(app, b'GET / HTTP/1.1\r\nHost: a\r\n\r\n' * 3)
    assert raw.count(b'Date: Sun, 15 Jun 2025 15:06:40 GMT') == 3
    assert len(calls) == 1


# ------------------------------------------------ what the head says of it

class ClosingBody:
    closed = False

    def read(self, n):
        return b'content'

    def close(self):
        self.closed = True


@pytest.mark.parametrize('body', ['status 205', ['a', 'b'], ClosingBody()])
def test_205_drops_its_content_and_says_so(app, body):
    # RFC 9110 15.3.6: a 205 has no content; a length of 0 tells the client
    res = Response(body, 205, {'Transfer-Encoding': 'chunked'})
    given = res.body
    app.route('/')(lambda req: res)
    status, headers, content = split_response(exchange(
        app, b'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'))
    assert status == 'HTTP/1.1 205 Reset Content'
    assert 'Content-Length: 0' in headers and content == b''
    assert not [h for h in headers if h.startswith('Transfer-Encoding')]
    if isinstance(body, ClosingBody):
        assert body.closed
    assert res.body is given  # the application's response is left alone


def test_the_response_is_not_changed_by_sending_it(app, client):
    res = Response('hi', headers={'X-A': '1'})
    app.route('/')(lambda req: res)
    assert client.get('/').headers['Content-Length'] == '2'
    assert dict(res.headers) == {'X-A': '1'}


def test_default_content_type_with_charset_is_kept(app, client):
    Response.default_content_type = 'text/html; charset=latin-1'
    app.route('/')(lambda req: 'x')
    assert client.get('/').headers['Content-Type'] == \
        'text/html; charset=latin-1'


def test_complete_fills_in_what_the_body_implies():
    res = Response('h\xe9')
    res.complete()
    assert dict(res.headers) == {'Content-Length': '3',
                                 'Content-Type': 'text/plain; charset=UTF-8'}


# --------------------------------------------------- taking the connection

def test_a_response_can_take_the_connection_over(app):
    # e.g. a protocol upgrade: the 101's head goes out, then the taker has
    # the connection, then the server closes it
    async def takeover(req, conn, received):
        conn.write(b'echo:' + received)
        await conn.drain()

    @app.route('/upgrade')
    def upgrade(req):
        res = Response(status_code=101, headers={'Upgrade': 'echo',
                                                 'Connection': 'Upgrade'})
        res.takeover = takeover
        return res

    raw = exchange(app, b'GET /upgrade HTTP/1.1\r\nHost: a\r\n'
                   b'Upgrade: echo\r\n\r\nhello')
    head, _, rest = raw.partition(b'\r\n\r\n')
    assert head.startswith(b'HTTP/1.1 101 Switching Protocols\r\n')
    assert rest == b'echo:hello'


# ---------------------------------------------------- bodies as a stream

class PiecesConnection:
    """The server's view of a client that sends ``pieces`` one by one."""

    def __init__(self, *pieces):
        self.pieces = list(pieces)

    def recv_now(self):
        return self.pieces.pop(0) if self.pieces else b''

    async def recv(self):
        return self.recv_now()


def stream_of(length, *pieces):
    import microdot_body
    import microdot_http
    p = microdot_http.Protocol({}, NoCaseDict)
    framing = b'Transfer-Encoding: chunked' if length is None else \
        b'Content-Length: %d' % length
    p.feed(b'POST / HTTP/1.1\r\nHost: a\r\n' + framing + b'\r\n\r\n')
    p.head()
    return microdot_body.Stream(PiecesConnection(*pieces), p)


def test_stream_reads_wait_for_more_data():
    stream = stream_of(None, b'3\r\nab', b'c\r\n0\r\n', b'\r\n')
    assert asyncio.run(stream.read()) == b'abc'
    assert stream.done


def test_plain_stream_reads_block():
    assert stream_of(3, b'a', b'bc').plain().read(10) == b'abc'


def test_stream_reads_give_n_bytes_then_the_rest_then_nothing():
    stream = stream_of(8, b'abc', b'defgh')
    assert [asyncio.run(stream.read(3)) for _ in range(4)] == [
        b'abc', b'def', b'gh', b'']


def test_pieces_read_ahead_are_given_back_first():
    stream = stream_of(6, b'ab', b'cd', b'ef')
    asyncio.run(stream.read_ahead(piece=1))
    assert stream.done and not stream.conn.pieces
    assert stream.plain().read(3) == b'abc'
    assert stream.plain().read() == b'def'


def test_a_stream_cut_short_by_the_client_raises_eoferror():
    with pytest.raises(EOFError):
        asyncio.run(stream_of(10, b'abc').read())
