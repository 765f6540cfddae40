"""Mutants for conformance/cases/static.py.

A broken static handler is a route served ahead of the fixture's own
(``Breakage.route``), written like it with one flaw."""
import email.utils

from microdot import Response, abort, send_file
from microdot_http import CLOSE
from microdot_server import Server

import app as fixture
from breakage import drop_header, replace_header
from mutants.request_line import garbles_answer_to, stall_on


def safe_name(name):
    # The fixture's check: a name from the URL stays inside its folder.
    parts = name.split('/')
    return '\\' not in name and '' not in parts and '.' not in parts and \
        '..' not in parts


def static_route(b, send=send_file, check=safe_name, missing=(OSError,
                                                              ValueError)):
    """/static/<path:name> served like the fixture does, but with ``send``
    for send_file, ``check`` for its name check (False: 404) and
    ``missing``, the errors that mean "no such file" (404)."""
    def static(request, name):
        if not check(name):
            abort(404)
        try:
            return send(fixture.FILES_DIR + '/' + name, max_age=3600)
        except missing:
            abort(404)
    b.route('/static/<path:name>', static)


def gzip_route(b, compressed, accepts=lambda request: True):
    """/gzip/<name> served like the fixture does, the .gz file sent with
    ``compressed`` as its flag whenever ``accepts(request)``."""
    def gzipped(request, name):
        if not safe_name(name):
            abort(404)
        path = fixture.FILES_DIR + '/' + name
        try:
            if accepts(request):
                res = send_file(path, max_age=3600, compressed=compressed,
                                file_extension='.gz')
            else:
                res = send_file(path, max_age=3600)
        except (OSError, ValueError):
            abort(404)
        res.headers['Vary'] = 'Accept-Encoding'
        return res
    b.route('/gzip/<name>', gzipped)


def every_file_octet_stream(b):
    b.attr(Response, 'types_map', {})


def max_age_ignored(b):
    static_route(b, lambda filename, max_age: send_file(filename))


def max_age_quoted(b):
    b.response_head(lambda head, res, req: head.replace(
        b'max-age=3600', b'max-age="3600"'))


def compressed_flag_ignored(b):
    gzip_route(b, compressed=False)


class _FirstPiece:
    # A file whose first read is taken for all of it.
    def __init__(self, f):
        self.f = f
        self.done = False

    def read(self, n):
        if self.done:
            return b''
        self.done = True
        return self.f.read(n)

    def close(self):
        self.f.close()


def first_piece_only(b):
    # A short read taken for the end of the file; the length is left out
    # so that the damage is in the content and not in the framing.
    def send(filename, **kwargs):
        res = send_file(filename, **kwargs)
        res.body = _FirstPiece(res.body)
        res.headers.pop('Content-Length')
        return res
    static_route(b, send)


def file_sent_until_close(b):
    # A file framed by closing the connection, with no Content-Length.
    async def send(server, original, conn, res, req, keep):
        if not hasattr(res.body, 'read') or req is None or \
                req.method == 'HEAD':
            return await original(conn, res, req, keep)
        conn.write(server.head(conn, res, req, False, CLOSE, None))
        await server.send_pieces(conn, res, False)
        return False
    b.override(Server, 'send', send)


def names_unchecked(b):
    static_route(b, check=lambda name: True)


def _refusal_raises(name):
    if not safe_name(name):
        raise RuntimeError('unsafe file name %r' % name)
    return True


def traversal_answered_500(b):
    static_route(b, check=_refusal_raises)


def missing_file_500(b):
    def send(filename, **kwargs):
        try:
            return send_file(filename, **kwargs)
        except OSError as exc:
            raise RuntimeError('cannot open %s: %s' % (filename, exc))
    static_route(b, send)


def _file_head_as_get(res, req):
    if req is not None and req.method == 'HEAD' and hasattr(res.body, 'read'):
        req.method = 'GET'


def file_body_on_head(b):
    b.before_send(_file_head_as_get)


def file_head_one_more(b):
    # HEAD announces a byte more than GET sends.
    b.response_head(lambda head, res, req: replace_header(
        head, 'Content-Length', b'%d' % (int(res.headers['Content-Length'])
                                         + 1))
        if req is not None and req.method == 'HEAD' and
        hasattr(res.body, 'read') else head)


def gzip_whatever_is_accepted(b):
    gzip_route(b, compressed=True)


def no_vary(b):
    b.response_head(lambda head, res, req: drop_header(head, 'Vary'))


def _file_answer(field, change):
    """``change(res)`` on the answer to a GET of a file that carried the
    request header ``field``."""
    def apply(res, req):
        if req is not None and field in req.headers and \
                hasattr(res.body, 'read'):
            change(res)
    return apply


def not_modified_without_cache_control(b):
    # Every If-None-Match answered 304, without the 200's Cache-Control.
    def not_modified(res):
        res.status_code = 304
        res.headers.pop('Cache-Control')
    b.before_send(_file_answer('If-None-Match', not_modified))


def not_modified_with_content(b):
    # Every If-Modified-Since answered 304, the file sent after its head.
    b.before_send(_file_answer('If-Modified-Since', lambda res: setattr(
        res, 'status_code', 304)))
    b.response_head(lambda head, res, req: head + b'stale content'
                    if res.status_code == 304 else head)


def partial_content_whole_file(b):
    # A 206 that names the range asked for and sends the whole file.
    def partial(res):
        res.status_code = 206
        res.headers['Content-Range'] = 'bytes 10-19/%s' % \
            res.headers['Content-Length']
    b.before_send(_file_answer('Range', partial))


def unsatisfiable_without_content_range(b):
    def refuse(res):
        res.body.close()
        res.status_code, res.body = 416, b''
        res.headers.pop('Content-Length')
    b.before_send(_file_answer('Range', refuse))


def name_cut_at_nul(b):
    # File names end at a NUL, as C strings do: "readme.txt\x00.html" opens
    # readme.txt.
    static_route(b, lambda filename, **kwargs: send_file(
        filename.split('\x00')[0], **kwargs))


# ---------------------------------------------------- conditional requests
# The reference ignores conditions. These servers give files an ETag and a
# Last-Modified and answer conditions, each with one flaw.

ETAG = '"conformance-v1"'
LAST_MODIFIED = 'Mon, 01 Jan 2024 00:00:00 GMT'


def _date(value):
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def weak_match(value):
    tags = [tag.strip() for tag in value.split(',')]
    return '*' in tags or any(tag.replace('W/', '', 1) == ETAG
                              for tag in tags)


def not_modified_since(value):
    date = _date(value)
    return date is not None and date >= _date(LAST_MODIFIED)


def evaluated(headers, inm=weak_match, ims=not_modified_since,
              inm_first=True):
    """Whether the client's copy is current (RFC 9110 §13.2.2, unless
    ``inm_first`` is False)."""
    order = ['If-None-Match', 'If-Modified-Since']
    tests = {'If-None-Match': inm, 'If-Modified-Since': ims}
    for field in order if inm_first else order[::-1]:
        if field in headers:
            return tests[field](headers[field])
    return False


def validating(current=evaluated, stale_content=False):
    """Files with an ETag and a Last-Modified, answered with 304 when
    ``current(request headers)``; with ``stale_content``, the file is sent
    after the 304's head all the same."""
    def apply(res, req):
        if req is None or req.method != 'GET' or res.status_code != 200 or \
                not hasattr(res.body, 'read'):
            return
        res.headers['ETag'] = ETAG
        res.headers['Last-Modified'] = LAST_MODIFIED
        if current(req.headers):
            res.status_code = 304

    def mutant(b):
        b.before_send(apply)
        if stale_content:
            b.response_head(lambda head, res, req: head + b'stale content'
                            if res.status_code == 304 else head)
    return mutant


def _exact_match(value):
    return value == ETAG


def _unquoted_match(value):
    return value.strip('"') == ETAG.strip('"')


def _bad_date_is_current(value):
    return _date(value) is None or not_modified_since(value)


# --------------------------------------------------------------------- Range

def _range_500(broken):
    """A 500 instead of the file when ``broken(the Range value)``."""
    def crash(res, req):
        spec = req.headers.get('Range') if req is not None else None
        if spec is not None and broken(spec):
            if hasattr(res.body, 'close'):
                res.body.close()
            res.status_code, res.body = 500, b'range trouble'
            res.headers.pop('Content-Length')

    def mutant(b):
        b.before_send(crash)
    return mutant


# One part built per range: many ranges run the server out of memory.
many_ranges_500 = _range_500(lambda spec: spec.count(',') > 100)


MUTANTS = {
    'RFC9110-12.5.3-unaccepted-coding': gzip_whatever_is_accepted,
    'RFC9110-12.5.5-vary-accept-encoding': no_vary,
    'CONTRACT-static-content-type': every_file_octet_stream,
    'CONTRACT-static-cache-control': max_age_ignored,
    'RFC9111-5.2.2.1-max-age-token-form': max_age_quoted,
    'RFC9110-8.4-static-gzip': compressed_flag_ignored,
    'CONTRACT-static-byte-exact': first_piece_only,
    'RFC9110-8.6-static-content-length': file_sent_until_close,
    'CONTRACT-static-traversal': names_unchecked,
    'CONTRACT-static-traversal-4xx': traversal_answered_500,
    'CONTRACT-static-missing-404': missing_file_500,
    'RFC9110-9.3.2-static-head-no-body': file_body_on_head,
    'RFC9110-8.6-static-head-content-length': file_head_one_more,
    'RFC9110-13.1.2-static-if-none-match': not_modified_without_cache_control,
    'RFC9110-13.1.3-static-if-modified-since': not_modified_with_content,
    'RFC9110-14.2-static-range': stall_on(b'Range: bytes=10-19'),
    'RFC9110-15.3.7-206-single-range': partial_content_whole_file,
    'RFC9110-15.5.17-416-content-range': unsatisfiable_without_content_range,
    'CONTRACT-static-nul-in-name': name_cut_at_nul,
    'RFC9110-13.1.3-ims-ignored-beside-inm': validating(
        lambda headers: evaluated(headers, inm_first=False)),
    'RFC9110-13.1.2-inm-asterisk': validating(
        lambda headers: evaluated(headers, inm=_exact_match)),
    'RFC9110-13.1.2-inm-weak-comparison': validating(
        lambda headers: evaluated(headers, inm=_exact_match)),
    'RFC9110-8.8.3-inm-unquoted': validating(
        lambda headers: evaluated(headers, inm=_unquoted_match)),
    'RFC9110-13.1.3-ims-invalid-date': validating(
        lambda headers: evaluated(headers, ims=_bad_date_is_current)),
    'RFC9110-13.1.3-ims-future-date': validating(stale_content=True),
    'RFC9110-14.2-range-invalid': stall_on(b'Range: bytes=abc-xyz'),
    'RFC9110-14.2-range-overlapping': garbles_answer_to(
        lambda req: ',' in req.headers.get('Range', '')),
    'CONTRACT-range-ignored-or-refused': many_ranges_500,
}
