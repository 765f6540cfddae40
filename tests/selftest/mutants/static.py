"""Mutants for conformance/cases/static.py.

The fixture imported ``send_file`` by name, so it is patched in the fixture
module (``app``), where the routes look it up.
"""
import app as fixture
import microdot


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


def file_size_not_sent(b):
    b.attr(fixture, 'send_file', _send_file_then(
        lambda res: res.headers.pop('Content-Length')))


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


def _file_head_unsized(res, req):
    if req is not None and req.method == 'HEAD' and hasattr(res.body, 'read'):
        res.headers.pop('Content-Length')


def no_length_on_file_head(b):
    b.before_send(_file_head_unsized)


MUTANTS = {
    'RFC9110-8.3-static-content-type': every_file_octet_stream,
    'RFC9111-5.2.2.1-static-cache-control': max_age_ignored,
    'RFC9110-8.4-static-gzip': compressed_flag_ignored,
    'RFC9110-9.3.1-static-byte-exact': first_piece_only,
    'RFC9110-8.6-static-content-length': file_size_not_sent,
    'RFC9110-17.3-static-traversal': names_unchecked,
    'RFC9110-15.5-static-traversal-4xx': traversal_answered_500,
    'RFC9110-15.5.5-static-missing-404': missing_file_500,
    'RFC9110-9.3.2-static-head-no-body': file_body_on_head,
    'RFC9110-9.3.2-static-head-content-length': no_length_on_file_head,
}
