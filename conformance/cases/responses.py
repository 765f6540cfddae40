"""Responses: how a server frames and labels what it sends (RFC 9110 §5, §6.6,
§8, §15; RFC 9112 §6): Content-Length, Content-Type, Date, 204/304 without
content, streamed bodies, header syntax.

Most cases ask with ``Connection: close``, so that bytes a server sends
beyond the message it declared show up at once, before its close.
"""
import datetime
import json
import re
import time

from conformance.case import MUST, SHOULD, case
from conformance.contract import ask, media_type, send
from conformance.probe import show_bytes

DATE_TOLERANCE = 120  # seconds between a server's Date and the harness clock
LARGE = 16 * 1024  # a body of many TCP segments, well within /bytes' limit

IMF_FIXDATE = re.compile(
    r'^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|'
    r'Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$')
MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep',
          'Oct', 'Nov', 'Dec')
DAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
MEDIA_TYPE = re.compile(r"^[-!#$%&'*+.^_`|~0-9A-Za-z]+/"
                        r"[-!#$%&'*+.^_`|~0-9A-Za-z]+[ \t]*(;.*)?$")
# fields whose definition is not a list: never more than one line of each
SINGLETONS = ('Content-Length', 'Content-Type', 'Date', 'Location',
              'Content-Location', 'Last-Modified', 'ETag', 'Expires',
              'Retry-After', 'Age', 'Server')

FIXED_BODIES = [('/', b'conformance fixture'), ('/bytes/0', b''),
                ('/bytes/1', b'x'), ('/bytes/1000', b'x' * 1000),
                ('/bytes/%d' % LARGE, b'x' * LARGE)]
JSON_ROUTES = ['/echo', '/echo/path/J%C3%B6rg', '/echo/int/-7',
               '/echo/rest/a/b']
STREAM_PIECES = 3
STREAM_BODY = b''.join(b'piece %d\n' % i for i in range(STREAM_PIECES))


def require_nothing_after(probe, path, reply, extra):
    # Bytes past the declared end of a message desynchronise the client:
    # whatever the level, that is a malformed response.
    probe.require(not extra, 'no bytes after the end of the response to %s'
                  % path, '%d more bytes after %s: %s' % (
                      len(extra), reply.describe(), show_bytes(extra[:80])))


def parse_imf_fixdate(value):
    """A datetime for an IMF-fixdate (RFC 9110 §5.6.7), else None."""
    match = IMF_FIXDATE.match(value or '')
    if match is None:
        return None
    day_name, day, month, year, hour, minute, second = match.groups()
    try:
        when = datetime.datetime(int(year), MONTHS.index(month) + 1,
                                 int(day), int(hour), int(minute),
                                 int(second), tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return when if DAYS[when.weekday()] == day_name else None


def date_problem(value):
    """Why a Date value is not a current IMF-fixdate, or None."""
    when = parse_imf_fixdate(value)
    if when is None:
        return 'Date: %s is not an IMF-fixdate' % value
    skew = when.timestamp() - time.time()
    if abs(skew) > DATE_TOLERANCE:
        return 'Date: %s is %.0f s away from now (a clock that was never ' \
            'set?)' % (value, skew)
    return None


# ------------------------------------------------------------ Content-Length

@case('RFC9110-8.6-content-length-matches', 'RFC 9110 §8.6; RFC 9112 §6.3',
      MUST, 'A Content-Length in a response equals the number of octets of '
      'its content')
def content_length_matches(probe):
    for path, body in FIXED_BODIES:
        reply, extra = ask(probe, path)
        probe.expect_status(reply, 200)
        require_nothing_after(probe, path, reply, extra)
        probe.expect(reply.body == body, '%d bytes of content from %s' % (
            len(body), path), 'Content-Length: %s and %d bytes: %s' % (
            reply.header('Content-Length'), len(reply.body),
            show_bytes(reply.body[:60])))
    for path in JSON_ROUTES:
        reply, extra = ask(probe, path)
        probe.expect_status(reply, 200)
        require_nothing_after(probe, path, reply, extra)
        probe.json(reply)


@case('RFC9110-8.6-error-content-length', 'RFC 9110 §8.6; RFC 9112 §6.3',
      MUST, 'The Content-Length of an error response equals the length of '
      'its content')
def error_content_length(probe):
    close = [('Connection', 'close')]
    errors = [probe.request('GET', '/no/such/resource', close),
              probe.request('POST', '/methods/get-only',
                            [('Content-Length', '0')] + close),
              probe.request('GET', '/error/raise', close),
              probe.request('GET', '/bytes/-1', close),
              probe.request('GET', '/error/abort/418', close)]
    for data in errors:
        check_error_length(probe, data, send(probe, data))
    # A request the server cannot parse may also be refused by a close.
    data = probe.request('GET', '/', [b'No colon in this line'])
    reply, extra = send(probe, data)
    if reply.status is not None:
        check_error_length(probe, data, (reply, extra))


def check_error_length(probe, data, answer):
    reply, extra = answer
    what = data.split(b'\r\n', 1)[0].decode('latin-1')
    probe.expect_status(reply, '4xx', '5xx')
    require_nothing_after(probe, what, reply, extra)
    declared = reply.header('Content-Length')
    probe.expect(declared is None or int(declared) == len(reply.body),
                 'Content-Length equal to the content of the %d to %s' % (
                     reply.status, what), 'Content-Length: %s, %d bytes' % (
                     declared, len(reply.body)))


# -------------------------------------------------------------- Content-Type

@case('RFC9110-8.3-content-type', 'RFC 9110 §8.3', SHOULD,
      'A response with content carries a Content-Type')
def content_type_present(probe):
    for path in ('/', '/echo', '/bytes/10', '/stream/2', '/static/readme.txt',
                 '/no/such/resource', '/error/raise'):
        reply, _ = ask(probe, path)
        if not reply.body:
            continue
        value = reply.header('Content-Type')
        probe.expect(value is not None and MEDIA_TYPE.match(value),
                     'a Content-Type (type/subtype) on the %d from %s' % (
                         reply.status, path),
                     'Content-Type: %s' % value)


@case('RFC9110-8.3-json-content-type', 'RFC 9110 §8.3', SHOULD,
      'JSON content is labelled application/json')
def json_content_type(probe):
    for path in JSON_ROUTES:
        reply, _ = ask(probe, path)
        probe.expect_status(reply, 200)
        probe.expect(media_type(reply) == 'application/json',
                     'Content-Type: application/json from %s' % path,
                     'Content-Type: %s' % reply.header('Content-Type'))


# ------------------------------------------------------ 204 and 304: no body

@case('RFC9110-15.3.5-204-no-content', 'RFC 9110 §15.3.5; RFC 9112 §6.3',
      MUST, 'A 204 response ends with its header section: no content')
def no_content_204(probe):
    _expect_no_content(probe, 204)


def _expect_no_content(probe, status):
    reply, extra = ask(probe, '/status/%d' % status)
    probe.expect_status(reply, status)
    probe.expect(not extra, 'nothing after the head of the %d' % status,
                 '%d bytes: %s' % (len(extra), show_bytes(extra[:80])))


@case('RFC9110-8.6-204-no-content-length', 'RFC 9110 §8.6; RFC 9112 §6.1',
      MUST, 'A 204 response carries neither Content-Length nor '
      'Transfer-Encoding')
def no_framing_204(probe):
    reply, _ = ask(probe, '/status/204')
    probe.expect_status(reply, 204)
    found = [n for n in ('Content-Length', 'Transfer-Encoding')
             if reply.has_header(n)]
    probe.expect(not found, 'no Content-Length or Transfer-Encoding',
                 ', '.join('%s: %s' % (n, reply.header(n)) for n in found))


@case('RFC9110-15.4.5-304-no-content', 'RFC 9110 §15.4.5; RFC 9112 §6.3',
      MUST, 'A 304 response ends with its header section: no content')
def no_content_304(probe):
    _expect_no_content(probe, 304)


# ---------------------------------------------------------------------- Date

@case('RFC9110-6.6.1-date', 'RFC 9110 §6.6.1, §5.6.7', MUST,
      'A server with a clock sends Date, as a current IMF-fixdate, in its '
      '2xx, 3xx and 4xx responses', needs=('clock',))
def date_present(probe):
    for path in ('/', '/redirect/302?to=/', '/no/such/resource'):
        reply, _ = ask(probe, path)
        value = reply.header('Date')
        probe.expect(value is not None, 'a Date header in the %s from %s'
                     % (reply.status, path), 'no Date: ' + reply.describe())
        problem = date_problem(value)
        probe.expect(problem is None, 'a current IMF-fixdate', problem)


@case('RFC9110-6.6.1-no-date-without-clock', 'RFC 9110 §6.6.1', MUST,
      'A server without a clock sends no Date; a Date that is sent tells '
      'the current time (not a clock that was never set)')
def no_false_date(probe):
    # ``needs`` cannot ask for a feature's absence: the profile decides here.
    has_clock = probe.profile.supports('clock')
    for path in ('/', '/status/204', '/error/raise', '/no/such/resource'):
        reply, _ = ask(probe, path)
        value = reply.header('Date')
        if not has_clock:
            probe.expect(value is None, 'no Date (the profile declares no '
                         'clock)', 'Date: %s in the %s from %s' % (
                             value, reply.status, path))
        elif value is not None:
            problem = date_problem(value)
            probe.expect(problem is None, 'a Date that tells the current '
                         'time, or none', problem)


# ------------------------------------------------------------ body framing

@case('RFC9112-6.3-stream-framing', 'RFC 9112 §6.3, §7.1, §9.6', MUST,
      'A streamed response to HTTP/1.1 is framed by chunked coding, or by '
      'closing the connection with Connection: close')
def stream_framing(probe):
    reply, _ = send(probe, probe.request('GET', '/stream/%d' %
                                         STREAM_PIECES), trailing=False)
    probe.expect_status(reply, 200)
    probe.expect(reply.body == STREAM_BODY, 'the content %r' % STREAM_BODY,
                 show_bytes(reply.body[:120]))
    coding = reply.header('Transfer-Encoding')
    if coding is None and not reply.has_header('Content-Length') and \
            reply.version == 'HTTP/1.1':
        tokens = [t.strip().lower() for t in
                  (reply.header('Connection') or '').split(',')]
        probe.expect('close' in tokens, 'Connection: close on a response '
                     'delimited by closing the connection',
                     'Connection: %s' % reply.header('Connection'))


@case('RFC9112-6.1-no-chunked-to-http10', 'RFC 9112 §6.1', MUST,
      'A response to an HTTP/1.0 request carries no Transfer-Encoding')
def no_chunked_to_http10(probe):
    reply, _ = ask(probe, '/stream/%d' % STREAM_PIECES, version='HTTP/1.0')
    probe.expect_status(reply, 200)
    probe.expect(not reply.has_header('Transfer-Encoding'),
                 'no Transfer-Encoding in the answer to HTTP/1.0',
                 'Transfer-Encoding: %s' % reply.header('Transfer-Encoding'))
    probe.expect(reply.body == STREAM_BODY, 'the content %r' % STREAM_BODY,
                 show_bytes(reply.body[:120]))


@case('RFC9112-6.2-no-content-length-with-te', 'RFC 9112 §6.2', MUST,
      'A response never carries both Content-Length and Transfer-Encoding')
def no_length_with_coding(probe):
    for method in ('GET', 'HEAD'):
        for path in ('/stream/2', '/', '/bytes/100', '/static/blob.bin'):
            reply, _ = ask(probe, path, method)
            both = reply.has_header('Content-Length') and \
                reply.has_header('Transfer-Encoding')
            probe.expect(not both, 'Content-Length or Transfer-Encoding, '
                         'not both, in the answer to %s %s' % (method, path),
                         'Content-Length: %s and Transfer-Encoding: %s' % (
                             reply.header('Content-Length'),
                             reply.header('Transfer-Encoding')))


# ------------------------------------------------------------ header syntax

INJECTED = '%0D%0AX-Injected:%20yes'
SYNTAX_REQUESTS = [
    ('GET', '/'), ('HEAD', '/'), ('GET', '/echo?a=1'),
    ('GET', '/cookies/set-two'), ('GET', '/cookies/attributes'),
    ('GET', '/cookies/from-query?value=a' + INJECTED),
    ('GET', '/cookies/from-query?value=lf%0Aonly'),
    ('GET', '/redirect/302?to=/x' + INJECTED),
    ('GET', '/static/index.html'), ('GET', '/gzip/readme.txt'),
    ('GET', '/status/204'), ('GET', '/no/such/resource'),
    ('GET', '/error/raise'), ('GET', '/stream/2'),
    ('POST', '/methods/get-only'),
]


@case('RFC9110-5.5-field-syntax', 'RFC 9110 §5.5, §5.1, §2.2', MUST,
      'Response header fields are well-formed: token names, values without '
      'CR, LF or NUL (even when built from request data)')
def field_syntax(probe):
    # The reader already refuses a malformed field line (a hard FAIL);
    # what is left is what a well-formed line can still hide.
    for method, path in SYNTAX_REQUESTS:
        headers = [('Content-Length', '0')] if method == 'POST' else []
        reply, _ = ask(probe, path, method, headers=headers)
        probe.require(reply.status is not None,
                      'a response to %s %s' % (method, path),
                      reply.describe())
        probe.expect(reply.version in ('HTTP/1.1', 'HTTP/1.0'),
                     'an HTTP/1.x status line', reply.status_line)
        probe.expect(not reply.has_header('X-Injected'),
                     'no header field made of request data (%s %s)' % (
                         method, path), 'X-Injected: %s' %
                     reply.header('X-Injected'))


@case('RFC9110-5.3-no-repeated-singleton', 'RFC 9110 §5.3', MUST,
      'A response has at most one line of a field that is not a list '
      '(Content-Length, Content-Type, Date, Location...)')
def no_repeated_singleton(probe):
    for path in ('/', '/echo', '/static/readme.txt', '/gzip/readme.txt',
                 '/redirect/302?to=/', '/no/such/resource', '/bytes/5',
                 '/cookies/set-two'):
        reply, _ = ask(probe, path)
        for name in SINGLETONS:
            values = reply.header_values(name)
            probe.expect(len(values) <= 1, 'one %s line at most in the '
                         'answer to %s' % (name, path), '%d lines: %s' % (
                             len(values), json.dumps(values)))
