"""Mutants for conformance/cases/chunked.py: chunked coding read leniently,
wrongly, or not at all."""
import re

import app as fixture
import microdot_chunked
from microdot import Request
from microdot_chunked import Chunked
from microdot_http import HTTPError
from microdot_server import Server

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


def chunk_size_parsed_by(parse):
    """Chunk sizes read with ``parse(bytes)`` instead of strictly (and the
    line stripped, extensions unchecked)."""
    def mutant(b):
        b.override(Chunked, 'size_line', lambda chunked, original, line:
                   parse(line.split(b';', 1)[0].strip()))
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
    def size_line(chunked, original, line):
        if not chunked.total and not line.strip(b'0'):
            raise HTTPError(400)
        return original(line)
    b.override(Chunked, 'size_line', size_line)


def no_chunk_extensions(b):
    def size_line(chunked, original, line):
        if b';' in line:
            raise HTTPError(400)
        return original(line)
    b.override(Chunked, 'size_line', size_line)


def extensions_unchecked(b):
    # Whatever follows ';' is skipped unread.
    b.override(Chunked, 'size_line', lambda chunked, original, line:
               original(line.split(b';', 1)[0].rstrip(b' \t')))


def stops_at_last_chunk(b):
    # The body ends at '0\r\n': the trailer is left for the next request.
    def line(chunked, original):
        if chunked.state == microdot_chunked.TRAILER:
            return b''  # taken for the empty line that ends the trailer
        return original()
    b.override(Chunked, 'line', line)


def no_crlf_check(b):
    b.replace(Chunked, 'after_data', lambda chunked, line: None)


def data_end_unchecked(b):
    # A line after chunk data is read as the next chunk-size line: the CRLF
    # that should end the data is not asked for.
    def line(chunked, original):
        state, read = chunked.state, original()
        if state == microdot_chunked.CRLF and read:
            protocol = chunked.protocol
            protocol.buf = read + b'\r\n' + protocol.buf  # read it again
            return b''
        return read
    b.override(Chunked, 'line', line)


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
    def line(chunked, original):
        buf = chunked.protocol.buf
        end = buf.find(b'\n')
        if end >= 0 and buf[end - 1:end] != b'\r':
            return None
        return original()
    b.override(Chunked, 'line', line)
    waits_forever(b)


def bare_cr_ends_lines(b):
    # A CR not followed by LF ends a line too.
    def line(chunked, original):
        buf = chunked.protocol.buf
        cr = buf.find(b'\r')
        if 0 <= cr < len(buf) - 1 and buf[cr + 1] != 10:
            chunked.protocol.buf = buf[cr + 1:]
            return buf[:cr]
        return original()
    b.override(Chunked, 'line', line)


def stops_on_bare_lf_chunks(b):
    # Chunk lines ended by a bare LF take the whole server down.
    def rewrite(data):
        if b'\r\n\r\n5\nhello\n' in data:
            fixture.app.shutdown()
        return data
    b.incoming(rewrite)


def eof_ends_chunked_body(b):
    # The client's close ends a chunked body as the last chunk would.
    def data(chunked, original, n):
        try:
            return original(n)
        except EOFError:
            chunked.state = microdot_chunked.DONE
            chunked.protocol.reading = False
            return b''
    b.override(Chunked, 'data', data)


def stalls_on_long_chunk_lines(b):
    # A chunk line longer than the line limit is waited for, for ever,
    # instead of refused.
    def line(chunked, original):
        protocol = chunked.protocol
        limit = protocol.max_line
        end = protocol.buf.find(b'\n')
        if end > limit or (end < 0 and len(protocol.buf) > limit):
            protocol.buf = protocol.buf[-limit:]
            return None
        return original()
    b.override(Chunked, 'line', line)
    waits_forever(b)


def stalls_on_long_trailers(b):
    # Past STALL_AFTER trailer lines, the end of the trailer is missed and
    # the server waits for more.
    def trailer_line(chunked, original, line):
        chunked.trailer_lines = getattr(chunked, 'trailer_lines', 0) + 1
        if chunked.trailer_lines > STALL_AFTER:
            return False
        return original(line)
    b.override(Chunked, 'trailer_line', trailer_line)
    waits_forever(b)


def merges_trailer(b):
    # Trailer fields join the header section as repeated fields would.
    def trailer_line(chunked, original, line):
        if line:
            chunked.protocol.trailer = getattr(chunked.protocol, 'trailer',
                                               []) + [line]
        return original(line)
    b.override(Chunked, 'trailer_line', trailer_line)

    async def read_request(server, original, conn, protocol):
        req, stream = await original(conn, protocol)
        for line in getattr(protocol, 'trailer', []):
            name, _, value = line.decode().partition(':')
            old = req.headers.get(name)
            value = value.strip()
            req.headers[name] = value if old is None else old + ', ' + value
        protocol.trailer = []
        return req, stream
    b.override(Server, 'read_request', read_request)


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
