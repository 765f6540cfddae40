"""Request line: method, request-target and HTTP version (RFC 9112 §2-3,
RFC 9110 §6.2)."""
import json

from conformance.case import MAY, MUST, SHOULD, case
from conformance.limits import long_target

ECHO_NAME = '/echo/path/'  # the fixture echoes the last segment as 'name'
# RFC 9112 §3: "Recipients of an invalid request-line SHOULD respond with
# either a 400 (Bad Request) error or a 301 (Moved Permanently) redirect
# with the request-target properly encoded" (a close without a response is
# taken too). The redirect mends a target that is badly encoded; where the
# fault lies elsewhere (the method, the separators, the version), only the
# 400 answers it.
INVALID_LINE = (400, 301)
INVALID_OUTSIDE_TARGET = (400,)


def _raw(probe, request_line, *field_lines):
    """Request bytes with ``request_line`` as given and this target's Host."""
    host = b'Host: ' + probe.target.host_header.encode()
    return b'\r\n'.join((request_line, host) + field_lines) + b'\r\n\r\n'


def _path(probe):
    return probe.path.encode()


def _is_2xx(reply):
    return reply.status is not None and 200 <= reply.status < 300


def _named(probe, name):
    """A request-target (bytes) whose last segment is ``name`` (bytes):
    /echo/path/<name>, whose answer says what the application saw, on a
    server of the contract; else a segment under the target's own path."""
    if probe.target.contract:
        return ECHO_NAME.encode() + name
    return probe.path.rstrip('/').encode() + b'/' + name


def _labelled(probe, name):
    """A request-target (bytes) that answers as itself: /echo/path/<name>
    (``name`` bytes) on a server of the contract, which names what the
    application saw; else the target's own path."""
    if probe.target.contract:
        return ECHO_NAME.encode() + name
    return probe.path.encode()


def _echoed_name(probe, reply):
    """The name /echo/path/<name> says the application saw; None from a
    server with its own application, which cannot say."""
    if not probe.target.contract:
        return None
    return probe.json(reply).get('name')


def _seen(reply, name):
    """The reply, and the name the application saw if it accepted (as a
    JSON string: exact, and escaped)."""
    if name is None:
        return reply.describe()
    return '%s; the application saw name %s' % (reply.describe(),
                                                 json.dumps(name))


@case('RFC9112-3-request-line-valid', 'RFC 9112 §3', MUST,
      'A well-formed request line is parsed into method, target and '
      'version')
def valid_request_line(probe):
    reply = probe.exchange(probe.request('GET', '/echo?x=1'))
    probe.expect_status(reply, 200)
    seen = probe.json(reply)
    got = (seen.get('method'), seen.get('path'), seen.get('query_string'))
    probe.expect(got == ('GET', '/echo', 'x=1'),
                 'method GET, path /echo, query x=1 (echoed)',
                 'method %s, path %s, query %s' % tuple(
                     json.dumps(v) for v in got))


@case('RFC9112-3-missing-version', 'RFC 9112 §3, §2.2', SHOULD,
      'A request line without an HTTP version (HTTP/0.9 style) is refused '
      'with 400 (or 301)')
def missing_version(probe):
    # An answer in HTTP/0.9's own shape (the body, no status line) is what
    # this SHOULD judges, not a malformed HTTP/1.1 response.
    reply = probe.exchange(_raw(probe, b'GET ' + probe.target.path.encode()),
                           method='GET', simple_ok=True)
    probe.expect_refused(reply, *INVALID_LINE)


def _record(probe, request_line):
    """Send ``request_line`` and record the answer, and the name the
    application saw if it accepted."""
    reply = probe.exchange(_raw(probe, request_line), method='GET')
    probe.observe(_seen(reply, _echoed_name(probe, reply)
                        if _is_2xx(reply) else None))


# RFC 9112 §3: recipients "MAY instead parse on whitespace-delimited word
# boundaries", SP, HTAB, VT, FF or a bare CR being whitespace.
# Http11Probe: RFC9112-3-MULTI-SP-REQUEST-LINE
@case('RFC9112-3-double-space', 'RFC 9112 §3', MAY,
      'Two spaces between method and target: a server may parse on '
      'whitespace boundaries or refuse; what it does is recorded')
def double_space(probe):
    _record(probe, b'GET  %s HTTP/1.1' % _labelled(probe, b'double'))


# Http11Probe: COMP-REQUEST-LINE-TAB
@case('RFC9112-3-tab-separator', 'RFC 9112 §3', MAY,
      'An HTAB between method and target: a server may parse on whitespace '
      'boundaries (HTAB among them) or refuse; what it does is recorded')
def tab_separator(probe):
    _record(probe, b'GET\t%s HTTP/1.1' % _labelled(probe, b'tab'))


@case('RFC9112-2.3-version-case-sensitive', 'RFC 9112 §2.3, §3', SHOULD,
      'The HTTP version is case-sensitive: "http/1.1" is refused with 400 '
      '(or 301)')
def version_case(probe):
    reply = probe.exchange(_raw(probe, b'GET %s http/1.1' % _path(probe)),
                           method='GET')
    probe.expect_refused(reply, *INVALID_OUTSIDE_TARGET)


# HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3): anything else
# makes the request-line invalid. Http11Probe asks for these with MUST; RFC
# 9112 §3 says SHOULD (a 400).


def _malformed_version(suffix, version, what):
    @case('RFC9112-2.3-version-' + suffix, 'RFC 9112 §2.3, §3', SHOULD,
          'A version with %s ("%s") is refused with 400' % (what, version))
    def check(probe):
        reply = probe.exchange(_raw(probe, b'GET %s %s' % (
            _path(probe), version.encode())),
                               method='GET')
        probe.expect_refused(reply, *INVALID_OUTSIDE_TARGET)
    return check


# Http11Probe: COMP-VERSION-MISSING-MINOR
_malformed_version('no-dot', 'HTTP/1', 'no dot and no minor digit')
_malformed_version('missing-minor', 'HTTP/1.', 'a dot but no minor digit')
_malformed_version('no-dot-two-digits', 'HTTP/11', 'two digits and no dot')
_malformed_version('three-parts', 'HTTP/1.1.1', 'a third number')
# Http11Probe: COMP-VERSION-LEADING-ZEROS
_malformed_version('minor-leading-zero', 'HTTP/1.01', 'a two-digit minor')
_malformed_version('major-leading-zero', 'HTTP/01.1', 'a two-digit major')
_malformed_version('leading-zeros', 'HTTP/01.01',
                   'two-digit numbers, as Http11Probe sends it')
# Http11Probe: COMP-VERSION-WHITESPACE
_malformed_version('space-inside', 'HTTP/ 1.1', 'a space after the slash')


@case('RFC9112-3-version-trailing-space', 'RFC 9112 §3', MAY,
      'A space after the version ("HTTP/1.1 "): a server may parse on '
      'whitespace and ignore trailing whitespace, or refuse; what it does is '
      'recorded')
def version_trailing_space(probe):
    _record(probe, b'GET %s HTTP/1.1 ' % _labelled(probe, b'space'))


@case('RFC9110-15.6.6-http2-505', 'RFC 9110 §15.6.6, §6.2', MAY,
      'A request line claiming HTTP/2.0 may be refused with 505; it is '
      'never answered with a version the server does not speak')
def http2_version(probe):
    reply = probe.exchange(probe.request('GET', probe.target.path,
                                         version='HTTP/2.0'))
    probe.expect(reply.status == 505, 'status 505', reply.describe())


H2_PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'


# RFC 9110 §6.2: "A server MUST NOT send a version to which it is not
# conformant." A request that claims HTTP/2.0, or opens with the HTTP/2
# preface, on an HTTP/1.1 connection is answered (if at all) in HTTP/1.x:
# HTTP/2 framing is not what this connection speaks.
@case('RFC9110-6.2-no-unsupported-version', 'RFC 9110 §6.2', MUST,
      'A request line claiming HTTP/2.0, and the HTTP/2 connection preface, '
      'are answered (if at all) with an HTTP/1.x status line, never in a '
      'version the server does not speak')
def no_unsupported_version(probe):
    seen = []
    for label, data in (('GET ... HTTP/2.0', probe.request(
            'GET', probe.target.path, version='HTTP/2.0')),
            ('the HTTP/2 preface', H2_PREFACE)):
        reply = probe.exchange(data, method='GET')
        seen.append('%s: %s' % (label, reply.describe()))
        probe.expect(reply.status is None or
                     reply.version in ('HTTP/1.0', 'HTTP/1.1'),
                     'an HTTP/1.x status line, or no response',
                     '; '.join(seen))


def _line_of(probe, length):
    """GET /echo/path/aaa... whose request line (without its CRLF) is
    ``length`` bytes long (the shape the limits probe measures with)."""
    target, name = long_target(length)
    return probe.request('GET', target), name


@case('RFC9112-3-target-too-long-414', 'RFC 9112 §3', MUST,
      'A request-target longer than the server parses (a request line one '
      'byte over the profile\'s request_line_limit) is answered with 414',
      needs=('request_line_limit',))
def target_too_long(probe):
    length = probe.limit('request_line_limit') + 1
    segment = _named(probe, b'')
    name = b'a' * (length - len('GET  HTTP/1.1') - len(segment))
    data = probe.request('GET', (segment + name).decode())
    probe.expect_status(probe.exchange(data), 414)


@case('CONTRACT-request-line-at-limit', 'fixtures/CONTRACT.md (Limits)',
      MUST, 'A request line of exactly the profile\'s request_line_limit '
      '(without its CRLF; the contract\'s line_limit where it declares none) '
      'is accepted')
def request_line_at_limit(probe):
    data, name = _line_of(probe,
                          probe.profile.line_at_limit('request_line_limit'))
    reply = probe.exchange(data)
    probe.expect_status(reply, 200)
    seen = _echoed_name(probe, reply)
    probe.expect(seen == name, 'the %d-byte name echoed' % len(name),
                 'a name of %d bytes' % len(seen or ''))


@case('RFC9112-3-method-not-token', 'RFC 9112 §3, RFC 9110 §9.1', SHOULD,
      'A method that is not a token ("G(T") is refused with 400 (or 301)')
def method_not_token(probe):
    reply = probe.exchange(_raw(probe, b'G(T / HTTP/1.1'), method='G(T')
    probe.expect_refused(reply, *INVALID_LINE)


@case('RFC9112-2.2-leading-empty-line', 'RFC 9112 §2.2', SHOULD,
      'An empty line (CRLF) before the request line is ignored; of two, the '
      'second is ignored too or the request refused with 400')
def leading_empty_line(probe):
    reply = probe.exchange(b'\r\n' + probe.request('GET', probe.path),
                           method='GET')
    probe.expect_status(reply, 200)
    # Http11Probe: COMP-LEADING-CRLF sends two. The server SHOULD ignore "at
    # least one"; the second may then be taken for a malformed request line
    # and refused with 400.
    reply = probe.exchange(b'\r\n\r\n' + probe.request('GET', probe.path),
                           method='GET')
    probe.expect(reply.status == 200 or probe.refused(reply, 400),
                 'status 200 (both ignored), or 400 (one)', reply.describe())


@case('RFC9112-2.2-bare-cr-request-line', 'RFC 9112 §2.2, §3', MUST,
      'A bare CR in the request line makes it invalid (or is replaced by '
      'SP): it never reaches the application')
def bare_cr_request_line(probe):
    reply = probe.exchange(_raw(probe, b'GET %s HTTP/1.1' %
                                _named(probe, b'a\rb')), method='GET')
    # considered invalid: refused (§3 allows a 301 to the encoded target)
    refused = probe.refused(reply, '4xx', 301)
    name = _echoed_name(probe, reply) if _is_2xx(reply) else None
    probe.expect(refused or (name is not None and '\r' not in name),
                 'a 4xx, a 301 or a close (or, if accepted, the CR replaced '
                 'by SP)', _seen(reply, name))


@case('RFC9112-2.2-bare-lf', 'RFC 9112 §2.2', MAY,
      'Lines ended by a bare LF may be accepted as line ends; what the '
      'server does is recorded')
def bare_lf(probe):
    conn = probe.connect()
    conn.send(probe.request('GET', _labelled(probe, b'lf').decode()).replace(
        b'\r\n', b'\n'))
    # a server that waits for a CRLF would wait for ever: no more is coming
    conn.shutdown_write()
    reply = probe.read(conn, 'GET', silence_ok=True)
    probe.observe(_seen(reply, _echoed_name(probe, reply)
                        if _is_2xx(reply) else None))


# RFC 9112 §2.2: "a recipient MAY recognize a single LF as a line
# terminator and ignore any preceding CR"; a server that does not takes
# the octets for a message that does not match the grammar, which it
# "SHOULD respond with a 400 (Bad Request) response and close". Either is
# right, and nothing else. Http11Probe: RFC9112-2.2-BARE-LF-REQUEST-LINE,
# RFC9112-2.2-BARE-LF-HEADER (one bare LF each, as it sends them).


def _bare_lf(suffix, where, head):
    @case('RFC9112-2.2-bare-lf-' + suffix, 'RFC 9112 §2.2', SHOULD,
          'A bare LF ending %s is taken as the line end (a 2xx) or the '
          'request refused with 400 (or a close)' % where)
    def check(probe):
        reply = probe.exchange(head(probe), method='GET')
        probe.expect(_is_2xx(reply) or probe.refused(reply, 400),
                     'a 2xx, or status 400, or a close without a response',
                     reply.describe())
    return check


_bare_lf('request-line', 'the request line', lambda probe: (
    b'GET %s HTTP/1.1\nHost: %s\r\n\r\n' % (
        _labelled(probe, b'lfline'), probe.target.host_header.encode())))
_bare_lf('field-line', 'the Host line', lambda probe: (
    b'GET %s HTTP/1.1\r\nHost: %s\nX-Test: value\r\n\r\n' % (
        _labelled(probe, b'lffield'), probe.target.host_header.encode())))


# RFC 9112 §3: recipients "MAY instead parse on whitespace-delimited word
# boundaries"; one that does not has an invalid request-line, which SHOULD
# get a 400. Http11Probe: RFC9112-3-MULTI-SP-REQUEST-LINE,
# COMP-REQUEST-LINE-TAB (it passes a 400 or a close, warns on a 2xx).


def _parsed_or_400(suffix, separator, what):
    @case('RFC9112-3-%s-or-400' % suffix, 'RFC 9112 §3', SHOULD,
          '%s between method and target: parsed on whitespace (a 2xx) or '
          'the request refused with 400 (or a close)' % what)
    def check(probe):
        reply = probe.exchange(_raw(probe, b'GET%s%s HTTP/1.1' % (
            separator, _labelled(probe, suffix.encode()))), method='GET')
        probe.expect(_is_2xx(reply) or probe.refused(
            reply, *INVALID_OUTSIDE_TARGET), 'a 2xx, or status 400, or a '
            'close without a response', reply.describe())
    return check


_parsed_or_400('double-space', b'  ', 'Two spaces')
_parsed_or_400('tab-separator', b'\t', 'An HTAB')


# Http11Probe: RFC9112-2.3-HTTP09-REQUEST, the line alone
@case('RFC9112-3-http09-request-line', 'RFC 9112 §3, §2.3', SHOULD,
      'A request line without a version ("GET /", HTTP/0.9\'s form) and '
      'nothing after it is refused with 400 or a close, or left waiting for '
      'the rest; never answered otherwise')
def http09_request_line(probe):
    conn = probe.connect()
    conn.send(b'GET %s\r\n' % _labelled(probe, b'http09'))
    conn.shutdown_write()  # a server may wait for the rest of a head
    reply = probe.read(conn, 'GET', silence_ok=True)
    probe.expect(reply.status is None or probe.refused(
        reply, *INVALID_OUTSIDE_TARGET), 'status 400, a close, or nothing',
        reply.describe())


def _control_in_target(label, byte):
    @case('RFC9112-3-control-in-target-' + label.lower(),
          'RFC 9112 §3, RFC 3986 §2', SHOULD,
          'A request-target holding a %s is refused with 400 (or 301)'
          % label)
    def check(probe):
        reply = probe.exchange(_raw(probe, b'GET %s HTTP/1.1' % _named(
            probe, b'a%sb' % byte)), method='GET')
        probe.expect(probe.refused(reply, *INVALID_LINE), 'status 400 or '
                     '301, or a close without a response',
                     _seen(reply, _echoed_name(probe, reply)
                           if _is_2xx(reply) else None))
    return check


# Http11Probe: MAL-NUL-IN-URL (MUST there; RFC 9112 §3 says SHOULD)
_control_in_target('NUL', b'\x00')
_control_in_target('ESC', b'\x1b')
_control_in_target('DEL', b'\x7f')


@case('RFC9112-3-non-ascii-target', 'RFC 9112 §3, RFC 3986 §2', SHOULD,
      'A request-target holding raw non-ASCII bytes (not percent-encoded) '
      'is refused with 400 (or redirected with 301)')
def non_ascii_target(probe):
    reply = probe.exchange(_raw(probe, b'GET %s HTTP/1.1' % _named(
        probe, b'caf\xc3\xa9')), method='GET')
    probe.expect_refused(reply, *INVALID_LINE)


@case('RFC9112-3.2.2-absolute-form', 'RFC 9112 §3.2.2', MUST,
      'A server accepts a request-target in absolute-form '
      '(http://host/path)')
def absolute_form(probe):
    path = _named(probe, b'absolute') if probe.target.contract else \
        probe.path.encode()
    target = 'http://%s%s' % (probe.target.host_header, path.decode())
    reply = probe.exchange(probe.request('GET', target))
    probe.expect_status(reply, 200)
    if probe.target.contract:
        name = _echoed_name(probe, reply)
        probe.expect(name == 'absolute', 'the path\'s last segment '
                     '"absolute" (echoed)', _seen(reply, name))


@case('RFC9112-3.2.4-asterisk-not-options', 'RFC 9112 §3.2.4', MAY,
      'The asterisk-form "*" is only used for a server-wide OPTIONS '
      'request; how a server answers "GET *" is recorded')
def asterisk_with_get(probe):
    reply = probe.exchange(probe.request('GET', '*'))
    probe.observe(reply.describe())


@case('RFC9112-3.2-http10-without-host', 'RFC 9112 §3.2', MAY,
      'An HTTP/1.0 request without Host (which only HTTP/1.1 requires) is '
      'answered; its status is recorded')
def http10_without_host(probe):
    reply = probe.exchange(probe.request('GET', probe.path,
                                         version='HTTP/1.0',
                                         host=False))
    probe.expect(_is_2xx(reply), 'a 2xx', reply.describe())


@case('RFC9110-6.2-higher-minor-version', 'RFC 9110 §6.2', SHOULD,
      'A request in HTTP/1.2 is processed as HTTP/1.1 (the highest minor '
      'version the server conforms to)')
def higher_minor_version(probe):
    path = _named(probe, b'minor') if probe.target.contract else \
        probe.path.encode()
    reply = probe.exchange(probe.request('GET', path.decode(),
                                         version='HTTP/1.2'))
    probe.expect_status(reply, 200)
    if probe.target.contract:
        name = _echoed_name(probe, reply)
        probe.expect(name == 'minor', 'name "minor" (echoed)',
                     _seen(reply, name))


@case('RFC9110-6.2-response-version', 'RFC 9110 §6.2', SHOULD,
      'A response carries HTTP/1.1, the highest version the server conforms '
      'to, whether the request said HTTP/1.1 or HTTP/1.0')
def response_version(probe):
    seen = []
    for version in ('HTTP/1.1', 'HTTP/1.0'):
        reply = probe.exchange(probe.request('GET', probe.path,
                                             version=version))
        seen.append('%s -> %s' % (version, reply.describe()))
        probe.expect(reply.version == 'HTTP/1.1',
                     'HTTP/1.1 in the status line for an %s request' %
                     version, '; '.join(seen))


# ------------------------------------------------------ invalid request-targets
# RFC 9112 §3: recipients of an invalid request-line SHOULD answer 400 (or a
# 301 to the target properly encoded). Http11Probe asks some of these with
# MUST; the RFC's word is SHOULD.


# Http11Probe: COMP-SPACE-IN-TARGET
@case('RFC9112-3.2-space-in-target', 'RFC 9112 §3.2, §3', SHOULD,
      'A request-target holding a space ("/echo/path/a b") makes the '
      'request-line invalid: refused with 400 (or 301)')
def space_in_target(probe):
    reply = probe.exchange(_raw(probe, b'GET %s HTTP/1.1' %
                                _named(probe, b'a b')), method='GET')
    probe.expect(probe.refused(reply, *INVALID_LINE), 'status 400 or 301, '
                 'or a close without a response', _seen(
                     reply, _echoed_name(probe, reply)
                     if _is_2xx(reply) else None))


# Http11Probe: RFC9112-3.2-FRAGMENT-IN-TARGET (it takes a 2xx too)
@case('RFC9112-3.2-fragment-in-target', 'RFC 9112 §3.2, §3; RFC 3986 §3.5',
      SHOULD, 'A fragment ("#frag") is no part of a request-target: the '
      'request-line is invalid and refused with 400 (or 301)')
def fragment_in_target(probe):
    reply = probe.exchange(probe.request('GET', _named(
        probe, b'x#frag').decode()))
    probe.expect(probe.refused(reply, *INVALID_LINE), 'status 400 or 301, '
                 'or a close without a response', _seen(
                     reply, _echoed_name(probe, reply)
                     if _is_2xx(reply) else None))


MISSING_TARGETS = (('two spaces', b'GET  HTTP/1.1'),
                   ('one space', b'GET HTTP/1.1'))


# Http11Probe: RFC9112-3-MISSING-TARGET
@case('RFC9112-3-missing-target', 'RFC 9112 §3', SHOULD,
      'A request line without a request-target ("GET  HTTP/1.1", '
      '"GET HTTP/1.1") is refused with 400')
def missing_target(probe):
    probe.expect_each_refused([(label, _raw(probe, line))
                               for label, line in MISSING_TARGETS], 400)


# Http11Probe: RFC9112-3-CR-ONLY-LINE-ENDING
@case('RFC9112-2.2-cr-ends-request-line', 'RFC 9112 §2.2, §3', MUST,
      'A request line ended by a bare CR is invalid (or the CR becomes SP, '
      'which leaves it invalid): never a success (MUST), and a 400 '
      '(SHOULD)')
def cr_ends_request_line(probe):
    data = b'GET %s HTTP/1.1\rHost: %s\r\n\r\n' % (
        _named(probe, b'cr'), probe.target.host_header.encode())
    reply = probe.exchange(data, method='GET')
    if _is_2xx(reply):
        probe.expect(False, 'no success: the request line is invalid '
                     'whether the CR is kept or replaced by SP', _seen(
                         reply, _echoed_name(probe, reply)))
    # RFC 9112 §3: an invalid request-line SHOULD be answered with 400
    # (a redirect to the target would not mend it)
    probe.expect(reply.status == 400, 'status 400', reply.describe(),
                 level=SHOULD)


# ------------------------------------------------------ not HTTP/1.1 at all
# RFC 9112 §2.2: a server that receives octets that do not match the
# HTTP-message grammar SHOULD answer 400 and close.

# a TLS ClientHello's first bytes, as a client sends to the wrong port
GARBAGE = (b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + bytes(range(
    0x80, 0xc0)) + b'\x00\x20\xfe\xff\r\n\x01\x02\r\n\r\n')


def _half_closed(probe, data):
    """Send ``data`` and half-close (a server may wait for more); the
    reply, if any."""
    conn = probe.connect()
    conn.send(data)
    conn.shutdown_write()
    return probe.read(conn, 'GET')


# Http11Probe: MAL-BINARY-GARBAGE
@case('RFC9112-2.2-binary-garbage', 'RFC 9112 §2.2, §3', SHOULD,
      'Binary bytes that are no request (a TLS ClientHello) are refused '
      'with 400, or by a close')
def binary_garbage(probe):
    probe.expect_refused(_half_closed(probe, GARBAGE), 400)


# Http11Probe: MAL-WHITESPACE-ONLY-LINE
@case('RFC9112-2.2-whitespace-only-line', 'RFC 9112 §2.2, §3', SHOULD,
      'A line of spaces where the request line belongs is refused with '
      '400, or by a close')
def whitespace_only_line(probe):
    probe.expect_refused(_half_closed(probe, b'   \r\n\r\n'), 400)


# Http11Probe sends no such case: its MAL-EMPTY-REQUEST sends nothing at
# all, which RFC9112-9.5-idle-close and CONTRACT-silent-client cover.
@case('RFC9112-2.2-only-empty-lines', 'RFC 9112 §2.2, §8', MAY,
      'A client that sends only empty lines (CRLF) and closes has sent no '
      'request: the server may close, or answer 400 first; what it does is '
      'recorded')
def only_empty_lines(probe):
    probe.observe(_half_closed(probe, b'\r\n' * 3).describe())


# Http11Probe: MAL-LONG-METHOD (it takes a 400; RFC 9112 §3 names 501)
@case('RFC9112-3-long-method-501', 'RFC 9112 §3, RFC 9110 §9.1', SHOULD,
      'A method longer than any the server implements (a token of half the '
      'line limit) is answered with 501')
def long_method(probe):
    # half the line limit where it is the server's: well within it; else a
    # length any request line has room for
    method = 'M' * (probe.profile.line_at_limit('request_line_limit') // 2
                    if probe.target.limits_declared else 100)
    reply = probe.exchange(probe.request(method, probe.path),
                           method=method)
    probe.expect_status(reply, 501)


# Http11Probe: MAL-H2-PREFACE (the version of a status line is
# RFC9110-6.2-no-unsupported-version's)
@case('RFC9110-6.2-h2-preface-refused', 'RFC 9110 §6.2, §9.1, §15.6.6; '
      'RFC 9113 §3.4', SHOULD,
      'The HTTP/2 connection preface sent to an HTTP/1.1 server is refused '
      '(505, 501, a 4xx, or a close)')
def h2_preface(probe):
    reply = probe.exchange(H2_PREFACE, method='PRI')
    probe.expect_refused(reply, 505, 501, '4xx')
