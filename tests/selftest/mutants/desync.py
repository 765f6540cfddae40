"""Mutants for conformance/cases/desync.py: servers that frame a request
otherwise than RFC 9112 does, and keep the connection for what follows."""
from microdot_http import Protocol
from microdot_server import Server

from mutants.framing import chunked_beats_length, length_beats_chunked, \
    lenient_length, padded_coding_ignored, patch_head


def unfolds_then_chunked_beats_length(b):
    # obs-fold replaced by SP (RFC 9112 §5.2 allows it), the chunked coding
    # then used beside the Content-Length, and the connection kept.
    def head_fields(protocol, original, lines):
        joined = lines[:1]
        for line in lines[1:]:
            if line[:1] in (b' ', b'\t') and len(joined) > 1:
                joined[-1] += b' ' + line.strip()
            else:
                joined.append(line)
        return original(joined)
    b.override(Protocol, 'head_fields', head_fields)
    chunked_beats_length(b)


def bodiless_methods_read_no_body(b):
    # GET, HEAD and OPTIONS are taken to have no body, whatever the
    # Content-Length says.
    def broken(lines, original):
        method, url, version, headers = original(lines)
        if method in ('GET', 'HEAD', 'OPTIONS'):
            headers.pop('Content-Length')
        return method, url, version, headers
    patch_head(b, broken)


def takes_buffered_bytes_as_body(b):
    # A request announcing no body gets whatever came with it as its body.
    async def read_request(server, original, conn, protocol):
        req, stream = await original(conn, protocol)
        if req is not None and req.headers.get('Content-Length') == '0':
            body, protocol.buf = protocol.buf, b''
            req = type(req)(req.app, req.client_addr, req.method, req.url,
                            req.http_version, req.headers, body)
        return req, stream
    b.override(Server, 'read_request', read_request)


def reads_on_after_refusals(b):
    # Requests it refuses (invalid framing among them) leave the connection
    # open, and what follows their head is read as the next request; and
    # Transfer-Encoding beats Content-Length on a kept connection.
    def send(server, original, conn, res, req, keep):
        return original(conn, res, req, keep or req is None)
    b.override(Server, 'send', send)
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
