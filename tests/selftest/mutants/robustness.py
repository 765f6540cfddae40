"""Mutants for conformance/cases/robustness.py: a reference that crashes,
hangs or answers garbage on some malformed input."""
import asyncio

import app as fixture
from microdot import Request
from microdot_cpython import Connection
from microdot_http import HTTPError, Protocol
from microdot_server import Server

from breakage import replace_status_line

STALL = 2.0  # seconds: longer than the self-test's read timeout (1.5)


def crash_on_bad_request_line(b):
    # The error raised for a malformed request line escapes the connection
    # and takes the whole server down.
    def request_line(protocol, original, line):
        try:
            return original(line)
        except HTTPError:
            fixture.app.shutdown()
            raise
    b.override(Protocol, 'request_line', request_line)


def stall_on_bad_field(b):
    # A header line that does not parse makes the server wait (for a
    # continuation, say) instead of answering.
    def field(protocol, original, line, headers):
        try:
            original(line, headers)
        except HTTPError as exc:
            exc.stall = True
            raise

    async def read_request(server, original, conn, protocol):
        try:
            return await original(conn, protocol)
        except HTTPError as exc:
            if getattr(exc, 'stall', False):
                await asyncio.sleep(STALL)
            raise
    b.override(Protocol, 'field', field)
    b.override(Server, 'read_request', read_request)


def naive_cookie_split(b):
    # 'name=value' taken for granted: a pair without '=' raises IndexError,
    # which nobody catches, and the connection is dropped without an answer.
    def init(req, original, app, client_addr, method, url, http_version,
             headers, *args):
        original(app, client_addr, method, url, http_version, headers, *args)
        if 'Cookie' in headers:
            for pair in headers['Cookie'].split(';'):
                parts = pair.strip().split('=')
                req.cookies[parts[0]] = parts[1]
    b.override(Request, '__init__', init)


def values_unchecked(b):
    # CR and LF decoded from a query reach a Set-Cookie line as they are.
    from mutants.cookies import cookie_value_unchecked
    cookie_value_unchecked(b)


def nul_in_400_reason(b):
    b.response_head(lambda head, res, req: replace_status_line(
        head, b'HTTP/1.1 400 Bad\x00Request')
        if res.status_code == 400 else head)


def deaf_to_eof(b):
    # The client's close is not noticed: the server waits on for the rest
    # of a request that will never come.
    async def recv(conn, original):
        data = await original()
        if not data:
            await asyncio.sleep(STALL)
        return data
    b.override(Connection, 'recv', recv)


MUTANTS = {
    'RFC9112-3-fuzz-request-line': crash_on_bad_request_line,
    'RFC9112-5-fuzz-header-fields': stall_on_bad_field,
    'RFC6265-4.2-fuzz-cookie': naive_cookie_split,
    'RFC3986-3.3-fuzz-paths': values_unchecked,
    'RFC9112-2.2-fuzz-byte-mutations': nul_in_400_reason,
    'RFC9112-6-fuzz-body-framing': deaf_to_eof,
}
