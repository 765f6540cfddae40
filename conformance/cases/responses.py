"""Responses: how a server frames and labels what it sends (RFC 9110 §5, §6.6,
§8, §15; RFC 9112 §6, §9.6): Content-Length, Content-Type, Date, 204/304
without content, streamed bodies, header syntax.

Most cases ask with ``Connection: close``, so that bytes a server sends
beyond the message it declared show up at once, before its close.
"""
import datetime
import json
import re
import time

from conformance.case import MUST, SHOULD, case
from conformance.contract import ask, ask_each, media_type, send
from conformance.probe import extra_text, header_text, quoted
from conformance.rules import WELL_FORMED

CONTRACT = 'fixtures/CONTRACT.md (Routes)'

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
SIZED_ROUTES = [path for path, _ in FIXED_BODIES] + JSON_ROUTES
STREAM_PIECES = 3
STREAM_BODY = b''.join(b'piece %d\n' % i for i in range(STREAM_PIECES))


def require_nothing_after(probe, path, reply, extra):
    # Bytes past the declared end of a message desynchronise the client:
    # whatever the case, that is a malformed response.
    probe.hold_to(WELL_FORMED, not extra, 'no bytes after the end of the '
                  'response to %s' % path, '%s; %s' % (reply.describe(),
                                                      extra_text(extra)))


def _paths(probe, paths):
    """The paths to ask on a server of the contract; a server with its
    own application is asked for its own path and for one it lacks."""
    if probe.target.contract:
        return list(paths)
    return [probe.path, probe.missing_path]


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
      'its content: the content has that length and nothing follows it')
def content_length_matches(probe):
    # The reader takes exactly Content-Length octets of content (fewer, and
    # the response is cut short); what is left is what comes after them.
    sized = []
    for path, reply, extra in ask_each(probe, _paths(probe, SIZED_ROUTES),
                                       judged=(WELL_FORMED,)):
        require_nothing_after(probe, path, reply, extra)
        if reply.has_header('Content-Length'):
            sized.append('%s: Content-Length: %s' % (
                path, reply.header('Content-Length')))
    if not sized:
        probe.not_applicable('no response carried a Content-Length')
    probe.observe('%s; nothing after any of them' % ', '.join(sized))


@case('CONTRACT-fixed-bodies', CONTRACT, MUST,
      'GET / is "conformance fixture", GET /bytes/<n> is n bytes "x"')
def fixed_bodies(probe):
    for path, body in FIXED_BODIES:
        reply, _ = ask(probe, path)
        probe.expect_status(reply, 200)
        probe.expect(reply.body == body, 'the %d bytes %s from %s' % (
            len(body), quoted(body, 30), path), '%d bytes: %s' % (
            len(reply.body), quoted(reply.body, 30)))


@case('RFC9110-8.6-error-content-length', 'RFC 9110 §8.6; RFC 9112 §6.3',
      MUST, 'The Content-Length of an error response equals the length of '
      'its content')
def error_content_length(probe):
    close = [('Connection', 'close')]
    errors = [probe.request('GET', probe.missing_path, close),
              # a request the server cannot parse (it may also close)
              probe.request('GET', probe.path, [b'No colon in this line'])]
    if probe.target.contract:
        errors += [probe.request('POST', '/methods/get-only',
                                 [('Content-Length', '0')] + close),
                   probe.request('GET', '/error/raise', close),
                   probe.request('GET', '/bytes/-1', close),
                   probe.request('GET', '/error/abort/418', close)]
    for data in errors:
        got = probe.attempt(send, probe, data, judged=(WELL_FORMED,))
        if got is None:
            continue  # no answer: the rule's to judge
        reply, extra = got
        what = data.split(b'\r\n', 1)[0].decode('latin-1')
        require_nothing_after(probe, what, reply, extra)


# -------------------------------------------------------------- Content-Type

@case('RFC9110-8.3-content-type', 'RFC 9110 §8.3', SHOULD,
      'A response with content carries a Content-Type')
def content_type_present(probe):
    for path, reply, _ in ask_each(probe, _paths(probe, (
            '/', '/echo', '/bytes/10', '/stream/2', '/static/readme.txt',
            '/no/such/resource', '/error/raise'))):
        if not reply.body:
            continue
        value = reply.header('Content-Type')
        probe.expect(value is not None and MEDIA_TYPE.match(value),
                     'a Content-Type (type/subtype) on the %d from %s' % (
                         reply.status, path),
                     header_text(reply, 'Content-Type'))


@case('CONTRACT-json-content-type', CONTRACT, MUST,
      'The JSON routes label their content application/json')
def json_content_type(probe):
    for path in JSON_ROUTES:
        reply, _ = ask(probe, path)
        probe.expect_status(reply, 200)
        probe.expect(media_type(reply) == 'application/json',
                     'Content-Type: application/json from %s' % path,
                     header_text(reply, 'Content-Type'))


# ------------------------------------------------------ 204 and 304: no body

@case('RFC9110-15.3.5-204-no-content', 'RFC 9110 §15.3.5; RFC 9112 §6.3',
      MUST, 'A 204 response ends with its header section: no content')
def no_content_204(probe):
    _expect_no_content(probe, 204)


def _expect_no_content(probe, status):
    reply, extra = ask(probe, '/status/%d' % status)
    probe.expect_status(reply, status)
    probe.expect(not extra, 'nothing after the head of the %d' % status,
                 extra_text(extra))


@case('RFC9110-8.6-204-no-content-length', 'RFC 9110 §8.6; RFC 9112 §6.1',
      MUST, 'A 204 response carries neither Content-Length nor '
      'Transfer-Encoding')
def no_framing_204(probe):
    reply, _ = ask(probe, '/status/204')
    probe.expect_status(reply, 204)
    # Http11Probe: COMP-NO-CL-IN-204 asks OPTIONS /, and judges a 204 if
    # one comes
    options = probe.exchange(probe.request('OPTIONS', probe.path))
    for reply in (reply, options) if options.status == 204 else (reply,):
        found = [n for n in ('Content-Length', 'Transfer-Encoding')
                 if reply.has_header(n)]
        probe.expect(not found, 'no Content-Length or Transfer-Encoding',
                     '; '.join(header_text(reply, n) for n in found) or
                     'neither')


@case('RFC9110-15.4.5-304-no-content', 'RFC 9110 §15.4.5; RFC 9112 §6.3',
      MUST, 'A 304 response ends with its header section: no content')
def no_content_304(probe):
    _expect_no_content(probe, 304)


@case('RFC9110-15.3.6-205-no-content', 'RFC 9110 §15.3.6; RFC 9112 §6.3',
      MUST, 'A 205 response carries no content (framed as empty: '
      'Content-Length: 0, or no chunk)')
def no_content_205(probe):
    reply, extra = ask(probe, '/status/205')
    probe.expect_status(reply, 205)
    probe.expect(not reply.body and not extra, 'no content and nothing '
                 'after the 205', '%s, %s; %s' % (
                     _framing(reply), 'content %s' % quoted(reply.body)
                     if reply.body else 'no content', extra_text(extra)))


# ---------------------------------------------------------------------- Date

@case('RFC9110-6.6.1-date', 'RFC 9110 §6.6.1, §5.6.7', MUST,
      'A server with a clock sends Date, as a current IMF-fixdate, in its '
      '2xx, 3xx and 4xx responses', needs=('clock',))
def date_present(probe):
    for path, reply, _ in ask_each(probe, _paths(probe, (
            '/', '/redirect/302?to=/', '/no/such/resource'))):
        if not 200 <= reply.status < 500:
            continue  # a Date is owed only by 2xx, 3xx and 4xx
        value = reply.header('Date')
        probe.expect(value is not None, 'a Date header in the answer to %s'
                     % path, 'no Date: ' + reply.describe())
        problem = date_problem(value)
        probe.expect(problem is None, 'a current IMF-fixdate',
                     problem or 'Date: ' + value)


@case('RFC9110-5.3-own-date-once', 'RFC 9110 §5.3, §6.6.1', MUST,
      'A response whose Date the application set (GET /own-date) carries '
      'one Date line: the server adds none beside it')
def own_date_once(probe):
    reply, _ = ask(probe, '/own-date')
    probe.expect_status(reply, 200)
    values = reply.header_values('Date')
    probe.expect(len(values) == 1, 'one Date line', '%d: %s' % (
        len(values), header_text(reply, 'Date')))


@case('RFC9110-6.6.1-no-date-without-clock', 'RFC 9110 §6.6.1', MUST,
      'A server without a clock sends no Date; a Date that is sent tells '
      'the current time (not a clock that was never set)')
def no_false_date(probe):
    # ``needs`` cannot ask for a feature's absence: the profile decides
    # here, where it is the server's; else only a Date sent is judged.
    has_clock = not probe.target.limits_declared or \
        probe.profile.supports('clock')
    for path, reply, _ in ask_each(probe, _paths(probe, (
            '/', '/status/204', '/error/raise', '/no/such/resource'))):
        value = reply.header('Date')
        if not has_clock:
            probe.expect(value is None, 'no Date (the profile declares no '
                         'clock)', 'Date: %s in the answer to %s' % (
                             value, path))
        elif value is not None:
            problem = date_problem(value)
            probe.expect(problem is None, 'a Date that tells the current '
                         'time, or none', problem or 'Date: ' + value)


# ------------------------------------------------------------ body framing

def _stream(probe, version='HTTP/1.1'):
    """GET /stream/<n> (the server free to keep the connection open): a
    response whose length is not known in advance."""
    reply, _ = send(probe, probe.request(
        'GET', '/stream/%d' % STREAM_PIECES, version=version), trailing=False)
    probe.expect_status(reply, 200)
    return reply


@case('RFC9112-6.3-stream-framing', 'RFC 9112 §6.3, §7.1', MUST,
      'A streamed response to HTTP/1.1 is framed by chunked coding, or '
      'delimited by closing the connection, and arrives whole')
def stream_framing(probe):
    # A frame the reader cannot follow is a malformed response (hard); a
    # close-delimited one that never closes is a hang (hard).
    reply = _stream(probe)
    probe.expect(reply.body == STREAM_BODY, 'the content %s (fixture '
                 'contract), framed by chunked coding or by the close' %
                 quoted(STREAM_BODY), '%s: %s' % (
                     _framing(reply), quoted(reply.body, 120)))


def _framing(reply):
    if reply.has_header('Transfer-Encoding'):
        return header_text(reply, 'Transfer-Encoding')
    if reply.has_header('Content-Length'):
        return header_text(reply, 'Content-Length')
    return 'delimited by the close'


@case('RFC9112-9.6-close-delimited-says-close', 'RFC 9112 §9.6', SHOULD,
      'A response delimited by closing the connection says Connection: '
      'close')
def close_delimited_says_close(probe):
    # An HTTP/1.1 client may get chunked coding; an HTTP/1.0 one cannot.
    framed = []
    for version in ('HTTP/1.1', 'HTTP/1.0'):
        reply = _stream(probe, version)
        if reply.has_header('Transfer-Encoding') or \
                reply.has_header('Content-Length'):
            framed.append('%s: %s' % (version, _framing(reply)))
            continue
        tokens = [t.strip().lower() for t in
                  ', '.join(reply.header_values('Connection')).split(',')]
        probe.expect('close' in tokens, 'Connection: close on the response '
                     'to %s, delimited by closing the connection' % version,
                     header_text(reply, 'Connection'))
    if len(framed) == 2:
        probe.not_applicable('no response was delimited by the close (%s)'
                             % '; '.join(framed))


@case('RFC9112-6.1-no-chunked-to-http10', 'RFC 9112 §6.1', MUST,
      'A response to an HTTP/1.0 request carries no Transfer-Encoding')
def no_chunked_to_http10(probe):
    # a server with its own application is asked for its own path, whose
    # length may be known in advance: only the stream is sure to test this
    reply, _ = ask(probe, probe.carrier(
        'GET', '/stream/%d' % STREAM_PIECES)[1], version='HTTP/1.0')
    probe.expect_status(reply, 200)
    probe.expect(not reply.has_header('Transfer-Encoding'),
                 'no Transfer-Encoding in the answer to HTTP/1.0',
                 header_text(reply, 'Transfer-Encoding'))
    if probe.target.contract:
        probe.expect(reply.body == STREAM_BODY, 'the content %s' %
                     quoted(STREAM_BODY), quoted(reply.body, 120))


@case('RFC9112-6.2-no-content-length-with-te', 'RFC 9112 §6.2', MUST,
      'A response never carries both Content-Length and Transfer-Encoding')
def no_length_with_coding(probe):
    paths = _paths(probe, ('/stream/2', '/', '/bytes/100',
                           '/static/blob.bin'))
    for method in ('GET', 'HEAD'):
        for path, reply, _ in ask_each(probe, paths, method):
            both = reply.has_header('Content-Length') and \
                reply.has_header('Transfer-Encoding')
            probe.expect(not both, 'Content-Length or Transfer-Encoding, '
                         'not both, in the answer to %s %s' % (method, path),
                         '%s; %s' % (header_text(reply, 'Content-Length'),
                                     header_text(reply, 'Transfer-Encoding')))


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
    # The reader already refuses a malformed field line (a break of the
    # rule RFC9110-2.2-well-formed-responses); what is left is what a
    # well-formed line can still hide. A request refused by a close sends
    # no field to judge.
    answered = 0
    asked = SYNTAX_REQUESTS if probe.target.contract else [
        ('GET', probe.path), ('HEAD', probe.path),
        ('GET', probe.missing_path)]
    for method, path in asked:
        headers = [('Content-Length', '0')] if method == 'POST' else []
        for _, reply, _ in ask_each(probe, [path], method, headers=headers):
            answered += 1
            _judge_fields(probe, method, path, reply)
    if not answered:
        probe.not_applicable('no request was answered')


def _judge_fields(probe, method, path, reply):
    probe.expect(reply.version in ('HTTP/1.1', 'HTTP/1.0'),
                 'an HTTP/1.x status line', reply.status_line)
    probe.expect(not reply.has_header('X-Injected'),
                 'no header field made of request data (%s %s)' % (
                     method, path), header_text(reply, 'X-Injected'))


@case('RFC9110-5.3-no-repeated-singleton', 'RFC 9110 §5.3', MUST,
      'A response has at most one line of a field that is not a list '
      '(Content-Length, Content-Type, Date, Location...)')
def no_repeated_singleton(probe):
    for path, reply, _ in ask_each(probe, _paths(probe, (
            '/', '/echo', '/static/readme.txt', '/gzip/readme.txt',
            '/redirect/302?to=/', '/no/such/resource', '/bytes/5',
            '/cookies/set-two'))):
        for name in SINGLETONS:
            values = reply.header_values(name)
            probe.expect(len(values) <= 1, 'one %s line at most in the '
                         'answer to %s' % (name, path), '%d lines: %s' % (
                             len(values), json.dumps(values)))
