"""Mutants for conformance/cases/bodies.py: bodies mangled, cut or lost."""
import json
from urllib.parse import unquote

from microdot import MultiDict, Request
from microdot_body import Stream
from microdot_http import Protocol


def body_read_as_text(b):
    # The body goes through str and back: bytes that are not UTF-8 change.
    async def read(stream, original, n=-1):
        data = await original(n)
        return data.decode('utf-8', 'replace').encode('utf-8')
    b.override(Stream, 'read', read)


def zero_length_means_chunked(b):
    # 'if not length' where 'if length is None' was meant.
    def framing_of(protocol, original, headers, version):
        length = original(headers, version)
        return None if length == 0 and 'Content-Length' in headers else length
    b.override(Protocol, 'framing_of', framing_of)


def _form(request, decode):
    # The form body as a MultiDict, each part decoded by ``decode``.
    if not (request.content_type or '').startswith(
            'application/x-www-form-urlencoded'):
        return None
    form = MultiDict()
    for pair in request.body.decode().split('&'):
        name, _, value = pair.partition('=')
        form[decode(name)] = decode(value)
    return form


def plus_stays_plus(b):
    b.replace(Request, 'form', property(lambda req: _form(req, unquote)))


def json_read_as_latin1(b):
    b.replace(Request, 'json', property(
        lambda req: json.loads(req.body.decode('latin-1'))))


def json_errors_unhandled(b):
    # json.loads raises ValueError in the handler: a 500.
    b.replace(Request, 'json', property(lambda req: json.loads(req.body)))


def stream_ends_when_starved(b):
    # A blocking read that says b'' (the end) when nothing is received yet.
    def read_now(stream, n=-1):
        out = []
        if stream.gather(n, out):
            return out[0]
        return b''.join(out)
    b.replace(Stream, 'read_now', read_now)


def read_ahead_lost(b):
    # The bytes read to see whether the body fits in memory are dropped.
    def plain(stream, original):
        stream.ahead = []
        return original()
    b.override(Stream, 'plain', plain)


def body_is_first_segment(b):
    # One recv's worth of body is taken for the whole body.
    async def read(stream, n=-1):
        out = []
        while not stream.gather(n, out):
            if out:
                return b''.join(out)
            stream.protocol.feed(await stream.conn.recv())
        return out[0]
    b.replace(Stream, 'read', read)


def body_limit_one_less(b):
    # "length >= limit" where "length > limit" was meant.
    b.attr(Request, 'max_content_length', Request.max_content_length - 1)


MUTANTS = {
    'RFC9112-6-binary-body': body_read_as_text,
    'RFC9110-8.6-empty-body': zero_length_means_chunked,
    'CONTRACT-form-body': plus_stays_plus,
    'CONTRACT-json-body': json_read_as_latin1,
    'CONTRACT-invalid-json-4xx': json_errors_unhandled,
    'RFC9112-6.2-streamed-body': stream_ends_when_starved,
    'RFC9112-7.1-streamed-chunked-body': read_ahead_lost,
    'RFC9112-6-body-in-segments': body_is_first_segment,
    'CONTRACT-body-at-limit': body_limit_one_less,
}

