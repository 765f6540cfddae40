"""Mutants for conformance/cases/robustness.py: a reference that crashes,
hangs or answers garbage on some malformed input."""
import asyncio

import app as fixture
import microdot
import microdot_http
import microdot_server
from microdot_http import HTTPError

from breakage import replace_status_line

STALL = 2.0  # seconds: longer than the self-test's read timeout (1.5)


def crash_on_bad_request_line(b):
    # The error raised for a malformed request line escapes the connection
    # and takes the whole server down.
    original = microdot_http.parse_request_line

    def parse_request_line(line):
        try:
            return original(line)
        except HTTPError:
            fixture.app.shutdown()
            raise
    b.attr(microdot_http, 'parse_request_line', parse_request_line)


def stall_on_bad_field(b):
    # A header line that does not parse makes the server wait (for a
    # continuation, say) instead of answering.
    original_field = microdot_http.parse_field
    original_read = microdot_server.read_request

    def parse_field(line, headers):
        try:
            original_field(line, headers)
        except HTTPError as exc:
            exc.stall = True
            raise

    async def read_request(app, reader):
        try:
            return await original_read(app, reader)
        except HTTPError as exc:
            if getattr(exc, 'stall', False):
                await asyncio.sleep(STALL)
            raise
    b.attr(microdot_http, 'parse_field', parse_field)
    b.attr(microdot_server, 'read_request', read_request)


def naive_cookie_split(b):
    # 'name=value' taken for granted: a pair without '=' raises IndexError,
    # which nobody catches, and the connection is dropped without an answer.
    original = microdot.Request.__init__

    def init(self, app, client_addr, method, url, http_version, headers,
             *args, **kwargs):
        original(self, app, client_addr, method, url, http_version, headers,
                 *args, **kwargs)
        if 'Cookie' in headers:
            for pair in headers['Cookie'].split(';'):
                parts = pair.strip().split('=')
                self.cookies[parts[0]] = parts[1]
    b.attr(microdot.Request, '__init__', init)


def values_unchecked(b):
    # CR and LF decoded from a query reach a Set-Cookie line as they are.
    b.attr(microdot_http, 'refuse_ctl', lambda what, value: None)


def nul_in_400_reason(b):
    b.response_head(lambda head, res, req: replace_status_line(
        head, b'HTTP/1.1 400 Bad\x00Request')
        if res.status_code == 400 else head)


def deaf_to_eof(b):
    # The client's close is not noticed: the server waits on for the rest
    # of a request that will never come.
    async def fill(reader):
        data = await reader.conn.recv(2048)
        if not data:
            await asyncio.sleep(STALL)
        reader._add(data)
    b.attr(microdot_http.Reader, 'fill', fill)


MUTANTS = {
    'RFC9112-3-fuzz-request-line': crash_on_bad_request_line,
    'RFC9112-5-fuzz-header-fields': stall_on_bad_field,
    'RFC6265-4.2-fuzz-cookie': naive_cookie_split,
    'RFC3986-3.3-fuzz-paths': values_unchecked,
    'RFC9112-2.2-fuzz-byte-mutations': nul_in_400_reason,
    'RFC9112-6-fuzz-body-framing': deaf_to_eof,
}
