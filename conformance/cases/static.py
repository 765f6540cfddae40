"""Static files: /static/<path:name> and /gzip/<name> serve fixtures/files/
(RFC 9110 §8.3, §8.4, §8.6, §9.3.1, §9.3.2, §17.3; RFC 9111 §5.2.2.1).

The harness runs beside the repository, so the expected bytes are read from
the fixture files themselves.
"""
import gzip
import os

from conformance.case import MUST, SHOULD, case
from conformance.contract import ask, media_type
from conformance.probe import show_bytes
from mpy_http_conformance import fixture_path

FILES_DIR = fixture_path('files')
JAVASCRIPT = ('text/javascript', 'application/javascript',
              'application/x-javascript', 'application/ecmascript',
              'text/ecmascript')
MEDIA_TYPES = {  # the fixture contract's types by extension
    'index.html': ('text/html',), 'style.css': ('text/css',),
    'app.js': JAVASCRIPT, 'data.json': ('application/json',),
    'logo.png': ('image/png',), 'readme.txt': ('text/plain',),
    'blob.bin': ('application/octet-stream',),
}
FILES = sorted(MEDIA_TYPES)
# Ways to spell "the folder above" in a path (RFC 3986 §2.1, §3.3), and the
# files found there: the fixture app (CPython: fixtures/app.py; a board:
# /conformance_app.py beside /main.py and /settings.json).
UP = ['../', '%2e%2e/', '%2E%2E/', '..%2f', '..%2F', '%2e%2e%2f', '..\\',
      '..%5c', '.%2e/', './../']
OUTSIDE = ['app.py', 'conformance_app.py']
TRAVERSALS = ['/static/' + up + name for up in UP for name in OUTSIDE] + [
    '/static/../main.py', '/static/..%2fsettings.json',
    '/static//etc/passwd', '/static/%2fetc%2fpasswd',
    '/static/' + '..%2f' * 8 + 'etc%2fpasswd', '/static/sub/../../app.py',
    '/gzip/..%2fapp.py', '/gzip/..%5capp.py']
# What those files hold (only these markers are reported, never the file:
# a board's settings.json holds its WiFi password).
LEAK_MARKERS = (b'def _safe_name', b'Microdot()', b'CONFORMANCE READY',
                b'"wifi_ssid"', b'root:x:0:0', b'root:*:0:0')
MISSING = ['/static/nope.txt', '/static/no/such/file.css', '/gzip/nope.txt',
           '/gzip/index.html']


def file_bytes(name):
    with open(os.path.join(FILES_DIR, name), 'rb') as f:
        return f.read()


def leaked(body):
    return [m.decode() for m in LEAK_MARKERS if m in body]


@case('RFC9110-8.3-static-content-type', 'RFC 9110 §8.3', SHOULD,
      'A static file is labelled with the media type of its extension')
def static_content_type(probe):
    for name in FILES:
        reply, _ = ask(probe, '/static/' + name)
        probe.expect_status(reply, 200)
        probe.expect(media_type(reply) in MEDIA_TYPES[name],
                     'Content-Type %s for %s' % (
                         ' or '.join(MEDIA_TYPES[name]), name),
                     'Content-Type: %s' % reply.header('Content-Type'))
    reply, _ = ask(probe, '/gzip/readme.txt')
    probe.expect(media_type(reply) == 'text/plain', 'Content-Type '
                 'text/plain for the gzip-encoded readme.txt (the type of '
                 'the content, not of its encoding)',
                 'Content-Type: %s' % reply.header('Content-Type'))


@case('RFC9111-5.2.2.1-static-cache-control', 'RFC 9111 §5.2.2.1', SHOULD,
      'A static file carries the Cache-Control max-age the application set '
      '(3600), in token form')
def static_cache_control(probe):
    for path in ('/static/index.html', '/static/blob.bin',
                 '/gzip/readme.txt'):
        reply, _ = ask(probe, path)
        probe.expect_status(reply, 200)
        value = ', '.join(reply.header_values('Cache-Control'))
        directives = [d.strip().lower() for d in value.split(',')]
        probe.expect('max-age=3600' in directives,
                     'Cache-Control: max-age=3600 on %s' % path,
                     'Cache-Control: %s' % (value or None))


@case('RFC9110-8.4-static-gzip', 'RFC 9110 §8.4', MUST,
      'Gzip-compressed content is sent with Content-Encoding: gzip')
def static_gzip(probe):
    reply, _ = ask(probe, '/gzip/readme.txt')
    probe.expect_status(reply, 200)
    codings = [c.strip().lower() for c in ', '.join(
        reply.header_values('Content-Encoding')).split(',') if c.strip()]
    probe.expect(codings in (['gzip'], ['x-gzip']),
                 'Content-Encoding: gzip', 'Content-Encoding: %s' %
                 reply.header('Content-Encoding'))
    try:
        content = gzip.decompress(reply.body)
    except (OSError, EOFError) as exc:
        content = 'not gzip (%s): %s' % (exc, show_bytes(reply.body[:40]))
    probe.expect(content == file_bytes('readme.txt'),
                 'content that gunzips to files/readme.txt', content)


@case('RFC9110-9.3.1-static-byte-exact', 'RFC 9110 §9.3.1', MUST,
      'GET of a static file transfers the file exactly, byte for byte')
def static_byte_exact(probe):
    for name in FILES:
        reply, _ = ask(probe, '/static/' + name)
        probe.expect_status(reply, 200)
        expected = file_bytes(name)
        probe.expect(reply.body == expected, 'the %d bytes of files/%s' % (
            len(expected), name), _difference(reply.body, expected))


def _difference(got, expected):
    at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
              min(len(got), len(expected)))
    return '%d bytes, differing from offset %d: %s' % (
        len(got), at, show_bytes(got[at:at + 24]))


@case('RFC9110-8.6-static-content-length', 'RFC 9110 §8.6', SHOULD,
      'A static file, whose size is known in advance, is sent with a '
      'Content-Length equal to that size')
def static_content_length(probe):
    for name in FILES:
        reply, _ = ask(probe, '/static/' + name)
        probe.expect_status(reply, 200)
        size = len(file_bytes(name))
        probe.expect(reply.header('Content-Length') == str(size),
                     'Content-Length: %d for %s' % (size, name),
                     'Content-Length: %s (Transfer-Encoding: %s)' % (
                         reply.header('Content-Length'),
                         reply.header('Transfer-Encoding')))


@case('RFC9110-17.3-static-traversal', 'RFC 9110 §17.3; RFC 2616 §15.2',
      MUST, 'A file outside the static folder is never served, however the '
      'path spells "..", "/" or "\\"')
def static_traversal(probe):
    for path in TRAVERSALS:
        reply, _ = ask(probe, path)
        found = leaked(reply.body)
        probe.expect(not found, 'not the content of a file outside '
                     'fixtures/files for %s' % path, '%s with %s in its '
                     'content' % (reply.describe(), ', '.join(found)))


@case('RFC9110-15.5-static-traversal-4xx', 'RFC 9110 §15.5, §17.3', SHOULD,
      'A path that reaches outside the static folder is answered with a '
      'client error (4xx)')
def static_traversal_status(probe):
    for path in TRAVERSALS:
        reply, _ = ask(probe, path)
        probe.expect(reply.status is not None and 400 <= reply.status < 500,
                     'a 4xx for %s' % path, reply.describe())


@case('RFC9110-15.5.5-static-missing-404', 'RFC 9110 §15.5.5', SHOULD,
      'A static file that does not exist is answered with 404 (not a 5xx)')
def static_missing(probe):
    for path in MISSING:
        reply, _ = ask(probe, path)
        probe.expect(reply.status == 404, '404 for %s' % path,
                     reply.describe())


@case('RFC9110-9.3.2-static-head-no-body', 'RFC 9110 §9.3.2', MUST,
      'HEAD of a static file is answered without content')
def static_head_no_body(probe):
    for path in ('/static/blob.bin', '/static/index.html',
                 '/gzip/readme.txt'):
        reply, extra = ask(probe, path, 'HEAD')
        probe.expect_status(reply, 200)
        probe.expect(not extra, 'no bytes after the head of HEAD %s' % path,
                     '%d bytes: %s' % (len(extra), show_bytes(extra[:60])))


@case('RFC9110-9.3.2-static-head-content-length', 'RFC 9110 §9.3.2', SHOULD,
      'HEAD of a static file carries the Content-Length a GET would get')
def static_head_length(probe):
    for path in ('/static/blob.bin', '/gzip/readme.txt'):
        get, _ = ask(probe, path)
        head, _ = ask(probe, path, 'HEAD')
        probe.expect(head.header('Content-Length') == get.header(
            'Content-Length'), 'the same Content-Length for GET and HEAD %s'
            % path, 'GET %s, HEAD %s' % (get.header('Content-Length'),
                                         head.header('Content-Length')))
