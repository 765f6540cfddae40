"""Methods: GET, HEAD, OPTIONS, CONNECT, TRACE, 404, 405 with Allow, 501
(RFC 9110 §9), and Range where the method defines no range handling
(RFC 9110 §14.2)."""
from conformance.case import MAY, MUST, SHOULD, case
from conformance.contract import expect_echo, name_of, post
from conformance.probe import header_text, quoted

UNLISTED = '/no/such/resource'  # a path the fixture contract does not list

# Fields whose value may be known only once the content is generated: RFC
# 9110 §9.3.2 lets a server omit them from a HEAD response (and RFC 9112
# §6.1 lets it send Transfer-Encoding or not). Date and the connection's
# own fields vary between any two responses.
HEAD_MAY_DIFFER = {'content-length', 'transfer-encoding', 'trailer', 'etag',
                   'content-md5', 'digest', 'content-digest', 'repr-digest',
                   'date', 'connection', 'keep-alive'}


def _allow_methods(reply):
    value = reply.header('Allow')
    return None if value is None else \
        [m.strip() for m in value.split(',') if m.strip()]


def _post_get_only(probe):
    """POST to /methods/get-only, which the contract answers with 405."""
    return probe.exchange(probe.request(
        'POST', '/methods/get-only', [('Content-Length', '0')]))


def _delete_get_only(probe):
    """DELETE of /methods/get-only (Http11Probe: COMP-405-ALLOW sends
    DELETE), which the contract answers with 405."""
    return probe.exchange(probe.request('DELETE', '/methods/get-only'))


def _expect_head_without_content(probe, path):
    # No bytes may follow the head: a client would take them for the start
    # of the next response.
    conn = probe.connect()
    conn.send(probe.request('HEAD', path))
    reply = probe.read(conn, 'HEAD')
    probe.expect_status(reply, 200)
    probe.expect_nothing_more(conn, reply, 'no bytes after the head of a '
                              'HEAD response')


def _field_names(reply):
    return {name.lower() for name, _ in reply.headers} - HEAD_MAY_DIFFER


@case('RFC9110-9.3.1-get', 'RFC 9110 §9.1, §9.3.1', MUST,
      'GET, which every general-purpose server supports, of an existing '
      'resource is answered with 200')
def get_existing(probe):
    reply = probe.exchange(probe.request('GET', probe.path))
    probe.expect_status(reply, 200)


@case('CONTRACT-unknown-path-404', 'fixtures/CONTRACT.md (Routes)', MUST,
      'A GET of a path the contract does not list is answered with 404')
def unknown_path(probe):
    reply = probe.exchange(probe.request('GET', UNLISTED))
    probe.expect_status(reply, 404)


def _unknown_path_404(method):
    @case('CONTRACT-unknown-path-404-' + method.lower(),
          'fixtures/CONTRACT.md (Routes)', MUST,
          'A %s of a path the contract does not list is answered with 404 '
          '(the method is known: not 405 or 501)' % method)
    def check(probe):
        headers = [] if method == 'HEAD' else [('Content-Length', '0')]
        reply = probe.exchange(probe.request(method, UNLISTED, headers))
        probe.expect_status(reply, 404)
    return check


for _method in ('POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'):
    _unknown_path_404(_method)


@case('RFC9110-9.1-405-status', 'RFC 9110 §9.1', SHOULD,
      'A method the server implements but the resource does not allow is '
      'answered with 405')
def status_405(probe):
    probe.expect_status(_post_get_only(probe), 405)
    probe.expect_status(_delete_get_only(probe), 405)


@case('RFC9110-15.5.6-405-allow', 'RFC 9110 §15.5.6', MUST,
      'A 405 response carries an Allow header listing the methods the '
      'resource supports')
def allow_on_405(probe):
    replies = [('POST', _post_get_only(probe)),
               ('DELETE', _delete_get_only(probe))]
    refused = [(method, r) for method, r in replies if r.status == 405]
    if not refused:
        probe.not_applicable('POST and DELETE of /methods/get-only were '
                             'answered with %s, not 405' % ', '.join(
                                 r.describe() for _, r in replies))
    for method, reply in refused:
        allow = _allow_methods(reply)
        probe.expect(allow is not None and 'GET' in allow,
                     'an Allow header listing GET in the 405 to %s' % method,
                     header_text(reply, 'Allow'))


@case('RFC9110-10.2.1-allow-excludes-refused', 'RFC 9110 §10.2.1', MAY,
      'The Allow header of a 405 lists the methods the resource supports; '
      'whether it lists the method refused is recorded')
def allow_excludes_refused(probe):
    reply = _post_get_only(probe)
    if reply.status != 405:
        probe.not_applicable('POST /methods/get-only was answered with %s, '
                             'not 405' % reply.describe())
    probe.expect('POST' not in (_allow_methods(reply) or []),
                 'an Allow without POST', header_text(reply, 'Allow'))


@case('RFC9110-9.1-unknown-method-501', 'RFC 9110 §9.1', SHOULD,
      'A method the server does not recognise is answered with 501')
def unknown_method(probe):
    reply = probe.exchange(probe.request('FOOBAR', probe.path))
    probe.expect_status(reply, 501)


# Http11Probe: COMP-METHOD-CASE (it passes 400, 405 and 501, warns on a
# 2xx). A method is case-sensitive (RFC 9110 §9.1): "get" is a method no
# server recognises, and "An origin server that receives a request method
# that is unrecognized or not implemented SHOULD respond with the 501".
@case('RFC9110-9.1-lower-case-method-501', 'RFC 9110 §9.1', SHOULD,
      '"get" (methods are case-sensitive: not GET) is a method the server '
      'does not recognise, answered with 501')
def lower_case_method(probe):
    reply = probe.exchange(probe.request('get', probe.path), method='get')
    probe.expect_status(reply, 501)


# RFC 9110 §9.1 says "The method token is case-sensitive" with no keyword;
# "get" is then a method the server does not recognise, which it "SHOULD
# respond with the 501" (RFC9110-9.1-lower-case-method-501 asks that
# status): a success means it was taken for GET.
@case('RFC9110-9.1-method-case-sensitive', 'RFC 9110 §9.1', SHOULD,
      'Methods are case-sensitive: "get" is not GET, and is not answered '
      'with a success')
def method_case(probe):
    reply = probe.exchange(probe.request('get', probe.path), method='get')
    probe.expect(probe.refused(reply, '3xx', '4xx', '5xx'),
                 'not a 2xx (e.g. 501, 405 or 400), or a close without a '
                 'response', reply.describe())


@case('RFC9110-9.3.2-head-no-body', 'RFC 9110 §9.3.2', MUST,
      'The response to HEAD carries no content')
def head_no_body(probe):
    _expect_head_without_content(probe, probe.path)


@case('RFC9110-9.3.2-head-same-headers', 'RFC 9110 §9.3.2', SHOULD,
      'HEAD is answered with the header fields a GET would get (those set '
      'only while generating the content aside)')
def head_same_headers(probe):
    path = probe.carrier('GET', '/echo/path/x')[1]
    get = probe.exchange(probe.request('GET', path))
    head = probe.exchange(probe.request('HEAD', path))
    get_names, head_names = _field_names(get), _field_names(head)
    missing = ', '.join(sorted(get_names - head_names))
    extra = ', '.join(sorted(head_names - get_names))
    probe.expect(not missing and not extra,
                 'the header fields of the GET response: ' +
                 (', '.join(sorted(get_names)) or 'none'),
                 'HEAD %s%s%s' % (head.describe(),
                                  '; without ' + missing if missing else '',
                                  '; with ' + extra if extra else ''))


@case('RFC9110-8.6-head-content-length', 'RFC 9110 §8.6', MUST,
      'A Content-Length in a response to HEAD, if sent, is the length of '
      'the content a GET would get')
def head_content_length(probe):
    path = probe.carrier('GET', '/bytes/1234')[1]
    get = probe.exchange(probe.request('GET', path))
    head = probe.exchange(probe.request('HEAD', path))
    lengths = head.header_values('Content-Length')
    probe.expect(all(v.strip() == str(len(get.body)) for v in lengths),
                 'no Content-Length, or Content-Length: %d' % len(get.body),
                 'GET %s with %d bytes of content; HEAD %s, %s' % (
                     get.describe(), len(get.body), head.describe(),
                     header_text(head, 'Content-Length')))


@case('RFC9110-9.3.2-head-streamed', 'RFC 9110 §9.3.2', MUST,
      'HEAD of a streamed resource carries no content either')
def head_streamed(probe):
    _expect_head_without_content(probe, '/stream/3')


@case('RFC9110-9.3.7-options-allow', 'RFC 9110 §9.3.7', SHOULD,
      'A successful response to OPTIONS of a resource carries an Allow '
      'header')
def options_allow(probe):
    # /methods/post-only allows POST; a server with its own application
    # is asked about its own path, whose methods we do not know
    method = 'POST' if probe.target.contract else None
    reply = probe.exchange(probe.request(
        'OPTIONS', probe.carrier('GET', '/methods/post-only')[1]))
    if reply.status is None or not 200 <= reply.status < 300:
        probe.not_applicable('OPTIONS was answered with %s, not a success'
                             % reply.describe())
    allow = _allow_methods(reply)
    probe.expect(allow is not None and (method is None or method in allow),
                 'an Allow header' + (' listing %s' % method if method else
                                      ''), header_text(reply, 'Allow'))


@case('CONTRACT-options-unknown-404', 'fixtures/CONTRACT.md (Routes)', MUST,
      'OPTIONS of a path the contract does not list is answered with 404')
def options_unknown(probe):
    reply = probe.exchange(probe.request('OPTIONS', UNLISTED))
    probe.expect_status(reply, 404)


@case('RFC9110-9.3.7-options-asterisk', 'RFC 9110 §9.3.7', MAY,
      '"OPTIONS *" asks about the server as a whole; the answer is recorded')
def options_asterisk(probe):
    reply = probe.exchange(probe.request('OPTIONS', '*'))
    probe.observe('%s; %s' % (reply.describe(), header_text(reply, 'Allow')))


# ------------------------------------------------------------ CONNECT, TRACE


# Http11Probe: COMP-METHOD-CONNECT
@case('RFC9110-9.3.6-connect-refused', 'RFC 9110 §9.3.6, §9.1', SHOULD,
      'CONNECT, which asks a proxy for a tunnel, is refused by an origin '
      'server (400, 405, 501 or a close): never a 2xx, which would open one')
def connect_refused(probe):
    reply = probe.exchange(probe.request('CONNECT', 'example.com:443',
                                         host='example.com:443'))
    probe.expect_refused(reply, 400, 405, 501)


SECRET = 'secret-token-123'  # Http11Probe's, in COMP-TRACE-SENSITIVE
SENSITIVE = [('Authorization', 'Bearer ' + SECRET),
             ('Cookie', 'session=' + SECRET)]


# Http11Probe: COMP-METHOD-TRACE
@case('RFC9110-9.3.8-trace', 'RFC 9110 §9.3.8, §9.1', MAY,
      'TRACE is optional: refused (405, 501) or answered with the request '
      'reflected (200, message/http); what the server does is recorded')
def trace(probe):
    reply = probe.exchange(probe.request('TRACE', probe.path))
    probe.observe('%s, %s' % (reply.describe(),
                              header_text(reply, 'Content-Type')))


# TRACE is optional (RFC 9110 §9.3.8). A server that does not implement it
# "SHOULD respond with the 501 (Not Implemented)", one that implements it
# but not for the resource "SHOULD respond with the 405 (Method Not
# Allowed)" (§9.1); one that does reflects the request. Http11Probe:
# COMP-METHOD-TRACE and COMP-TRACE-SENSITIVE (it passes 405, 501 or a
# close, warns on a 2xx).
@case('RFC9110-9.1-trace-405-or-501', 'RFC 9110 §9.1, §9.3.8', SHOULD,
      'TRACE is reflected (a 2xx), or refused with 405 or 501 (or a close), '
      'with or without an Authorization field')
def trace_405_or_501(probe):
    for fields in ([], [('Authorization', 'Bearer ' + SECRET)]):
        reply = probe.exchange(probe.request('TRACE', probe.path, fields))
        probe.expect(reply.status is not None and
                     200 <= reply.status < 300 or
                     probe.refused(reply, 405, 501), 'a 2xx, or status 405 '
                     'or 501, or a close without a response',
                     reply.describe())


# Http11Probe: COMP-TRACE-WITH-BODY (it passes 400, 405 and 501, warns on a
# 2xx). A client "MUST NOT send content in a TRACE request" (RFC 9110
# §9.3.8): the server may take it for the client's error (400) too.
@case('RFC9110-9.3.8-trace-with-content-refused', 'RFC 9110 §9.1, §9.3.8',
      SHOULD, 'TRACE with content is reflected (a 2xx), or refused with 405 '
      'or 501 (§9.1), or with 400 (content a client must not send), or by a '
      'close')
def trace_with_content_refused(probe):
    reply = probe.exchange(probe.request('TRACE', probe.path, [
        ('Content-Length', '5')], b'hello'))
    probe.expect(reply.status is not None and 200 <= reply.status < 300 or
                 probe.refused(reply, 400, 405, 501), 'a 2xx, or status '
                 '400, 405 or 501, or a close without a response',
                 reply.describe())


# Http11Probe: COMP-TRACE-SENSITIVE
@case('RFC9110-9.3.8-trace-sensitive-fields', 'RFC 9110 §9.3.8', SHOULD,
      'A TRACE that is reflected leaves out the fields likely to hold '
      'secrets (Authorization, Cookie)')
def trace_sensitive_fields(probe):
    reply = probe.exchange(probe.request('TRACE', probe.path, SENSITIVE))
    if reply.status is None or not 200 <= reply.status < 300:
        probe.not_applicable('TRACE was answered with %s: nothing '
                             'reflected' % reply.describe())
    probe.expect(SECRET.encode() not in reply.body, 'content without the '
                 'Authorization and Cookie values', '%s with %s' % (
                     reply.describe(), quoted(reply.body, 200)))


# Http11Probe: COMP-TRACE-WITH-BODY. A client MUST NOT send content with
# TRACE (RFC 9110 §9.3.8), but nothing is asked of the server that gets
# some, beyond framing it by its Content-Length (RFC9112-6.3-trace-content-
# framed).
@case('RFC9110-9.3.8-trace-with-body', 'RFC 9110 §9.3.8', MAY,
      'A TRACE with content may be refused or answered; which is recorded')
def trace_with_body(probe):
    reply = probe.exchange(probe.request('TRACE', probe.path, [
        ('Content-Length', '5')], b'hello'), method='TRACE')
    probe.observe('TRACE with content: %s' % reply.describe())


@case('RFC9112-6.3-trace-content-framed', 'RFC 9112 §6.3', MUST,
      'The content of a TRACE, framed by its Content-Length, is never read '
      'as the next request: the request after it is answered as itself (or '
      'the connection closes)')
def trace_content_framed(probe):
    conn = probe.connect()
    conn.send(probe.request('TRACE', probe.path, [('Content-Length', '5')], b'hello')
              + probe.request('GET', '/echo/path/after'))
    reply = probe.read(conn, 'TRACE')
    if reply.closed or reply.status is None:
        probe.observe('%s, and the connection closed' % reply.describe())
        return
    after = probe.read(conn)
    probe.expect(after.status is None or name_of(probe, after) == 'after',
                 'the GET after the content answered for itself (name '
                 '"after"), or a close', 'TRACE: %s; then %s' % (
                     reply.describe(), name_of(probe, after)))
    probe.observe('TRACE: %s; the next request answered' % reply.describe())


# Http11Probe: COMP-RANGE-POST
@case('RFC9110-14.2-range-on-post-ignored', 'RFC 9110 §14.2', MUST,
      'A Range on a POST (a method that defines no range handling) is '
      'ignored: 200 with the whole answer')
def range_on_post_ignored(probe):
    # "A server MUST ignore a Range header field received with a request
    # method that is unrecognized or for which range handling is not
    # defined"; only GET defines it.
    reply = probe.exchange(post(probe, '/echo/body', b'hello', [
        ('Content-Length', '5'), ('Range', 'bytes=0-10')]))
    expect_echo(probe, reply, b'hello')
