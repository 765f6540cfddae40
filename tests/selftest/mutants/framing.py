"""Mutants for conformance/cases/framing.py: lenient or defective framing."""
import re

import microdot_http
import microdot_server
from microdot import Request
from microdot_http import HTTPError

HUGE = 1 << 40


def patch_body_length(b, broken):
    """Frame bodies with ``broken(headers, version, original)``."""
    original = microdot_http.body_length
    b.attr(microdot_http, 'body_length',
           lambda headers, version: broken(headers, version, original))


def lenient_length(convert):
    """A Content-Length parser that takes whatever ``convert`` makes of the
    value (and passes the number on as the header, as a lenient parser
    that normalises would)."""
    def broken(headers, version, original):
        value = headers.get('Content-Length')
        if value is None or 'Transfer-Encoding' in headers:
            return original(headers, version)
        length = convert(value)
        headers['Content-Length'] = str(length)
        return length

    def mutant(b):
        patch_body_length(b, broken)
    return mutant


def _digits_or_zero(value):
    return int(value) if value.strip().isdigit() else 0


def chokes_on_lists(b):
    # int('5, 5') raises ValueError: the connection drops with no answer.
    def broken(headers, version, original):
        if ',' in headers.get('Content-Length', ''):
            return int(headers['Content-Length'])
        return original(headers, version)
    patch_body_length(b, broken)


def post_without_length_waits(b):
    # A POST without framing headers is taken to have a chunked body (on
    # POST only, so that the liveness GET is still answered).
    original = microdot_http.parse_head

    def parse_head(lines, headers):
        method, url, version = original(lines, headers)
        if method == 'POST' and 'Content-Length' not in headers and \
                'Transfer-Encoding' not in headers:
            headers['Transfer-Encoding'] = 'chunked'
        return method, url, version
    b.attr(microdot_http, 'parse_head', parse_head)


def length_beats_chunked(b):
    # Content-Length wins over Transfer-Encoding: the smuggling classic.
    def broken(headers, version, original):
        if 'Content-Length' in headers:
            return int(headers['Content-Length'])
        return original(headers, version)
    patch_body_length(b, broken)


def ignores_transfer_encoding(b):
    # Transfer-Encoding unknown to the parser: the body is taken as empty.
    def broken(headers, version, original):
        if 'Transfer-Encoding' in headers:
            return 0
        return original(headers, version)
    patch_body_length(b, broken)


def unknown_coding_ignored(b):
    # 'chunked, gzip': no chunked at the end, so Content-Length (none) rules.
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding', '')
        if coding and not coding.lower().rstrip().endswith('chunked'):
            return int(headers.get('Content-Length', '0'))
        return original(headers, version)
    patch_body_length(b, broken)


def extra_codings_ignored(b):
    # 'gzip, chunked' decoded as plain chunked; the gzip left on the body.
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding', '')
        if coding.lower().rstrip().endswith('chunked'):
            return None
        return original(headers, version)
    patch_body_length(b, broken)


def chunked_in_http10(b):
    patch_body_length(b, lambda headers, version, original:
                      original(headers, '1.1'))


def patch_chunk_line(b, broken):
    """Read chunk lines with ``broken(body, line, original)``."""
    original = microdot_http.Body._chunk_line
    b.attr(microdot_http.Body, '_chunk_line',
           lambda body, line: broken(body, line, original))


def chunk_size_parsed_by(parse):
    """Chunk sizes read with ``parse(bytes)`` instead of strictly."""
    def broken(body, line, original):
        if body.state != 'size':
            return original(body, line)
        body.left = parse(line.split(b';', 1)[0].strip())
        if body.total + body.left > body.limit:
            raise HTTPError(413)
        body.state = 'data' if body.left else 'trailer'

    def mutant(b):
        patch_chunk_line(b, broken)
    return mutant


def strtol16(text):
    # C's strtol(s, NULL, 16): a sign and '0x' are taken, junk is 0.
    match = re.match(rb'[+-]?(?:0[xX])?([0-9a-fA-F]*)', text)
    return int(match.group(1) or b'0', 16)


def wraps_32_bits(text):
    return int(text, 16) & 0xFFFFFFFF


def no_chunk_extensions(b):
    def broken(body, line, original):
        if body.state == 'size' and b';' in line:
            raise HTTPError(400)
        return original(body, line)
    patch_chunk_line(b, broken)


def stops_at_last_chunk(b):
    # The body ends at '0\r\n': the trailer is left for the next request.
    def broken(body, line, original):
        original(body, line)
        if body.state == 'trailer':
            body.state = ''
    patch_chunk_line(b, broken)


def no_crlf_check(b):
    def broken(body, line, original):
        if body.state == 'crlf':
            body.state = 'size'
            return
        return original(body, line)
    patch_chunk_line(b, broken)


def no_body_limit(b):
    b.attr(Request, 'max_content_length', HUGE)


def never_continue(b):
    original = microdot_server.Connection.write

    def write(conn, data):
        if not data.startswith(b'HTTP/1.1 100 '):
            original(conn, data)
    b.attr(microdot_server.Connection, 'write', write)


MUTANTS = {
    'RFC9112-6.3-cl-alpha': lenient_length(_digits_or_zero),
    'RFC9112-6.3-cl-plus': lenient_length(int),
    'RFC9112-6.3-cl-negative': lenient_length(lambda v: max(int(v), 0)),
    'RFC9112-6.3-cl-empty': lenient_length(lambda v: int(v or '0')),
    'RFC9112-6.3-cl-hex': lenient_length(lambda v: int(v, 0)),
    'RFC9112-6.3-cl-conflicting': lenient_length(
        lambda v: int(v.split(',')[0])),
    'RFC9112-6.3-cl-identical-list': chokes_on_lists,
    'RFC9112-6.3-no-length-no-body': post_without_length_waits,
    'RFC9112-6.1-te-and-cl': length_beats_chunked,
    'RFC9112-7.1-chunked-decoded': ignores_transfer_encoding,
    'RFC9112-7.1.1-chunk-extensions': no_chunk_extensions,
    'RFC9112-7.1.2-trailer-section': stops_at_last_chunk,
    'RFC9112-7.1-chunk-size-nonhex': chunk_size_parsed_by(strtol16),
    'RFC9112-7.1-chunk-size-prefix': chunk_size_parsed_by(strtol16),
    'RFC9112-7.1-chunk-size-signed': chunk_size_parsed_by(strtol16),
    'RFC9112-7.1-chunk-size-overflow': chunk_size_parsed_by(wraps_32_bits),
    'RFC9112-7.1-chunk-data-crlf': no_crlf_check,
    'RFC9112-6.3-chunked-not-final': unknown_coding_ignored,
    'RFC9112-6.1-unknown-coding-501': extra_codings_ignored,
    'RFC9112-6.1-te-in-http10': chunked_in_http10,
    'CONTRACT-413-content-length': no_body_limit,
    'CONTRACT-413-chunked': no_body_limit,
    'RFC9110-10.1.1-100-continue': never_continue,
}
