"""microdot 1.3.4 (from PyPI) and the reference make the same calls of the
1.x API: ``probes.py``, one script, runs on each, on CPython and on
MicroPython, and every result must be the same, or differ for a reason
listed here (an RFC's sentence, from ``rfc.py``). A listed difference that
no longer differs fails too, so that the list stays true."""
import os

import pytest

import rfc
from runner import HERE, INTERPRETERS, compare, probe_results, report

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
    report('api', interpreter, count, DIFFERENCES)
