"""Mutants for conformance/cases/connection.py: connections kept, closed,
starved or dropped the wrong way."""
import asyncio
import socket
import struct

import app as fixture
from microdot import Request
from microdot_body import Stream
from microdot_cpython import Connection
from microdot_http import HTTPError, Protocol
from microdot_server import Server

from breakage import drop_header
from mutants.framing import patch_field, patch_head


def ignores_close(b):
    # Every connection is kept, whatever the client said: its Connection
    # field goes unread.
    patch_field(b, lambda line, headers, original: None
                if line.lower().startswith(b'connection:')
                else original(line, headers))


def never_keeps(b):
    # Every request is taken to ask for a close.
    def broken(lines, original):
        method, url, version, headers = original(lines)
        headers['Connection'] = 'close'
        return method, url, version, headers
    patch_head(b, broken)


def silent_close(b):
    b.response_head(lambda head, res, req: drop_header(head, 'Connection'))


def closes_silently(b):
    # No persistent connections, and no "Connection: close" to say so.
    never_keeps(b)
    silent_close(b)


def malformed_answers_to_http10(b):
    # HTTP/1.0 requests get a status line with two spaces.
    def rewrite(head, res, req):
        if req is not None and req.http_version == '1.0':
            return head.replace(b'HTTP/1.1 ', b'HTTP/1.1  ', 1)
        return head
    b.response_head(rewrite)


def one_request_per_read(b):
    # What came after the request in the same read is thrown away.
    async def read_request(server, original, conn, protocol):
        found = await original(conn, protocol)
        protocol.buf = b''
        return found
    b.override(Server, 'read_request', read_request)


def answers_swapped(b):
    # The first two pipelined requests get each other's answers.
    swap = {'/echo/path/one': 'two', '/echo/path/two': 'one'}

    def change(res, req):
        if req is not None and req.path in swap:
            res.body = ('{"name": "%s"}' % swap[req.path]).encode()
    b.before_send(change)


def unread_body_kept(b):
    # The connection is kept even when the body was never read: the rest
    # of it is read as the next request.
    def send(server, original, conn, res, req, keep):
        return original(conn, res, req, keep or (
            req is not None and conn.protocol.reading))
    b.override(Server, 'send', send)


def waits_forever(b):
    b.attr(Request, 'socket_read_timeout', 0)


def one_connection_at_a_time(b):
    # One place, never made free for another client: whoever finds it
    # taken is refused at once.
    async def admit(server):
        return server.active < 1
    b.replace(Server, 'admit', admit)


def stops_when_client_leaves(b):
    # A client gone in the middle of a head takes the server down with it.
    def feed(protocol, original, data):
        if not data and protocol.buf:
            fixture.app.server.stop()
        return original(data)
    b.override(Protocol, 'feed', feed)


def resets_on_close(b):
    # Closes at once with SO_LINGER 0: every close is a reset (RST), and
    # what the client has not read yet is lost.
    async def close(conn, original, linger=True):
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack('ii', 1, 0))
        await original(False)
    b.override(Connection, 'close', close)


def idle_timeout_stops_the_server(b):
    # The timeout of a silent connection escapes and takes the server down.
    async def recv(conn, original):
        try:
            return await original()
        except HTTPError:
            fixture.app.server.stop()
            raise
    b.override(Connection, 'recv', recv)


def malformed_refusals(b):
    # The answer to a request the server gave up on declares more content
    # than it carries.
    async def send(server, original, conn, res, req, keep):
        if req is None:
            conn.write(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 40\r\n'
                       b'\r\nincomplete')
            await conn.drain()
            return False
        return await original(conn, res, req, keep)
    b.override(Server, 'send', send)


def malformed_answer_to_incomplete_body(b):
    # A client's close in the middle of a body is answered, malformed.
    async def read(stream, original, n=-1):
        try:
            return await original(n)
        except EOFError:
            raise HTTPError(400)
    b.override(Stream, 'read', read)
    malformed_refusals(b)


def eof_completes_the_body(b):
    # A body cut short by the client's close is padded out and processed.
    def feed(protocol, original, data):
        if not data and not getattr(protocol, 'padded', False):
            protocol.padded = True
            data = b' ' * 64
        return original(data)
    b.override(Protocol, 'feed', feed)


def eof_ends_the_head(b):
    # The client's close is taken for the end of a head left unfinished.
    def feed(protocol, original, data):
        if not data and not getattr(protocol, 'ended', False):
            protocol.ended = True
            data = b'\r\n\r\n'
        return original(data)
    b.override(Protocol, 'feed', feed)


def switches_in_name_only(protocol=None):
    """A 101 for every Upgrade (naming ``protocol``, else the one asked
    for), then the HTTP/1.1 answer as if nothing had switched."""
    def rewrite(head, res, req):
        asked = req.headers.get('Upgrade') if req is not None else None
        if not asked:
            return head
        return b'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade' \
            b'\r\nUpgrade: %s\r\n\r\n%s' % (
                (protocol or asked).encode(), head)

    def mutant(b):
        b.response_head(rewrite)
    return mutant


def heads_held_for_ever(b):
    # A request head may take as long as its client likes.
    b.attr(Request, 'socket_read_timeout', 0)


def waits_for_a_place_for_ever(b):
    # Beyond max_connections a client waits until a place frees, however
    # long that takes, and a partial head keeps its place.
    heads_held_for_ever(b)

    async def admit(server):
        while server.active >= server.max_connections:
            await asyncio.sleep(0.05)
        return True
    b.replace(Server, 'admit', admit)


def malformed_503(b):
    # The 503 for a client no place could be found for is malformed.
    heads_held_for_ever(b)
    b.replace(Server, 'BUSY', b'HTTP/1.1 503 Busy\r\nRetry-After 1\r\n\r\n')


MUTANTS = {
    'RFC9112-9.6-close-honoured': ignores_close,
    'RFC9112-9.6-close-announced': silent_close,
    'RFC9112-9.6-nothing-after-close': ignores_close,
    'RFC9112-9.6-closing-server-says-close': closes_silently,
    'RFC9112-9.3-http10-closes': malformed_answers_to_http10,
    'RFC9112-9.3-persistent': never_keeps,
    'RFC9112-9.3.2-pipelining': one_request_per_read,
    'RFC9112-9.3.2-pipelined-in-order': answers_swapped,
    'RFC9112-9.3-unread-body': unread_body_kept,
    'RFC9112-9.6-unread-body-no-reset': resets_on_close,
    'RFC9112-9.6-413-no-reset': resets_on_close,
    'RFC9112-9.6-414-no-reset': resets_on_close,
    'RFC9112-9.6-431-no-reset': resets_on_close,
    'RFC9112-9.5-idle-close': idle_timeout_stops_the_server,
    'RFC9112-9.5-timeout-graceful-close': resets_on_close,
    'RFC9112-8-incomplete-body': malformed_answer_to_incomplete_body,
    'RFC9112-6.3-incomplete-body-not-processed': eof_completes_the_body,
    'RFC9112-2.2-incomplete-head-not-processed': eof_ends_the_head,
    'CONTRACT-silent-client': one_connection_at_a_time,
    'CONTRACT-half-request-then-close': stops_when_client_leaves,
    'CONTRACT-concurrent-clients': one_connection_at_a_time,
    'RFC9110-7.8-upgrade-h2c': switches_in_name_only(),
    'RFC9110-7.8-upgrade-websocket': switches_in_name_only(),
    'RFC9110-7.8-upgrade-http10-ignored': switches_in_name_only(),
    'RFC9110-7.8-101-names-protocol': switches_in_name_only('h2c'),
    'RFC6455-4.2.1-websocket-post': switches_in_name_only(),
    'RFC6455-4.2.1-websocket-without-connection-upgrade':
        switches_in_name_only(),
    'RFC9110-7.8-upgrade-unknown-protocol': switches_in_name_only(),
    'CONTRACT-busy-server-answers': waits_for_a_place_for_ever,
    'RFC9110-15.6.4-503-retry-after': malformed_503,
}
