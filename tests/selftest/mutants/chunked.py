"""Mutants for conformance/cases/chunked.py: chunked coding read leniently,
wrongly, or not at all."""
import re

import app as fixture
import microdot_http
import microdot_server
from microdot import Request
from microdot_http import HTTPError

from mutants.framing import patch_body_length

STALL_AFTER = 1000  # trailer lines a stalling server takes before it stalls


def waits_forever(b):
    # Reads never time out: a server stuck on its input hangs.
    b.attr(Request, 'socket_read_timeout', 30)


def ignores_transfer_encoding(b):
    # Transfer-Encoding unknown to the parser: the body is taken as empty.
    def broken(headers, version, original):
        if 'Transfer-Encoding' in headers:
            return 0
        return original(headers, version)
    patch_body_length(b, broken)


def patch_chunk_line(b, broken):
    """Read chunk lines with ``broken(body, line, original)``."""
    original = microdot_http.Body._chunk_line
    b.attr(microdot_http.Body, '_chunk_line',
           lambda body, line: broken(body, line, original))


def chunk_size_parsed_by(parse):
    """Chunk sizes read with ``parse(bytes)`` instead of strictly (and the
    line stripped, extensions unchecked)."""
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


def python_int16(text):
    # int(text, 16): '1_0' is 16, ' 5' is 5
    return int(text, 16)


def empty_is_zero(text):
    return int(text or b'0', 16)


def lower_case_hex_only(text):
    if text != text.lower():
        raise HTTPError(400)
    return int(text, 16)


def wraps_32_bits(text):
    return int(text, 16) & 0xFFFFFFFF


def no_chunks_refused(b):
    # A chunked body must hold a chunk: the last chunk first is refused.
    def broken(body, line, original):
        if body.state == 'size' and not body.total and not line.strip(b'0'):
            raise HTTPError(400)
        return original(body, line)
    patch_chunk_line(b, broken)


def no_chunk_extensions(b):
    def broken(body, line, original):
        if body.state == 'size' and b';' in line:
            raise HTTPError(400)
        return original(body, line)
    patch_chunk_line(b, broken)


def extensions_unchecked(b):
    # Whatever follows ';' is skipped unread.
    b.attr(microdot_http, 'chunk_ext_valid', lambda ext: True)


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


def data_end_unchecked(b):
    # A line after chunk data is read as the next chunk-size line: the CRLF
    # that should end the data is not asked for.
    def broken(body, line, original):
        if body.state == 'crlf' and line:
            body.state = 'size'
        return original(body, line)
    patch_chunk_line(b, broken)


def data_runs_to_crlf(b):
    # Chunk data read up to the next CRLF, whatever its size says (the
    # server is shown the body that parser frames).
    def rewrite(data):
        head, end, body = data.partition(b'\r\n\r\n')
        if not end or b'chunked' not in head.lower():
            return data
        lines, pieces = body.split(b'\r\n'), []
        while len(lines) > 1 and lines[0] not in (b'0', b''):
            pieces.append(lines[1])
            lines = lines[2:]
        return head + end + b''.join(b'%x\r\n%s\r\n' % (len(p), p)
                                     for p in pieces) + b'0\r\n\r\n'
    b.incoming(rewrite)


def chunk_lines_need_crlf(b):
    # Chunk and trailer lines end at CRLF only: a bare LF is waited past.
    original = microdot_http.Reader.line

    def line(reader, limit, status):
        if status == 400 and b'\r\n' not in reader.buf:
            return None
        return original(reader, limit, status)
    b.attr(microdot_http.Reader, 'line', line)
    waits_forever(b)


def bare_cr_ends_lines(b):
    # A CR not followed by LF ends a line too.
    original = microdot_http.Reader.line

    def line(reader, limit, status):
        cr = reader.buf.find(b'\r')
        if 0 <= cr < len(reader.buf) - 1 and reader.buf[cr + 1] != 10:
            found, reader.buf = reader.buf[:cr], reader.buf[cr + 1:]
            return found
        return original(reader, limit, status)
    b.attr(microdot_http.Reader, 'line', line)


def stops_on_bare_lf_chunks(b):
    # Chunk lines ended by a bare LF take the whole server down.
    def rewrite(data):
        if b'\r\n\r\n5\nhello\n' in data:
            fixture.app.shutdown()
        return data
    b.incoming(rewrite)


def eof_ends_chunked_body(b):
    # The client's close ends a chunked body as the last chunk would.
    async def read(body, n=-1):
        out = []
        while not body._gather(n, out):
            try:
                await body.reader.fill()
            except EOFError:
                if not body.chunked:
                    raise
                body.state = ''
                return b''.join(out)
        return out[0]
    b.attr(microdot_http.Body, 'read', read)


def stalls_on_long_chunk_lines(b):
    # A chunk line longer than the line limit is waited for, for ever,
    # instead of refused (chunk lines are the ones read with status 400).
    original = microdot_http.Reader.line

    def line(reader, limit, status):
        end = reader.buf.find(b'\n')
        if status == 400 and (end > limit or (end < 0 and
                                              len(reader.buf) > limit)):
            reader.buf = reader.buf[-limit:]
            return None
        return original(reader, limit, status)
    b.attr(microdot_http.Reader, 'line', line)
    waits_forever(b)


def stalls_on_long_trailers(b):
    # Past STALL_AFTER trailer lines, the end of the trailer is missed and
    # the server waits for more.
    def broken(body, line, original):
        if body.state == 'trailer':
            body.trailer_lines = getattr(body, 'trailer_lines', 0) + 1
            if body.trailer_lines > STALL_AFTER:
                return
        original(body, line)
    patch_chunk_line(b, broken)
    waits_forever(b)


def merges_trailer(b):
    # Trailer fields join the header section as repeated fields would.
    def broken(body, line, original):
        if body.state == 'trailer' and line:
            body.trailer = getattr(body, 'trailer', []) + [line]
        original(body, line)
    patch_chunk_line(b, broken)
    original_read = microdot_server.read_request

    async def read_request(app, reader):
        req = await original_read(app, reader)
        for line in getattr(req and req._stream, 'trailer', []):
            name, _, value = line.decode().partition(':')
            old = req.headers.get(name)
            value = value.strip()
            req.headers[name] = value if old is None else old + ', ' + value
        return req
    b.attr(microdot_server, 'read_request', read_request)


MUTANTS = {
    'RFC9112-7.1-chunked-decoded': ignores_transfer_encoding,
    'RFC9112-7.1-chunked-empty': no_chunks_refused,
    'RFC9112-7.1-chunk-size-uppercase': chunk_size_parsed_by(
        lower_case_hex_only),
    'RFC9112-7.1.1-chunk-extensions': no_chunk_extensions,
    'RFC9112-7.1.2-trailer-section': stops_at_last_chunk,
    'RFC9112-7.1-chunk-size-nonhex': chunk_size_parsed_by(strtol16),
    'RFC9112-7.1-chunk-size-prefix': chunk_size_parsed_by(strtol16),
    'RFC9112-7.1-chunk-size-signed': chunk_size_parsed_by(strtol16),
    'RFC9112-7.1-chunk-size-underscore': chunk_size_parsed_by(python_int16),
    'RFC9112-7.1-chunk-size-leading-space': chunk_size_parsed_by(
        python_int16),
    'RFC9112-7.1-chunk-size-trailing-space': chunk_size_parsed_by(
        python_int16),
    'RFC9112-7.1-chunk-size-negative': chunk_size_parsed_by(strtol16),
    'RFC9112-7.1-chunk-size-empty': chunk_size_parsed_by(empty_is_zero),
    'RFC9112-7.1.1-chunk-ext-bare-semicolon': extensions_unchecked,
    'RFC9112-7.1.1-chunk-ext-invalid-token': extensions_unchecked,
    'RFC9112-7.1.1-chunk-ext-nul': extensions_unchecked,
    'RFC9112-7.1.1-chunk-ext-bare-cr': extensions_unchecked,
    'RFC9112-2.2-chunk-size-bare-cr': bare_cr_ends_lines,
    'RFC9112-7.1-chunk-size-overflow': chunk_size_parsed_by(wraps_32_bits),
    'RFC9112-7.1-chunk-data-crlf': no_crlf_check,
    'RFC9112-7.1-chunk-data-no-crlf': data_end_unchecked,
    'RFC9112-7.1.1-chunk-ext-bare-semicolon-lf': extensions_unchecked,
    'RFC9112-7.1-chunk-data-bare-lf': data_runs_to_crlf,
    'RFC9112-7.1-chunk-trailer-bare-lf': chunk_lines_need_crlf,
    'RFC9112-7.1-chunk-bare-lf': stops_on_bare_lf_chunks,
    'RFC9112-7.1-chunked-incomplete-not-processed': eof_ends_chunked_body,
    'RFC9112-7.1.1-chunk-ext-64k': stalls_on_long_chunk_lines,
    'RFC9112-7.1.2-trailer-2000-fields': stalls_on_long_trailers,
    'RFC9112-7.1.2-trailer-content-length': merges_trailer,
    'RFC9112-7.1.2-trailer-transfer-encoding': merges_trailer,
    'RFC9112-7.1.2-trailer-host': merges_trailer,
}
