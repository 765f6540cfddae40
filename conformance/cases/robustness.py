"""Robustness: generated and mutated requests (RFC 9112 §2.2, §3, §5, §6,
§7.1; RFC 9110 §5.5; RFC 6265 §4.2; RFC 3986 §2-3).

Each case sends ``fuzz_examples`` generated inputs through the fuzz runner
(``conformance.fuzz``), which says what no input may cause.
"""
import re

from hypothesis import strategies as st

from conformance.case import MUST, case
from conformance.fuzz import Fuzz, exchange, shown_input
# A request target the server must answer: origin-form made of the
# characters RFC 3986 allows there, with valid percent-escapes only.
VALID_TARGET = re.compile(
    rb"^/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*$")


# -------------------------------------------------------------- generators

def some(interesting, alphabet, max_size):
    """An interesting piece, or a few pieces of ``alphabet`` joined."""
    return st.one_of(st.sampled_from(interesting), st.lists(
        st.sampled_from(alphabet), max_size=max_size).map(b''.join))


def mostly(valid, *others):
    """``valid`` about half the time, else one of ``others``' examples."""
    return st.one_of(st.just(valid), st.just(valid), *others)


def field_value_bytes(max_size):
    # What a field value may hold (RFC 9110 §5.5): VCHAR, obs-text, SP, HTAB.
    return st.binary(max_size=max_size).map(
        lambda b: bytes(c if c >= 0x20 and c != 0x7f else 0x20 + c % 0x5f
                        for c in b))


TOKEN = [bytes([c]) for c in
         b"abcxyzABCXYZ0129!#$%&'*+-.^_`|~"]
ODD = [b'\x00', b'\r', b'\n', b'\r\n', b'\t', b' ', b'\x0b', b'\x7f',
       b'\x80', b'\xff', b'\xc3\xb6', b':', b';', b',', b'"', b'\\']

METHODS = [b'GET', b'HEAD', b'POST', b'OPTIONS', b'DELETE', b'PUT',
           b'get', b'GeT', b'G\x00ET', b'GET\x7f', b'CONNECT', b'TRACE',
           b'PRI', b'', b'\xc7\xb4ET', b'GET ', b' GET']
SEPARATORS = [b' ', b'  ', b'\t', b'', b'\x00', b'\x0b', b'\x0c', b' \r',
              b'\r ', b'\xa0']
TARGETS = [b'/', b'*', b'/echo', b'/echo?a=1&b=%20', b'http://localhost/',
           b'http://h/echo?x', b'https://h', b'//', b'/%', b'/%zz', b'/?',
           b'', b'echo', b'/echo?a=%00', b'/\xff', b'/ /', b'/#frag',
           b'/echo/path/%c3', b'/static/..', b'/..', b'/./', b'*/',
           b'localhost:80', b'/\x00', b'/\r/', b'/\n']
VERSIONS = [b'HTTP/1.1', b'HTTP/1.0', b'HTTP/2.0', b'HTTP/0.9', b'HTTP/1.10',
            b'HTTP/01.1', b'http/1.1', b'HTTP/1', b'HTTP/1.1 ', b'HTTP/9.9',
            b'HTTP/1.a', b'HTTP /1.1', b'', b'HTTPS/1.1', b'HTTP/1.1\x00',
            b'HTTP/\xff.1', b'HTTP/1.1/1.1']
LINE_ENDS = [b'\r\n', b'\n', b'\r', b'\r\r\n', b'\n\r', b' \r\n']


def request_lines(line_limit, host, echo=b'/echo'):
    # Mostly one odd element in an otherwise valid request line.
    long_targets = [b'/' + b'a' * (line_limit + k) for k in (-30, 0, 1, 64)]
    target = mostly(echo, st.sampled_from(TARGETS + long_targets),
                    st.binary(max_size=24).map(lambda b: b'/' + b))
    return st.builds(
        lambda m, s1, t, s2, v, end, host_line: m + s1 + t + s2 + v + end +
        host_line + b'\r\n',
        mostly(b'GET', st.sampled_from(METHODS),
               some(METHODS, TOKEN + ODD, 8)),
        mostly(b' ', st.sampled_from(SEPARATORS)), target,
        mostly(b' ', st.sampled_from(SEPARATORS)),
        mostly(b'HTTP/1.1', st.sampled_from(VERSIONS),
               some(VERSIONS, TOKEN + ODD, 10)),
        mostly(b'\r\n', st.sampled_from(LINE_ENDS)),
        mostly(b'Host: ' + host + b'\r\n', st.just(b'')))


def header_lines(line_limit):
    odd_lines = [
        b'X: y', b'X : y', b' X: y', b'\tcontinued', b'X:', b':y', b'X',
        b'X:\x00y', b'X: y\rz', b'X\x00: y', b'Host: other.test',
        b'Content-Length: abc', b'Content-Length: 5',
        b'Transfer-Encoding: chunked', b'Transfer-Encoding: gzip',
        b'Expect: 100-continue', b'Connection: close',
        b'Connection: keep-alive, Upgrade', b'Upgrade: h2c',
        b'X: ' + b'v' * (line_limit + 10), b'Cookie: a', b'X-\xff: y',
        b'X: \xff\xfe', b'Content-Type: application/json', b'X:\ty\t',
        b'\r', b'\x00', b'X: y\r\n continued', b'Host:', b'Host: a b']
    built = st.builds(lambda n, sep, v: n + sep + v,
                      some([b'X', b'Accept', b'Host', b'Content-Length'],
                           TOKEN + ODD, 12),
                      st.sampled_from([b':', b': ', b' :', b'::', b':\t',
                                       b'', b'\t:']),
                      st.one_of(st.binary(max_size=40),
                                field_value_bytes(40)))
    return st.lists(st.one_of(st.sampled_from(odd_lines), built),
                    min_size=1, max_size=5)


def with_headers(lines, post, host, starts=(b'POST /echo/body',
                                              b'GET /echo')):
    head = starts[0 if post else 1] + \
        b' HTTP/1.1\r\nHost: ' + host + b'\r\n' + b''.join(
            line + b'\r\n' for line in lines)
    if post:
        return head + b'Content-Length: 5\r\n\r\nhello'
    return head + b'\r\n'


COOKIE_PIECES = [b'a', b'b', b'SID', b'$Version', b'x y', b'=', b'==',
                 b'"', b'"q"', b',', b'\\', b'%3B', b'\xc3\xb6', b'\xff',
                 b'\t', b' ', b'', b'{}', b'[', b'<>', b'a=b=c']
COOKIE_SEPARATORS = [b'; ', b';', b' ; ', b';;', b', ', b'; ;', b'']


def cookie_headers():
    pair = st.builds(lambda n, eq, v: n + eq + v,
                     some(COOKIE_PIECES, COOKIE_PIECES, 4),
                     st.sampled_from([b'=', b'', b' = ', b'==']),
                     some(COOKIE_PIECES, COOKIE_PIECES, 4))
    value = st.builds(lambda pairs, sep: sep.join(pairs),
                      st.lists(pair, max_size=8),
                      st.sampled_from(COOKIE_SEPARATORS))
    return st.lists(st.one_of(value, field_value_bytes(60)),
                    min_size=1, max_size=2)


PATH_PIECES = [
    b'a', b'Z', b'0', b'9', b'-', b'.', b'..', b'/', b'//', b'%', b'%2',
    b'%2e', b'%2E', b'%2f', b'%2F', b'%5c', b'%00', b'%0d', b'%0a',
    b'%0D%0A', b'%20', b'+', b'%2b', b'%ff', b'%c3%b6', b'%c3', b'%e2%82',
    b'%zz', b'%%', b';', b'=', b'&', b'?', b'#', b'~', b'@', b':', b'!',
    b'$', b"'", b'(', b'*', b',', b'\\', b'\xc3\xb6', b'\xff', b'\x00',
    b'\x7f', b' ', b'\t', b'"', b'<', b'{', b'|', b'^', b'`']
PATH_PREFIXES = [b'/', b'/echo', b'/echo?', b'/echo?a=', b'/echo/path/',
                 b'/echo/rest/', b'/echo/int/', b'/static/', b'/gzip/',
                 b'/bytes/', b'/methods/get-only', b'/no/such/']
# routes that copy request data into a header field of their answer
REFLECTING = [b'/cookies/from-query?value=', b'/redirect/302?to=',
              b'/redirect/308?to=/']
INJECTION = b'%0D%0AX-Injected:%20yes'


def paths(prefixes=PATH_PREFIXES, reflecting=REFLECTING):
    rest = st.lists(st.sampled_from(PATH_PIECES), max_size=8).map(b''.join)
    plain = st.builds(lambda p, r: p + r, st.sampled_from(prefixes), rest)
    if not reflecting:
        return plain
    injected = st.builds(lambda p, a, b: p + a + INJECTION + b,
                         st.sampled_from(reflecting), rest, rest)
    return st.one_of(plain, injected)


GARDEN_BASES = [
    b'GET /echo?a=1 HTTP/1.1\r\nHost: {host}\r\nUser-Agent: garden\r\n'
    b'Accept: */*\r\n\r\n',
    b'POST /echo/body HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/plain'
    b'\r\nContent-Length: 5\r\n\r\nhello',
    b'POST /echo/body HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: '
    b'chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
]
GARDEN_INSERTS = [b'\r\n', b'\r', b'\n', b'\x00', b':', b'\t', b' ']


def garden_mutations():
    """(base index, [(position, inserted bytes or None to delete)])."""
    op = st.tuples(st.integers(0, 1 << 16),
                   st.sampled_from(GARDEN_INSERTS + [None]))
    return st.tuples(st.integers(0, len(GARDEN_BASES) - 1),
                     st.lists(op, min_size=1, max_size=3))


def mutate(data, ops):
    for position, inserted in ops:
        at = position % (len(data) + 1)
        data = data[:at] + (inserted or b'') + data[at + (not inserted):]
    return data


LENGTHS = [b'', b' ', b'-1', b'+5', b'5 5', b'5,5', b'5, 6', b'0x5', b'05',
           b'5.0', b'1e1', b'99999999999999999999', b'18446744073709551621',
           b'4294967301', b'\x005', b'5\x00', b'\xd9\xa5', b'\xef\xbc\x95',
           b'5\r', b'"5"', b'0', b'6', b'4']
SIZES = [b'5', b'05', b'0x5', b'-5', b'+5', b' 5', b'5 ', b'5;ext',
         b'5;', b'5 ;x=y', b'5;x="a;b"', b'fffffffffffffffff', b'1' * 20,
         b'5\x00', b'g', b'', b'5\t', b'\t5', b'0000000005', b'FFFFFFFF',
         b'7fffffffffffffff', b'5\n']
SIZE_BYTES = [bytes([c]) for c in b'0159afAFx;- \t']
CHUNK_ENDS = [b'\r\n', b'', b'\n', b'\r', b'xx\r\n', b'\r\n\r\n']
LAST_CHUNKS = [b'0\r\n\r\n', b'0\r\n', b'00\r\n\r\n', b'0;ext\r\n\r\n',
               b'0\r\nTrailer: x\r\n\r\n', b'', b'0\r\n\r\n\r\n', b'0\n\n',
               b'000000000000000000\r\n\r\n', b'0\r\nX\r\n\r\n']
CODINGS = [b'chunked', b'chunked', b'chunked', b'Chunked', b' chunked',
           b'chunked, chunked', b'gzip, chunked', b'chunked\x00',
           b'identity, chunked', b'chunked;q=1']


def content_lengths(actual):
    """Content-Length values for a body of ``actual`` bytes: right, a little
    or much longer than the body (a client that stops short), or odd."""
    return st.one_of(
        st.sampled_from([b'%d' % actual, b'%d' % (actual + 1),
                         b'%d' % (actual + 100)]),
        st.sampled_from(LENGTHS), st.integers(0, 64).map(b'%d'.__mod__),
        st.integers(0, 1 << 70).map(b'%d'.__mod__))


def framed_bodies():
    data = st.sampled_from([b'', b'hello', b'hello world', b'x' * 20])
    by_length = data.flatmap(lambda body: st.builds(
        lambda values: b''.join(b'Content-Length: ' + v + b'\r\n'
                                for v in values) + b'\r\n' + body,
        st.lists(content_lengths(len(body)), min_size=1, max_size=2)))
    chunk = data.flatmap(lambda piece: st.builds(
        lambda size, end: size + b'\r\n' + piece + end,
        mostly(b'%x' % len(piece), some(SIZES, SIZE_BYTES, 6)),
        mostly(b'\r\n', st.sampled_from(CHUNK_ENDS))))
    by_chunks = st.builds(
        lambda coding, chunks, last: b'Transfer-Encoding: ' + coding +
        b'\r\n\r\n' + b''.join(chunks) + last,
        st.sampled_from(CODINGS), st.lists(chunk, max_size=3),
        mostly(b'0\r\n\r\n', st.sampled_from(LAST_CHUNKS)))
    return st.one_of(by_length, by_chunks)


# -------------------------------------------------------------------- cases

def host_of(probe):
    return probe.target.host_header.encode()


def _on_own_path(probe, data):
    """``data`` with the contract's routes (/echo/body asked with POST,
    /echo) replaced, for a server with its own application, by a GET of its
    own path: what is judged here never depends on the route."""
    if probe.target.contract:
        return data
    path = probe.path.encode()
    return data.replace(b'POST /echo/body ', b'GET %s ' % path, 1).replace(
        b'GET /echo ', b'GET %s ' % path, 1).replace(
        b'GET /echo?', b'GET %s?' % path, 1)


@case('RFC9112-3-fuzz-request-line', 'RFC 9112 §3, §2.2', MUST,
      'Generated request lines (methods, targets, versions, separators, '
      'line ends) get a well-formed answer or a clean close, and the '
      'server keeps serving')
def fuzz_request_line(probe):
    echo = b'/echo' if probe.target.contract else probe.path.encode()
    lines = request_lines(probe.profile.line_at_limit('request_line_limit'),
                          host_of(probe), echo)
    Fuzz(probe).run(lines, exchange)


@case('RFC9112-5-fuzz-header-fields', 'RFC 9112 §5, §5.2; RFC 9110 §5.5',
      MUST, 'Generated header field lines (odd names, separators, values, '
      'obs-fold, NUL, CR) get a well-formed answer or a clean close, and the '
      'server keeps serving')
def fuzz_header_fields(probe):
    host = host_of(probe)
    requests = st.builds(lambda lines, post: _on_own_path(
        probe, with_headers(lines, post, host)),
        header_lines(probe.profile.line_at_limit('field_line_limit')),
        st.booleans())
    Fuzz(probe).run(requests, exchange)


@case('RFC6265-4.2-fuzz-cookie', 'RFC 6265 §4.2, §5.4; RFC 9110 §5.5; '
      'fixtures/CONTRACT.md (Service)', MUST,
      'A request whose Cookie header is odd but a valid field value is '
      'answered, without a server error, and the server keeps serving')
def fuzz_cookie(probe):
    host = host_of(probe)

    # that a valid request is answered, never with a server error, is the
    # contract's rule: a server with its own application is held only to
    # well-formed answers and to serving on
    contract = probe.target.contract

    def check(fuzz, values):
        data = _on_own_path(probe, b'GET /echo HTTP/1.1\r\nHost: ' + host +
                            b'\r\n' + b''.join(b'Cookie: ' + v + b'\r\n'
                                               for v in values) + b'\r\n')
        reply = exchange(fuzz, data, must_answer=contract)
        if contract and reply.status >= 500:
            fuzz.fail(data, reply, 'an answer other than a server error',
                      '%s for: %s' % (reply.describe(), shown_input(data)))
    Fuzz(probe).run(cookie_headers(), check)


@case('RFC3986-3.3-fuzz-paths', 'RFC 3986 §2.1, §3.3; RFC 9112 §3.2; '
      'RFC 9110 §5.5; fixtures/CONTRACT.md (Service)', MUST,
      'Generated paths (percent-escapes, dot segments, odd bytes) get a '
      'well-formed answer, or a clean close when invalid; request data '
      'never becomes a header field of the answer')
def fuzz_paths(probe):
    host = host_of(probe)

    contract = probe.target.contract
    own = probe.path.encode()
    generated = paths() if contract else paths(
        [own, own + b'/', own + b'?', own + b'?a=', b'/', b'/no/such/'], ())

    def check(fuzz, target):
        data = b'GET ' + target + b' HTTP/1.1\r\nHost: ' + host + \
            b'\r\n\r\n'
        # answering every valid target is the contract's rule
        reply = exchange(fuzz, data, contract and
                         VALID_TARGET.match(target) is not None)
        if reply.has_header('X-Injected'):
            fuzz.fail(data, reply, 'no header field made of the request\'s '
                      'escaped CR LF', 'X-Injected: %s in the answer to: %s'
                      % (reply.header('X-Injected'), shown_input(data)))
    Fuzz(probe).run(generated, check)


@case('RFC9112-2.2-fuzz-byte-mutations', 'RFC 9112 §2.2, §5, §6; '
      'RFC 9110 §5.5', MUST,
      'Valid requests with CR, LF, CRLF, NUL, ":", HTAB or SP inserted (or a '
      'byte deleted) anywhere get a well-formed answer or a clean close, and '
      'the server keeps serving')
def fuzz_byte_mutations(probe):
    host = host_of(probe)

    def check(fuzz, mutation):
        base, ops = mutation
        exchange(fuzz, mutate(_on_own_path(probe, GARDEN_BASES[base].replace(
            b'{host}', host)), ops))
    Fuzz(probe).run(garden_mutations(), check)


@case('RFC9112-6-fuzz-body-framing', 'RFC 9112 §6.1, §6.3, §7.1', MUST,
      'Odd Content-Length values and chunked bodies with odd chunk sizes, '
      'ends and last chunks get a well-formed answer or a clean close, and '
      'the server keeps serving')
def fuzz_body_framing(probe):
    start = _on_own_path(probe, b'POST /echo/body HTTP/1.1\r\nHost: ' +
                         host_of(probe) + b'\r\n')
    Fuzz(probe).run(framed_bodies(), lambda fuzz, rest:
                    exchange(fuzz, start + rest))
