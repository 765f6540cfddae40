"""microdot 1.3.4 (from PyPI) and the reference make the same calls of the
1.x API: ``probes.py``, one script, runs on each, on CPython and on
MicroPython, and every result must be the same, or differ for a reason
listed here (an RFC's sentence, from ``rfc.py``). A listed difference that
no longer differs fails too, so that the list stays true."""
import os

import pytest

import rfc
from runner import HERE, INTERPRETERS, compare, package, probe_results, \
    report

BOTH = INTERPRETERS
DIFFERENCES = {
    # URLPattern and percent-coding
    'URLPattern percent-encoded argument': (rfc.URL_DECODE, BOTH),
    "urlencode('a+b')": (rfc.ENCODE_ONCE, BOTH),
    'urlencode(non-ASCII)': (rfc.URI_CHARS, BOTH),
    "urlencode('x\"y')": (rfc.URI_CHARS, BOTH),
    # Response
    'Response.set_cookie max_age=0': (rfc.MAX_AGE_0, BOTH),
    'Response.set_cookie with ;': (rfc.COOKIE_OCTET, BOTH),
    'redirect non-ASCII': (rfc.LOCATION, BOTH),
    'write(None)': (rfc.NO_CL_204, BOTH),
    'write(CRLF in a header)': (rfc.CRLF_FIELD, BOTH),
    'write status line 200': (rfc.VERSION, BOTH),
    'write status line 404': (rfc.VERSION + '; ' + rfc.REASON, BOTH),
    'write status line reason': (rfc.VERSION, BOTH),
    'write Connection': (rfc.CLOSE, BOTH),
    # Request.create
    "Request.create(b'GET /q?name=%C3%A9 HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n')":
        (rfc.UTF8, BOTH),
    "Request.create(b'GET / HTTP/1.1\\r\\n\\r\\n')": (rfc.HOST_400, BOTH),
    "Request.create(b'\\r\\nGET /after-empty-line HTTP/1.1\\r\\nHost: h\\r\\n"
    "\\r\\n')": (rfc.EMPTY_LINE, BOTH),
    "Request.create(b'POST /l HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: 1_0"
    "\\r\\n\\r\\n0123456789')": (rfc.CONTENT_LENGTH, BOTH),
    "Request.create(b'POST /c HTTP/1.1\\r\\nHost: h\\r\\nTransfer-Encoding: "
    "chunked\\r\\n\\r\\n3\\r\\nabc\\r\\n0\\r\\n\\r\\n')": (rfc.CHUNKED, BOTH),
    "Request.create(b'GET /c HTTP/1.1\\r\\nHost: h\\r\\nCookie: a=1; flag"
    "\\r\\n\\r\\n')": (rfc.COOKIE_PAIR, BOTH),
    # dispatch_request
    'dispatch PATCH /methods': (rfc.ALLOW_405, BOTH),
    'dispatch DELETE /methods': (rfc.ALLOW_405, BOTH),
    'dispatch POST /put': (rfc.ALLOW_405, BOTH),
    'dispatch GET /delete': (rfc.ALLOW_405, BOTH),
    'dispatch POST /sub/item/4': (rfc.ALLOW_405, BOTH),
    'dispatch 405 handler': (rfc.ALLOW_405, BOTH),
    'dispatch get /': (rfc.METHOD_CASE, BOTH),
    'dispatch FOO /': (rfc.METHOD_501, BOTH),
    'dispatch OPTIONS /nowhere': (rfc.OPTIONS_404, BOTH),
    'dispatch GET /args/1/caf%C3%A9/x': (rfc.URL_DECODE, BOTH),
}
DIFFERENCES['handle_request GET /file/page.html'] = (
    rfc.CONTENT_LENGTH_KNOWN, BOTH)
for _path in ('/file/page.html', '/file/style.css', '/file/data.txt',
              '/file/blob.bin', '/file/readme.txt', '/file-max-age',
              '/file-gz', '/file-br', '/file-stream'):
    DIFFERENCES['dispatch GET ' + _path] = (rfc.CONTENT_LENGTH_KNOWN, BOTH)

EXTENSION_DIFFERENCES = {
    'asyncio dispatch GET /file': (rfc.CONTENT_LENGTH_KNOWN, BOTH),
    'asyncio write GET /file': (rfc.CONTENT_LENGTH_KNOWN, BOTH),
    'asyncio dispatch POST /': (rfc.ALLOW_405, BOTH),
    'asyncio write POST /': (rfc.ALLOW_405, BOTH),
    'TestClient websocket two reads, one answer': (rfc.CLOSE_NOT_MESSAGE,
                                                   BOTH),
    'asyncio TestClient websocket two reads, one answer':
        (rfc.CLOSE_NOT_MESSAGE, BOTH),
}
for _i in range(6):
    EXTENSION_DIFFERENCES["CORS options %d: DELETE /data ['Origin']" % _i] = (
        rfc.ALLOW_405, BOTH)
    EXTENSION_DIFFERENCES[
        "CORS options %d: OPTIONS /nowhere ['Origin', 'Access-Control-"
        "Request-Method', 'Access-Control-Request-Headers']" % _i] = (
            rfc.OPTIONS_404, BOTH)


# The calls meant to raise on microdot 1.3.4: any other that raises there
# is taken for a mistake of the probe's own (which would raise alike on
# both sides, and prove nothing).
RAISING = {
    "URLPattern('/<bad:x>')", "URLPattern('/<int:x')",
    "URLPattern('/<re:[:x>')", 'NoCaseDict missing', 'redirect CRLF',
    "Request.create(b'GET /q?bad=%zz HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n')",
    "Request.create(b'GET /\\r\\n\\r\\n')",
    "Request.create(b'GET / HTTP/1.1\\r\\nHost: h\\r\\nNo colon here\\r\\n"
    "\\r\\n')",
    "Request.create(b'GET /c HTTP/1.1\\r\\nHost: h\\r\\nCookie: a=1; flag"
    "\\r\\n\\r\\n')",
    'Request.create request line 2047 bytes',
    'Request.create request line 2048 bytes',
    'Request.create header line past max_readline',
}


def raising(results):
    return {name for name, result in results.items()
            if isinstance(result, dict) and 'raises' in result}


@pytest.mark.parametrize('interpreter', INTERPRETERS)
def test_the_1x_api_answers_alike(interpreter, tmp_path):
    script = os.path.join(HERE, 'probes.py')
    results = {}
    for implementation in ('upstream', 'reference'):
        workdir = tmp_path / implementation
        workdir.mkdir()
        results[implementation] = probe_results(
            script, implementation, interpreter, [workdir])
    count, problems = compare(results['upstream'], results['reference'],
                              DIFFERENCES, interpreter)
    assert not problems, '\n'.join(problems)
    assert count > 1000  # every probe ran on both
    assert raising(results['upstream']) == RAISING
    report('api', interpreter, count, DIFFERENCES)


def _extras():
    return [package('utemplate==1.4.1', 'utemplate'),
            package('PyJWT==2.10.1')]


@pytest.mark.parametrize('interpreter', INTERPRETERS)
def test_the_extension_modules_answer_alike(interpreter, tmp_path):
    # microdot_asyncio, microdot_cors, microdot_utemplate, the test clients
    script = os.path.join(HERE, 'probes_ext.py')
    results = {}
    for implementation in ('upstream', 'reference'):
        workdir = tmp_path / implementation
        workdir.mkdir()
        results[implementation] = probe_results(
            script, implementation, interpreter, [workdir], _extras())
    count, problems = compare(results['upstream'], results['reference'],
                              EXTENSION_DIFFERENCES, interpreter)
    assert not problems, '\n'.join(problems)
    assert count > 90
    assert not raising(results['upstream'])  # none is meant to
    report('extensions', interpreter, count, EXTENSION_DIFFERENCES)


@pytest.mark.parametrize('interpreter', INTERPRETERS)
def test_sessions_read_and_sign_alike(interpreter):
    """microdot 1.3.4's sessions need PyJWT, which MicroPython lacks (its
    micropython-lib port is not on PyPI): 1.3.4 runs them on CPython, and
    the reference on both interpreters is compared with that; the tokens
    each makes must verify with PyJWT (on CPython they are the same
    bytes)."""
    import jwt_from_pypi
    script = os.path.join(HERE, 'probes_session.py')
    upstream = probe_results(script, 'upstream', 'cpython', (), _extras())
    reference = probe_results(script, 'reference', interpreter, (),
                              _extras())
    jwt = jwt_from_pypi.load(package('PyJWT==2.10.1'))
    for name in [n for n in reference if n.startswith('made:')]:
        status, attributes, token, read_back = reference.pop(name)
        theirs = upstream.pop(name)
        assert [status, attributes, read_back] == [
            theirs[0], theirs[1], theirs[3]], name
        # the reference's token, as microdot 1.3.4 reads it, and the reverse
        assert jwt.decode(token, 'top-secret', algorithms=['HS256']) == \
            read_back, name
        if interpreter == 'cpython':
            assert token == theirs[2], name
    count, problems = compare(upstream, reference, {}, interpreter)
    assert not problems, '\n'.join(problems)
    assert not raising(upstream)  # none is meant to
    report('sessions', interpreter, count + 2, {})


CPYTHON = ('cpython',)
GATEWAY_DIFFERENCES = {
    # microdot_wsgi: the status line's reason phrase is the gateway's
    'wsgi GET /crlf': (rfc.CRLF_FIELD, CPYTHON),
    'wsgi GET /echo?a=1&a=2&b=%C3%A9+x': (rfc.UTF8, CPYTHON),
    'wsgi GET /file': (rfc.CONTENT_LENGTH_KNOWN, CPYTHON),
    'wsgi GET /none': (rfc.NO_CL_204 + '; ' + rfc.REASON, CPYTHON),
    'wsgi GET /status/204': (rfc.NO_CL_204 + '; ' + rfc.REASON, CPYTHON),
    'wsgi GET /one/caf%C3%A9 (PATH_INFO one character a byte)':
        (rfc.GATEWAY_PATH, CPYTHON),
    'wsgi GET /str-pieces': (rfc.BYTES_BODY, CPYTHON),
    'wsgi HEAD /': (rfc.HEAD_CONTENT, CPYTHON),
    'wsgi HEAD /pieces': (rfc.HEAD_CONTENT, CPYTHON),
    'wsgi HEAD /file': (rfc.HEAD_CONTENT + '; ' + rfc.CONTENT_LENGTH_KNOWN,
                        CPYTHON),
    'wsgi HTTP/1.1 without Host': (rfc.HOST_400 + '; ' + rfc.REASON,
                                   CPYTHON),
    'wsgi POST /': (rfc.ALLOW_405 + '; ' + rfc.REASON, CPYTHON),
    'wsgi POST /echo 65536': (rfc.GATEWAY_FIELDS + '; ' + rfc.REASON,
                              CPYTHON),
    'wsgi POST /echo application/json': (rfc.GATEWAY_FIELDS, CPYTHON),
    'wsgi POST /echo application/x-www-form-urlencoded':
        (rfc.GATEWAY_FIELDS, CPYTHON),
    'wsgi POST /stream': (rfc.GATEWAY_FIELDS, CPYTHON),
    'wsgi chunked body (wsgi.input_terminated)': (rfc.CHUNKED, CPYTHON),
    'wsgi get /': (rfc.METHOD_CASE + '; ' + rfc.REASON, CPYTHON),
    # microdot_asgi: the status is a number there
    'asgi GET /crlf': (rfc.CRLF_FIELD, CPYTHON),
    'asgi GET /echo X-Dup, X-Dup': (rfc.FIELD_LINES, CPYTHON),
    'asgi GET /echo?a=1&a=2&b=%C3%A9+x X-Custom, Cookie': (rfc.UTF8, CPYTHON),
    'asgi GET /file': (rfc.CONTENT_LENGTH_KNOWN, CPYTHON),
    'asgi GET /none': (rfc.NO_CL_204, CPYTHON),
    'asgi GET /status/204': (rfc.NO_CL_204, CPYTHON),
    'asgi GET /one/a%2Fb': (rfc.GATEWAY_PATH, CPYTHON),
    'asgi GET /one/caf%C3%A9': (rfc.GATEWAY_PATH, CPYTHON),
    'asgi without raw_path': (rfc.GATEWAY_PATH, CPYTHON),
    'asgi GET /str-pieces': (rfc.BYTES_BODY, CPYTHON),
    'asgi HEAD /': (rfc.HEAD_CONTENT, CPYTHON),
    'asgi HEAD /pieces': (rfc.HEAD_CONTENT, CPYTHON),
    'asgi HEAD /file': (rfc.HEAD_CONTENT + '; ' + rfc.CONTENT_LENGTH_KNOWN,
                        CPYTHON),
    'asgi HTTP/1.1 without Host': (rfc.HOST_400, CPYTHON),
    'asgi POST /': (rfc.ALLOW_405, CPYTHON),
    'asgi POST /echo Transfer-Encoding: chunked': (rfc.CHUNKED, CPYTHON),
    'asgi get /': (rfc.METHOD_CASE, CPYTHON),
    'asgi POST /stream Content-Length: 20000': (rfc.BODY_LOST, CPYTHON),
    'asgi client disconnects mid-file': (rfc.CLOSED_UNSENT, CPYTHON),
    # microdot_asgi_websocket
    'asgi websocket both keys': (rfc.ASGI_WS_MESSAGE, CPYTHON),
    'asgi websocket handler fails': (rfc.WS_FAILED, CPYTHON),
}
for _path in ('/abort', '/boom', '/nowhere', '/redirect', '/status/304',
              '/status/404', '/status/418'):
    GATEWAY_DIFFERENCES['wsgi GET ' + _path] = (rfc.REASON, CPYTHON)


def test_the_gateway_modules_answer_alike(tmp_path):
    """microdot_wsgi, microdot_asgi and microdot_jinja run on CPython only
    (behind a WSGI or ASGI server, with Jinja2): the WSGI callable called
    with environ dicts and the ASGI application awaited with scopes, as
    gateway servers call them, and templates rendered, on each."""
    script = os.path.join(HERE, 'probes_gateway.py')
    results = {}
    for implementation in ('upstream', 'reference'):
        workdir = tmp_path / implementation
        workdir.mkdir()
        results[implementation] = probe_results(
            script, implementation, 'cpython', [workdir])
    count, problems = compare(results['upstream'], results['reference'],
                              GATEWAY_DIFFERENCES, 'cpython')
    assert not problems, '\n'.join(problems)
    assert count > 90
    assert raising(results['upstream']) == {'jinja missing template'}
    report('gateways', 'cpython', count, GATEWAY_DIFFERENCES)
