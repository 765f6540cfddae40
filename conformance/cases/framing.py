"""Framing: how a request body is delimited (RFC 9112 §6, RFC 9110 §8.6,
§10.1.1, §15.5.14): Content-Length, Transfer-Encoding, limits,
100-continue. Chunked coding itself is the ``chunked`` area; requests
hidden in ambiguous framing are the ``desync`` area.

Hand-written servers parse Content-Length with ``int()``, which takes
"1_0", "+5", " 5 " and (on CPython) Unicode digits, and match
Transfer-Encoding with ``strip()``, ``in`` or ``==``: each variant below is
one such parser's blind spot. Comments name the Http11Probe cases each
covers.
"""

from conformance.case import MUST, SHOULD, case
from conformance.contract import echoed, echoed_header, \
    expect_answered_as_itself, expect_echo, get_name, post, post_chunked, \
    reading_chunked
from conformance.probe import quoted
from conformance.wire import chunked

HELLO_CHUNKED = b'5\r\nhello\r\n0\r\n\r\n'


def expect_refused_and_closed(probe, reply):
    """400, then the connection closed (RFC 9112 §6.3's words)."""
    probe.expect_status(reply, 400)
    probe.expect_closed(reply)


def expect_chunked_or_refused(probe, reply, *statuses, body=b'hello'):
    """A request with both framings (RFC 9112 §6.1: "MAY reject ... or
    process such a request in accordance with the Transfer-Encoding alone.
    Regardless, the server MUST close the connection"): refused (with one
    of ``statuses``, any 4xx if none), or its chunked body (``body``, once
    decoded) used, never the Content-Length; then the connection closed. A
    server with its own application cannot say which body it used: once
    the close is judged, an accepted request sets the case aside."""
    if not probe.refused(reply, *statuses):
        if not probe.target.contract:
            probe.expect_closed(reply)
        expect_echo(probe, reply, body)
    probe.expect_closed(reply)


def expect_length_never_frames(probe, data):
    """Http11Probe's form of a request with both framings: a
    Transfer-Encoding that is chunked, then "Content-Length: 5" and the
    5-byte body "hello", which is no chunked data. Framed by the
    Transfer-Encoding alone (RFC 9112 §6.1) it is invalid: refused (400:
    RFC 9112 §2.2, SHOULD), or left waiting for chunked data until the
    client closes its side. Never a success with "hello" (the Content-Length
    framing it), and any answer followed by a close (§6.1, MUST)."""
    method = data.split(b' ', 1)[0].decode('latin-1')
    conn = probe.connect()
    conn.send(data)
    conn.shutdown_write()  # a server reading chunks would wait for more
    reply = probe.read(conn, method)
    if reply.status is None:
        probe.observe(reply.describe())
        return
    if method == 'POST' and 200 <= reply.status < 300:
        got = echoed(probe, reply)
        probe.expect(got != b'hello', 'never the 5-byte body "hello": the '
                     'Content-Length does not frame a request that has a '
                     'Transfer-Encoding', '%s with the body "hello"' %
                     reply.describe())
    reply.closed = reply.closed or conn.wait_closed(probe.close_wait)
    probe.expect_closed(reply)
    probe.expect(400 <= reply.status < 500, 'a refusal (4xx): "hello" is no '
                 'chunked data (RFC 9112 §2.2: a message that does not match '
                 'the grammar SHOULD be answered with 400)', reply.describe(),
                 level=SHOULD)


# ------------------------------------------------------ Content-Length
# RFC 9112 §6.3 (5): "If a message is received without Transfer-Encoding
# and with ... a single Content-Length header field having an invalid
# value, then the message framing is invalid ... the server MUST respond
# with a 400 (Bad Request) status code and then close the connection."
# RFC 9110 §8.6: Content-Length = 1*DIGIT, ASCII decimal digits only.


def _invalid_length(suffix, values, body, what):
    """``values``: one Content-Length value, or a tuple of them (a line
    each). The body is what a lenient parser takes the value to announce."""
    lines = [('Content-Length', v) for v in (
        values if isinstance(values, tuple) else (values,))]

    @case('RFC9112-6.3-cl-' + suffix, 'RFC 9112 §6.3', MUST,
          'A Content-Length of %s is answered with 400 and a close' % what)
    def check(probe):
        reply = probe.exchange(post(probe, '/echo/body', body, lines,
                                    carrier=True), linger=True)
        expect_refused_and_closed(probe, reply)
    return check


# The values and bodies are Http11Probe's where it sends one.
# Http11Probe: RFC9112-6.1-CL-NON-NUMERIC
_invalid_length('alpha', 'abc', b'', 'letters ("abc")')
# Http11Probe: RFC9112-6.1-CL-PLUS-SIGN
_invalid_length('plus', '+5', b'hello', 'a signed number ("+5")')
# Http11Probe: SMUG-CL-NEGATIVE
_invalid_length('negative', '-1', b'', 'a negative number ("-1")')
# Http11Probe: MAL-CL-EMPTY
_invalid_length('empty', '', b'', 'nothing (an empty value)')
# Http11Probe: SMUG-CL-HEX-PREFIX
_invalid_length('hex', '0x5', b'hello', 'a hexadecimal number ("0x5")')
# Http11Probe: SMUG-CL-UNDERSCORE (Python's int('1_0') is 10)
_invalid_length('underscore', '1_0', b'helloworld',
                'digits with an underscore ("1_0")')
# Http11Probe: SMUG-CL-INTERNAL-SPACE
_invalid_length('internal-space', '1 0', b'hello12345',
                'digits with a space between them ("1 0")')
# Http11Probe: SMUG-CL-OCTAL (int('0o5', 0) is 5)
_invalid_length('octal-prefix', '0o5', b'hello',
                'an octal number ("0o5")')
# Http11Probe: SMUG-CL-COMMA-DIFFERENT
_invalid_length('list-different', '5, 10', b'hello',
                'a list of different values on one line ("5, 10")')
# Http11Probe: SMUG-CL-NEGATIVE-ZERO
_invalid_length('negative-zero', '-0', b'',
                'a signed zero ("-0")')
# sent as UTF-8: CPython's int() reads both as 5
_invalid_length('fullwidth-digit', '\uff15', b'hello',
                'a fullwidth digit five (U+FF15, UTF-8)')
_invalid_length('arabic-indic-digit', '\u0665', b'hello',
                'an Arabic-Indic digit five (U+0665, UTF-8)')
# CPython's str.strip() takes NBSP away, leaving "5"
_invalid_length('nbsp', '5\u00a0', b'hello',
                'a 5 followed by a no-break space (U+00A0, UTF-8)')
# an empty line beside a valid one: a parser that skips empty values (or
# takes the last line) reads 5, one that takes the first reads 0
_invalid_length('empty-beside-valid', ('', '5'), b'hello',
                'an empty value in one line and "5" in another')


@case('RFC9112-6.3-cl-conflicting', 'RFC 9112 §6.3', MUST,
      'Two Content-Length lines with different values are answered with '
      '400 and a close')
def conflicting_lengths(probe):
    # Http11Probe: SMUG-DUPLICATE-CL
    reply = probe.exchange(post(
        probe, '/echo/body', b'helloworld', [('Content-Length', '5'),
                                             ('Content-Length', '10')],
        carrier=True), linger=True)
    expect_refused_and_closed(probe, reply)


def _identical_lengths(suffix, value):
    @case('RFC9112-6.3-cl-identical-' + suffix, 'RFC 9112 §6.3; '
          'RFC 9110 §8.6', MUST,
          'A Content-Length list of identical values ("%s") is taken as '
          'that value, or refused with 400 and a close; which is recorded'
          % value)
    def check(probe):
        reply = probe.exchange(post(probe, '/echo/body', b'hello',
                                    [('Content-Length', value)],
                                    carrier=True), linger=True)
        if reply.status == 400:
            # RFC 9110 §8.6: "MAY either reject the message as invalid or
            # replace that invalid field value with a single instance"
            probe.expect_closed(reply)
            probe.observe('refused: %s' % probe.close_state(reply))
            return
        expect_echo(probe, reply, b'hello')
        probe.observe('accepted as Content-Length: 5')
    return check


# Http11Probe: SMUG-CL-COMMA-SAME
_identical_lengths('list', '5, 5')
# Http11Probe: SMUG-CL-COMMA-TRIPLE
_identical_lengths('triple', '5, 5, 5')


# Http11Probe: SMUG-CL-LEADING-ZEROS, SMUG-CL-LEADING-ZEROS-OCTAL,
# SMUG-CL-DOUBLE-ZERO, sent as it sends them after "010" (it accepts a 400;
# the values are valid 1*DIGIT, so the RFC gives the server no ground to
# refuse them)
LEADING_ZEROS = (('010', b'0123456789'), ('005', b'hello'), ('00', b''),
                 ('0200', b'A' * 200))


@case('RFC9112-6.3-cl-leading-zero', 'RFC 9112 §6.3; RFC 9110 §8.6', MUST,
      'A Content-Length with leading zeros ("010", "005", "00", "0200") is '
      'read in decimal: the body is received whole (an octal reading of '
      '"010" takes 8 bytes)')
def leading_zero_length(probe):
    for value, body in LEADING_ZEROS:
        reply = probe.exchange(post(probe, '/echo/body', body,
                                    [('Content-Length', value)]))
        expect_echo(probe, reply, body)


# Http11Probe: MAL-CL-OVERFLOW, MAL-POST-CL-HUGE-NO-BODY
@case('RFC9110-8.6-cl-20-digits', 'RFC 9110 §8.6; RFC 9112 §6.3', MUST,
      'A 20-digit Content-Length (2^64 + 5) is refused (400 or 413) or its '
      'body waited for; it is never read as a small number (wrapped at 64 '
      'bits, it is 5: "hello")')
def twenty_digit_length(probe):
    # "a recipient MUST anticipate potentially large decimal numerals and
    # prevent parsing errors due to integer conversion overflows". The
    # value is valid: a server may wait for the body, so the client closes
    # its side instead of making it wait.
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'hello',
                   [('Content-Length', str(2 ** 64 + 5))], carrier=True))
    conn.shutdown_write()
    reply = probe.read(conn, 'POST', silence_ok=True)
    probe.expect(reply.status in (None, 400, 413), 'status 400 or 413, or '
                 'no answer (the body waited for)', reply.describe())


# RFC 9112 §5: whitespace before and after a field line value "is excluded
# by parsers when extracting the field line value" (RFC 9110 §5.5: "A field
# value does not include leading or trailing whitespace"). What is left is
# "5", valid 1*DIGIT: the body is five bytes. Http11Probe grades these
# SHOULD or MAY and also takes a 400; the RFC leaves no ground to refuse.


def _padded_length(suffix, line, what):
    @case('RFC9110-5.5-cl-' + suffix, 'RFC 9110 §5.5; RFC 9112 §5, §6.3',
          MUST, 'A Content-Length %s is 5 once the whitespace around the '
          'value is excluded: the 5-byte body is received whole' % what)
    def check(probe):
        reply = probe.exchange(probe.request('POST', '/echo/body', [line],
                                             b'hello'))
        expect_echo(probe, reply, b'hello')
    return check


# Http11Probe: SMUG-CL-TRAILING-SPACE
_padded_length('trailing-space', b'Content-Length: 5 ',
               'with a space after the value ("5 ")')
# Http11Probe: SMUG-CL-EXTRA-LEADING-SP
_padded_length('leading-spaces', b'Content-Length:  5',
               'with two spaces before the value')
# Http11Probe: MAL-CL-TAB-BEFORE-VALUE
_padded_length('tab', b'Content-Length:\t5',
               'with an HTAB before the value and no space')


# Http11Probe: NORM-UNDERSCORE-CL (it sends "Content_Length" after a valid
# Content-Length and takes a refusal too)
@case('RFC9112-6.3-cl-underscore-name', 'RFC 9112 §6.3; RFC 9110 §5.1',
      MUST, 'A "Content_Length: 5" field (an unknown field, not '
      'Content-Length) beside "Content-Length: 11" frames nothing: the '
      '11-byte body is received whole (a refusal breaks RFC 9110 §5.1\'s '
      'SHOULD: unknown fields are ignored)')
def cl_underscore_name(probe):
    # A server that maps field names to variables (CGI, WSGI) reads two
    # Content-Length fields: a refusal then is safe, a 99-byte body is not.
    # Http11Probe: NORM-UNDERSCORE-CL, as it sends it
    body = b'hello world'
    fields = [('Content-Length', len(body)), ('Content_Length', 99)]
    reply = probe.exchange(probe.request('POST', '/echo/body', fields, body))
    _unknown_field_ignored(probe, reply, 'Content_Length')
    expect_echo(probe, reply, body)
    # /echo shows the fields the application saw: no Content-Length of 99
    seen = echoed_header(probe, probe.exchange(probe.request(
        'POST', '/echo', fields, body)), 'Content-Length')
    probe.expect(seen == '11', 'the application sees Content-Length: 11 '
                 '(RFC 9110 §5.1: "Content_Length" SHOULD be ignored, not '
                 'read as Content-Length)', 'Content-Length: %s' % seen,
                 level=SHOULD)


def _unknown_field_ignored(probe, reply, name):
    """A refusal of a request for an unknown field breaks RFC 9110 §5.1's
    SHOULD."""
    if probe.refused(reply):
        probe.expect(False, 'the request answered, "%s" ignored (RFC 9110 '
                     '§5.1: recipients SHOULD ignore unrecognized fields)'
                     % name, reply.describe(), level=SHOULD)


@case('RFC9112-6.3-no-length-no-body', 'RFC 9112 §6.3', MUST,
      'A request with neither Content-Length nor Transfer-Encoding has an '
      'empty body (the server does not wait for one)')
def no_length_no_body(probe):
    reply = probe.exchange(probe.request('POST', '/echo/body'))
    probe.expect_status(reply, 200)
    got = echoed(probe, reply)
    probe.expect(got == b'', 'an empty body', 'received %d bytes: %s' % (
        len(got), quoted(got)))


# ------------------------------------------------- Transfer-Encoding


def coded(probe, *field_lines, body=HELLO_CHUNKED, carrier=False):
    """POST /echo/body with these raw field lines (bytes, no CRLF) and a
    body ("hello", chunked, unless given); ``carrier`` as for ``post``."""
    return post(probe, '/echo/body', body, list(field_lines),
                carrier=carrier)


def _te(value):
    return b'Transfer-Encoding: ' + value


def _length_of(body):
    return b'Content-Length: %d' % len(body)


def _te_and_cl(suffix, line, what='', rfc='RFC 9112 §6.1'):
    """``line``, a Transfer-Encoding that is chunked, beside a
    Content-Length that would make the body "5\\r\\nhe"."""
    @case('RFC9112-6.1-te-and-cl' + suffix, rfc, MUST,
          'Transfer-Encoding%s with Content-Length: the request rejected, or '
          'its chunked body used (never the Content-Length); either way the '
          'connection is closed after the response' % what)
    def check(probe):
        reply = probe.exchange(coded(probe, b'Content-Length: 5', line,
                                     carrier=True), linger=True)
        expect_chunked_or_refused(probe, reply)
    return check


# Http11Probe's own requests with both framings: the Content-Length, the
# chunked body and what it decodes to (SMUG-CL-TE-BOTH, SMUG-CLTE-CONN-CLOSE,
# SMUG-CLTE-PIPELINE, SMUG-CLTE-DESYNC: the Content-Length ends before the
# chunks do, at them, or after them)
CL_TE_FORMS = ((23, b'D\r\nhello-bananas\r\n0\r\n\r\n', b'hello-bananas'),
               (5, b'0\r\n\r\n', b''), (4, b'0\r\n\r\n', b''),
               (6, b'0\r\n\r\nX', b''))
# and with Transfer-Encoding first (SMUG-TECL-CONN-CLOSE,
# SMUG-TECL-PIPELINE, SMUG-TECL-DESYNC)
TE_CL_FORMS = ((5, b'0\r\n\r\n'), (30, b'0\r\n\r\n'), (30, b'0\r\n\r\nX'))


@case('RFC9112-6.1-te-and-cl', 'RFC 9112 §6.1', MUST,
      'Transfer-Encoding with Content-Length: the request rejected, or its '
      'chunked body used (never the Content-Length); either way the '
      'connection is closed after the response')
def te_and_cl(probe):
    reply = probe.exchange(coded(probe, b'Content-Length: 5', _te(b'chunked')),
                           linger=True)
    expect_chunked_or_refused(probe, reply)
    for length, body, decoded in CL_TE_FORMS:
        reply = probe.exchange(coded(probe, b'Content-Length: %d' % length,
                                     _te(b'chunked'), body=body), linger=True)
        expect_chunked_or_refused(probe, reply, body=decoded)



# Whitespace around the value is no part of it (RFC 9110 §5.5): both are
# "chunked".
# Http11Probe: SMUG-TE-TRAILING-SPACE
_te_and_cl('-trailing-space', b'Transfer-Encoding: chunked ',
           ' "chunked " (a space after the value)', 'RFC 9112 §6.1; '
           'RFC 9110 §5.5')
# Http11Probe: SMUG-TE-TAB-BEFORE-VALUE
_te_and_cl('-tab', b'Transfer-Encoding:\tchunked',
           ' with an HTAB before "chunked"', 'RFC 9112 §6.1; RFC 9110 §5.5')
# Field names are case-insensitive (RFC 9110 §5.1). Http11Probe also fails
# a server that passes the field on with its name in another case, which no
# RFC keyword forbids.
# Http11Probe: NORM-CASE-TE
_te_and_cl('-upper-case-name', b'TRANSFER-ENCODING: chunked',
           ' named in upper case ("TRANSFER-ENCODING")', 'RFC 9112 §6.1; '
           'RFC 9110 §5.1')


# Http11Probe: SMUG-TECL-CONN-CLOSE
@case('RFC9112-6.1-te-before-cl', 'RFC 9112 §6.1', MUST,
      'Transfer-Encoding before Content-Length: the request rejected, or '
      'its chunked body used (never the Content-Length); either way the '
      'connection is closed after the response')
def te_before_cl(probe):
    reply = probe.exchange(coded(probe, _te(b'chunked'),
                                 b'Content-Length: 5', carrier=True),
                           linger=True)
    expect_chunked_or_refused(probe, reply)
    for length, body in TE_CL_FORMS:
        reply = probe.exchange(coded(probe, _te(b'chunked'),
                                     b'Content-Length: %d' % length,
                                     body=body), linger=True)
        expect_chunked_or_refused(probe, reply, body=b'')


# RFC 9112 §6.1: "A sender MUST NOT apply the chunked transfer coding more
# than once to a message body". A recipient that gets it twice either
# refuses the request or undoes both codings; either way the chunked coding
# frames the message, never the Content-Length beside it, and the
# connection is closed after the response.
# Http11Probe: SMUG-TE-DOUBLE-CHUNKED (with "hello" as the body; a 400 or a
# 2xx there)
@case('RFC9112-6.1-te-chunked-twice', 'RFC 9112 §6.1, §7', MUST,
      'Transfer-Encoding "chunked, chunked" (chunked applied twice, which a '
      'sender MUST NOT do) beside a Content-Length: refused (a 4xx or 501, '
      'or a close), or both codings undone ("hello"), never framed by the '
      'Content-Length; then the connection closed')
def te_chunked_twice(probe):
    reply = probe.exchange(coded(
        probe, b'Content-Length: 5', _te(b'chunked, chunked'),
        body=chunked(chunked(b'hello')), carrier=True), linger=True)
    expect_chunked_or_refused(probe, reply, '4xx', 501)


@case('RFC9112-6.3-chunked-not-final', 'RFC 9112 §6.3', MUST,
      'A Transfer-Encoding whose final coding is not chunked is answered '
      'with 400 and a close')
def chunked_not_final(probe):
    # Http11Probe: SMUG-TE-NOT-FINAL-CHUNKED, as it sends it
    reply = probe.exchange(post_chunked(
        probe, '/echo/body', b'0\r\n\r\n', coding='chunked, gzip',
        carrier=True), linger=True)
    expect_refused_and_closed(probe, reply)


# RFC 9112 §6.3 (4): "If a Transfer-Encoding header field is present in a
# request and the chunked transfer coding is not the final encoding, the
# message body length cannot be determined reliably; the server MUST
# respond with the 400 (Bad Request) status code and then close the
# connection." §6.1 adds that a server SHOULD answer 501 to a coding it
# does not understand; where a coding it does not understand is also not
# followed by chunked, both apply, and the MUST decides: 400. (Http11Probe
# accepts 501 as well for SMUG-TE-XCHUNKED and SMUG-TE-IDENTITY.) The
# requests carry no Content-Length: the Transfer-Encoding alone frames
# them, so a server that ignores it reads an empty body, and one that
# "cleans" it up to chunked decodes "hello"; both are wrong.


def _not_chunked(suffix, values, what, bodies=((None, HELLO_CHUNKED),)):
    """Each of ``bodies``: a Content-Length to send after the
    Transfer-Encoding lines (or None), and the body (or a function of the
    probe that makes it)."""
    lines = [_te(v) for v in values]

    @case('RFC9112-6.3-te-' + suffix, 'RFC 9112 §6.1, §6.3', MUST,
          'Transfer-Encoding %s, where chunked is not the final coding, is '
          'answered with 400 and a close' % what)
    def check(probe):
        for length, body in bodies:
            body = body(probe) if callable(body) else body
            fields = lines + ([] if length is None else
                              [b'Content-Length: %d' % (length or len(body))])
            reply = probe.exchange(coded(probe, *fields, body=body,
                                         carrier=True), linger=True)
            expect_refused_and_closed(probe, reply)
    return check


def _hidden_request(probe):
    """The last chunk, then a whole request."""
    return b'0\r\n\r\n' + get_name(probe, 'smuggled')


_not_chunked('chunked-identity', [b'chunked, identity'],
             '"chunked, identity"')
# Http11Probe: COMP-UNKNOWN-TE-501 (it takes a 501 too; chunked missing,
# RFC 9112 §6.3 asks 400 of the request)
_not_chunked('gzip', [b'gzip'], '"gzip" alone, with no body',
             bodies=((None, b''),))
# Http11Probe: SMUG-TE-XCHUNKED
_not_chunked('xchunked', [b'xchunked'], '"xchunked"')
# Http11Probe: SMUG-TE-IDENTITY (identity is no longer a transfer coding)
_not_chunked('identity', [b'identity'], '"identity"')
# Http11Probe: SMUG-TE-EMPTY-VALUE (an empty list: no final coding at all)
_not_chunked('empty', [b''], 'with an empty value')
# Http11Probe: SMUG-TE-DUPLICATE-HEADERS (the lines are one list, RFC 9110
# §5.3: "chunked, identity"; a parser that keeps the first line decodes)
# Http11Probe: SMUG-TE-DUPLICATE-HEADERS-SMUGGLED-GET, a request hidden
# after the last chunk; and its own form, the body "hello" (a Content-Length
# of 0 means the body's own length)
_not_chunked('two-lines', [b'chunked', b'identity'],
             'in two lines, "chunked" then "identity", beside a '
             'Content-Length', bodies=((0, HELLO_CHUNKED), (5, b'hello'),
                                       (0, _hidden_request)))
# A control character is invalid in a field value (RFC 9110 §5.5): the
# request is refused, or the character kept, and then the coding is not
# chunked either. Python's str.strip() removes VT, FF and (CPython) NBSP.
# Http11Probe: SMUG-TE-VTAB
_not_chunked('vt', [b'\x0bchunked'], 'VT then "chunked"')
# Http11Probe: SMUG-TE-FORMFEED
_not_chunked('ff', [b'\x0cchunked'], 'FF then "chunked"')
_not_chunked('nbsp', [b'chunked\xa0'], '"chunked" then a 0xA0 byte')


# Http11Probe: SMUG-TE-NULL
@case('RFC9112-6.3-te-nul', 'RFC 9112 §6.3; RFC 9110 §5.5', MUST,
      'Transfer-Encoding "chunked" then NUL is refused with 400 and a '
      'close, or (the NUL replaced by SP, as RFC 9110 §5.5 allows) decoded '
      'as chunked; never ignored')
@reading_chunked
def te_nul(probe):
    reply = probe.exchange(coded(probe, _te(b'chunked\x00'), carrier=True),
                           linger=True)
    if reply.status is not None and 200 <= reply.status < 300:
        expect_echo(probe, reply, b'hello')
        probe.observe('the NUL replaced by SP: decoded as chunked')
        return
    expect_refused_and_closed(probe, reply)


def _decoded(case_id, rfc, value, what):
    @case(case_id, rfc, MUST, 'Transfer-Encoding %s is chunked: the body is '
          'decoded' % what)
    @reading_chunked
    def check(probe):
        reply = probe.exchange(coded(probe, _te(value)))
        expect_echo(probe, reply, b'hello')
    return check


# RFC 9110 §5.6.1: "a recipient MUST parse and ignore a reasonable number
# of empty list elements". Http11Probe sends these with a Content-Length
# and accepts a 400; without one, only the chunked reading is right.
# Http11Probe: SMUG-TE-LEADING-COMMA
_decoded('RFC9110-5.6.1-te-leading-comma', 'RFC 9110 §5.6.1; '
         'RFC 9112 §6.1', b', chunked', 'with a leading comma (", chunked")')
# Http11Probe: SMUG-TE-TRAILING-COMMA
_decoded('RFC9110-5.6.1-te-trailing-comma', 'RFC 9110 §5.6.1; '
         'RFC 9112 §6.1', b'chunked,', 'with a trailing comma ("chunked,")')
# RFC 9112 §7: "All transfer-coding names are case-insensitive"
# Http11Probe: SMUG-TE-CASE-MISMATCH
_decoded('RFC9112-7-te-case-insensitive', 'RFC 9112 §7, §7.1', b'Chunked',
         '"Chunked"')


# ---------------------------- Transfer-Encoding, then Content-Length: 5
# Http11Probe sends each odd Transfer-Encoding as the first of two framing
# fields: "Transfer-Encoding: <value>", "Content-Length: 5", then the body
# "hello". A server that lets the Content-Length frame such a request reads
# "hello"; RFC 9112 §6.3 says "If a message is received with both a
# Transfer-Encoding and a Content-Length header field, the
# Transfer-Encoding overrides the Content-Length", and §6.1 lets the server
# reject it or process it "in accordance with the Transfer-Encoding alone.
# Regardless, the server MUST close the connection after responding". The
# cases above send these values without a Content-Length, where only the
# chunked reading is right; these send them as Http11Probe does.


def _te_then_cl(suffix, line, what, rfc='RFC 9112 §6.1, §2.2'):
    """``line`` holds a Transfer-Encoding that RFC 9110 reads as chunked."""
    @case('RFC9112-6.1-te-%s-then-cl' % suffix, rfc, MUST,
          'Transfer-Encoding %s (chunked), then "Content-Length: 5" and the '
          'body "hello", which is no chunked data: never framed by the '
          'Content-Length; refused (400, SHOULD) and the connection closed'
          % what)
    def check(probe):
        expect_length_never_frames(probe, coded(
            probe, line, b'Content-Length: 5', body=b'hello', carrier=True))
    return check


# Http11Probe: SMUG-TE-TRAILING-SPACE
_te_then_cl('trailing-space', _te(b'chunked '), '"chunked " (a space after '
            'the value: RFC 9110 §5.5 excludes it)',
            'RFC 9112 §6.1, §2.2; RFC 9110 §5.5')
# Http11Probe: SMUG-TE-CASE-MISMATCH
_te_then_cl('capitalised', _te(b'Chunked'), '"Chunked" (RFC 9112 §7: '
            'coding names are case-insensitive)', 'RFC 9112 §6.1, §7, §2.2')
# Http11Probe: SMUG-TE-LEADING-COMMA
_te_then_cl('leading-comma', _te(b', chunked'), '", chunked" (RFC 9110 '
            '§5.6.1: empty list elements are ignored)',
            'RFC 9112 §6.1, §2.2; RFC 9110 §5.6.1')
# Http11Probe: SMUG-TE-TRAILING-COMMA
_te_then_cl('trailing-comma', _te(b'chunked,'), '"chunked," (RFC 9110 '
            '§5.6.1)', 'RFC 9112 §6.1, §2.2; RFC 9110 §5.6.1')
# Http11Probe: SMUG-TE-TAB-BEFORE-VALUE
_te_then_cl('tab', b'Transfer-Encoding:\tchunked', 'with an HTAB before '
            '"chunked" (optional whitespace)', 'RFC 9112 §6.1, §2.2, §5')
# Http11Probe: SMUG-TE-DOUBLE-CHUNKED (chunked is still the final coding;
# that a sender MUST NOT apply it twice does not make the Content-Length
# frame the request)
_te_then_cl('chunked-twice', _te(b'chunked, chunked'), '"chunked, chunked"')
# Http11Probe: SMUG-CHUNKED-WITH-PARAMS (a parameter chunked does not
# define: chunked, or no coding the server knows; the Content-Length frames
# it in neither reading)
_te_then_cl('parameter', _te(b'chunked;ext=val'), '"chunked;ext=val"',
            'RFC 9112 §6.1, §6.3, §7, §2.2')
# Http11Probe: SMUG-TE-NULL (RFC 9110 §5.5: the NUL refused, or replaced by
# SP, which leaves "chunked")
_te_then_cl('nul', _te(b'chunked\x00'), '"chunked" then NUL',
            'RFC 9112 §6.1, §2.2; RFC 9110 §5.5')


def _not_chunked_then_cl(suffix, value, what):
    @case('RFC9112-6.3-te-%s-then-cl' % suffix, 'RFC 9112 §6.1, §6.3', MUST,
          'Transfer-Encoding %s (chunked not the final coding), then '
          '"Content-Length: 5" and the body "hello": answered with 400 and a '
          'close, never framed by the Content-Length' % what)
    def check(probe):
        reply = probe.exchange(coded(probe, _te(value), b'Content-Length: 5',
                                     body=b'hello', carrier=True),
                               linger=True)
        expect_refused_and_closed(probe, reply)
    return check


# Http11Probe: SMUG-TE-XCHUNKED
_not_chunked_then_cl('xchunked', b'xchunked', '"xchunked"')
# Http11Probe: SMUG-TE-IDENTITY
_not_chunked_then_cl('identity', b'identity', '"identity"')
# Http11Probe: SMUG-TE-EMPTY-VALUE
_not_chunked_then_cl('empty', b'', 'with an empty value')
# Http11Probe: SMUG-TE-VTAB (RFC 9110 §5.5: VT refused, or kept)
_not_chunked_then_cl('vt', b'\x0bchunked', 'VT then "chunked"')
# Http11Probe: SMUG-TE-FORMFEED
_not_chunked_then_cl('ff', b'\x0cchunked', 'FF then "chunked"')


# Http11Probe: SMUG-CHUNKED-WITH-PARAMS (with a Content-Length there)
@case('RFC9112-7-te-chunked-parameter', 'RFC 9112 §6.3, §7', MUST,
      'Transfer-Encoding "chunked;ext=val" (a parameter chunked does not '
      'define) is decoded as chunked, or refused with 400 and a close as a '
      'coding that is not chunked; never ignored')
@reading_chunked
def te_chunked_parameter(probe):
    reply = probe.exchange(coded(probe, _te(b'chunked;ext=val'),
                                 carrier=True), linger=True)
    if reply.status is not None and 200 <= reply.status < 300:
        expect_echo(probe, reply, b'hello')
        probe.observe('decoded as chunked')
        return
    expect_refused_and_closed(probe, reply)


# Http11Probe: SMUG-TE-OBS-FOLD, SMUG-OPTIONS-TE-OBS-FOLD
@case('RFC9112-5.2-te-obs-fold', 'RFC 9112 §5.2, §6.1', MUST,
      'Transfer-Encoding folded onto a second line (obs-fold), beside a '
      'Content-Length: refused with 400, or unfolded and the chunked body '
      'used (never the Content-Length); then the connection closed')
def te_obs_fold(probe):
    # RFC 9112 §5.2: a server "MUST either reject the message by sending a
    # 400 (Bad Request) ... or replace each received obs-fold with one or
    # more SP octets"; unfolded, it is chunked beside a Content-Length.
    reply = probe.exchange(coded(probe, b'Transfer-Encoding:', b' chunked',
                                 _length_of(HELLO_CHUNKED), carrier=True),
                           linger=True)
    expect_chunked_or_refused(probe, reply, 400)
    # as Http11Probe sends it, with POST and OPTIONS: "hello" after
    # "Content-Length: 5", no chunked data
    path = '/echo/body' if probe.target.contract else probe.path
    for method in ('POST', 'OPTIONS'):
        expect_length_never_frames(probe, probe.request(
            method, path, [b'Transfer-Encoding:', b' chunked',
                           b'Content-Length: 5'], b'hello'))


# Http11Probe: SMUG-TRANSFER_ENCODING, NORM-UNDERSCORE-TE
@case('RFC9112-6.3-te-underscore-name', 'RFC 9112 §6.3; RFC 9110 §5.1',
      MUST, 'A "Transfer_Encoding: chunked" field (an unknown field, not '
      'Transfer-Encoding) beside a Content-Length frames nothing: the '
      'Content-Length does (a refusal breaks RFC 9110 §5.1\'s SHOULD: '
      'unknown fields are ignored)')
def te_underscore_name(probe):
    # Servers that map field names to variables (CGI, WSGI) turn '-' and
    # '_' into the same character.
    for body in (HELLO_CHUNKED, b'hello'):  # the second Http11Probe's
        reply = probe.exchange(coded(probe, b'Transfer_Encoding: chunked',
                                     _length_of(body), body=body))
        _unknown_field_ignored(probe, reply, 'Transfer_Encoding')
        expect_echo(probe, reply, body)
    # NORM-UNDERSCORE-TE: Content-Length first; /echo shows what the
    # application saw, which must not be a Transfer-Encoding
    body = b'hello world'
    reply = probe.exchange(probe.request('POST', '/echo', [
        _length_of(body), b'Transfer_Encoding: chunked'], body))
    _unknown_field_ignored(probe, reply, 'Transfer_Encoding')
    seen = echoed_header(probe, reply, 'Transfer-Encoding')
    probe.expect(seen is None, 'no Transfer-Encoding seen by the application '
                 '(RFC 9110 §5.1: "Transfer_Encoding" SHOULD be ignored)',
                 'Transfer-Encoding: %s' % seen, level=SHOULD)


@case('RFC9112-6.1-unknown-coding-501', 'RFC 9112 §6.1', SHOULD,
      'A transfer coding the server does not implement ("gzip, chunked") '
      'is answered with 501')
def unknown_coding(probe):
    gzipped_hello = (b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff\xcbH\xcd'
                     b'\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00')
    reply = probe.exchange(post_chunked(
        probe, '/echo/body', chunked(gzipped_hello), coding='gzip, chunked',
        carrier=True))
    if reply.status == 200 and echoed(probe, reply) == b'hello':
        probe.observe('the server implements gzip: it decoded "hello"')
        return
    probe.expect_status(reply, 501)


@case('RFC9112-6.1-te-in-http10', 'RFC 9112 §6.1', MUST,
      'Transfer-Encoding in an HTTP/1.0 request makes its framing faulty: '
      'the connection is closed after the response')
def te_in_http10(probe):
    data = post(probe, '/echo/body', HELLO_CHUNKED, [
        ('Transfer-Encoding', 'chunked'), ('Connection', 'keep-alive')],
        'HTTP/1.0', carrier=True)
    reply = probe.exchange(data, linger=True, silence_ok=True)
    probe.expect_closed(reply, 'the connection closed (after a response or '
                        'without one)')


# ---------------------------------------------------------- limits
# RFC 9110 §15.5.14 defines 413 without asking for it; the contract fixes
# the body limit and 413 beyond it.


@case('CONTRACT-413-content-length', 'fixtures/CONTRACT.md (Limits); '
      'RFC 9110 §15.5.14', MUST,
      'A Content-Length above the body limit is answered with 413 (at once, '
      'or once the body has come)')
def too_large_length(probe):
    size = probe.profile.body_limit + 1
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'', [('Content-Length', size)]))
    if not conn.wait_for_head(probe.settle):
        conn.send(b'b' * size)  # no early answer: finish the request
    probe.expect_status(probe.read(conn, 'POST'), 413)


@case('CONTRACT-413-chunked', 'fixtures/CONTRACT.md (Limits); '
      'RFC 9110 §15.5.14', MUST,
      'A chunked body that grows past the body limit is answered with 413')
@reading_chunked
def too_large_chunked(probe):
    piece = b'c' * 1024
    count = probe.profile.body_limit // len(piece) + 2
    reply = probe.exchange(post_chunked(probe, '/upload/stream',
                                        chunked(*[piece] * count)))
    probe.expect_status(reply, 413)


# ------------------------------------------------------- 100-continue


@case('RFC9110-10.1.1-100-continue', 'RFC 9110 §10.1.1', MUST,
      '"Expect: 100-continue" is answered at once with 100 (Continue), or '
      'with a final status, before the body is sent')
def expect_continue(probe):
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'', [('Content-Length', '5'),
                                              ('Expect', '100-continue')],
                   carrier=True))
    wait = probe.settle
    if not conn.wait_for_head(wait):
        probe.record_waiting(conn, 'nothing within %.1f s' % wait)
        probe.expect(False, 'a 100 (Continue) or a final status within '
                     '%.1f s' % wait, 'nothing within %.1f s: the server '
                     'waits for the body' % wait)
    if conn.buffer[:5] == b'HTTP/' and conn.buffer[9:12] == b'100' and \
            conn.buffer[12:13] in (b' ', b'\r'):
        conn.send(b'hello')
        reply = probe.read(conn, 'POST')
        if probe.target.contract:
            expect_echo(probe, reply, b'hello')
        return
    reply = probe.read(conn, 'POST')
    probe.expect(refused_from_head(reply), 'a 100 (Continue), or a final '
                 'refusal decided from the head (4xx but 408, 501, 503, 505)',
                 reply.describe())


def refused_from_head(reply):
    """True for a final answer that the request head alone can decide: a
    refusal, not the method's result nor a timeout waiting for the body."""
    status = reply.status or 0
    return (400 <= status < 500 and status != 408) or \
        status in (501, 503, 505)


# RFC 9110 §10.1.1: a client that sends "Expect: 100-continue" "is not
# required to wait for any specific length of time; such a client MAY
# proceed to send the content". The body still ends where its
# Content-Length says (RFC 9112 §6.3), and what follows it is a request.
# Http11Probe: SMUG-EXPECT-100-CL, SMUG-EXPECT-100-CL-DESYNC
@case('RFC9110-10.1.1-100-continue-body-at-once', 'RFC 9110 §10.1.1; '
      'RFC 9112 §6.3, §9.3.2', MUST,
      '"Expect: 100-continue" with its body sent at once, then a pipelined '
      'request: the body is read as this request\'s (a 100 before the '
      'answer is allowed, and so is a refusal decided from the head), and '
      'the next request answered as itself (or the connection closed)')
def continue_body_at_once(probe):
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'hello', [
        ('Content-Length', '5'), ('Expect', '100-continue')]) +
        get_name(probe, 'second'))
    reply = probe.read(conn, 'POST')
    if not refused_from_head(reply):
        expect_echo(probe, reply, b'hello')
    expect_answered_as_itself(probe, conn, reply, 'second')
