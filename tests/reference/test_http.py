"""Exhaustive tests of ``microdot_http``: HTTP/1.1 syntax with no I/O."""
import asyncio
import datetime
import email.utils
import time

import pytest
from hypothesis import given, settings, strategies as st

import microdot_http as http
from microdot import NoCaseDict, Response

FAST = settings(database=None, deadline=None, max_examples=150)


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with no cached names, values, hosts or Date."""
    http.clear_caches()


def status_of(f, *args):
    """The status code of the HTTPError that ``f(*args)`` raises."""
    with pytest.raises(http.HTTPError) as info:
        f(*args)
    return info.value.status


class FakeConnection:
    """Hands out the given pieces of bytes, one per recv; then EOF."""

    def __init__(self, *pieces):
        self.pieces = list(pieces)

    def recv_now(self, n):
        if not self.pieces:
            return b''
        piece = self.pieces.pop(0)
        if len(piece) > n:
            self.pieces.insert(0, piece[n:])
            piece = piece[:n]
        return piece

    async def recv(self, n):
        return self.recv_now(n)


def reader_with(data=b'', *pieces, **limits):
    reader = http.Reader(FakeConnection(*pieces), **limits)
    reader.buf = data
    return reader


def head_of(lines):
    """``parse_head`` with a NoCaseDict, as the server calls it:
    ``(method, target, version, headers)``."""
    headers = NoCaseDict()
    return http.parse_head(lines, headers) + (headers,)


def test_the_parser_needs_nothing_from_the_framework():
    source = open(http.__file__).read()
    assert 'import microdot\n' not in source
    assert 'from microdot import' not in source


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
    assert http.parse_request_line(line) == expected


def test_lowercase_method_is_just_another_token():
    assert http.parse_request_line(b'get / HTTP/1.1') == ('get', '/', '1.1')


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
    assert status_of(http.parse_request_line, line) == 400


@pytest.mark.parametrize('version', [b'HTTP/2.0', b'HTTP/0.9', b'HTTP/3.0'])
def test_request_line_other_major_version_is_505(version):
    assert status_of(http.parse_request_line, b'GET / ' + version) == 505


# ------------------------------------------------------------ header fields

def fields(*lines):
    headers = NoCaseDict()
    for line in lines:
        http.parse_field(line, headers)
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
    assert status_of(http.parse_field, line, NoCaseDict()) == 400


@pytest.mark.parametrize('line', [
    b'N\xffme: x', b'Caf\xc3\xa9: x', b'\x80: x'])
def test_field_name_with_non_ascii_bytes_is_400(line):
    assert status_of(http.parse_field, line, NoCaseDict()) == 400


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
    assert status_of(http.parse_field, second, headers) == 400


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
    assert http.origin_form(method, target) == expected


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
    assert status_of(http.origin_form, method, target) == status


# -------------------------------------------------------------- body length

def length_of(version='1.1', **headers):
    return http.body_length(NoCaseDict(
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
        http.body_length(headers, version)
    except http.HTTPError as exc:
        assert 400 <= exc.status <= 505


@FAST
@given(st.lists(st.one_of(st.binary(max_size=10), st.sampled_from([
    b'\r\n', b'0', b';', b'5', b'a', b' ', b'\n', b'ff'])), max_size=20))
def test_any_chunked_body_is_decoded_or_refused(parts):
    try:
        http.Body(reader_with(b''.join(parts)), None).read_now()
    except EOFError:
        pass  # the client closed before the end of the body
    except http.HTTPError as exc:
        assert exc.status in (400, 413)


def test_two_content_length_fields_must_agree():
    same = fields(b'Content-Length: 5', b'content-length: 5')
    assert http.body_length(same, '1.1') == 5
    different = fields(b'Content-Length: 5', b'Content-Length: 6')
    assert status_of(http.body_length, different, '1.1') == 400


def test_chunked_from_http10_is_400():
    with pytest.raises(http.HTTPError) as info:
        length_of('1.0', Transfer_Encoding='chunked')
    assert info.value.status == 400


# --------------------------------------------------------------- keep-alive

class FakeRequest:
    def __init__(self, version, connection=None):
        self.http_version = version
        self.headers = NoCaseDict(
            {} if connection is None else {'Connection': connection})


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
    assert http.keep_alive(FakeRequest(version, connection)) is expected


# ------------------------------------------------------------ Reader.line

def test_line_splits_on_crlf_and_bare_lf():
    reader = reader_with(b'abc\r\ndef\nghi')
    assert reader.line(100, 431) == b'abc'
    assert reader.line(100, 431) == b'def'
    assert reader.line(100, 431) is None
    assert reader.buf == b'ghi'


def test_line_keeps_a_cr_that_is_not_before_lf():
    assert reader_with(b'a\rb\r\n').line(100, 431) == b'a\rb'


def test_line_at_the_limit_is_accepted():
    assert reader_with(b'x' * 10 + b'\r\n').line(10, 431) == b'x' * 10


@pytest.mark.parametrize('status', [414, 431, 400])
def test_line_over_the_limit_raises_the_given_status(status):
    reader = reader_with(b'x' * 11 + b'\r\n')
    assert status_of(reader.line, 10, status) == status


def test_unfinished_line_waits_until_it_cannot_fit():
    assert reader_with(b'x' * 10 + b'\r').line(10, 431) is None
    assert status_of(reader_with(b'x' * 12).line, 10, 414) == 414


def test_fill_now_appends_and_eof_raises():
    reader = reader_with(b'a', b'bc')
    reader.fill_now()
    assert reader.buf == b'abc'
    with pytest.raises(EOFError):
        reader.fill_now()


def test_take_hands_out_buffered_bytes():
    reader = reader_with(b'abcdef')
    assert reader.take(4) == b'abcd'
    assert reader.take(4) == b'ef'
    assert reader.take(4) == b''


# ------------------------------------------------------------- take_head

def test_take_head_waits_for_the_whole_head():
    reader = reader_with(b'GET / HTTP/1.1\r\nHo')
    assert reader.take_head() is None
    reader.buf += b'st: a\r\n\r\nNEXT'
    assert reader.take_head() == [b'GET / HTTP/1.1', b'Host: a']
    assert reader.buf == b'NEXT'


def test_take_head_takes_bare_lf_line_ends():
    reader = reader_with(b'GET / HTTP/1.1\nHost: a\r\nX: 1\n\nNEXT')
    assert reader.take_head() == [b'GET / HTTP/1.1', b'Host: a', b'X: 1']
    assert reader.buf == b'NEXT'


def test_take_head_ends_at_the_first_empty_line():
    reader = reader_with(b'GET / HTTP/1.1\nHost: a\n\r\nX: 1\r\n\r\n')
    assert reader.take_head() == [b'GET / HTTP/1.1', b'Host: a']
    assert reader.buf == b'X: 1\r\n\r\n'


def test_take_head_skips_leading_empty_lines():
    reader = reader_with(b'\r\n\n\r\nGET / HTTP/1.0\r\n\r\n')
    assert reader.take_head() == [b'GET / HTTP/1.0']


def test_take_head_refuses_endless_empty_lines():
    reader = reader_with(b'\r\n' * 9 + b'GET / HTTP/1.0\r\n\r\n')
    assert status_of(reader.take_head) == 400


def test_take_head_long_request_line_is_414():
    reader = reader_with(b'GET /' + b'a' * 64 + b' HTTP/1.1\r\n\r\n',
                         max_line=64)
    assert status_of(reader.take_head) == 414


def test_take_head_long_request_line_without_lf_is_414():
    reader = reader_with(b'GET /' + b'a' * 100, max_line=64)
    assert status_of(reader.take_head) == 414


def test_take_head_long_header_line_is_431():
    reader = reader_with(b'GET / HTTP/1.1\r\nX: ' + b'a' * 64 + b'\r\n\r\n',
                         max_line=64)
    assert status_of(reader.take_head) == 431


def test_take_head_long_unfinished_header_line_is_431():
    reader = reader_with(b'GET / HTTP/1.1\r\nX: ' + b'a' * 100, max_line=64)
    assert status_of(reader.take_head) == 431


def test_take_head_too_many_header_lines_is_431():
    head = b'GET / HTTP/1.1\r\n' + b'X: 1\r\n' * 4 + b'\r\n'
    assert status_of(reader_with(head, max_headers=3).take_head) == 431
    ok = b'GET / HTTP/1.1\r\n' + b'X: 1\r\n' * 3 + b'\r\n'
    assert reader_with(ok, max_headers=3).take_head()


def test_take_head_bounds_the_whole_head():
    # each line within the line limit, all of them together past the
    # head limit: 431, whether the head is whole or still coming
    lines = b'GET / HTTP/1.1\r\n' + b'X-Field: ' + b'v' * 500 + b'\r\n'
    whole = lines + b'X-Field: ' + b'v' * 500 + b'\r\n' * 2 + b'\r\n'
    assert status_of(reader_with(whole, max_head=1024).take_head) == 431
    assert reader_with(whole, max_head=1100).take_head()
    coming = lines + (b'X-Field: ' + b'v' * 500 + b'\r\n') * 3
    assert status_of(reader_with(coming, max_head=1024).take_head) == 431


@FAST
@given(st.binary(max_size=64), st.integers(min_value=1, max_value=63))
def test_take_head_gives_the_same_lines_however_the_bytes_arrive(junk, cut):
    data = b'GET / HTTP/1.1\r\nHost: a\r\nX: ' + junk.replace(
        b'\n', b'') + b'\r\n\r\n'
    whole = reader_with(data)
    pieces = reader_with(data[:cut])
    first = pieces.take_head()
    pieces.buf += data[cut:]
    assert first is None or first == whole.take_head()
    if first is None:
        assert pieces.take_head() == whole.take_head()


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


def read_body(length, pieces, n=-1):
    """Read a whole body from a connection that delivers ``pieces``."""
    reader = reader_with(b'', *pieces)
    body = http.Body(reader, length)
    out = b''
    while True:
        data = body.read_now(n)
        if not data:
            break
        out += data
    assert body.done
    return out, reader.buf


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
       n=st.sampled_from([-1, 1, 3, 7, 100]),
       trailer=st.sampled_from([b'', b'X-T: 1\r\n', b'A: b\r\nC: d\r\n']),
       extension=st.sampled_from([b'', b';a=b', b' ;x', b';q="1;2"']))
def test_chunked_body_in_any_split(data, sizes, cuts, n, trailer, extension):
    encoded = chunked(data, sizes, extension, trailer)
    after = b'GET / HTTP/1.1\r\n'
    pieces = split_at(encoded + after, cuts)
    decoded, rest = read_body(None, pieces, n)
    assert decoded == data
    assert after.startswith(rest)  # nothing of the next request was eaten


@FAST
@given(data=st.binary(min_size=1, max_size=200),
       cuts=st.lists(st.integers(0, 300), max_size=10),
       n=st.sampled_from([-1, 1, 5, 1000]))
def test_length_body_in_any_split(data, cuts, n):
    after = b'NEXT'
    decoded, rest = read_body(len(data), split_at(data + after, cuts), n)
    assert decoded == data
    assert after.startswith(rest)


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
    reader = reader_with(b'5' + extension + b'\r\nhello\r\n0\r\n\r\n')
    assert status_of(http.Body(reader, None).read_now) == 400


@pytest.mark.parametrize('extension', [
    b';a', b' ; a = b', b';a=b;c=d', b';a="";b', b';a="x\\"y;z"',
    b';a="\xc3\xa9 \t"', b";!#$%&'*+-.^_`|~=~"])
def test_chunk_extension_syntax(extension):
    assert http.chunk_ext_valid(extension)


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
    reader = reader_with(size_line + b'\r\nhello\r\n0\r\n\r\n')
    assert status_of(http.Body(reader, None).read_now) == 400


def test_chunk_data_not_followed_by_crlf_is_400():
    reader = reader_with(b'5\r\nhelloX\r\n0\r\n\r\n')
    assert status_of(http.Body(reader, None).read_now) == 400


def test_long_chunk_size_line_is_400():
    reader = reader_with(b'5;' + b'x' * 40 + b'\r\nhello\r\n0\r\n\r\n',
                         max_line=32)
    assert status_of(http.Body(reader, None).read_now) == 400


def test_chunked_body_over_max_content_length_is_413():
    ok = reader_with(chunked(b'x' * 10, [4, 4, 2]))
    assert http.Body(ok, None, 10).read_now() == b'x' * 10
    over = reader_with(chunked(b'x' * 11, [4, 4, 3]))
    assert status_of(http.Body(over, None, 10).read_now) == 413


def test_single_huge_chunk_is_413_before_its_data():
    reader = reader_with(b'ffffffff\r\nabc')
    assert status_of(http.Body(reader, None, 100).read_now) == 413


def test_body_cut_short_by_eof_raises_eoferror():
    reader = reader_with(b'', b'abc')
    with pytest.raises(EOFError):
        http.Body(reader, 10).read_now()
    with pytest.raises(EOFError):
        http.Body(reader_with(b'', b'5\r\nab'), None).read_now()


def test_length_body_reads_in_pieces_and_then_empty():
    reader = reader_with(b'abcdefghNEXT')
    body = http.Body(reader, 8)
    assert not body.done
    assert body.read_now(3) == b'abc'
    assert body.read_now(3) == b'def'
    assert body.read_now(3) == b'gh'
    assert body.done
    assert body.read_now(3) == b''
    assert reader.buf == b'NEXT'


def test_empty_body_is_done_at_once():
    body = http.Body(reader_with(b'GET'), 0)
    assert body.done
    assert body.read_now() == b''


def test_pieces_read_ahead_are_given_back_first():
    body = http.Body(reader_with(b'', b'def'), 6)
    body.ahead = [b'a', b'bc']
    body.left = 3
    assert body.read_now(2) == b'ab'
    assert body.read_now() == b'cdef'


def test_async_read_waits_for_more_data():
    reader = reader_with(b'', b'3\r\nab', b'c\r\n0\r\n', b'\r\n')
    body = http.Body(reader, None)
    assert asyncio.run(body.read()) == b'abc'
    assert body.done


def test_plain_body_reads_blocking():
    plain = http.Body(reader_with(b'', b'abc'), 3).plain()
    assert plain.read(10) == b'abc'


# ----------------------------------------------------------------- framing

def req(version='1.1', method='GET'):
    r = FakeRequest(version)
    r.method = method
    return r


def gen_body():
    yield b'a'


def test_bytes_body_is_framed_by_length():
    res = Response('h\xe9')
    assert http.framing(res, req()) == 'length'
    assert res.headers['Content-Length'] == '3'
    assert res.headers['Content-Type'] == 'text/plain; charset=UTF-8'


def test_content_type_of_default_with_charset_is_kept():
    Response.default_content_type = 'text/html; charset=latin-1'
    res = Response('x')
    http.framing(res, req())
    assert res.headers['Content-Type'] == 'text/html; charset=latin-1'


def test_given_content_type_is_kept():
    res = Response('x', headers={'content-type': 'text/csv'})
    http.framing(res, req())
    assert dict(res.headers) == {'content-type': 'text/csv',
                                 'Content-Length': '1'}


def test_unknown_length_is_chunked_for_http11():
    res = Response(gen_body())
    assert http.framing(res, req('1.1')) == 'chunked'
    assert res.headers['Transfer-Encoding'] == 'chunked'
    assert 'Content-Length' not in res.headers


@pytest.mark.parametrize('request_', [req('1.0'), None])
def test_unknown_length_is_framed_by_close_otherwise(request_):
    res = Response(gen_body())
    assert http.framing(res, request_) == 'close'
    assert 'Transfer-Encoding' not in res.headers


def test_length_given_by_application_is_used():
    res = Response(gen_body(), headers={'Content-Length': '1'})
    assert http.framing(res, req()) == 'length'
    assert 'Transfer-Encoding' not in res.headers


@pytest.mark.parametrize('status', [100, 101, 204])
def test_bodiless_statuses_drop_framing_headers(status):
    res = Response('x', status, {'Content-Length': '1',
                                 'Transfer-Encoding': 'chunked'})
    assert http.framing(res, req()) == 'none'
    assert 'Content-Length' not in res.headers
    assert 'Transfer-Encoding' not in res.headers


def test_304_keeps_the_length_of_the_200():
    res = Response(b'', 304, {'Content-Length': '1234'})
    assert http.framing(res, req()) == 'none'
    assert res.headers['Content-Length'] == '1234'


class ClosingBody:
    closed = False

    def read(self, n):
        return b'content'

    def close(self):
        self.closed = True


@pytest.mark.parametrize('body', ['status 205', gen_body(), ClosingBody()])
def test_205_drops_its_content_and_says_so(body):
    # RFC 9110 15.3.6: a 205 has no content; a length of 0 tells the client
    res = Response(body, 205, {'Transfer-Encoding': 'chunked'})
    assert http.framing(res, req()) == 'length'
    assert (res.body, res.headers['Content-Length']) == (b'', '0')
    assert 'Transfer-Encoding' not in res.headers
    if isinstance(body, ClosingBody):
        assert body.closed


# ----------------------------------------------------------- response head

def head_lines(res, request_=None, keep=True):
    raw = http.response_head(res, request_ or req(), keep)
    assert raw.endswith(b'\r\n\r\n')
    return raw[:-4].decode().split('\r\n')


@pytest.fixture
def no_clock(monkeypatch):
    monkeypatch.setattr(http, 'CLOCK_VALID_FROM', 10000)


def test_status_line_and_headers(no_clock):
    res = Response('hi', headers={'X-A': '1'})
    http.framing(res, req())
    assert head_lines(res) == [
        'HTTP/1.1 200 OK', 'X-A: 1', 'Content-Length: 2',
        'Content-Type: text/plain; charset=UTF-8']


@pytest.mark.parametrize('status, reason', [
    (404, 'Not Found'), (405, 'Method Not Allowed'),
    (413, 'Content Too Large'), (503, 'Service Unavailable'),
    (299, 'Success'), (499, 'Client Error')])
def test_status_line_has_standard_reason(no_clock, status, reason):
    assert head_lines(Response('', status))[0] == \
        'HTTP/1.1 %d %s' % (status, reason)


def test_custom_reason(no_clock):
    assert head_lines(Response('', 200, reason='Fine'))[0] == \
        'HTTP/1.1 200 Fine'


def test_list_header_value_becomes_several_lines(no_clock):
    res = Response('', headers={'Set-Cookie': ['a=1', 'b=2'], 'X': 3})
    assert head_lines(res)[1:] == ['Set-Cookie: a=1', 'Set-Cookie: b=2',
                                   'X: 3']


def test_tab_in_header_value_is_allowed(no_clock):
    assert head_lines(Response('', headers={'X': 'a\tb'}))[1] == 'X: a\tb'


@pytest.mark.parametrize('value', [
    'a\r\nInjected: 1', 'a\nb', 'a\rb', 'a\x00b', 'a\x7f', ['ok', 'x\ny']])
def test_control_character_in_header_value_is_valueerror(value):
    with pytest.raises(ValueError):
        http.response_head(Response('', headers={'X': value}), req(), True)


@pytest.mark.parametrize('name', [
    'X A', 'X:A', 'X\r\nY', '', 'X(A)', 'X-A\n', 'X-A\r'])
def test_header_name_not_a_token_is_valueerror(name):
    with pytest.raises(ValueError):
        http.response_head(Response('', headers={name: 'v'}), req(), True)


@pytest.mark.parametrize('reason', ['OK\r\nX: 1', 'a\nb', 'a\x00'])
def test_control_character_in_reason_is_valueerror(reason):
    with pytest.raises(ValueError):
        http.response_head(Response('', reason=reason), req(), True)


@pytest.mark.parametrize('status', [99, 600, 0, -200, '200', 200.0, None])
def test_invalid_status_code_is_valueerror(status):
    with pytest.raises(ValueError):
        http.response_head(Response('', status), req(), True)


@pytest.mark.parametrize('version, keep, expected', [
    ('1.1', True, None),
    ('1.1', False, 'close'),
    ('1.0', True, 'keep-alive'),
    ('1.0', False, 'close'),
])
def test_connection_header(no_clock, version, keep, expected):
    lines = head_lines(Response(''), req(version), keep)
    found = [line[12:] for line in lines if line.startswith('Connection: ')]
    assert found == ([expected] if expected else [])


def test_connection_close_without_request(no_clock):
    assert 'Connection: close' in head_lines(Response('', 400), None, False)


def test_date_when_clock_is_valid(monkeypatch):
    monkeypatch.setattr(http.time, 'gmtime',
                        lambda *a: time.struct_time(
                            (2025, 3, 4, 5, 6, 7, 1, 63, 0)))
    assert 'Date: Tue, 04 Mar 2025 05:06:07 GMT' in head_lines(Response(''))


@pytest.mark.parametrize('year', [1970, 2000, 2023])
def test_no_date_when_clock_is_not_set(monkeypatch, year):
    monkeypatch.setattr(http.time, 'gmtime',
                        lambda *a: time.struct_time(
                            (year, 1, 1, 0, 0, 0, 5, 1, 0)))
    assert not [x for x in head_lines(Response('')) if x.startswith('Date')]
    assert http.date_header() is None


def test_date_with_the_real_clock():
    lines = head_lines(Response(''))
    dates = [x for x in lines if x.startswith('Date: ')]
    assert len(dates) == 1
    parsed = email.utils.parsedate_to_datetime(dates[0][6:])
    assert abs(parsed.timestamp() - time.time()) < 5


def test_application_date_is_not_doubled():
    lines = head_lines(Response('', headers={'Date': 'x'}))
    assert [x for x in lines if x.startswith('Date')] == ['Date: x']


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
    assert http.set_cookie_value('n', 'v', **kwargs) == expected


def test_set_cookie_doc_example():
    assert http.set_cookie_value('id', 'a3f', path='/', http_only=True) == \
        'id=a3f; Path=/; HttpOnly'


def test_set_cookie_value_not_a_string():
    assert http.set_cookie_value('n', 42) == 'n=42'


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
    assert http.set_cookie_value('n', 'v', expires=expires) == \
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
        http.set_cookie_value('n', **kwargs)


@pytest.mark.parametrize('name', [
    '', 'a b', 'a=b', 'a;b', 'a\r\n', 'a\n', '\xe9'])
def test_set_cookie_refuses_bad_names(name):
    with pytest.raises(ValueError):
        http.set_cookie_value(name, 'v')


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
    http.refuse_ctl('reason', reason)


def test_http_date_doc_example():
    assert http.http_date((1994, 11, 6, 8, 49, 37, 6, 310)) == \
        'Sun, 06 Nov 1994 08:49:37 GMT'


@FAST
@given(st.integers(0, 2 ** 32))
def test_http_date_matches_the_standard_library(seconds):
    assert http.http_date(time.gmtime(seconds)) == \
        email.utils.formatdate(seconds, usegmt=True)


def test_http_date_defaults_to_now():
    parsed = email.utils.parsedate_to_datetime(http.http_date())
    assert abs(parsed.timestamp() - time.time()) < 5


@pytest.mark.parametrize('text, expected', [
    ('GET', True), ('x-y_z', True), ('', False), ('a b', False),
    ('a:b', False), ('\xe9', False), ('a\n', False), ('M' * 5000, True),
    ('M' * 5000 + '(', False)])
def test_is_token(text, expected):
    assert http.is_token(text) is expected
