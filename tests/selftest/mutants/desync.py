"""Mutants for conformance/cases/desync.py: servers that frame a request
otherwise than RFC 9112 does, and keep the connection for what follows."""
import microdot_http
import microdot_server

from mutants.framing import chunked_beats_length, length_beats_chunked, \
    lenient_length, padded_coding_ignored


def unfolds_then_chunked_beats_length(b):
    # obs-fold replaced by SP (RFC 9112 §5.2 allows it), the chunked coding
    # then used beside the Content-Length, and the connection kept.
    original = microdot_http.parse_head

    def parse_head(lines, headers):
        joined = lines[:1]
        for line in lines[1:]:
            if line[:1] in (b' ', b'\t') and len(joined) > 1:
                joined[-1] += b' ' + line.strip()
            else:
                joined.append(line)
        return original(joined, headers)
    b.attr(microdot_http, 'parse_head', parse_head)
    chunked_beats_length(b)


def bodiless_methods_read_no_body(b):
    # GET, HEAD and OPTIONS are taken to have no body, whatever the
    # Content-Length says.
    original = microdot_http.parse_head

    def parse_head(lines, headers):
        method, url, version = original(lines, headers)
        if method in ('GET', 'HEAD', 'OPTIONS'):
            headers.pop('Content-Length')
        return method, url, version
    b.attr(microdot_http, 'parse_head', parse_head)


def takes_buffered_bytes_as_body(b):
    # A request announcing no body gets whatever came with it as its body.
    original = microdot_server.read_request

    async def read_request(app, reader):
        req = await original(app, reader)
        if req is not None and req.headers.get('Content-Length') == '0':
            req._body, reader.buf = reader.buf, b''
        return req
    b.attr(microdot_server, 'read_request', read_request)


def reads_on_after_refusals(b):
    # Requests it refuses (invalid framing among them) leave the connection
    # open, and what follows their head is read as the next request; and
    # Transfer-Encoding beats Content-Length on a kept connection.
    original = microdot_server.send_response

    async def send_response(conn, res, req, keep):
        return await original(conn, res, req, keep or req is None)
    b.attr(microdot_server, 'send_response', send_response)
    chunked_beats_length(b)


MUTANTS = {
    'RFC9112-6.1-desync-cl-te': chunked_beats_length,
    'RFC9112-6.1-desync-cl-te-leading-comma': chunked_beats_length,
    'RFC9112-6.1-desync-cl-te-case': chunked_beats_length,
    'RFC9112-6.1-desync-cl-te-trailing-space': padded_coding_ignored,
    'RFC9112-6.1-desync-cl-te-tab': padded_coding_ignored,
    'RFC9112-6.1-desync-cl-te-length-plus': chunked_beats_length,
    'RFC9112-6.1-desync-cl-te-length-letters': chunked_beats_length,
    'RFC9112-6.1-desync-cl-te-hidden-head': chunked_beats_length,
    'RFC9112-6.1-desync-cl-te-obs-fold': unfolds_then_chunked_beats_length,
    'RFC9112-6.1-desync-te-cl': length_beats_chunked,
    'RFC9112-6.3-desync-two-cl-zero-first': lenient_length(
        lambda v: int(v.split(',')[0])),
    'RFC9112-6.3-desync-two-cl-zero-last': lenient_length(
        lambda v: int(v.split(',')[-1])),
    'RFC9112-6.3-desync-two-cl-short-first': lenient_length(
        lambda v: int(v.split(',')[0])),
    'RFC9112-6.3-get-body-framed': bodiless_methods_read_no_body,
    'RFC9112-6.3-head-body-framed': bodiless_methods_read_no_body,
    'RFC9112-6.3-options-body-framed': bodiless_methods_read_no_body,
    'RFC9112-6.3-cl-zero-then-request': takes_buffered_bytes_as_body,
    'RFC9112-6-fuzz-desync': reads_on_after_refusals,
}
