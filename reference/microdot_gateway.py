"""
microdot_gateway: an application behind a WSGI or ASGI server
=============================================================

What ``microdot_wsgi`` and ``microdot_asgi`` share, on CPython (an
application that imports neither never loads it): the head of the request a
gateway server hands over, read as the reference's own server reads one,
and a response's status and fields as the gateway server takes them::

    method, url, headers, length = gateway.head(
        'GET', b'/caf%C3%A9', 'q=1', '1.1', [('host', b'example.com')])
    status, fields, body = gateway.answer(res)
    # b'200 OK', [(b'Content-Type', b'text/plain; charset=UTF-8'), ...]

The head is checked by ``microdot_http`` as if it had come on the wire: a
field that is not valid, an HTTP/1.1 request without Host or an invalid
Content-Length raise the ``HTTPError`` the server would answer. The answer
is the head ``Response.write`` sends (``microdot_stream.head``: no
Content-Length on a 204, none of the body of a HEAD), less what the
gateway server decides: Connection, Date, and how a body of unknown length
is framed.
"""
import os
import signal
from urllib.parse import quote

from microdot import Response, load, print_exception
import microdot_http as http
import microdot_server
import microdot_stream

# What a path keeps as it is when it is percent-encoded again: RFC 3986's
# pchar and "/" (unreserved characters are always kept)
_PATH_CHARS = "/:@!$&'()*+,;="


def field_name(key):
    """A field's name as microdot 1.x spells those a gateway hands over:
    ``X_REQUEST_ID`` (a WSGI key, after ``HTTP_``) or ``x-request-id`` (an
    ASGI name) -> ``X-Request-Id``."""
    return key.replace('_', '-').lower().title()


def encoded(path):
    """A path (bytes) that a gateway server percent-decoded (WSGI's
    ``PATH_INFO``, ASGI's ``path``) encoded again, so that the routing
    decodes it once, as it decodes a path on the wire (an encoded ``/``
    the gateway decoded cannot be told from a ``/`` any more)."""
    return quote(path or b'/', _PATH_CHARS)


def head(method, target, query, version, fields):
    """``(method, url, headers, length)`` of a request a gateway server
    received: ``target`` is its path, percent-encoded (see ``encoded``);
    ``fields`` are ``(name, value)`` pairs, the values bytes. ``length`` is
    the body's (None: chunked)."""
    if query:
        target += '?' + query
    lines = [('%s %s HTTP/%s' % (method, target, '1.0' if version == '1.0'
                                 else '1.1')).encode()]
    for name, value in fields:
        lines.append(field_name(name).encode() + b': ' + value)
    p = microdot_server.protocol(http.Protocol, {})
    method, url, version, headers = p.head_fields(lines)
    return method, url, headers, p.framing_of(headers, version)


def refused(exc):
    """The answer to a request ``head`` refused: its status (a value a
    gateway server handed over that is not even text: 400)."""
    if not isinstance(exc, http.HTTPError):
        exc = http.HTTPError(400)
    return load('microdot_errors').refusal(exc)


def answer(res):
    """``(status, fields, body)`` of a Response: ``b'404 Not Found'``, the
    fields as ``(name, value)`` pairs of bytes, and the Response whose
    body follows (None when none does: a HEAD, 204, 304). A response that
    cannot be sent (CR or LF in a field, a status that is not one) is
    replaced by a 500, as the server replaces it."""
    try:
        data, body = microdot_stream.head(res, True)
    except (ValueError, TypeError) as exc:
        print_exception(exc)
        microdot_server.close_body(res.body)
        res = Response('Internal server error', 500)
        data, body = microdot_stream.head(res, True)
    lines = data.split(b'\r\n')
    fields = [tuple(line.split(b': ', 1)) for line in lines[1:] if line]
    return lines[0][9:], fields, res if body else None


class Served:
    """What an application behind a gateway server has beside microdot's
    (a base class before ``Microdot``'s): ``embedded_server``, True while
    ``run()`` serves it with the reference's own server, and ``shutdown()``,
    which then stops that server and else sends SIGTERM to the leader of
    the process's group (the gateway server's master process, or the
    server itself), as microdot 1.x did."""

    def __init__(self):
        super().__init__()
        self.embedded_server = False

    def shutdown(self):
        if self.embedded_server:
            super().shutdown()
        else:
            leader = os.getpgrp() if hasattr(os, 'getpgrp') else os.getpid()
            os.kill(leader, signal.SIGTERM)

    def run(self, host='0.0.0.0', port=5000, debug=False, **options):
        """Serve with the reference's own server (``ssl`` among
        ``options``), for development; in production the gateway server
        serves the application."""
        self.embedded_server = True
        super().run(host, port, debug, **options)
