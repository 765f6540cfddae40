"""Mutants for conformance/cases/bodies.py: bodies mangled, cut or lost."""
import json

import microdot
import microdot_http
from microdot import Request

from mutants.framing import patch_body_length


def body_read_as_text(b):
    # The body goes through str and back: bytes that are not UTF-8 change.
    original = microdot_http.Body.read

    async def read(body, n=-1):
        data = await original(body, n)
        return data.decode('utf-8', 'replace').encode('utf-8')
    b.attr(microdot_http.Body, 'read', read)


def zero_length_means_chunked(b):
    # 'if not length' where 'if length is None' was meant.
    def broken(headers, version, original):
        length = original(headers, version)
        return None if length == 0 and 'Content-Length' in headers else length
    patch_body_length(b, broken)


def plus_stays_plus(b):
    b.attr(microdot, 'urldecode_str', lambda s: microdot._unquote(s, False))


def json_read_as_latin1(b):
    b.attr(Request, 'json', property(
        lambda req: json.loads(req.body.decode('latin-1'))))


def json_errors_unhandled(b):
    # json.loads raises ValueError in the handler: a 500.
    b.attr(Request, 'json', property(lambda req: json.loads(req.body)))


def stream_ends_when_starved(b):
    # A non-blocking read that says b'' (the end) when nothing is buffered.
    def read_now(body, n=-1):
        out = []
        if body._gather(n, out):
            return out[0]
        return b''.join(out)
    b.attr(microdot_http.Body, 'read_now', read_now)


def read_ahead_lost(b):
    # The bytes read to see whether the body fits in memory are dropped.
    original = microdot_http.Body.plain

    def plain(body):
        body.ahead = []
        return original(body)
    b.attr(microdot_http.Body, 'plain', plain)


def body_is_first_segment(b):
    # One recv's worth of body is taken for the whole body.
    async def read(body, n=-1):
        out = []
        while not body._gather(n, out):
            if out:
                return b''.join(out)
            await body.reader.fill()
        return out[0]
    b.attr(microdot_http.Body, 'read', read)


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
