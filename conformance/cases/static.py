"""Static files: /static/<path:name> and /gzip/<name> serve fixtures/files/
(RFC 9110 §8.4, §8.6, §9.3.2; RFC 9111 §5.2.2.1; what the routes answer,
their types, caching and refusals, is the fixture contract's).

The harness runs beside the repository, so the expected bytes are read from
the fixture files themselves.
"""
import email.utils
import gzip
import os
import re
import zlib

from conformance.case import MAY, MUST, SHOULD, case
from conformance.contract import ask, ask_each, media_type
from conformance.probe import extra_text, header_text, quoted
from conformance.rules import WELL_FORMED
from mpy_http_conformance import fixture_path

CONTRACT = 'fixtures/CONTRACT.md (Routes)'
# the cases that judge a GET of a file, which the others stand on
FILE_SERVED = {'/static/': 'CONTRACT-static-byte-exact',
               '/gzip/': 'RFC9110-8.4-static-gzip'}

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
# Ways to spell "the folder above" in a path (RFC 3986 §2.1, §3.3). Above
# the served folder lies the contract's canary (fixtures/canary.txt, on a
# board /canary.txt beside /settings.json), whatever framework serves it.
UP = ['../', '%2e%2e/', '%2E%2E/', '..%2f', '..%2F', '%2e%2e%2f', '..\\',
      '..%5c', '.%2e/', './../']
TRAVERSALS = ['/static/' + up + 'canary.txt' for up in UP] + [
    '/static/..%2fsettings.json', '/static/sub/../../canary.txt',
    '/static//etc/passwd', '/static/%2fetc%2fpasswd',
    '/static/' + '..%2f' * 8 + 'etc%2fpasswd',
    '/gzip/..%2fcanary.txt', '/gzip/..%5ccanary.txt']
# What those files hold (only these markers are reported, never the file:
# a board's settings.json holds its WiFi password).
LEAK_MARKERS = (b'CONFORMANCE-CANARY-5f2c', b'"wifi_ssid"', b'root:x:0:0',
                b'root:*:0:0')
MISSING = ['/static/nope.txt', '/static/no/such/file.css', '/gzip/nope.txt',
           '/gzip/index.html']
# routes whose Cache-Control, if any, is judged (the fixture sets max-age on
# the static ones)
CACHE_ROUTES = ['/', '/echo', '/static/index.html', '/static/blob.bin',
                '/gzip/readme.txt', '/no/such/resource', '/redirect/302?to=/']
MAX_AGE = re.compile(r'(?i)max-age\s*(=|$)')  # not s-maxage, not max-age-x
MAX_AGE_TOKEN = re.compile(r'(?i)max-age=[0-9]+$')
DECODERS = {'gzip': gzip.decompress, 'x-gzip': gzip.decompress,
            'deflate': zlib.decompress, 'identity': lambda data: data}


def _served(probe, path):
    """The 200 to GET ``path`` (a file of the contract's), which a case
    stands on before it judges what it is about: a server that does not
    serve the file is judged by the case FILE_SERVED names, and this case
    is BLOCKED."""
    route = '/' + path.split('/')[1] + '/'
    with probe.stands_on(FILE_SERVED[route]):
        reply, _ = ask(probe, path)
        probe.expect_status(reply, 200)
    return reply


def file_bytes(name):
    with open(os.path.join(FILES_DIR, name), 'rb') as f:
        return f.read()


def leaked(body):
    return [m.decode() for m in LEAK_MARKERS if m in body]


def cache_directives(reply):
    """The Cache-Control directives of a reply, as written."""
    return [d.strip() for d in ', '.join(
        reply.header_values('Cache-Control')).split(',') if d.strip()]


def content_codings(reply):
    return [c.strip().lower() for c in ', '.join(
        reply.header_values('Content-Encoding')).split(',') if c.strip()]


@case('CONTRACT-static-content-type', CONTRACT, MUST,
      'A static file is labelled with the media type of its extension')
def static_content_type(probe):
    for name in FILES:
        reply = _served(probe, '/static/' + name)
        probe.expect(media_type(reply) in MEDIA_TYPES[name],
                     'Content-Type %s for %s' % (
                         ' or '.join(MEDIA_TYPES[name]), name),
                     header_text(reply, 'Content-Type'))
    reply, _ = ask(probe, '/gzip/readme.txt')
    probe.expect(media_type(reply) == 'text/plain', 'Content-Type '
                 'text/plain for the gzip-encoded readme.txt (the type of '
                 'the content, not of its encoding)',
                 header_text(reply, 'Content-Type'))


@case('CONTRACT-static-cache-control', CONTRACT, MUST,
      'A static file carries the Cache-Control max-age the application set '
      '(3600)')
def static_cache_control(probe):
    for path in ('/static/index.html', '/static/blob.bin',
                 '/gzip/readme.txt'):
        reply = _served(probe, path)
        probe.expect('max-age=3600' in [d.lower() for d in
                                         cache_directives(reply)],
                     'Cache-Control: max-age=3600 on %s' % path,
                     header_text(reply, 'Cache-Control'))


@case('RFC9111-5.2.2.1-max-age-token-form', 'RFC 9111 §5.2.2.1', MUST,
      'A max-age directive is sent in token form (max-age=5), never as a '
      'quoted-string (max-age="5")')
def max_age_token_form(probe):
    judged = 0
    routes = CACHE_ROUTES if probe.target.contract else [
        probe.path, probe.missing_path]
    for path, reply, _ in ask_each(probe, routes):
        for directive in cache_directives(reply):
            if MAX_AGE.match(directive):
                judged += 1
                probe.expect(MAX_AGE_TOKEN.match(directive),
                             'max-age=<delta-seconds> in token form on %s'
                             % path, header_text(reply, 'Cache-Control'))
    if not judged:
        probe.not_applicable('no max-age directive in the answers to ' +
                             ', '.join(routes))


def decoded(reply):
    """The content of ``reply`` with its Content-Encoding undone, or why it
    cannot be; None when the harness cannot decode one of the codings."""
    content = reply.body
    for coding in reversed(content_codings(reply)):
        if coding not in DECODERS:
            return None
        try:
            content = DECODERS[coding](content)
        except (OSError, EOFError, zlib.error) as exc:
            return 'not %s (%s): %s' % (coding, exc, quoted(content, 40))
    return content


@case('RFC9110-8.4-static-gzip', 'RFC 9110 §8.4', MUST,
      'The Content-Encoding of a file served from its gzip copy lists the '
      'codings its content has: gzip, or none for the file itself')
def static_gzip(probe):
    reply, _ = ask(probe, '/gzip/readme.txt')
    probe.expect_status(reply, 200)
    content = decoded(reply)
    if content is None:
        probe.not_applicable('the content is coded as the harness cannot '
                             'decode: ' + header_text(reply,
                                                      'Content-Encoding'))
    probe.expect(content == file_bytes('readme.txt'), 'content that, '
                 'decoded as its Content-Encoding says, is files/readme.txt',
                 '%s; the content, decoded so, %s' % (
                     header_text(reply, 'Content-Encoding'),
                     _difference(content, file_bytes('readme.txt'))
                     if isinstance(content, bytes) else 'is ' + content))


def _codings(reply):
    return [c.strip().lower() for c in ', '.join(
        reply.header_values('Content-Encoding')).split(',') if c.strip()]


def _gzip_asked(probe, accept):
    reply, _ = ask(probe, '/gzip/readme.txt',
                   headers=[('Accept-Encoding', accept)])
    return reply


@case('RFC9110-12.5.3-unaccepted-coding', 'RFC 9110 §12.5.3', SHOULD,
      'A client whose Accept-Encoding does not list gzip ("identity", '
      '"gzip;q=0") gets the content without a content coding')
def unaccepted_coding(probe):
    for accept in ('identity', 'gzip;q=0'):
        reply = _gzip_asked(probe, accept)
        if reply.status == 406:
            continue  # "not acceptable" is an answer too
        probe.expect_status(reply, 200)
        probe.expect(not [c for c in _codings(reply) if c != 'identity'],
                     'no content coding for Accept-Encoding: %s' % accept,
                     header_text(reply, 'Content-Encoding'))
    probe.observe('no coding was sent that the client did not accept')


@case('RFC9110-12.5.5-vary-accept-encoding', 'RFC 9110 §12.5.5', SHOULD,
      'A response chosen by Accept-Encoding (gzip or not) says '
      '"Vary: Accept-Encoding"')
def vary_accept_encoding(probe):
    replies = [_gzip_asked(probe, accept) for accept in ('gzip', 'identity')]
    if _codings(replies[0]) == _codings(replies[1]):
        probe.not_applicable('the answer does not depend on Accept-Encoding '
                             '(%s both times)' % header_text(
                                 replies[0], 'Content-Encoding'))
    for reply in replies:
        varies = [v.strip().lower() for v in ', '.join(
            reply.header_values('Vary')).split(',')]
        probe.expect('accept-encoding' in varies or '*' in varies,
                     'Vary: Accept-Encoding on both answers',
                     '%s with %s' % (header_text(reply, 'Content-Encoding'),
                                     header_text(reply, 'Vary')))


@case('CONTRACT-static-byte-exact', CONTRACT, MUST,
      'GET of a static file transfers the file exactly, byte for byte')
def static_byte_exact(probe):
    for name in FILES:
        reply, _ = ask(probe, '/static/' + name)
        probe.expect_status(reply, 200)
        expected = file_bytes(name)
        probe.expect(reply.body == expected, 'the %d bytes of files/%s' % (
            len(expected), name), _difference(reply.body, expected))


def _difference(got, expected):
    if got == expected:
        return 'has the %d bytes expected' % len(got)
    at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b),
              min(len(got), len(expected)))
    return 'has %d bytes, differing from offset %d: %s' % (
        len(got), at, quoted(got[at:at + 24]))


@case('RFC9110-8.6-static-content-length', 'RFC 9110 §8.6', SHOULD,
      'A static file, whose size is known in advance, is sent with a '
      'Content-Length, unless it is sent with a Transfer-Encoding')
def static_content_length(probe):
    coded = []
    for name in FILES:
        reply = _served(probe, '/static/' + name)
        if reply.has_header('Transfer-Encoding'):
            coded.append('%s (%s)' % (name, header_text(
                reply, 'Transfer-Encoding')))
            continue
        probe.expect(reply.has_header('Content-Length'),
                     'Content-Length: %d for %s' % (
                         len(file_bytes(name)), name),
                     '%s, %s' % (header_text(reply, 'Content-Length'),
                                 header_text(reply, 'Transfer-Encoding')))
    if coded:
        probe.observe('sent with a Transfer-Encoding, which needs no '
                      'Content-Length: ' + ', '.join(coded))


@case('CONTRACT-static-traversal', CONTRACT, MUST,
      'A file outside the static folder is never served, however the '
      'path spells "..", "/" or "\\"')
def static_traversal(probe):
    for path in TRAVERSALS:
        reply, _ = ask(probe, path)
        found = leaked(reply.body)
        probe.expect(not found, 'not the content of a file outside '
                     'fixtures/files for %s' % path, '%s, %s' % (
                         reply.describe(), 'with %s in its content' %
                         ', '.join(found) if found else 'none of the '
                         'marks of such a file in its content'))


@case('CONTRACT-static-traversal-4xx', CONTRACT, MUST,
      'A path that reaches outside the static folder is refused: 404 (or '
      'another 4xx, or a close, for a target refused before routing)')
def static_traversal_status(probe):
    for path in TRAVERSALS:
        reply, _ = ask(probe, path)
        # a raw "\" makes the request-target invalid: RFC 9112 §3 also
        # allows a 301 to the target properly encoded
        statuses = ('4xx', 301) if '\\' in path else ('4xx',)
        probe.expect(probe.refused(reply, *statuses), 'status %s, or a '
                     'close without a response, for %s' % (
                         ' or '.join(str(s) for s in statuses), path),
                     reply.describe())


@case('CONTRACT-static-missing-404', CONTRACT, MUST,
      'A static file that does not exist is answered with 404 (not a 5xx)')
def static_missing(probe):
    for path in MISSING:
        reply, _ = ask(probe, path)
        probe.expect(reply.status == 404, '404 for %s' % path,
                     reply.describe())


# Http11Probe: MAL-URL-PERCENT-NULL (it sends "/path%00.html" and takes a
# 400, a 2xx or a 404)
@case('CONTRACT-static-nul-in-name', CONTRACT, MUST,
      'A static name with a NUL in it ("readme.txt%00.html") names no file: '
      '404 (or another 4xx, or a close, for a target refused before '
      'routing), never the file named before the NUL, never a 5xx')
def static_nul_in_name(probe):
    # C strings end at the NUL: a server that opens the name so serves
    # readme.txt for a name that asked for an .html file
    reply, _ = ask(probe, '/static/readme.txt%00.html')
    served = reply.body == file_bytes('readme.txt')
    probe.expect(probe.refused(reply), 'status 404 (or another 4xx), or a '
                 'close without a response', reply.describe() +
                 (', with the content of readme.txt' if served else ''))


@case('RFC9110-9.3.2-static-head-no-body', 'RFC 9110 §9.3.2', MUST,
      'HEAD of a static file is answered without content')
def static_head_no_body(probe):
    for path in ('/static/blob.bin', '/static/index.html',
                 '/gzip/readme.txt'):
        reply, extra = ask(probe, path, 'HEAD')
        probe.expect_status(reply, 200)
        probe.expect(not extra, 'no bytes after the head of HEAD %s' % path,
                     extra_text(extra))


@case('RFC9110-8.6-static-head-content-length', 'RFC 9110 §8.6, §9.3.2',
      MUST, 'A Content-Length in the answer to HEAD of a static file equals '
      'the length of the content a GET gets (none at all is allowed)')
def static_head_length(probe):
    for path in ('/static/blob.bin', '/gzip/readme.txt'):
        get = _served(probe, path)
        head, _ = ask(probe, path, 'HEAD')
        declared = head.header('Content-Length')
        probe.expect(declared is None or declared.isdigit() and
                     int(declared) == len(get.body),
                     'no Content-Length, or Content-Length: %d (the length '
                     'of the content of GET %s) for HEAD' % (
                         len(get.body), path),
                     header_text(head, 'Content-Length'))


# ----------------------------------------------- conditional and range GETs
# A server may ignore If-None-Match, If-Modified-Since and Range (RFC 9110
# §13.2.1, §14.2): a 200 with the whole file is a correct answer, and the
# cases then end with INFO. What they judge is a 304, 206 or 416 when one
# comes.

CONDITIONAL_PATHS = ('/static/readme.txt', '/gzip/readme.txt')
# RFC 9110 §15.4.5: the fields a 304 MUST carry when the 200 would have
VALIDATORS = ('Content-Location', 'Date', 'ETag', 'Vary', 'Cache-Control',
              'Expires')
RANGED = 'blob.bin'
CONTENT_RANGE = re.compile(r'^bytes ([0-9]+)-([0-9]+)/([0-9]+|\*)$')


def _revalidated(probe, field, value_from):
    """For each conditional path: GET it, then GET it again with ``field``
    set from the first answer, and judge the second. Ends the case with
    INFO when every condition was ignored."""
    answers, not_modified = [], 0
    for path in CONDITIONAL_PATHS:
        full = _served(probe, path)
        value = value_from(full)
        reply, extra = ask(probe, path, headers=[(field, value)])
        answers.append('%s with %s: %s' % (path, quoted(value),
                                           reply.describe()))
        if reply.status == 304:
            not_modified += 1
            _expect_not_modified(probe, path, full, reply, extra)
        else:
            probe.expect_status(reply, 200, 304)
            probe.expect(reply.body == full.body, 'the whole file again '
                         'for %s (the condition ignored)' % path,
                         _difference(reply.body, full.body))
    if not not_modified:
        probe.not_applicable('the server ignores %s: %s' % (
            field, '; '.join(answers)))
    probe.observe('; '.join(answers))


def _expect_not_modified(probe, path, full, reply, extra):
    """A 304 for ``path`` carries no content (bytes after its head are a
    malformed response, whatever the case) and the validators the 200
    (``full``) had."""
    probe.hold_to(WELL_FORMED, not extra, 'nothing after the head of the '
                  '304 for %s' % path, extra_text(extra))
    check = probe.expect
    # Date and Expires may tell another time; the others are the same
    missing = [name for name in VALIDATORS if full.has_header(name) and (
        not reply.has_header(name) if name in ('Date', 'Expires') else
        reply.header_values(name) != full.header_values(name))]
    check(not missing, 'the 304 for %s with the %s of the 200' % (
        path, ', '.join(n for n in VALIDATORS if full.has_header(n))),
        'missing or different: ' + '; '.join(
            '%s (200: %s)' % (header_text(reply, n), header_text(full, n))
            for n in missing))


# Http11Probe: CAP-ETAG-304, CAP-ETAG-IN-304 (as SHOULD 304 there; RFC 9110
# §13.2.1 lets a server ignore the condition)
@case('RFC9110-13.1.2-static-if-none-match', 'RFC 9110 §13.1.2, §15.4.5',
      MUST, 'If-None-Match with the file\'s ETag (or "*") is ignored (200, '
      'the whole file) or answered with a 304 that has no content and the '
      'validators the 200 had')
def static_if_none_match(probe):
    _revalidated(probe, 'If-None-Match',
                 lambda full: full.header('ETag') or '*')


# Http11Probe: CAP-LAST-MODIFIED-304
@case('RFC9110-13.1.3-static-if-modified-since', 'RFC 9110 §13.1.3, '
      '§15.4.5', MUST, 'If-Modified-Since with the file\'s Last-Modified '
      '(or now) is ignored (200, the whole file) or answered with a 304 '
      'that has no content and the validators the 200 had')
def static_if_modified_since(probe):
    _revalidated(probe, 'If-Modified-Since', lambda full: full.header(
        'Last-Modified') or email.utils.formatdate(usegmt=True))


# The cases below judge a server that answers conditions: first the file's
# own ETag (or Last-Modified) must get a 304, else they end with INFO.

CONDITIONAL_PATH = CONDITIONAL_PATHS[0]
LONG_AGO = 'Thu, 01 Jan 1970 00:00:00 GMT'
FUTURE = 'Thu, 01 Jan 2099 00:00:00 GMT'  # Http11Probe's, in CAP-IMS-FUTURE


def _answers_condition(probe, field, validator):
    """The 200 for CONDITIONAL_PATH and its ``validator`` (ETag or
    Last-Modified), once that value sent back in ``field`` got a 304; else
    the case ends (not applicable)."""
    full = _served(probe, CONDITIONAL_PATH)
    value = full.header(validator)
    if value is None:
        probe.not_applicable('no %s in the answer to GET %s' % (
            validator, CONDITIONAL_PATH))
    reply, _ = ask(probe, CONDITIONAL_PATH, headers=[(field, value)])
    if reply.status != 304:
        probe.not_applicable('the server does not answer %s: %s got %s' % (
            field, quoted(value), reply.describe()))
    return full, value


def _ask_conditional(probe, *fields):
    """GET CONDITIONAL_PATH with ``fields``; the reply, what followed it,
    and the fields as text for 'observed'."""
    reply, extra = ask(probe, CONDITIONAL_PATH, headers=list(fields))
    asked = ', '.join('%s: %s' % field for field in fields)
    return reply, extra, asked


def _expect_304(probe, full, *fields):
    reply, extra, asked = _ask_conditional(probe, *fields)
    probe.expect(reply.status == 304, 'status 304 for %s' % asked,
                 reply.describe())
    _expect_not_modified(probe, CONDITIONAL_PATH, full, reply, extra)
    probe.observe('%s: %s' % (asked, reply.describe()))


def _expect_whole_file(probe, full, *fields, statuses=(200,)):
    reply, _, asked = _ask_conditional(probe, *fields)
    probe.expect(reply.status == 200 and reply.body == full.body or
                 reply.status != 200 and probe.refused(reply, *statuses[1:]),
                 'the whole file (200%s) for %s' % (
                     ''.join(', or %s' % s for s in statuses[1:]), asked),
                 reply.describe() if reply.status != 200 else
                 _difference(reply.body, full.body))
    probe.observe('%s: %s' % (asked, reply.describe()))


# RFC 9110 §13.1.3: "A recipient MUST ignore If-Modified-Since if the
# request contains an If-None-Match header field".
# Http11Probe: CAP-INM-PRECEDENCE
@case('RFC9110-13.1.3-ims-ignored-beside-inm', 'RFC 9110 §13.1.3, §13.2.2',
      MUST, 'If-Modified-Since beside If-None-Match is ignored: the file\'s '
      'ETag with a date long past is answered with a 304 by a server that '
      'answers If-None-Match (INFO when it does not)')
def ims_ignored_beside_inm(probe):
    full, etag = _answers_condition(probe, 'If-None-Match', 'ETag')
    _expect_304(probe, full, ('If-None-Match', etag),
                ('If-Modified-Since', LONG_AGO))


# RFC 9110 §13.1.2: for "*", "the condition is false if the origin server
# has a current representation for the target resource".
# Http11Probe: CAP-INM-WILDCARD
@case('RFC9110-13.1.2-inm-asterisk', 'RFC 9110 §13.1.2, §15.4.5', MUST,
      '"If-None-Match: *" for a file that exists is answered with a 304 by '
      'a server that answers If-None-Match (INFO when it does not)')
def inm_asterisk(probe):
    full, _ = _answers_condition(probe, 'If-None-Match', 'ETag')
    _expect_304(probe, full, ('If-None-Match', '*'))


def _other_strength(etag):
    # W/"x" and "x" are equal under the weak comparison (RFC 9110 §8.8.3.2)
    return etag[2:] if etag.startswith('W/') else 'W/' + etag


# RFC 9110 §13.1.2: "A recipient MUST use the weak comparison function when
# comparing entity tags for If-None-Match".
# Http11Probe: CAP-ETAG-WEAK
@case('RFC9110-13.1.2-inm-weak-comparison', 'RFC 9110 §13.1.2, §8.8.3.2',
      MUST, 'If-None-Match compares entity-tags weakly: the file\'s ETag in '
      'its other form (W/ added or taken away) is answered with a 304 by a '
      'server that answers If-None-Match (INFO when it does not)')
def inm_weak_comparison(probe):
    full, etag = _answers_condition(probe, 'If-None-Match', 'ETag')
    _expect_304(probe, full, ('If-None-Match', _other_strength(etag)))


# An entity-tag is quoted (RFC 9110 §8.8.3): without its quotes the value
# lists no entity-tag, so none matches and the condition is true. A server
# may refuse the invalid value instead (a 4xx).
# Http11Probe: CAP-INM-UNQUOTED
@case('RFC9110-8.8.3-inm-unquoted', 'RFC 9110 §8.8.3, §13.1.2', MUST,
      'An If-None-Match holding the file\'s ETag without its quotes (no '
      'entity-tag) matches nothing: 200 with the whole file (or a 4xx), '
      'never a 304, from a server that answers If-None-Match (INFO when it '
      'does not)')
def inm_unquoted(probe):
    full, etag = _answers_condition(probe, 'If-None-Match', 'ETag')
    bare = (etag[2:] if etag.startswith('W/') else etag).strip('"')
    _expect_whole_file(probe, full, ('If-None-Match', bare),
                       statuses=(200, '4xx'))


# RFC 9110 §13.1.3: "A recipient MUST ignore the If-Modified-Since header
# field if the received field value is not a valid HTTP-date".
# Http11Probe: CAP-IMS-INVALID
@case('RFC9110-13.1.3-ims-invalid-date', 'RFC 9110 §13.1.3', MUST,
      'An If-Modified-Since that is no HTTP-date ("not-a-date") is ignored: '
      '200 with the whole file from a server that answers If-Modified-Since '
      '(INFO when it does not)')
def ims_invalid_date(probe):
    full, _ = _answers_condition(probe, 'If-Modified-Since', 'Last-Modified')
    _expect_whole_file(probe, full, ('If-Modified-Since', 'not-a-date'))


# Http11Probe: CAP-IMS-FUTURE. It expects a 200, quoting a rule RFC 9110
# does not have: RFC 2616 §14.25 called a date later than the server's clock
# invalid, but RFC 9110 §13.1.3 only compares the date with the
# Last-Modified, which makes the file "not modified since" (a 304, SHOULD).
# Either answer is recorded; a 304 must be a correct one.
@case('RFC9110-13.1.3-ims-future-date', 'RFC 9110 §13.1.3, §15.4.5', MAY,
      'An If-Modified-Since in 2099, ahead of any clock, is evaluated '
      '(a 304 without content, with the validators of the 200) or ignored '
      '(200, the whole file, as RFC 2616 had it); which is recorded')
def ims_future_date(probe):
    full, _ = _answers_condition(probe, 'If-Modified-Since', 'Last-Modified')
    reply, extra, asked = _ask_conditional(probe, ('If-Modified-Since',
                                                   FUTURE))
    if reply.status == 304:
        _expect_not_modified(probe, CONDITIONAL_PATH, full, reply, extra)
    else:
        probe.expect(reply.status == 200 and reply.body == full.body,
                     'a 304, or 200 with the whole file', reply.describe())
    probe.observe('%s: %s' % (asked, reply.describe()))


def _ranged(probe, spec):
    reply, _ = ask(probe, '/static/' + RANGED,
                   headers=[('Range', 'bytes=' + spec)])
    return reply


# RFC 9110 §14.2: a server MAY ignore Range. A 206 MUST say what it holds
# (RFC9110-15.3.7-206-single-range).
@case('RFC9110-14.2-static-range', 'RFC 9110 §14.2, §15.3.7', MAY,
      'A Range of a static file is ignored (200, the whole file) or answered '
      'with a 206; which is recorded')
def static_range(probe):
    reply = _ranged(probe, '10-19')
    probe.expect(reply.status in (200, 206), 'status 200 or 206',
                 reply.describe())
    probe.observe('Range ignored: 200' if reply.status == 200 else
                  '206 with ' + header_text(reply, 'Content-Range'))


# "If a single part is being transferred, the server generating the 206
# response MUST generate a Content-Range header field, describing what
# range of the selected representation is enclosed, and a content
# consisting of the range."
@case('RFC9110-15.3.7-206-single-range', 'RFC 9110 §15.3.7, §14.4', MUST,
      'A 206 to a single byte range holds exactly those bytes, and a '
      'Content-Range that names them (bytes 10-19/<size>)')
def single_range(probe):
    whole = file_bytes(RANGED)
    reply = _ranged(probe, '10-19')
    if reply.status != 206:
        probe.not_applicable('the server answered %s, not 206' %
                             reply.describe())
    value = reply.header('Content-Range') or ''
    match = CONTENT_RANGE.match(value)
    probe.expect(match is not None and match.groups()[:2] == ('10', '19')
                 and match.group(3) in ('*', str(len(whole))),
                 'Content-Range: bytes 10-19/%d' % len(whole),
                 header_text(reply, 'Content-Range'))
    probe.expect(reply.body == whole[10:20], 'bytes 10 to 19 of the file',
                 _difference(reply.body, whole[10:20]))
    probe.observe('206 with bytes 10-19 and ' + header_text(
        reply, 'Content-Range'))


@case('RFC9110-15.5.17-416-content-range', 'RFC 9110 §15.5.17, §14.4',
      SHOULD, 'A 416 to a byte range past the end of a file says the '
      'file\'s length: Content-Range: bytes */<size>')
def unsatisfiable_range(probe):
    size = len(file_bytes(RANGED))
    reply = _ranged(probe, '%d-' % (size + 1000))
    if reply.status == 200:
        probe.not_applicable('the server ignores Range: 200')
    probe.expect(reply.status == 416, 'status 416 (or 200: Range ignored):'
                 ' no byte of the range exists', reply.describe())
    probe.expect_header(reply, 'Content-Range', 'bytes */%d' % size)


def _ignored_or_rejected(probe, reply, partial_ok):
    """True when a Range is served as RFC 9110 §14.2 lets a server "ignore
    or reject" it: 200 with the whole file, or a 4xx (416 the precise one)
    or a close; a 206 only where ``partial_ok``. Never a 5xx: client errors
    are 4xx (the contract's Service rule)."""
    if reply.status == 200:
        return reply.body == file_bytes(RANGED)
    return probe.refused(reply) or (partial_ok and reply.status == 206)


def _range_answer(reply):
    if reply.status == 200:
        return 'ignored: 200'
    if reply.status == 206:
        return '206 with %d bytes of content, %s' % (
            len(reply.body), header_text(reply, 'Content-Type'))
    return 'rejected: ' + reply.describe()


OVERLAPPING_RANGES = 1000


def _overlapping(line_limit):
    """The ranges "0-,0-,...", each the whole file, as many as a Range line
    of ``line_limit`` bytes holds, at most OVERLAPPING_RANGES."""
    fits = (line_limit - len('Range: bytes=') + 1) // len('0-,')
    return ','.join(['0-'] * min(OVERLAPPING_RANGES, fits))


# Http11Probe: COMP-RANGE-INVALID (200 or 416 there).
@case('RFC9110-14.2-range-invalid', 'RFC 9110 §14.2', MAY,
      'A Range that is no valid ranges-specifier ("bytes=abc-xyz") is '
      'ignored (200, the whole file) or rejected (416, or another 4xx); '
      'which is recorded')
def range_invalid(probe):
    reply = _ranged(probe, 'abc-xyz')
    probe.expect(_ignored_or_rejected(probe, reply, False), 'the whole file'
                 ' (200), or a 4xx or a close', reply.describe())
    probe.observe(_range_answer(reply))


# Http11Probe: MAL-RANGE-OVERLAPPING. It sends 1000 ranges, a line longer
# than the contract's line_limit, which a 4xx refuses before any range is
# read; ours sends as many as a line of the profile's field_line_limit
# holds. RFC 9110
# §14.2 lets a server ignore or reject them, and §14.6 coalesce them into
# a 206.
@case('RFC9110-14.2-range-overlapping', 'RFC 9110 §14.2, §14.6', MAY,
      'A Range of many overlapping ranges ("0-", up to %d times, as many as '
      'a line of field_line_limit holds) is ignored (200, the whole file), served '
      '(206) or rejected (416, or another 4xx); which is recorded, with the '
      'size of a 206' % OVERLAPPING_RANGES)
def range_overlapping(probe):
    spec = _overlapping(probe.profile.line_at_limit('field_line_limit'))
    reply = _ranged(probe, spec)
    probe.expect(_ignored_or_rejected(probe, reply, True), 'the whole file '
                 '(200), a 206, or a 4xx or a close', reply.describe())
    probe.observe('%d ranges: %s' % (spec.count(',') + 1,
                                     _range_answer(reply)))


# The contract's Service rule for what RFC 9110 §14.2 leaves to a server:
# a Range it cannot or will not serve is ignored or refused, never met with
# a server error, and an invalid one names no bytes a 206 could hold.
@case('CONTRACT-range-ignored-or-refused', 'fixtures/CONTRACT.md (Service); '
      'RFC 9110 §14.2', MUST,
      'An invalid Range ("bytes=abc-xyz") and one of many overlapping '
      'ranges are each ignored (200, the whole file) or refused (a 4xx or a '
      'close), the overlapping ones also served (206); never a 5xx')
def range_ignored_or_refused(probe):
    seen = []
    for label, spec, partial_ok in (
            ('bytes=abc-xyz', 'abc-xyz', False),
            ('many overlapping ranges',
             _overlapping(probe.profile.line_limit), True)):
        reply = _ranged(probe, spec)
        seen.append('%s: %s' % (label, reply.describe()))
        probe.expect(_ignored_or_rejected(probe, reply, partial_ok),
                     'the whole file (200), a 4xx or a close (or a 206 for '
                     'the overlapping ranges)', '; '.join(seen))
    probe.observe('; '.join(seen))
