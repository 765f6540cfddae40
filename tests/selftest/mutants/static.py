"""Mutants for conformance/cases/static.py.

The fixture imported ``send_file`` by name, so it is patched in the fixture
module (``app``), where the routes look it up.
"""
import app as fixture
import microdot
import microdot_http

from breakage import drop_header, replace_header


def _send_file_with(**overrides):
    original = fixture.send_file

    def send_file(filename, **kwargs):
        kwargs.update(overrides)
        return original(filename, **kwargs)
    return send_file


def _send_file_then(change):
    original = fixture.send_file

    def send_file(filename, **kwargs):
        res = original(filename, **kwargs)
        change(res)
        return res
    return send_file


def every_file_octet_stream(b):
    b.attr(microdot.Response, 'types_map', {})


def max_age_ignored(b):
    b.attr(fixture, 'send_file', _send_file_with(max_age=None))


def max_age_quoted(b):
    b.response_head(lambda head, res, req: head.replace(
        b'max-age=3600', b'max-age="3600"'))


def compressed_flag_ignored(b):
    b.attr(fixture, 'send_file', _send_file_with(compressed=False))


def first_piece_only(b):
    # A short read taken for the end of the file; the length is left out
    # so that the damage is in the content and not in the framing.
    original = microdot.Response.body_iter

    def body_iter(res):
        for piece in original(res):
            yield piece
            if hasattr(res.body, 'read'):
                return
    b.attr(microdot.Response, 'body_iter', body_iter)
    b.attr(fixture, 'send_file', _send_file_then(
        lambda res: res.headers.pop('Content-Length')))


def file_sent_until_close(b):
    # A file framed by closing the connection, with no Content-Length.
    original = microdot_http.framing

    def framing(res, req):
        if not hasattr(res.body, 'read'):
            return original(res, req)
        res.headers.pop('Content-Length')
        return 'close'
    b.attr(microdot_http, 'framing', framing)


def names_unchecked(b):
    b.attr(fixture, '_safe_name', lambda name: True)


_ORIGINAL_SAFE_NAME = fixture._safe_name


def _refusal_raises(name):
    if not _ORIGINAL_SAFE_NAME(name):
        raise RuntimeError('unsafe file name %r' % name)
    return True


def traversal_answered_500(b):
    b.attr(fixture, '_safe_name', _refusal_raises)


def missing_file_500(b):
    original = fixture.send_file

    def send_file(filename, **kwargs):
        try:
            return original(filename, **kwargs)
        except OSError as exc:
            raise RuntimeError('cannot open %s: %s' % (filename, exc))
    b.attr(fixture, 'send_file', send_file)


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
    b.attr(fixture, '_accepts_gzip', lambda request: True)


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
    'RFC9110-14.2-static-range': partial_content_whole_file,
    'RFC9110-15.5.17-416-content-range': unsatisfiable_without_content_range,
}
