"""Methods: GET, HEAD, OPTIONS, 404, 405 with Allow, 501 (RFC 9110 §9)."""
from conformance.case import MAY, MUST, SHOULD, case


def _allow_methods(reply):
    value = reply.header('Allow')
    return None if value is None else \
        [m.strip() for m in value.split(',') if m.strip()]


def _expect_head_without_content(probe, path):
    # No bytes may follow the head: a client would take them for the start
    # of the next response.
    conn = probe.connect()
    conn.send(probe.request('HEAD', path))
    reply = probe.read(conn, 'HEAD')
    probe.expect_status(reply, 200)
    extra = conn.unexpected_bytes(0.3)
    probe.expect(not extra, 'no bytes after the head of a HEAD response',
                 '%d bytes: %r' % (len(extra), extra[:60]))


@case('RFC9110-9.3.1-get', 'RFC 9110 §9.3.1', MUST,
      'A GET of an existing resource is answered with 200 and its content')
def get_existing(probe):
    reply = probe.exchange(probe.request('GET', '/'))
    probe.expect_status(reply, 200)
    probe.expect(reply.body == b'conformance fixture',
                 "the body 'conformance fixture' (fixture contract)",
                 repr(reply.body[:100]))


@case('RFC9110-15.5.5-unknown-path-404', 'RFC 9110 §15.5.5', SHOULD,
      'A request for a resource that does not exist is answered with 404')
def unknown_path(probe):
    reply = probe.exchange(probe.request('GET', '/no/such/resource'))
    probe.expect_status(reply, 404)


@case('RFC9110-15.5.6-405-status', 'RFC 9110 §15.5.6', SHOULD,
      'A method the resource does not support is answered with 405')
def status_405(probe):
    reply = probe.exchange(probe.request(
        'POST', '/methods/get-only', [('Content-Length', '0')]))
    probe.expect_status(reply, 405)


@case('RFC9110-15.5.6-405-allow', 'RFC 9110 §15.5.6', MUST,
      'A 405 response carries an Allow header listing the methods the '
      'resource supports')
def allow_on_405(probe):
    reply = probe.exchange(probe.request(
        'POST', '/methods/get-only', [('Content-Length', '0')]))
    probe.expect_status(reply, 405)
    allow = _allow_methods(reply)
    probe.expect(allow is not None, 'an Allow header in the 405',
                 'no Allow header: ' + reply.describe())
    probe.expect('GET' in allow, 'Allow lists GET', 'Allow: %s' %
                 reply.header('Allow'))


@case('RFC9110-10.2.1-allow-excludes-refused', 'RFC 9110 §10.2.1', SHOULD,
      "The Allow header of a 405 does not list the method it refused")
def allow_excludes_refused(probe):
    reply = probe.exchange(probe.request(
        'POST', '/methods/get-only', [('Content-Length', '0')]))
    probe.expect_status(reply, 405)
    allow = _allow_methods(reply) or []
    probe.expect('POST' not in allow, 'Allow without POST',
                 'Allow: %s' % reply.header('Allow'))


@case('RFC9110-15.6.2-unknown-method-501', 'RFC 9110 §15.6.2', SHOULD,
      'A method the server does not recognise is answered with 501')
def unknown_method(probe):
    reply = probe.exchange(probe.request('FROBNICATE', '/'))
    probe.expect_status(reply, 501)


@case('RFC9110-9.1-method-case-sensitive', 'RFC 9110 §9.1', MUST,
      'Methods are case-sensitive: "get" is not GET')
def method_case(probe):
    reply = probe.exchange(probe.request('get', '/'), method='get')
    probe.expect(reply.status is not None and not 200 <= reply.status < 300,
                 'not a 2xx (501, 405 or 400)', reply.describe())


@case('RFC9110-9.3.2-head-no-body', 'RFC 9110 §9.3.2', MUST,
      'The response to HEAD carries no content')
def head_no_body(probe):
    _expect_head_without_content(probe, '/')


@case('RFC9110-9.3.2-head-same-headers', 'RFC 9110 §9.3.2', SHOULD,
      'HEAD is answered with the header fields a GET would get')
def head_same_headers(probe):
    get = probe.exchange(probe.request('GET', '/echo/path/x'))
    head = probe.exchange(probe.request('HEAD', '/echo/path/x'))
    ignore = {'date', 'connection', 'keep-alive'}
    get_names = {n.lower() for n, _ in get.headers} - ignore
    head_names = {n.lower() for n, _ in head.headers} - ignore
    probe.expect(get_names == head_names,
                 'the same header fields as GET: %s' % sorted(get_names),
                 'HEAD sent %s' % sorted(head_names))


@case('RFC9110-9.3.2-head-content-length', 'RFC 9110 §9.3.2', SHOULD,
      'HEAD is answered with the Content-Length a GET would get')
def head_content_length(probe):
    get = probe.exchange(probe.request('GET', '/bytes/1234'))
    head = probe.exchange(probe.request('HEAD', '/bytes/1234'))
    probe.expect(head.header('Content-Length') == get.header(
        'Content-Length') == '1234', 'Content-Length: 1234 for GET and '
        'HEAD', 'GET %s, HEAD %s' % (get.header('Content-Length'),
                                     head.header('Content-Length')))


@case('RFC9110-9.3.2-head-streamed', 'RFC 9110 §9.3.2', MUST,
      'HEAD of a streamed resource carries no content either')
def head_streamed(probe):
    _expect_head_without_content(probe, '/stream/3')


@case('RFC9110-9.3.7-options-allow', 'RFC 9110 §9.3.7', SHOULD,
      'OPTIONS of a resource is answered with 2xx and an Allow header')
def options_allow(probe):
    reply = probe.exchange(probe.request('OPTIONS', '/methods/post-only'))
    probe.expect_status(reply, '2xx')
    allow = _allow_methods(reply)
    probe.expect(allow is not None and 'POST' in allow,
                 'Allow listing POST', 'Allow: %s' % reply.header('Allow'))


@case('RFC9110-9.3.7-options-unknown-404', 'RFC 9110 §9.3.7', SHOULD,
      'OPTIONS of a resource that does not exist is answered with 404')
def options_unknown(probe):
    reply = probe.exchange(probe.request('OPTIONS', '/no/such/resource'))
    probe.expect_status(reply, 404)


@case('RFC9110-9.3.7-options-asterisk', 'RFC 9110 §9.3.7', MAY,
      '"OPTIONS *" asks about the server as a whole; the answer is recorded')
def options_asterisk(probe):
    reply = probe.exchange(probe.request('OPTIONS', '*'))
    probe.observe('%s; Allow: %s' % (reply.describe(), reply.header('Allow')))
