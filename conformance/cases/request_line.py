"""Request line: method, request-target and HTTP version (RFC 9112 §2-3,
RFC 9110 §6.2)."""
import json

from conformance.case import MAY, MUST, SHOULD, case

ECHO_NAME = '/echo/path/'  # the fixture echoes the last segment as 'name'
# RFC 9112 §3: an invalid request-line SHOULD get a 400, or a 301 to the
# target properly encoded (a close without a response is taken too).
INVALID_LINE = (400, 301)


def _raw(probe, request_line, *field_lines):
    """Request bytes with ``request_line`` as given and this target's Host."""
    host = b'Host: ' + probe.target.host_header.encode()
    return b'\r\n'.join((request_line, host) + field_lines) + b'\r\n\r\n'


def _is_2xx(reply):
    return reply.status is not None and 200 <= reply.status < 300


def _echoed_name(probe, reply):
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
    reply = probe.exchange(_raw(probe, b'GET /'), method='GET')
    probe.expect_refused(reply, *INVALID_LINE)


@case('RFC9112-3-double-space', 'RFC 9112 §3', MAY,
      'Two spaces between method and target: a server may parse on '
      'whitespace boundaries or refuse; what it does is recorded')
def double_space(probe):
    reply = probe.exchange(_raw(probe, b'GET  %sdouble HTTP/1.1' %
                                ECHO_NAME.encode()), method='GET')
    probe.observe(_seen(reply, _echoed_name(probe, reply)
                        if _is_2xx(reply) else None))


@case('RFC9112-2.3-version-case-sensitive', 'RFC 9112 §2.3, §3', SHOULD,
      'The HTTP version is case-sensitive: "http/1.1" is refused with 400 '
      '(or 301)')
def version_case(probe):
    reply = probe.exchange(_raw(probe, b'GET / http/1.1'), method='GET')
    probe.expect_refused(reply, *INVALID_LINE)


MALFORMED_VERSIONS = ('HTTP/1', 'HTTP/11', 'HTTP/1.1.1', 'HTTP/1.01')


@case('RFC9112-2.3-version-malformed', 'RFC 9112 §2.3, §3', SHOULD,
      'A version that is not HTTP/DIGIT.DIGIT (HTTP/1, HTTP/11, '
      'HTTP/1.1.1, HTTP/1.01) is refused with 400 (or 301)')
def version_malformed(probe):
    probe.expect_each_refused([(v, _raw(probe, b'GET / ' + v.encode()))
                               for v in MALFORMED_VERSIONS], *INVALID_LINE)


@case('RFC9110-15.6.6-http2-505', 'RFC 9110 §15.6.6, §6.2', MAY,
      'A request line claiming HTTP/2.0 may be refused with 505; it is '
      'never answered with a version the server does not speak')
def http2_version(probe):
    reply = probe.exchange(probe.request('GET', '/', version='HTTP/2.0'))
    if reply.status is not None:
        # RFC 9110 §6.2: a server MUST NOT send a version to which it is
        # not conformant, and HTTP/2 framing is not what this socket speaks
        probe.require(reply.version in ('HTTP/1.0', 'HTTP/1.1'),
                      'an HTTP/1.x status line', reply.status_line)
    probe.expect(reply.status == 505, 'status 505', reply.describe())


@case('RFC9112-3-target-too-long-414', 'RFC 9112 §3', MUST,
      'A request-target longer than the server parses (the profile\'s '
      'line_limit) is answered with 414')
def target_too_long(probe):
    target = ECHO_NAME + 'a' * probe.profile.line_limit
    reply = probe.exchange(probe.request('GET', target))
    probe.expect_status(reply, 414)


@case('RFC9112-3-method-not-token', 'RFC 9112 §3, RFC 9110 §9.1', SHOULD,
      'A method that is not a token ("G(T") is refused with 400 (or 301)')
def method_not_token(probe):
    reply = probe.exchange(_raw(probe, b'G(T / HTTP/1.1'), method='G(T')
    probe.expect_refused(reply, *INVALID_LINE)


@case('RFC9112-2.2-leading-empty-line', 'RFC 9112 §2.2', SHOULD,
      'An empty line (CRLF) before the request line is ignored')
def leading_empty_line(probe):
    reply = probe.exchange(b'\r\n' + probe.request('GET', '/'),
                           method='GET')
    probe.expect_status(reply, 200)


@case('RFC9112-2.2-bare-cr-request-line', 'RFC 9112 §2.2, §3', MUST,
      'A bare CR in the request line makes it invalid (or is replaced by '
      'SP): it never reaches the application')
def bare_cr_request_line(probe):
    reply = probe.exchange(_raw(probe, b'GET %sa\rb HTTP/1.1' %
                                ECHO_NAME.encode()), method='GET')
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
    conn.send(probe.request('GET', ECHO_NAME + 'lf').replace(b'\r\n', b'\n'))
    # a server that waits for a CRLF would wait for ever: no more is coming
    conn.shutdown_write()
    reply = probe.read(conn, 'GET', silence_ok=True)
    probe.observe(_seen(reply, _echoed_name(probe, reply)
                        if _is_2xx(reply) else None))


@case('RFC9112-3-control-in-target', 'RFC 9112 §3, RFC 3986 §2', SHOULD,
      'A request-target holding a control character (NUL, ESC, DEL) is '
      'refused with 400 (or 301)')
def control_in_target(probe):
    probe.expect_each_refused([
        (label, _raw(probe, b'GET %sa%sb HTTP/1.1' % (ECHO_NAME.encode(),
                                                     byte)))
        for label, byte in (('NUL', b'\x00'), ('ESC', b'\x1b'),
                            ('DEL', b'\x7f'))], *INVALID_LINE)


@case('RFC9112-3-non-ascii-target', 'RFC 9112 §3, RFC 3986 §2', SHOULD,
      'A request-target holding raw non-ASCII bytes (not percent-encoded) '
      'is refused with 400 (or redirected with 301)')
def non_ascii_target(probe):
    reply = probe.exchange(_raw(probe, b'GET %scaf\xc3\xa9 HTTP/1.1' %
                                ECHO_NAME.encode()), method='GET')
    probe.expect_refused(reply, *INVALID_LINE)


@case('RFC9112-3.2.2-absolute-form', 'RFC 9112 §3.2.2', MUST,
      'A server accepts a request-target in absolute-form '
      '(http://host/path)')
def absolute_form(probe):
    target = 'http://%s%sabsolute' % (probe.target.host_header, ECHO_NAME)
    reply = probe.exchange(probe.request('GET', target))
    probe.expect_status(reply, 200)
    name = _echoed_name(probe, reply)
    probe.expect(name == 'absolute', 'the path\'s last segment "absolute" '
                 '(echoed)', _seen(reply, name))


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
    reply = probe.exchange(probe.request('GET', '/', version='HTTP/1.0',
                                         host=False))
    probe.expect(_is_2xx(reply), 'a 2xx', reply.describe())


@case('RFC9110-6.2-higher-minor-version', 'RFC 9110 §6.2', SHOULD,
      'A request in HTTP/1.9 is processed as HTTP/1.1 (the highest minor '
      'version the server conforms to)')
def higher_minor_version(probe):
    reply = probe.exchange(probe.request('GET', ECHO_NAME + 'minor',
                                         version='HTTP/1.9'))
    probe.expect_status(reply, 200)
    name = _echoed_name(probe, reply)
    probe.expect(name == 'minor', 'name "minor" (echoed)',
                 _seen(reply, name))


@case('RFC9110-6.2-response-version', 'RFC 9110 §6.2', SHOULD,
      'A response carries HTTP/1.1, the highest version the server conforms '
      'to, whether the request said HTTP/1.1 or HTTP/1.0')
def response_version(probe):
    seen = []
    for version in ('HTTP/1.1', 'HTTP/1.0'):
        reply = probe.exchange(probe.request('GET', '/', version=version))
        seen.append('%s -> %s' % (version, reply.describe()))
        probe.expect(reply.version == 'HTTP/1.1',
                     'HTTP/1.1 in the status line for an %s request' %
                     version, '; '.join(seen))
