"""Exhaustive tests of ``microdot_http``, HTTP/1.1 syntax with no I/O (and
of the chunked decoder it loads, ``microdot_chunked``): bytes in, events
out; response values in, bytes out."""
import ast
import datetime
import email.utils
import time

import pytest
from hypothesis import given, settings, strategies as st

import microdot_chunked
import microdot_cookies
import microdot_http as http
from microdot import NoCaseDict

FAST = settings(database=None, deadline=None, max_examples=150)


def status_of(f, *args):
    """The status code of the HTTPError that ``f(*args)`` raises."""
    with pytest.raises(http.HTTPError) as info:
        f(*args)
    return info.value.status


def protocol(data=b'', **limits):
    """A fresh protocol (and cache) with ``data`` received."""
    p = http.Protocol({}, NoCaseDict, **limits)
    if data:  # b'' would say the client closed
        p.feed(data)
    return p


def head_of(lines):
    """``(method, target, version, headers)`` of a head's lines."""
    return protocol().head_fields(lines)


def test_the_parser_needs_nothing_from_the_framework():
    source = open(http.__file__).read()
    assert 'import microdot\n' not in source
    assert 'from microdot import' not in source


def test_the_protocol_holds_no_connection_awaits_nothing_reads_no_clock():
    for module in (http, microdot_chunked):
        tree = ast.parse(open(module.__file__).read())
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.Await, ast.AsyncFunctionDef))
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [
                    getattr(node, 'module', None)]
                assert not {'time', 'socket', 'select', 'asyncio'} & set(
                    names)


# ------------------------------------------------------------ request line

@pytest.mark.parametrize('line, expected', [
    (b'GET / HTTP/1.1', ('GET', '/', '1.1')),
    (b'POST /a/b?c=d&e HTTP/1.0', ('POST', '/a/b?c=d&e', '1.0')),
    (b'OPTIONS * HTTP/1.1', ('OPTIONS', '*', '1.1')),
    (b'GET http://example.com/x HTTP/1.1',
     ('GET', 'http://example.com/x', '1.1')),
    (b'M-SEARCH * HTTP/1.1', ('M-SEARCH', '*', '1.1')),
    (b"X!#$%&'*+.^_`|~9 / HTTP/1.1", ("X!#$%&'*+.^_`|~9", '/', '1.1')),
    (b'GET /%C3%A9?%20 HTTP/1.1', ('GET', '/%C3%A9?%20', '1.1')),
    (b'GET / HTTP/1.9', ('GET', '/', '1.9')),
])
def test_request_line_valid(line, expected):
    assert protocol().request_line(line) == expected


def test_lowercase_method_is_just_another_token():
    assert protocol().request_line(b'get / HTTP/1.1') == ('get', '/', '1.1')


@pytest.mark.parametrize('line', [
    b'',
    b'GET',
    b'GET /',
    b'GET / HTTP/1.1 extra',
    b'GET  / HTTP/1.1',
    b' GET / HTTP/1.1',
    b'GET / HTTP/1.1 ',
    b'GET\t/\tHTTP/1.1',
    b'GET /\tHTTP/1.1',
    b'GET /a b HTTP/1.1',
    b'GET / http/1.1',
    b'GET / HTTP/1',
    b'GET / HTTP/11',
    b'GET / HTTP/1.1.1',
    b'GET / HTTP/1.x',
    b'GET / HTTP/a.b',
    b'GET / HTTPS/1.1',
    b'GET / HTTP/1.1\r',
    b'G(T / HTTP/1.1',
    b'GE:T / HTTP/1.1',
    b'G\xc3\x89T / HTTP/1.1',
    b'GET /\x00 HTTP/1.1',
    b'GET /\x7f HTTP/1.1',
    b'GET /\x1b HTTP/1.1',
    b'GET /\xc3\xa9 HTTP/1.1',
    b'GET /\xff HTTP/1.1',
    b'GET / HTTP/\xff.1',
    b'GET /a#frag HTTP/1.1',
    b'GET http://a/#f HTTP/1.1',
])
def test_request_line_malformed_is_400(line):
    assert status_of(protocol().request_line, line) == 400


@pytest.mark.parametrize('version', [b'HTTP/2.0', b'HTTP/0.9', b'HTTP/3.0'])
def test_request_line_other_major_version_is_505(version):
    assert status_of(protocol().request_line, b'GET / ' + version) == 505


# ------------------------------------------------------------ header fields

def fields(*lines):
    headers = NoCaseDict()
    p = protocol()
    for line in lines:
        p.field(line, headers)
    return headers


@pytest.mark.parametrize('line, name, value', [
    (b'Host: example.com', 'Host', 'example.com'),
    (b'X-A:  a b  ', 'X-A', 'a b'),
    (b'X-A:\t a\t', 'X-A', 'a'),
    (b'X-A:a', 'X-A', 'a'),
    (b'X-A:', 'X-A', ''),
    (b'X-A:   ', 'X-A', ''),
    (b'X-A: a\tb', 'X-A', 'a\tb'),
    (b'X-A: a:b: c', 'X-A', 'a:b: c'),
    (b'X-A: caf\xc3\xa9', 'X-A', 'caf\xe9'),
    (b'X-A: \xff\xfe', 'X-A', '\xff\xfe'),
    (b"!#$%&'*+-.^_`|~: v", "!#$%&'*+-.^_`|~", 'v'),
])
def test_field_valid(line, name, value):
    headers = fields(line)
    assert list(headers.items()) == [(name, value)]


@pytest.mark.parametrize('line', [
    b' X-A: folded',
    b'\tX-A: folded',
    b'X-A : a',
    b'X-A\t: a',
    b'X A: a',
    b'X-A a',
    b'',
    b': a',
    b' : a',
    b'X(A: a',
    b'X"A: a',
    b'X\x00A: a',
    b'X-A: a\x00b',
    b'X-A: a\rb',
    b'X-A: a\r',
    b'X-A: a\nb',
    b'X-A: a\x01',
    b'X-A: a\x1f',
    b'X-A: a\x7f',
])
def test_field_malformed_is_400(line):
    assert status_of(protocol().field, line, NoCaseDict()) == 400


@pytest.mark.parametrize('line', [
    b'N\xffme: x', b'Caf\xc3\xa9: x', b'\x80: x'])
def test_field_name_with_non_ascii_bytes_is_400(line):
    assert status_of(protocol().field, line, NoCaseDict()) == 400


def test_repeated_fields_are_joined_with_comma():
    headers = fields(b'Accept: text/html', b'accept: text/plain',
                     b'ACCEPT: */*')
    assert list(headers) == ['Accept']
    assert headers['accept'] == 'text/html, text/plain, */*'


def test_repeated_cookie_fields_are_joined_with_semicolon():
    assert fields(b'Cookie: a=1', b'cookie: b=2')['Cookie'] == 'a=1; b=2'


@pytest.mark.parametrize('second', [b'Host: b', b'host: a', b'HOST:'])
def test_second_host_is_400(second):
    headers = fields(b'Host: a')
    assert status_of(protocol().field, second, headers) == 400


# -------------------------------------------------------------- whole head

def test_head_parsed():
    method, target, version, headers = head_of([
        b'PUT /x?y=1 HTTP/1.1', b'Host: example.com', b'X-A: 1'])
    assert (method, target, version) == ('PUT', '/x?y=1', '1.1')
    assert dict(headers) == {'Host': 'example.com', 'X-A': '1'}
    assert isinstance(headers, NoCaseDict)


def test_http11_without_host_is_400():
    assert status_of(head_of, [b'GET / HTTP/1.1']) == 400


def test_http10_without_host_is_fine():
    assert head_of([b'GET / HTTP/1.0'])[:3] == ('GET', '/', '1.0')


def test_head_reduces_absolute_form_target():
    assert head_of([b'GET http://example.com/p?q HTTP/1.1',
                            b'Host: example.com'])[1] == '/p?q'


@pytest.mark.parametrize('target, host', [
    (b'http://other.test/p', 'other.test'),
    (b'http://other.test:8080?q', 'other.test:8080'),
    (b'https://user@other.test/p', 'other.test')])
def test_absolute_form_host_replaces_the_host_field(target, host):
    # RFC 9112 3.2.2: the server ignores Host for the target's host
    headers = head_of([b'GET ' + target + b' HTTP/1.1',
                       b'Host: example.com'])[3]
    assert headers['Host'] == host


def test_absolute_form_with_an_invalid_host_is_400():
    assert status_of(head_of, [b'GET http://a:b:c/ HTTP/1.1',
                               b'Host: example.com']) == 400


@pytest.mark.parametrize('host', [
    'example.com', 'example.com:8080', '127.0.0.1', '127.0.0.1:80',
    '[::1]', '[::1]:8080', '[2001:db8::1]:80', 'xn--bcher-kva.example',
    'a_b~c', 'localhost:', '[::1]:', '', 'a%20b', "!$&'()*+,;=", 'a.' * 1000 + 'b',
    '[' + '1:' * 600 + '1]:8080'])
def test_valid_host_values(host):
    lines = [b'GET / HTTP/1.1', b'Host: ' + host.encode()]
    assert head_of(lines)[3]['Host'] == host


@pytest.mark.parametrize('host', [
    'a b', 'a/b', 'a@b', 'a?b', 'a#b', 'host:port', 'a:1:2', '[::1',
    '::1', '[::1]x', '[::g]', 'caf\xe9', 'a\\b', '"a"', '[]',
    '[::1]:8x', 'a:8080x', 'a<b', 'a^b', 'a.' * 1000 + ':x'])
@pytest.mark.parametrize('version', [b'1.1', b'1.0'])
def test_invalid_host_values_are_400(host, version):
    lines = [b'GET / HTTP/' + version, b'Host: ' + host.encode()]
    assert status_of(head_of, lines) == 400


def test_bad_field_in_head_is_400():
    assert status_of(head_of, [
        b'GET / HTTP/1.1', b'Host: a', b'Bad Name: x']) == 400


# ------------------------------------------------------------ target forms

@pytest.mark.parametrize('method, target, expected', [
    ('GET', '/', '/'),
    ('GET', '/a/b?c=d', '/a/b?c=d'),
    ('GET', 'http://example.com/x?y', '/x?y'),
    ('GET', 'http://example.com', '/'),
    ('GET', 'http://example.com:8080', '/'),
    ('GET', 'http://example.com?q=1', '/?q=1'),
    ('GET', 'https://example.com/s', '/s'),
    ('GET', 'HTTP://Example.COM/u', '/u'),
    ('POST', 'http://user@example.com:80/p/q', '/p/q'),
    ('OPTIONS', '*', '*'),
    ('OPTIONS', '/x', '/x'),
])
def test_origin_form(method, target, expected):
    assert head_of([('%s %s HTTP/1.1' % (method, target)).encode(),
                    b'Host: example.com'])[1] == expected


@pytest.mark.parametrize('method, target, status', [
    ('GET', '*', 400),
    ('POST', '*', 400),
    ('GET', 'example.com:443', 400),
    ('GET', 'example.com', 400),
    ('GET', 'ftp://example.com/x', 400),
    ('GET', 'x', 400),
    ('GET', '?a', 400),
    ('CONNECT', 'example.com:443', 501),
])
def test_origin_form_refused(method, target, status):
    assert status_of(head_of, [('%s %s HTTP/1.1' % (method, target)).encode(),
                               b'Host: example.com']) == status


# -------------------------------------------------------------- body length

def length_of(version='1.1', **headers):
    return protocol().framing_of(NoCaseDict(
        {k.replace('_', '-'): v for k, v in headers.items()}), version)


@pytest.mark.parametrize('value, expected', [
    ('0', 0), ('10', 10), ('007', 7), ('5, 5', 5), ('5,5,5', 5),
    (' 12 ', 12), ('123456789012345', 123456789012345)])
def test_content_length_valid(value, expected):
    assert length_of(Content_Length=value) == expected


def test_no_framing_headers_means_no_body():
    assert length_of() == 0
    assert length_of('1.0') == 0


@pytest.mark.parametrize('value', [
    'abc', '+5', '-1', '', ' ', '5, 6', '5,', ',5', '5 5', '1e3', '0x10',
    '5.0', '1_000', '\u00b2', '\uff15', '\u0665', '1234567890123456',
    '5\u00a0', '\u30005', '5,\u00a05'])
def test_content_length_invalid_is_400(value):
    with pytest.raises(http.HTTPError) as info:
        length_of(Content_Length=value)
    assert info.value.status == 400


@pytest.mark.parametrize('coding', ['chunked', 'Chunked', ' chunked '])
def test_chunked_means_unknown_length(coding):
    assert length_of(Transfer_Encoding=coding) is None


@pytest.mark.parametrize('coding', [
    ', chunked', 'chunked,', ',,chunked, ,', ' , CHUNKED'])
def test_empty_coding_list_elements_are_ignored(coding):
    # RFC 9110 5.6.1: a recipient MUST parse and ignore empty list elements
    assert length_of(Transfer_Encoding=coding) is None


def test_transfer_encoding_with_content_length_is_400():
    with pytest.raises(http.HTTPError) as info:
        length_of(Transfer_Encoding='chunked', Content_Length='5')
    assert info.value.status == 400


@pytest.mark.parametrize('coding', [
    'chunked, gzip', 'gzip', 'identity', '', 'chunked;q=1', ',', ' , ',
    'chunked, identity', 'xchunked', 'chunked\u00a0', '\u00a0chunked'])
def test_chunked_not_last_is_400(coding):
    with pytest.raises(http.HTTPError) as info:
        length_of(Transfer_Encoding=coding)
    assert info.value.status == 400


@pytest.mark.parametrize('coding', ['gzip, chunked', 'deflate,chunked'])
def test_other_transfer_coding_is_501(coding):
    with pytest.raises(http.HTTPError) as info:
        length_of(Transfer_Encoding=coding)
    assert info.value.status == 501


@FAST
@given(st.lists(st.one_of(st.binary(max_size=30), st.sampled_from([
    b'GET / HTTP/1.1', b'Host: a', b'Content-Length: 1',
    b'Transfer-Encoding: chunked'])), min_size=1, max_size=5))
def test_any_head_is_parsed_or_refused_with_a_status(lines):
    try:
        method, target, version, headers = head_of(lines)
        protocol().framing_of(headers, version)
    except http.HTTPError as exc:
        assert 400 <= exc.status <= 505


@FAST
@given(st.lists(st.one_of(st.binary(max_size=10), st.sampled_from([
    b'\r\n', b'0', b';', b'5', b'a', b' ', b'\n', b'ff'])), max_size=20))
def test_any_chunked_body_is_decoded_or_refused(parts):
    try:
        read_body(None, [b''.join(parts)])
    except EOFError:
        pass  # the client closed before the end of the body
    except http.HTTPError as exc:
        assert exc.status in (400, 413)


def test_two_content_length_fields_must_agree():
    same = fields(b'Content-Length: 5', b'content-length: 5')
    assert protocol().framing_of(same, '1.1') == 5
    different = fields(b'Content-Length: 5', b'Content-Length: 6')
    assert status_of(protocol().framing_of, different, '1.1') == 400


def test_chunked_from_http10_is_400():
    with pytest.raises(http.HTTPError) as info:
        length_of('1.0', Transfer_Encoding='chunked')
    assert info.value.status == 400


# --------------------------------------------------------------- keep-alive

@pytest.mark.parametrize('version, connection, expected', [
    ('1.1', None, True),
    ('1.1', 'keep-alive', True),
    ('1.1', 'close', False),
    ('1.1', 'Close', False),
    ('1.1', 'upgrade, close', False),
    ('1.0', None, False),
    ('1.0', 'close', False),
    ('1.0', 'keep-alive', True),
    ('1.0', 'Keep-Alive', True),
    ('1.0', 'foo , keep-alive', True),
])
def test_keep_alive(version, connection, expected):
    assert http.keep_alive(version, connection) is expected


# ------------------------------------------------------------ head events

def test_head_waits_for_the_whole_head():
    p = protocol(b'GET / HTTP/1.1\r\nHo')
    assert p.head() is None
    p.feed(b'st: a\r\n\r\nNEXT')
    method, target, version, headers = p.head()
    assert (method, target, version, dict(headers)) == (
        'GET', '/', '1.1', {'Host': 'a'})
    assert (p.length, p.reading, p.buf) == (0, False, b'NEXT')


def test_head_of_a_request_with_a_body_says_how_long():
    p = protocol(b'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n')
    assert p.head()[0] == 'POST'
    assert (p.length, p.reading) == (3, True)
    p = protocol(b'POST / HTTP/1.1\r\nHost: a\r\n'
                 b'Transfer-Encoding: chunked\r\n\r\n')
    p.head()
    assert (p.length, p.reading) == (None, True)


def test_a_client_that_closes_between_requests_is_closed():
    p = protocol()
    p.feed(b'')
    assert p.head() is http.CLOSED


def test_a_client_that_closes_in_the_middle_of_a_head_is_400():
    p = protocol(b'GET / HTTP/1.1\r\nHost: a\r\n')
    p.feed(b'')
    assert status_of(p.head) == 400


def test_empty_lines_then_a_close_is_a_close():
    p = protocol(b'\r\n\r\n')
    assert p.head() is None
    p.feed(b'')
    assert p.head() is http.CLOSED


def test_heads_follow_one_another_on_a_connection():
    p = protocol(b'GET /a HTTP/1.1\r\nHost: a\r\n\r\n'
                 b'GET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c')
    assert [p.head()[1], p.head()[1], p.head()] == ['/a', '/b', None]


def test_head_lines_take_bare_lf_line_ends():
    p = protocol(b'GET / HTTP/1.1\nHost: a\r\nX: 1\n\nNEXT')
    assert p.head_lines() == [b'GET / HTTP/1.1', b'Host: a', b'X: 1']
    assert p.buf == b'NEXT'


def test_head_lines_end_at_the_first_empty_line():
    p = protocol(b'GET / HTTP/1.1\nHost: a\n\r\nX: 1\r\n\r\n')
    assert p.head_lines() == [b'GET / HTTP/1.1', b'Host: a']
    assert p.buf == b'X: 1\r\n\r\n'


def test_head_lines_skip_leading_empty_lines():
    p = protocol(b'\r\n\n\r\nGET / HTTP/1.0\r\n\r\n')
    assert p.head_lines() == [b'GET / HTTP/1.0']


def test_head_lines_refuse_endless_empty_lines():
    p = protocol(b'\r\n' * 9 + b'GET / HTTP/1.0\r\n\r\n')
    assert status_of(p.head_lines) == 400


def test_head_lines_long_request_line_is_414():
    p = protocol(b'GET /' + b'a' * 64 + b' HTTP/1.1\r\n\r\n', max_line=64)
    assert status_of(p.head_lines) == 414


def test_head_lines_long_request_line_without_lf_is_414():
    p = protocol(b'GET /' + b'a' * 100, max_line=64)
    assert status_of(p.head_lines) == 414


def test_head_lines_long_header_line_is_431():
    p = protocol(b'GET / HTTP/1.1\r\nX: ' + b'a' * 64 + b'\r\n\r\n',
                 max_line=64)
    assert status_of(p.head_lines) == 431


def test_head_lines_long_unfinished_header_line_is_431():
    p = protocol(b'GET / HTTP/1.1\r\nX: ' + b'a' * 100, max_line=64)
    assert status_of(p.head_lines) == 431


def test_head_lines_too_many_header_lines_is_431():
    head = b'GET / HTTP/1.1\r\n' + b'X: 1\r\n' * 4 + b'\r\n'
    assert status_of(protocol(head, max_headers=3).head_lines) == 431
    ok = b'GET / HTTP/1.1\r\n' + b'X: 1\r\n' * 3 + b'\r\n'
    assert protocol(ok, max_headers=3).head_lines()


def test_head_lines_bound_the_whole_head():
    # each line within the line limit, all of them together past the
    # head limit: 431, whether the head is whole or still coming
    lines = b'GET / HTTP/1.1\r\n' + b'X-Field: ' + b'v' * 500 + b'\r\n'
    whole = lines + b'X-Field: ' + b'v' * 500 + b'\r\n' * 2 + b'\r\n'
    assert status_of(protocol(whole, max_head=1024).head_lines) == 431
    assert protocol(whole, max_head=1100).head_lines()
    coming = lines + (b'X-Field: ' + b'v' * 500 + b'\r\n') * 3
    assert status_of(protocol(coming, max_head=1024).head_lines) == 431


@FAST
@given(st.binary(max_size=64), st.integers(min_value=1, max_value=63))
def test_heads_are_the_same_however_the_bytes_arrive(junk, cut):
    data = b'GET / HTTP/1.1\r\nHost: a\r\nX: ' + junk.replace(
        b'\n', b'') + b'\r\n\r\n'
    whole = protocol(data)
    pieces = protocol(data[:cut])
    first = pieces.head_lines()
    pieces.feed(data[cut:])
    assert first is None or first == whole.head_lines()
    if first is None:
        assert pieces.head_lines() == whole.head_lines()


# ------------------------------------------------------------------ caches

def test_the_cache_is_the_servers_own_dict():
    cache = {}
    p = http.Protocol(cache, NoCaseDict)
    p.feed(b'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    p.head()
    assert cache[0] == (b'GET / HTTP/1.1', ('GET', '/', '1.1'))
    assert cache[b'Host: a'] == ('Host', 'a')
    other = http.Protocol(cache)  # another connection of the same server
    assert other.request_line(b'GET / HTTP/1.1') == ('GET', '/', '1.1')


def test_a_header_line_spelled_like_the_last_request_line_is_400():
    p = protocol(b'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    p.head()
    p.feed(b'GET / HTTP/1.1\r\nGET / HTTP/1.1\r\n\r\n')
    assert status_of(p.head) == 400


def test_the_cache_stays_small():
    p = protocol()
    for i in range(100):
        p.field(b'X-%d: v' % i, NoCaseDict())
    assert len(p.cache) <= 10


def test_long_lines_are_not_cached():
    p = protocol()
    p.field(b'X: ' + b'v' * 200, NoCaseDict())
    p.request_line(b'GET /' + b'a' * 200 + b' HTTP/1.1')
    assert p.cache == {}


# ------------------------------------------------------------------ bodies

def chunked(data, sizes, extension=b'', trailer=b''):
    """``data`` in chunked coding, in chunks of the given sizes."""
    out = []
    i = 0
    for size in sizes:
        piece = data[i:i + size]
        if not piece:
            break
        out.append(b'%x%s\r\n%s\r\n' % (len(piece), extension, piece))
        i += len(piece)
    if i < len(data):
        out.append(b'%x\r\n%s\r\n' % (len(data) - i, data[i:]))
    return b''.join(out) + b'0\r\n' + trailer + b'\r\n'


def split_at(data, cuts):
    cuts = sorted(set(c for c in cuts if 0 < c < len(data)))
    return [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]


def body_protocol(length, data=b'', **limits):
    """A protocol that has read the head of a request whose body is
    ``length`` bytes long (None: chunked), with ``data`` received after."""
    framing = b'Transfer-Encoding: chunked' if length is None else \
        b'Content-Length: %d' % length
    p = protocol(b'POST / HTTP/1.1\r\nHost: a\r\n' + framing + b'\r\n\r\n',
                 **limits)
    p.head()
    if data:
        p.feed(data)
    return p


def read_body(length, pieces, n=1024, **limits):
    """The whole body, fed ``pieces`` one at a time when it asks for more
    (then EOF), and what is left in the buffer."""
    p = body_protocol(length, **limits)
    pieces = list(pieces)
    out = b''
    while True:
        data = p.body(n)
        if data is None:
            p.feed(pieces.pop(0) if pieces else b'')
        elif not data:
            break
        else:
            assert len(data) <= n
            out += data
    assert not p.reading
    return out, p.buf + b''.join(pieces)


def test_chunked_body_decoded():
    data, rest = read_body(None, [b'5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'])
    assert (data, rest) == (b'hello world', b'')


def test_chunked_body_one_byte_at_a_time():
    encoded = chunked(b'hello, world', [3, 1, 5]) + b'GET /next'
    data, rest = read_body(None, [bytes((b,)) for b in encoded[:-9]])
    assert data == b'hello, world'


@FAST
@given(data=st.binary(max_size=300),
       sizes=st.lists(st.integers(1, 40), max_size=12),
       cuts=st.lists(st.integers(0, 2000), max_size=20),
       n=st.sampled_from([1, 3, 7, 100]),
       trailer=st.sampled_from([b'', b'X-T: 1\r\n', b'A: b\r\nC: d\r\n']),
       extension=st.sampled_from([b'', b';a=b', b' ;x', b';q="1;2"']))
def test_chunked_body_in_any_split(data, sizes, cuts, n, trailer, extension):
    encoded = chunked(data, sizes, extension, trailer)
    after = b'GET / HTTP/1.1\r\n'
    pieces = split_at(encoded + after, cuts)
    decoded, rest = read_body(None, pieces, n)
    assert decoded == data
    assert rest == after  # nothing of the next request was eaten


@FAST
@given(data=st.binary(min_size=1, max_size=200),
       cuts=st.lists(st.integers(0, 300), max_size=10),
       n=st.sampled_from([1, 5, 1000]))
def test_length_body_in_any_split(data, cuts, n):
    after = b'NEXT'
    decoded, rest = read_body(len(data), split_at(data + after, cuts), n)
    assert decoded == data
    assert rest == after


@pytest.mark.parametrize('extension', [
    b';name=value', b';name', b';a=1;b="x;y"', b' ;ext', b'\t;ext',
    b';a="quoted \\" string"'])
def test_chunk_extensions_are_ignored(extension):
    data, _ = read_body(None, [chunked(b'hello', [5], extension)])
    assert data == b'hello'


@pytest.mark.parametrize('extension', [
    b';', b';;a', b'; ', b';a;', b';bad[=x', b';a\x00b', b';a\rX', b';a=',
    b';a= ', b';=v', b'; a b', b';a\x7f', b';a=\xff', b';a="open',
    b';a="x\x01"', b';a="x\\', b';a b=c', b';a=b c'])
def test_invalid_chunk_extensions_are_400(extension):
    # RFC 9112 7.1.1: a chunk extension is a token, optionally "=" and a
    # token or quoted-string; anything else is not chunked coding
    p = body_protocol(None, b'5' + extension + b'\r\nhello\r\n0\r\n\r\n')
    assert status_of(p.body, 100) == 400


@pytest.mark.parametrize('extension', [
    b';a', b' ; a = b', b';a=b;c=d', b';a="";b', b';a="x\\"y;z"',
    b';a="\xc3\xa9 \t"', b";!#$%&'*+-.^_`|~=~"])
def test_chunk_extension_syntax(extension):
    assert microdot_chunked.extensions_valid(extension)


def test_trailer_fields_are_consumed():
    encoded = chunked(b'abc', [3], trailer=b'X-Sum: 1\r\nX-Other: 2\r\n')
    data, rest = read_body(None, [encoded + b'NEXT'])
    assert (data, rest) == (b'abc', b'NEXT')


def test_upper_and_lower_case_hex_sizes():
    data, _ = read_body(None, [b'A\r\n0123456789\r\nb\r\nabcdefghijk\r\n'
                               b'0\r\n\r\n'])
    assert data == b'0123456789abcdefghijk'


@pytest.mark.parametrize('size_line', [
    b'g', b'', b'-5', b'+5', b'0x5', b' 5', b'5 ', b'5\t', b'123456789',
    b'5 5', b'\xff', b';ext'])
def test_bad_chunk_size_is_400(size_line):
    p = body_protocol(None, size_line + b'\r\nhello\r\n0\r\n\r\n')
    assert status_of(p.body, 100) == 400


def test_chunk_data_not_followed_by_crlf_is_400():
    p = body_protocol(None, b'5\r\nhelloX\r\n0\r\n\r\n')
    assert status_of(read_body_of, p) == 400


def read_body_of(p):
    out = b''
    data = p.body(100)
    while data:
        out += data
        data = p.body(100)
    return out


def test_chunk_lines_end_in_crlf_or_a_bare_lf():
    data, _ = read_body(None, [b'3\nabc\n0\n\n'])
    assert data == b'abc'


def test_a_cr_that_is_not_before_lf_does_not_end_a_chunk_line():
    p = body_protocol(None, b'3\rx\r\nabc\r\n0\r\n\r\n')
    assert status_of(p.body, 100) == 400


def test_long_chunk_size_line_is_400():
    p = body_protocol(None, b'5;' + b'x' * 40 + b'\r\nhello\r\n0\r\n\r\n',
                      max_line=32)
    assert status_of(p.body, 100) == 400


def test_unfinished_chunk_line_is_400_once_it_cannot_fit():
    assert body_protocol(None, b'5;' + b'x' * 30, max_line=32).body(
        100) is None
    assert status_of(body_protocol(None, b'5;' + b'x' * 40,
                                   max_line=32).body, 100) == 400


def test_chunked_body_over_max_body_is_413():
    data, _ = read_body(None, [chunked(b'x' * 10, [4, 4, 2])], max_body=10)
    assert data == b'x' * 10
    p = body_protocol(None, chunked(b'x' * 11, [4, 4, 3]), max_body=10)
    assert status_of(read_body_of, p) == 413


def test_single_huge_chunk_is_413_before_its_data():
    p = body_protocol(None, b'ffffffff\r\nabc', max_body=100)
    assert status_of(p.body, 100) == 413


def test_body_cut_short_by_eof_raises_eoferror():
    p = body_protocol(10, b'abc')
    assert p.body(100) == b'abc'
    p.feed(b'')
    with pytest.raises(EOFError):
        p.body(100)
    p = body_protocol(None, b'5\r\nab')
    assert p.body(100) == b'ab'
    p.feed(b'')
    with pytest.raises(EOFError):
        p.body(100)


def test_length_body_reads_in_pieces_and_then_empty():
    p = body_protocol(8, b'abcdefghNEXT')
    assert p.reading
    assert p.body(3) == b'abc'
    assert p.body(3) == b'def'
    assert p.body(3) == b'gh'
    assert not p.reading
    assert p.body(3) == b''
    assert p.buf == b'NEXT'


def test_starved_body_asks_for_more():
    p = body_protocol(4, b'ab')
    assert p.body(10) == b'ab'
    assert p.body(10) is None
    p.feed(b'cd')
    assert p.body(10) == b'cd'


# ----------------------------------------------------------------- framing

@pytest.mark.parametrize('status, length, version, frame', [
    (200, 3, '1.1', http.LENGTH), (200, 0, '1.0', http.LENGTH),
    (200, None, '1.1', http.CHUNKED), (200, None, '1.0', http.CLOSE),
    (404, None, '1.1', http.CHUNKED),
    (100, None, '1.1', http.NONE), (101, 5, '1.1', http.NONE),
    (204, 5, '1.1', http.NONE), (304, 1234, '1.1', http.NONE),
    (205, None, '1.1', http.LENGTH), (205, 10, '1.0', http.LENGTH),
])
def test_framing(status, length, version, frame):
    assert http.framing(status, length, version) == frame


# ----------------------------------------------------------- response head

DATE = 'Tue, 04 Mar 2025 05:06:07 GMT'


def response_head(status=200, headers=None, reason=None, frame=http.LENGTH,
                  length=0, version='1.1', keep=True, date=None,
                  idle_timeout=None, content_type='text/plain; charset=UTF-8',
                  p=None):
    return (p or protocol()).response_head(
        status, reason, NoCaseDict(headers), frame, length, version, keep,
        date, idle_timeout, content_type)


def head_lines(**kwargs):
    raw = response_head(**kwargs)
    assert raw.endswith(b'\r\n\r\n')
    return raw[:-4].decode().split('\r\n')


def test_status_line_and_headers():
    assert head_lines(headers={'X-A': '1'}, length=2) == [
        'HTTP/1.1 200 OK', 'X-A: 1', 'Content-Length: 2',
        'Content-Type: text/plain; charset=UTF-8']


def test_the_applications_headers_are_left_as_they_are():
    headers = NoCaseDict({'X-A': '1', 'Content-Length': '99',
                          'Transfer-Encoding': 'gzip'})
    copy = dict(headers)
    protocol().response_head(200, None, headers, http.LENGTH, 2, '1.1', True,
                             DATE, 5, 'text/plain')
    assert dict(headers) == copy


def test_framing_fields_follow_the_framing_not_the_application():
    lines = head_lines(headers={'Content-Length': '99',
                                'Transfer-Encoding': 'gzip'}, length=2)
    assert 'Content-Length: 2' in lines and 'Content-Length: 99' not in lines
    assert not [x for x in lines if x.startswith('Transfer-Encoding')]
    lines = head_lines(frame=http.CHUNKED, length=None)
    assert 'Transfer-Encoding: chunked' in lines
    assert not [x for x in lines if x.startswith('Content-Length')]


@pytest.mark.parametrize('status', [100, 101, 204])
def test_bodiless_statuses_have_no_framing_fields(status):
    lines = head_lines(status=status, frame=http.NONE, length=5, headers={
        'Content-Length': '5', 'Transfer-Encoding': 'chunked'})
    assert not [x for x in lines if x.startswith(('Content-Length',
                                                  'Transfer-Encoding',
                                                  'Content-Type'))]


@pytest.mark.parametrize('keep', [True, False])
def test_a_1xx_says_nothing_of_the_connection_and_no_date(keep):
    # a 101 hands the connection over: no Keep-Alive, no "Connection:
    # close" beside its Upgrade; a Date is a MAY on a 1xx (RFC 9110 6.6.1)
    lines = head_lines(status=101, frame=http.NONE, keep=keep, date=DATE,
                       idle_timeout=5, headers={'Upgrade': 'websocket',
                                                'Connection': 'Upgrade'})
    assert lines == ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket',
                     'Connection: Upgrade']


def test_304_keeps_the_length_of_the_200():
    assert 'Content-Length: 1234' in head_lines(status=304, frame=http.NONE,
                                                length=1234)


def test_205_says_it_has_no_content():
    lines = head_lines(status=205, length=10)
    assert 'Content-Length: 0' in lines


def test_content_type_given_is_kept():
    lines = head_lines(headers={'content-type': 'text/csv'}, length=1)
    assert [x for x in lines if x.lower().startswith('content-type')] == [
        'content-type: text/csv']


@pytest.mark.parametrize('status, reason', [
    (404, 'Not Found'), (405, 'Method Not Allowed'),
    (413, 'Content Too Large'), (503, 'Service Unavailable'),
    (299, 'Success'), (499, 'Client Error')])
def test_status_line_has_standard_reason(status, reason):
    assert head_lines(status=status)[0] == \
        'HTTP/1.1 %d %s' % (status, reason)


def test_custom_reason():
    assert head_lines(reason='Fine')[0] == 'HTTP/1.1 200 Fine'


def test_list_header_value_becomes_several_lines():
    assert head_lines(headers={'Set-Cookie': ['a=1', 'b=2'], 'X': 3},
                      content_type=None)[1:4] == [
        'Set-Cookie: a=1', 'Set-Cookie: b=2', 'X: 3']


def test_tab_in_header_value_is_allowed():
    assert head_lines(headers={'X': 'a\tb'})[1] == 'X: a\tb'


@pytest.mark.parametrize('value', [
    'a\r\nInjected: 1', 'a\nb', 'a\rb', 'a\x00b', 'a\x7f', ['ok', 'x\ny']])
def test_control_character_in_header_value_is_valueerror(value):
    with pytest.raises(ValueError):
        response_head(headers={'X': value})


@pytest.mark.parametrize('name', [
    'X A', 'X:A', 'X\r\nY', '', 'X(A)', 'X-A\n', 'X-A\r'])
def test_header_name_not_a_token_is_valueerror(name):
    with pytest.raises(ValueError):
        response_head(headers={name: 'v'})


@pytest.mark.parametrize('reason', ['OK\r\nX: 1', 'a\nb', 'a\x00'])
def test_control_character_in_reason_is_valueerror(reason):
    with pytest.raises(ValueError):
        response_head(reason=reason)


@pytest.mark.parametrize('status', [99, 600, 0, -200, '200', 200.0, None])
def test_invalid_status_code_is_valueerror(status):
    with pytest.raises((ValueError, TypeError)):
        response_head(status=status)


@pytest.mark.parametrize('version, keep, expected', [
    ('1.1', True, None),
    ('1.1', False, 'close'),
    ('1.0', True, 'keep-alive'),
    ('1.0', False, 'close'),
])
def test_connection_header(version, keep, expected):
    lines = head_lines(version=version, keep=keep)
    found = [line[12:] for line in lines if line.startswith('Connection: ')]
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize('idle, expected', [
    (5, ['Keep-Alive: timeout=5']), (1, ['Keep-Alive: timeout=1']),
    (0, []), (0.5, []), (None, [])])
def test_keep_alive_announces_the_idle_timeout(idle, expected):
    lines = head_lines(idle_timeout=idle)
    assert [x for x in lines if x.startswith('Keep-Alive')] == expected
    assert not [x for x in head_lines(idle_timeout=idle, keep=False)
                if x.startswith('Keep-Alive')]


def test_date_is_the_one_given():
    assert 'Date: ' + DATE in head_lines(date=DATE)
    assert not [x for x in head_lines() if x.startswith('Date')]


def test_application_date_is_not_doubled():
    lines = head_lines(headers={'Date': 'x'}, date=DATE)
    assert [x for x in lines if x.startswith('Date')] == ['Date: x']


def test_a_repeated_head_comes_from_the_cache():
    p = protocol()
    first = response_head(headers={'X-A': '1'}, date=DATE, p=p)
    assert p.cache[None][3] == b'HTTP/1.1 200 OK\r\nX-A: 1\r\n'
    p.field_line = None  # were the fields checked again, this would fail
    assert response_head(headers={'X-A': '1'}, date=DATE, p=p) == first


def test_a_head_with_other_headers_is_not_taken_from_the_cache():
    p = protocol()
    response_head(headers={'X-A': '1'}, p=p)
    assert b'X-A: 2' in response_head(headers={'X-A': '2'}, p=p)
    with pytest.raises(ValueError):
        response_head(headers={'X-A': 'a\nb'}, p=p)


# ----------------------------------------------------------------- cookies

@pytest.mark.parametrize('kwargs, expected', [
    ({}, 'n=v'),
    ({'path': '/'}, 'n=v; Path=/'),
    ({'domain': 'example.com'}, 'n=v; Domain=example.com'),
    ({'max_age': 60}, 'n=v; Max-Age=60'),
    ({'max_age': 0}, 'n=v; Max-Age=0'),
    ({'secure': True}, 'n=v; Secure'),
    ({'http_only': True}, 'n=v; HttpOnly'),
    ({'same_site': 'Lax'}, 'n=v; SameSite=Lax'),
    ({'same_site': 'strict'}, 'n=v; SameSite=Strict'),
    ({'same_site': 'NONE'}, 'n=v; SameSite=None'),
    ({'path': '/p', 'domain': 'd.org', 'expires': 'x', 'max_age': 1,
      'secure': True, 'http_only': True, 'same_site': 'lax'},
     'n=v; Path=/p; Domain=d.org; Expires=x; Max-Age=1; Secure; HttpOnly; '
     'SameSite=Lax'),
])
def test_set_cookie_attributes(kwargs, expected):
    assert microdot_cookies.set_cookie_value('n', 'v', **kwargs) == expected


def test_set_cookie_doc_example():
    assert microdot_cookies.set_cookie_value('id', 'a3f', path='/', http_only=True) == \
        'id=a3f; Path=/; HttpOnly'


def test_set_cookie_value_not_a_string():
    assert microdot_cookies.set_cookie_value('n', 42) == 'n=42'


@pytest.mark.parametrize('expires, expected', [
    ('Wed, 21 Oct 2015 07:28:00 GMT', 'Wed, 21 Oct 2015 07:28:00 GMT'),
    (datetime.datetime(2030, 1, 2, 3, 4, 5), 'Wed, 02 Jan 2030 03:04:05 GMT'),
    (datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(
        datetime.timedelta(hours=2))), 'Wed, 02 Jan 2030 01:04:05 GMT'),
    (0, 'Thu, 01 Jan 1970 00:00:00 GMT'),
    (86400.9, 'Fri, 02 Jan 1970 00:00:00 GMT'),
    (1700000000, 'Tue, 14 Nov 2023 22:13:20 GMT'),
])
def test_set_cookie_expires(expires, expected):
    assert microdot_cookies.set_cookie_value('n', 'v', expires=expires) == \
        'n=v; Expires=' + expected


@pytest.mark.parametrize('kwargs', [
    {'value': 'a\r\nSet-Cookie: evil=1'}, {'value': 'a\nb'},
    {'value': 'a\rb'}, {'value': 'a;b'}, {'value': 'a\x00'},
    {'path': '/;Domain=evil'}, {'path': '/\r\n'},
    {'domain': 'a.org\r\nX: 1'}, {'domain': 'a;b'},
    {'expires': 'x; Domain=evil'}, {'expires': 'x\r\n'},
    {'same_site': 'Sometimes'}, {'same_site': ''},
])
def test_set_cookie_refuses_unsafe_values(kwargs):
    kwargs.setdefault('value', 'v')
    with pytest.raises(ValueError):
        microdot_cookies.set_cookie_value('n', **kwargs)


@pytest.mark.parametrize('name', [
    '', 'a b', 'a=b', 'a;b', 'a\r\n', 'a\n', '\xe9'])
def test_set_cookie_refuses_bad_names(name):
    with pytest.raises(ValueError):
        microdot_cookies.set_cookie_value(name, 'v')


# ----------------------------------------------------- reasons and dates

@pytest.mark.parametrize('status, reason', [
    (100, 'Continue'), (101, 'Switching Protocols'), (200, 'OK'),
    (201, 'Created'), (204, 'No Content'), (206, 'Partial Content'),
    (301, 'Moved Permanently'), (302, 'Found'), (304, 'Not Modified'),
    (308, 'Permanent Redirect'), (400, 'Bad Request'), (404, 'Not Found'),
    (405, 'Method Not Allowed'), (408, 'Request Timeout'),
    (413, 'Content Too Large'), (414, 'URI Too Long'),
    (418, "I'm a teapot"), (431, 'Request Header Fields Too Large'),
    (500, 'Internal Server Error'), (501, 'Not Implemented'),
    (503, 'Service Unavailable'), (505, 'HTTP Version Not Supported'),
])
def test_reason_phrase(status, reason):
    assert http.reason_phrase(status) == reason


@pytest.mark.parametrize('status, reason', [
    (203, 'Non-Authoritative Information'), (205, 'Reset Content'),
    (300, 'Multiple Choices'), (305, 'Use Proxy'), (402, 'Payment Required'),
    (407, 'Proxy Authentication Required'), (421, 'Misdirected Request'),
    (428, 'Precondition Required'), (511, 'Network Authentication Required'),
])
def test_every_code_rfc_9110_and_6585_define_has_its_reason(status, reason):
    assert http.reason_phrase(status) == reason


@pytest.mark.parametrize('status, reason', [
    (199, 'Informational'), (250, 'Success'), (399, 'Redirection'),
    (451, 'Client Error'), (599, 'Server Error'), (420, 'Client Error'),
    (510, 'Server Error')])
def test_reason_phrase_of_rare_codes_is_the_class(status, reason):
    assert http.reason_phrase(status) == reason


@FAST
@given(st.integers(100, 599))
def test_reason_phrase_is_always_safe_text(status):
    reason = http.reason_phrase(status)
    assert reason and '|' not in reason
    assert not http.has_ctl(reason.encode())


def test_http_date_doc_example():
    assert http.http_date((1994, 11, 6, 8, 49, 37, 6, 310)) == \
        'Sun, 06 Nov 1994 08:49:37 GMT'


@FAST
@given(st.integers(0, 2 ** 32))
def test_http_date_matches_the_standard_library(seconds):
    assert http.http_date(time.gmtime(seconds)) == \
        email.utils.formatdate(seconds, usegmt=True)


@pytest.mark.parametrize('text, expected', [
    ('GET', True), ('x-y_z', True), ('', False), ('a b', False),
    ('a:b', False), ('\xe9', False), ('a\n', False), ('M' * 5000, True),
    ('M' * 5000 + '(', False)])
def test_is_token(text, expected):
    assert http.is_token(text) is expected
