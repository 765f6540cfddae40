"""Chunked coding (RFC 9112 §7.1): chunk sizes, extensions, line ends, the
last chunk and the trailer section.

Where a chunked body ends is decided by what the server reads in it: a size
read differently from the client (or from a proxy in front of the server)
moves that end, and the bytes after it become a request. RFC 9112 §2.2 asks
a server to answer input that does not match the grammar with 400 and a
close (SHOULD); what a server must never do (MUST) is decode a body other
than the chunked coding gives, or take trailer fields as header fields.
Every case but RFC9112-7.1-chunked-decoded stands on the server decoding a
plain chunked body (``reading_chunked``): a server that cannot is judged
for that once, and the cases about the details are BLOCKED. Comments name
the Http11Probe cases each covers.
"""
from conformance.case import MAY, MUST, SHOULD, case
from conformance.contract import echoed_header, expect_echo, \
    expect_answered_as_itself, get_name, post_chunked, reading_chunked
from conformance.probe import quoted
from conformance.wire import chunked

TRAILER_FIELDS = 2000
LONG_EXTENSION = 64 * 1024


def _is_2xx(reply):
    return reply.status is not None and 200 <= reply.status < 300


# Http11Probe: COMP-CHUNKED-BODY, COMP-CHUNKED-MULTI (its bodies)
@case('RFC9112-7.1-chunked-decoded', 'RFC 9112 §7.1', MUST,
      'A chunked request body is decoded')
def chunked_decoded(probe):
    for pieces in ((b'hello',), (b'hello', b' world'),
                   (b'hello', b' ', b'chunked world')):
        reply = probe.exchange(post_chunked(probe, '/echo/body',
                                            chunked(*pieces)))
        expect_echo(probe, reply, b''.join(pieces))


# Http11Probe: COMP-CHUNKED-EMPTY
@case('RFC9112-7.1-chunked-empty', 'RFC 9112 §7.1', MUST,
      'A chunked body that is only the last chunk ("0", then the end of an '
      'empty trailer) is an empty body')
@reading_chunked
def chunked_empty(probe):
    reply = probe.exchange(post_chunked(probe, '/echo/body', chunked()))
    expect_echo(probe, reply, b'')


# Http11Probe: COMP-CHUNKED-HEX-UPPERCASE
@case('RFC9112-7.1-chunk-size-uppercase', 'RFC 9112 §7.1', MUST,
      'An upper-case hex chunk size ("A", ten) is decoded')
@reading_chunked
def chunk_size_uppercase(probe):
    reply = probe.exchange(post_chunked(
        probe, '/echo/body', b'A\r\nhelloworld\r\n0\r\n\r\n'))
    expect_echo(probe, reply, b'helloworld')


# Http11Probe: COMP-CHUNKED-EXTENSION
@case('RFC9112-7.1.1-chunk-extensions', 'RFC 9112 §7.1.1', MUST,
      'Unrecognised chunk extensions are ignored')
@reading_chunked
def chunk_extensions(probe):
    for body, decoded in (
            (b'5;name=value\r\nhello\r\n'
             b'6 ; quoted="a;b" ;flag\r\n world\r\n0;last\r\n\r\n',
             b'hello world'),
            (b'5;ext=value\r\nhello\r\n0\r\n\r\n', b'hello')):  # Http11Probe's
        reply = probe.exchange(post_chunked(probe, '/echo/body', body))
        expect_echo(probe, reply, decoded)


# Http11Probe: COMP-CHUNKED-TRAILER-VALID
@case('RFC9112-7.1.2-trailer-section', 'RFC 9112 §7.1, §7.1.2', MUST,
      'A chunked body with a trailer section is accepted, the trailer '
      'consumed with it')
@reading_chunked
def trailer_section(probe):
    conn = probe.connect()
    conn.send(post_chunked(probe, '/echo/body', chunked(
        b'hello', trailer=b'X-Checksum: abc\r\n')))
    reply = probe.read(conn, 'POST')
    expect_echo(probe, reply, b'hello')
    # a trailer left unread would be answered as a request of its own
    probe.expect_nothing_more(conn, reply, 'nothing more after the response')


# ----------------------------------------------- invalid chunk-size lines
# chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; chunk-size =
# 1*HEXDIG; chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS
# chunk-ext-val ] ). Anything else is answered with 400 (RFC 9112 §2.2,
# SHOULD; Http11Probe grades most of these MUST). Each body is what a
# lenient parser takes the line to announce, so that it answers 200.


def _invalid_line(case_id, rfc, line, what, data=b'hello', bodies=()):
    """``bodies``: whole chunked bodies sent after the first (Http11Probe's
    own, where they differ)."""
    @case(case_id, rfc, SHOULD,
          'A chunk-size line %s is answered with 400 (or a close)' % what)
    @reading_chunked
    def check(probe):
        first = line + b'\r\n' + data + b'\r\n0\r\n\r\n'
        for body in (first,) + bodies:
            reply = probe.exchange(post_chunked(probe, '/echo/body', body,
                                                carrier=True))
            probe.expect_refused(reply, 400)
    return check


def _invalid_chunk_size(suffix, size, what, data=b'hello', bodies=()):
    return _invalid_line('RFC9112-7.1-chunk-size-' + suffix,
                         'RFC 9112 §7.1, §2.2', size, what, data, bodies)


def _invalid_extension(suffix, line, what):
    return _invalid_line('RFC9112-7.1.1-chunk-ext-' + suffix,
                         'RFC 9112 §7.1.1, §2.2', line, what)


_invalid_chunk_size('nonhex', b'zz', 'with letters that are not hex ("zz")')
# Http11Probe: SMUG-CHUNK-HEX-PREFIX
_invalid_chunk_size('prefix', b'0x5', 'with a "0x" prefix ("0x5")')
# Http11Probe: SMUG-CHUNK-SIZE-PLUS, SMUG-CHUNK-INVALID-SIZE-DESYNC ("+0",
# then a byte after the chunks)
_invalid_chunk_size('signed', b'+5', 'with a signed number ("+5", "+0")',
                    bodies=(b'+0\r\n\r\nX',))
# Http11Probe: SMUG-CHUNK-UNDERSCORE (int('1_0', 16) is 16)
_invalid_chunk_size('underscore', b'1_0', 'with an underscore ("1_0")',
                    b'hello world!!!!!')
# Http11Probe: SMUG-CHUNK-LEADING-SP
_invalid_chunk_size('leading-space', b' 5', 'with a leading space (" 5")')
# Http11Probe: SMUG-CHUNK-SIZE-TRAILING-OWS (BWS only comes before ";")
_invalid_chunk_size('trailing-space', b'5 ',
                    'with a trailing space and no extension ("5 ")')
# Http11Probe: SMUG-CHUNK-NEGATIVE (a parser that drops the sign reads 1,
# which "x" fits; Http11Probe's "hello" after it)
_invalid_chunk_size('negative', b'-1', 'with a negative number ("-1")',
                    b'x', bodies=(b'-1\r\nhello\r\n0\r\n\r\n',))
_invalid_chunk_size('empty', b'', 'that is empty')
# Http11Probe: SMUG-CHUNK-BARE-SEMICOLON
_invalid_extension('bare-semicolon', b'5;', 'with a bare ";" ("5;")')
# Http11Probe: SMUG-CHUNK-EXT-INVALID-TOKEN
_invalid_extension('invalid-token', b'5;bad[=x',
                   'whose extension name is not a token ("5;bad[=x")')
# Http11Probe: SMUG-CHUNK-EXT-CTRL
_invalid_extension('nul', b'5;\x00ext', 'with a NUL in an extension')
# Http11Probe: SMUG-CHUNK-EXT-CR (a bare CR: invalid, or SP, RFC 9112 §2.2;
# either way no valid extension)
_invalid_extension('bare-cr', b'5;a\rX', 'with a bare CR in an extension')


# Http11Probe: SMUG-CHUNK-BARE-CR-TERM
@case('RFC9112-2.2-chunk-size-bare-cr', 'RFC 9112 §2.2, §7.1', MUST,
      'A chunk-size line ended by a bare CR ("5\\rhello") is never taken as '
      'ended there (MUST: a bare CR is invalid or replaced by SP); it is '
      'answered with 400 (SHOULD)')
@reading_chunked
def chunk_size_bare_cr(probe):
    body = b'5\rhello\r\n0\r\n\r\n'
    reply = probe.exchange(post_chunked(probe, '/echo/body', body,
                                        carrier=True))
    if _is_2xx(reply):
        got = probe.json(reply).get('hex')
        probe.expect(got != b'hello'.hex(), 'the bare CR not taken as the '
                     'end of the line (the body would be "hello")',
                     '%s with the body "hello"' % reply.describe())
    probe.expect(probe.refused(reply, 400), 'status 400, or a close '
                 'without a response', reply.describe(), level=SHOULD)


@case('RFC9112-7.1-chunk-size-overflow', 'RFC 9112 §7.1', MUST,
      'A chunk size too large for an integer is not wrapped around (read as '
      '5, it would give "hello")')
@reading_chunked
def chunk_size_overflow(probe):
    # 2**64 + 5: 32- and 64-bit parsers that wrap read it as 5. The size is
    # valid syntax: a server may wait for that much data, so the client
    # closes its side instead of making it wait.
    conn = probe.connect()
    conn.send(post_chunked(probe, '/echo/body',
                           b'10000000000000005\r\nhello\r\n0\r\n\r\n',
                           carrier=True))
    conn.shutdown_write()
    reply = probe.read(conn, 'POST', silence_ok=True)
    wrapped = _is_2xx(reply) and probe.json(reply).get('hex') == \
        b'hello'.hex()
    probe.expect(not wrapped, 'no success with the body "hello" (any '
                 'refusal, a close, or a wait for the data)',
                 reply.describe())
    probe.observe(reply.describe())


# Http11Probe: SMUG-CHUNK-SPILL
@case('RFC9112-7.1-chunk-data-crlf', 'RFC 9112 §7.1, §2.2', SHOULD,
      'Chunk data not followed by CRLF is answered with 400 (or a close)')
@reading_chunked
def chunk_data_crlf(probe):
    body = b'5\r\nhello!!\r\n0\r\n\r\n'
    reply = probe.exchange(post_chunked(probe, '/echo/body', body,
                                        carrier=True))
    probe.expect_refused(reply, 400)


# Http11Probe: SMUG-CHUNK-MISSING-TRAILING-CRLF, as it sends it: the last
# chunk's "0" right after the data, where the CRLF belongs
@case('RFC9112-7.1-chunk-data-no-crlf', 'RFC 9112 §7.1, §2.2', SHOULD,
      'Chunk data followed at once by the next chunk-size line, no CRLF '
      'between ("hello0"), is answered with 400 (or a close)')
@reading_chunked
def chunk_data_no_crlf(probe):
    reply = probe.exchange(post_chunked(probe, '/echo/body',
                                        b'5\r\nhello0\r\n\r\n',
                                        carrier=True))
    probe.expect_refused(reply, 400)


# Http11Probe: SMUG-CHUNK-EXT-LF: a bare ";" (no extension name: invalid,
# whatever ends the line) ended by a bare LF
@case('RFC9112-7.1.1-chunk-ext-bare-semicolon-lf', 'RFC 9112 §7.1.1, §2.2',
      SHOULD, 'A chunk-size line with a bare ";" ended by a bare LF ("5;" '
      'LF) is answered with 400 (or a close)')
@reading_chunked
def chunk_ext_bare_semicolon_lf(probe):
    reply = probe.exchange(post_chunked(probe, '/echo/body',
                                        b'5;\nhello\r\n0\r\n\r\n',
                                        carrier=True))
    probe.expect_refused(reply, 400)


# RFC 9112 §2.2 lets a recipient take a bare LF for a line end in the start
# line and the fields; of the chunk lines it says nothing. Http11Probe
# passes a 400 or a close and warns on a 2xx; what else a server answers is
# what these fail (a 2xx holds the decoded body, MUST, RFC 9112 §7.1; a
# refusal is a 400, SHOULD, RFC 9112 §2.2). Http11Probe:
# SMUG-CHUNK-LF-TERM, SMUG-CHUNK-LF-TRAILER.


def _bare_lf_in_chunks(suffix, body, what):
    @case('RFC9112-7.1-chunk-%s-bare-lf' % suffix, 'RFC 9112 §7.1, §2.2',
          SHOULD, 'A bare LF %s is taken as its end (a 2xx with the body '
          '"hello") or the request refused with 400 (or a close)' % what)
    @reading_chunked
    def check(probe):
        reply = probe.exchange(post_chunked(probe, '/echo/body', body,
                                            carrier=True))
        if _is_2xx(reply):
            got = bytes.fromhex(probe.json(reply).get('hex', ''))
            probe.expect(got == b'hello', 'the body "hello", if accepted',
                         '%s with %d bytes' % (reply.describe(), len(got)))
            return
        probe.expect_refused(reply, 400)
    return check


_bare_lf_in_chunks('data', b'5\r\nhello\n0\r\n\r\n', 'after chunk data')
_bare_lf_in_chunks('trailer', b'5\r\nhello\r\n0\r\n\n',
                   'ending the trailer section')


# Http11Probe: SMUG-CHUNK-LF-TERM, SMUG-CHUNK-EXT-LF, SMUG-CHUNK-LF-TRAILER
@case('RFC9112-7.1-chunk-bare-lf', 'RFC 9112 §7.1, §2.2', MAY,
      'Chunk lines ended by a bare LF may be accepted (RFC 9112 §2.2 lets '
      'a recipient take a bare LF as a line end in the head; for chunk '
      'lines it says nothing); what the server does is recorded')
@reading_chunked
def chunk_bare_lf(probe):
    conn = probe.connect()
    conn.send(post_chunked(probe, '/echo/body', b'5\nhello\n0\n\n',
                           carrier=True))
    conn.shutdown_write()  # a server waiting for a CRLF would wait for ever
    reply = probe.read(conn, 'POST', silence_ok=True)
    if _is_2xx(reply) and probe.target.contract:
        got = bytes.fromhex(probe.json(reply).get('hex', ''))
        probe.observe('%s: the body read as %s' % (reply.describe(),
                                                   quoted(got)))
    else:
        probe.observe(reply.describe())


# Http11Probe: COMP-CHUNKED-NO-FINAL
@case('RFC9112-7.1-chunked-incomplete-not-processed', 'RFC 9112 §7.1, §8',
      MUST, 'A chunked body without its last chunk when the client closes '
      'is incomplete (RFC 9112 §8): it is not processed as the request\'s '
      'content')
@reading_chunked
def chunked_incomplete_not_processed(probe):
    # §7.1: "A recipient MUST be able to parse and decode the chunked
    # transfer coding"; §8: such a body "is incomplete if the zero-sized
    # chunk that terminates the encoding has not been received".
    conn = probe.connect()
    conn.send(post_chunked(probe, '/echo/body', b'5\r\nhello\r\n',
                           carrier=True))
    conn.shutdown_write()
    reply = probe.read(conn, 'POST', silence_ok=True)
    probe.expect(reply.status is None or reply.status >= 400,
                 'an error response or a close, not the request processed',
                 reply.describe())


# Http11Probe: MAL-CHUNK-EXT-64K
@case('RFC9112-7.1.1-chunk-ext-64k', 'RFC 9112 §7.1, §7.1.1', MUST,
      'A 64 KB chunk extension is refused (a 4xx or a close: a server '
      '"ought to limit" them) or ignored, the body decoded as "hello"')
@reading_chunked
def chunk_ext_64k(probe):
    line = b'5;ext=' + b'x' * LONG_EXTENSION
    reply = probe.exchange(post_chunked(probe, '/echo/body',
                                        line + b'\r\nhello\r\n0\r\n\r\n',
                                        carrier=True))
    if not probe.refused(reply):
        expect_echo(probe, reply, b'hello')
    probe.observe(reply.describe())


# ----------------------------------------------------- trailer sections


@case('RFC9112-7.1.2-trailer-2000-fields', 'RFC 9112 §7.1, §7.1.2', MUST,
      'A trailer section of %d fields is refused (a 4xx or a close) or '
      'consumed: "hello" answered, then a request pipelined after it '
      'answered as itself (or a close)' % TRAILER_FIELDS)
@reading_chunked
def trailer_many_fields(probe):
    trailer = b''.join(b'X-Trailer-%d: v\r\n' % i
                       for i in range(TRAILER_FIELDS))
    conn = probe.connect()
    conn.send(post_chunked(probe, '/echo/body', chunked(
        b'hello', trailer=trailer)) + get_name(probe, 'after'))
    reply = probe.read(conn, 'POST')
    if not probe.refused(reply):
        expect_echo(probe, reply, b'hello')
    expect_answered_as_itself(probe, conn, reply, 'after')


# RFC 9112 §7.1.2: "A recipient MUST NOT merge a received trailer field
# into the header section unless its corresponding header field definition
# explicitly permits and instructs how the trailer field value can be
# safely merged"; none of these do. The request goes to /echo, which shows
# the header section the application saw, and a request pipelined after
# it shows that the trailer did not move the end of the message.


def _trailer_field(suffix, name, value, merged):
    """``merged(seen, probe)``: True when the value /echo saw for ``name``
    shows the trailer's."""
    # Http11Probe: SMUG-TRAILER-CL, SMUG-TRAILER-TE, SMUG-TRAILER-HOST
    @case('RFC9112-7.1.2-trailer-' + suffix, 'RFC 9112 §7.1.2; '
          'RFC 9110 §6.5.1', MUST,
          'A %s field in the trailer section is neither merged into the '
          'header section nor used to frame the message: a request '
          'pipelined after it is answered as itself' % name)
    @reading_chunked
    def check(probe):
        field = ('%s: %s\r\n' % (name, value)).encode()
        conn = probe.connect()
        conn.send(post_chunked(probe, '/echo', chunked(b'hello',
                                                       trailer=field)) +
                  get_name(probe, 'after'))
        reply = probe.read(conn, 'POST')
        if _is_2xx(reply):
            seen = echoed_header(probe, reply, name)
            probe.expect(not merged(seen, probe), 'the header section '
                         'without the trailer\'s %s' % field.decode().strip(),
                         'the application saw %s' % (
                             'no %s' % name if seen is None else
                             '%s: %s' % (name, seen)))
        expect_answered_as_itself(probe, conn, reply, 'after')
    return check


_trailer_field('content-length', 'Content-Length', '50',
               lambda seen, probe: seen is not None and '50' in seen)
_trailer_field('transfer-encoding', 'Transfer-Encoding', 'chunked',
               lambda seen, probe: seen is not None and
               seen.replace(' ', '').lower() != 'chunked')
_trailer_field('host', 'Host', 'evil.example',
               lambda seen, probe: seen != probe.target.host_header)
