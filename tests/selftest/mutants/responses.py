"""Mutants for conformance/cases/responses.py."""
import time

import microdot_http
from microdot_server import Server

from breakage import add_header, drop_header, replace_header


def _bytes_body(res):
    return isinstance(res.body, bytes)


def length_counts_crlf(b):
    # Content-Length counted with the CRLF that ends the head (on /bytes/
    # only, so that the liveness check of GET / is not slowed down).
    b.response_head(lambda head, res, req: replace_header(
        head, 'Content-Length', b'%d' % (len(res.body) + 2))
        if _bytes_body(res) and req is not None and
        req.path.startswith('/bytes/') else head)


def bytes_one_short(b):
    # /bytes/<n> off by one, and framed as what it is.
    def shorten(res, req):
        if req is not None and req.path.startswith('/bytes/') and \
                _bytes_body(res):
            res.body = res.body[:-1]
    b.before_send(shorten)


def error_length_short(b):
    # The error text grew after its length was taken.
    b.response_head(lambda head, res, req: replace_header(
        head, 'Content-Length', b'%d' % max(len(res.body) - 2, 0))
        if _bytes_body(res) and res.status_code >= 400 else head)


def no_content_type(b):
    b.response_head(lambda head, res, req: drop_header(head, 'Content-Type'))


def json_as_text(b):
    def relabel(res, req):
        if (res.headers.get('Content-Type') or '').startswith(
                'application/json'):
            res.headers['Content-Type'] = 'text/plain'
    b.before_send(relabel)


def body_after(status, body):
    # The head of a bodiless status followed by content anyway.
    def mutant(b):
        b.response_head(lambda head, res, req: head + body
                        if res.status_code == status else head)
    return mutant


def length_on_204(b):
    b.response_head(lambda head, res, req: add_header(
        head, b'Content-Length: 0') if res.status_code == 204 else head)


def no_date(b):
    b.response_head(lambda head, res, req: drop_header(head, 'Date'))


def unset_clock_published(b):
    # A board's clock that nobody set, published: it started at 2000-01-01.
    b.response_head(lambda head, res, req: replace_header(
        head, 'Date', b'Sat, 01 Jan 2000 00:00:05 GMT')
        if b'\r\nDate:' in head else head)


def _streamed(res):
    return not isinstance(res.body, (bytes, type(None)))


def stream_closed_silently(b):
    # Delimited by the close, without saying Connection: close.
    async def send(server, original, conn, res, req, keep):
        if req is None or not _streamed(res) or req.method == 'HEAD':
            return await original(conn, res, req, keep)
        conn.write(drop_header(server.head(conn, res, req, False,
                                           microdot_http.CLOSE, None),
                               'Connection'))
        await server.send_pieces(conn, res, False)
        return False
    b.override(Server, 'send', send)


def chunked_label_plain_body(b):
    # Transfer-Encoding: chunked in the head, the pieces sent unframed.
    b.override(Server, 'send_pieces', lambda server, original, conn, res,
               chunked: original(conn, res, False))


def chunked_to_http10(b):
    # An HTTP/1.0 client's streamed answer framed as an HTTP/1.1 one's.
    def send(server, original, conn, res, req, keep):
        if req is not None and req.http_version == '1.0' and _streamed(res):
            req.http_version = '1.1'
        return original(conn, res, req, keep)
    b.override(Server, 'send', send)


def length_beside_chunked(b):
    b.response_head(lambda head, res, req: add_header(
        head, b'Content-Length: 0')
        if b'Transfer-Encoding: chunked' in head else head)


def values_unchecked(b):
    # CR and LF in header values (a cookie, a Location) reach the wire.
    from mutants.cookies import cookie_value_unchecked
    from mutants.redirects import redirect_checking
    cookie_value_unchecked(b)
    redirect_checking(b, lambda location: None)


def second_content_type(b):
    b.response_head(lambda head, res, req: add_header(
        head, b'Content-Type: text/plain')
        if b'\r\nContent-Type:' in head else head)


def content_on_205(b):
    # A 205 framed as any other status, with the content its handler gave.
    async def send(server, original, conn, res, req, keep):
        if res.status_code != 205:
            return await original(conn, res, req, keep)
        body = b'status 205'
        head = server.head(conn, res, req, keep, microdot_http.LENGTH,
                           len(body))
        conn.write(replace_header(head, 'Content-Length',
                                  b'%d' % len(body)) + body)
        await conn.drain()
        return keep
    b.override(Server, 'send', send)


def date_beside_the_application_date(b):
    # The server's Date goes out whatever the application set.
    b.response_head(lambda head, res, req: add_header(
        head, b'Date: ' + microdot_http.http_date(time.gmtime()).encode())
        if 'Date' in res.headers else head)


MUTANTS = {
    'RFC9110-8.6-content-length-matches': length_counts_crlf,
    'CONTRACT-fixed-bodies': bytes_one_short,
    'RFC9110-8.6-error-content-length': error_length_short,
    'RFC9110-8.3-content-type': no_content_type,
    'CONTRACT-json-content-type': json_as_text,
    'RFC9110-15.3.5-204-no-content': body_after(204, b'status 204'),
    'RFC9110-8.6-204-no-content-length': length_on_204,
    'RFC9110-15.4.5-304-no-content': body_after(304, b'status 304'),
    'RFC9110-15.3.6-205-no-content': content_on_205,
    'RFC9110-5.3-own-date-once': date_beside_the_application_date,
    'RFC9110-6.6.1-date': no_date,
    'RFC9110-6.6.1-no-date-without-clock': unset_clock_published,
    'RFC9112-6.3-stream-framing': chunked_label_plain_body,
    'RFC9112-9.6-close-delimited-says-close': stream_closed_silently,
    'RFC9112-6.1-no-chunked-to-http10': chunked_to_http10,
    'RFC9112-6.2-no-content-length-with-te': length_beside_chunked,
    'RFC9110-5.5-field-syntax': values_unchecked,
    'RFC9110-5.3-no-repeated-singleton': second_content_type,
}
