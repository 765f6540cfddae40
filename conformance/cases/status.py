"""Status: the status line, reason phrases, error statuses and their content
(RFC 9112 §4, RFC 9110 §15)."""
import re

from conformance.case import MAY, MUST, SHOULD, case
from conformance.contract import numbers
from conformance.probe import header_text, quoted

# status-line = HTTP-version SP status-code SP [ reason-phrase ]
# reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )   (RFC 9112 §4)
STRICT_STATUS_LINE = re.compile(
    rb'^HTTP/[0-9]\.[0-9] [0-9]{3} [\t\x20-\x7e\x80-\xff]*$')

# RFC 9110 §15 (and RFC 6585 for 428, 429, 431, 511) names each code it
# defines so; 306 and 418 are "(Unused)".
STANDARD_REASONS = {
    200: 'OK', 201: 'Created', 202: 'Accepted',
    203: 'Non-Authoritative Information', 204: 'No Content',
    205: 'Reset Content', 206: 'Partial Content', 300: 'Multiple Choices',
    301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
    304: 'Not Modified', 305: 'Use Proxy', 307: 'Temporary Redirect',
    308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized',
    402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
    405: 'Method Not Allowed', 406: 'Not Acceptable',
    407: 'Proxy Authentication Required', 408: 'Request Timeout',
    409: 'Conflict', 410: 'Gone', 411: 'Length Required',
    412: 'Precondition Failed', 413: 'Content Too Large',
    414: 'URI Too Long', 415: 'Unsupported Media Type',
    416: 'Range Not Satisfiable', 417: 'Expectation Failed',
    421: 'Misdirected Request', 422: 'Unprocessable Content',
    426: 'Upgrade Required', 428: 'Precondition Required',
    429: 'Too Many Requests', 431: 'Request Header Fields Too Large',
    500: 'Internal Server Error', 501: 'Not Implemented',
    502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
    505: 'HTTP Version Not Supported', 511: 'Network Authentication Required',
}


def _get(probe, path):
    return probe.exchange(probe.request('GET', path))


def _too_large(probe):
    """A POST one byte over the profile's body limit, sent whole: a
    complete request, whether the server reads it before it refuses or
    answers 413 from the Content-Length alone."""
    size = probe.profile.body_limit + 1
    return probe.exchange(probe.request(
        'POST', '/echo/body', [('Content-Length', str(size))], b'x' * size))


def _error_replies(probe):
    """(what, reply) for error responses produced at several layers: the
    parser (400 for a missing Host), the router (404; on a server of the
    contract also 405), the server's limits (413), the application (400
    from abort) and an exception in a handler (500). A request that got no
    response is left out: that is another case's to judge."""
    asked = [('GET %s without Host' % probe.path,
              probe.request('GET', probe.path, host=False)),
             ('GET ' + probe.missing_path,
              probe.request('GET', probe.missing_path))]
    if probe.target.contract:
        size = probe.profile.body_limit + 1
        asked += [('POST /methods/get-only', probe.request(
            'POST', '/methods/get-only', [('Content-Length', '0')])),
            ('POST /echo/body over the body limit', probe.request(
                'POST', '/echo/body', [('Content-Length', str(size))],
                b'x' * size)),
            ('GET /bytes/%d' % (1 << 30), probe.request(
                'GET', '/bytes/%d' % (1 << 30))),
            ('GET /error/raise', probe.request('GET', '/error/raise'))]
    for what, data in asked:
        reply = probe.attempt(probe.exchange, data)
        if reply is not None and reply.status is not None:
            yield what, reply


@case('RFC9112-4-status-line-syntax', 'RFC 9112 §4; RFC 9110 §2.2', MUST,
      'The status line is HTTP-version SP 3DIGIT SP [reason-phrase]: the '
      'second SP is sent even when there is no reason phrase')
def status_line_syntax(probe):
    paths = [probe.path, probe.missing_path]
    if probe.target.contract:
        paths += ['/status/201', '/status/204', '/redirect/302',
                  '/error/raise']
    judged = []
    for path in paths:
        # a route that gives no response has no status line to judge
        reply = probe.attempt(probe.exchange, probe.request('GET', path))
        if reply is None or reply.status is None:
            continue
        line = reply.head.split(b'\r\n', 1)[0]
        probe.expect(STRICT_STATUS_LINE.match(line) is not None,
                     'a status line matching HTTP/d.d SP 3DIGIT SP '
                     '*(HTAB / SP / VCHAR / obs-text)',
                     'GET %s: %s' % (path, quoted(line, 120)))
        judged.append(path)
    if not judged:
        probe.not_applicable('no response came to judge')
    probe.observe('the status lines of GET %s' % ', '.join(judged))


@case('RFC9110-15-reason-phrases', 'RFC 9110 §15; RFC 9112 §4', MAY,
      'Reason phrases are free text; whether they are the standard ones is '
      'recorded (a control character in one would be malformed)')
def reason_phrases(probe):
    seen = []
    for code in sorted(STANDARD_REASONS):
        if code == 405:
            reply = probe.exchange(probe.request(
                'POST', '/methods/get-only', [('Content-Length', '0')]))
        elif code == 413:
            reply = _too_large(probe)
        else:
            # one connection each, closed after: more codes than a server
            # may keep connections open at once
            reply = probe.exchange(probe.request(
                'GET', '/status/%d' % code, [('Connection', 'close')]))
        seen.append((code, reply))
    odd = ['%d: %s' % (code, reply.describe()) for code, reply in seen
           if reply.status != code or
           reply.reason.lower() != STANDARD_REASONS[code].lower()]
    probe.expected_text = "RFC 9110's reason phrases (not required)"
    probe.observe('all %d standard' % len(seen) if not odd else
                  '%d of %d differ: %s' % (len(odd), len(seen),
                                           '; '.join(odd)))


@case('CONTRACT-handler-exception-500', 'fixtures/CONTRACT.md (Routes)',
      MUST, 'GET /error/raise, whose handler raises, is answered with 500, '
      'and the server goes on serving')
def handler_exception(probe):
    reply = _get(probe, '/error/raise')
    probe.still_alive_after('a handler raised an exception')
    probe.expect_status(reply, 500)


@case('CONTRACT-abort-status', 'fixtures/CONTRACT.md (Routes)', MUST,
      'GET /error/abort/<code> is answered with the status code the '
      'application aborted with')
def abort_status(probe):
    for code in numbers().ABORT_CODES:
        reply = _get(probe, '/error/abort/%d' % code)
        probe.expect(reply.status == code, 'status %d' % code,
                     'GET /error/abort/%d: %s' % (code, reply.describe()))


@case('RFC9110-15-invalid-status-answered', 'RFC 9110 §15', MAY,
      'An application that asks for a status outside 100..599 still gets '
      'an answer to its client; which status is recorded')
def invalid_status(probe):
    seen = []
    for code in (999, 600):
        reply = _get(probe, '/error/abort/%d' % code)
        seen.append('abort(%d) -> %s' % (code, reply.describe()))
        probe.expect(reply.status is not None,
                     'a response (codes outside 100..599 are invalid; a '
                     '500 is usual)', '; '.join(seen))
    probe.observe('; '.join(seen))


@case('RFC9110-8.3-error-content-type', 'RFC 9110 §8.3', SHOULD,
      'An error response with content says what type the content is')
def error_content_type(probe):
    for what, reply in _error_replies(probe):
        probe.expect(not reply.body or reply.has_header('Content-Type'),
                     'a Content-Type with the content of the error',
                     '%s: %s, %d bytes of content, %s' % (
                         what, reply.describe(), len(reply.body),
                         header_text(reply, 'Content-Type')))


@case('RFC9110-15.5-error-explanation', 'RFC 9110 §15.5, §15.6', SHOULD,
      'A 4xx or 5xx response to a method other than HEAD explains the error '
      'in its content')
def error_explanation(probe):
    for what, reply in _error_replies(probe):
        if reply.status is None or reply.status < 400:
            continue  # whether it should be an error is not asked here
        probe.expect(reply.body.strip() != b'',
                     'a 4xx or 5xx with content explaining the error',
                     '%s: %s, content %s' % (what, reply.describe(),
                                             quoted(reply.body, 80)))
