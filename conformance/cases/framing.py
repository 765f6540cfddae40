"""Framing: how a request body is delimited (RFC 9112 §6-7, RFC 9110 §8.6,
§10.1.1, §15.5.14): Content-Length, chunked coding, limits, 100-continue."""

from conformance.case import MUST, SHOULD, case
from conformance.contract import echoed, expect_echo, post, post_chunked
from conformance.probe import quoted
from conformance.wire import chunked

HELLO_CHUNKED = b'5\r\nhello\r\n0\r\n\r\n'


def expect_refused_and_closed(probe, reply):
    """400, then the connection closed (RFC 9112 §6.3's words)."""
    probe.expect_status(reply, 400)
    probe.expect_closed(reply)


# ------------------------------------------------------ Content-Length


def _invalid_length(suffix, value, body, what):
    @case('RFC9112-6.3-cl-' + suffix, 'RFC 9112 §6.3', MUST,
          'A Content-Length of %s is answered with 400 and a close' % what)
    def check(probe):
        reply = probe.exchange(post(
            probe, '/echo/body', body, [('Content-Length', value)]),
            linger=True)
        expect_refused_and_closed(probe, reply)
    return check


# the body is what a lenient parser would take the value to announce
_invalid_length('alpha', 'abc', b'hello', 'letters ("abc")')
_invalid_length('plus', '+5', b'hello', 'a signed number ("+5")')
_invalid_length('negative', '-1', b'hello', 'a negative number ("-1")')
_invalid_length('empty', '', b'hello', 'nothing (an empty value)')
_invalid_length('hex', '0x10', b'0123456789abcdef',
                'a hexadecimal number ("0x10")')


@case('RFC9112-6.3-cl-conflicting', 'RFC 9112 §6.3', MUST,
      'Two Content-Length lines with different values are answered with '
      '400 and a close')
def conflicting_lengths(probe):
    reply = probe.exchange(post(
        probe, '/echo/body', b'hello!', [('Content-Length', '5'),
                                         ('Content-Length', '6')]),
        linger=True)
    expect_refused_and_closed(probe, reply)


@case('RFC9112-6.3-cl-identical-list', 'RFC 9112 §6.3; RFC 9110 §8.6', MUST,
      'A Content-Length list of identical values ("5, 5") is taken as that '
      'value, or refused with 400 and a close; which is recorded')
def identical_length_list(probe):
    reply = probe.exchange(post(probe, '/echo/body', b'hello',
                                [('Content-Length', '5, 5')]), linger=True)
    if reply.status == 400:
        # the other way is the unrecoverable framing error of RFC 9112 §6.3
        probe.expect_closed(reply)
        probe.observe('refused: %s' % probe.close_state(reply))
        return
    expect_echo(probe, reply, b'hello')
    probe.observe('accepted as Content-Length: 5')


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


@case('RFC9112-6.1-te-and-cl', 'RFC 9112 §6.1', MUST,
      'Transfer-Encoding with Content-Length: the request rejected, or its '
      'chunked body used (never the Content-Length); either way the '
      'connection is closed after the response')
def te_and_cl(probe):
    reply = probe.exchange(probe.request(
        'POST', '/echo/body', [('Content-Length', '5'),
                               ('Transfer-Encoding', 'chunked')],
        HELLO_CHUNKED), linger=True)
    # "MAY reject ... or process such a request in accordance with the
    # Transfer-Encoding alone. Regardless, the server MUST close"
    if not probe.refused(reply):
        # Content-Length would have made the body '5\r\nhe'
        expect_echo(probe, reply, b'hello')
    probe.expect_closed(reply)


@case('RFC9112-7.1-chunked-decoded', 'RFC 9112 §7.1', MUST,
      'A chunked request body is decoded')
def chunked_decoded(probe):
    reply = probe.exchange(post_chunked(
        probe, '/echo/body', chunked(b'hello', b' ', b'chunked world')))
    expect_echo(probe, reply, b'hello chunked world')


@case('RFC9112-7.1.1-chunk-extensions', 'RFC 9112 §7.1.1', MUST,
      'Unrecognised chunk extensions are ignored')
def chunk_extensions(probe):
    body = (b'5;name=value\r\nhello\r\n'
            b'6 ; quoted="a;b" ;flag\r\n world\r\n0;last\r\n\r\n')
    reply = probe.exchange(post_chunked(probe, '/echo/body', body))
    expect_echo(probe, reply, b'hello world')


@case('RFC9112-7.1.2-trailer-section', 'RFC 9112 §7.1, §7.1.2', MUST,
      'A chunked body with a trailer section is accepted, the trailer '
      'consumed with it')
def trailer_section(probe):
    conn = probe.connect()
    conn.send(post_chunked(probe, '/echo/body', chunked(
        b'hello', trailer=b'X-Checksum: 532\r\nX-Note: trailer\r\n')))
    reply = probe.read(conn, 'POST')
    expect_echo(probe, reply, b'hello')
    # a trailer left unread would be answered as a request of its own
    probe.expect_nothing_more(conn, reply, 'nothing more after the response')


def _invalid_chunk_size(suffix, size, what):
    @case('RFC9112-7.1-chunk-size-' + suffix, 'RFC 9112 §7.1, §2.2', SHOULD,
          'A chunk size of %s is answered with 400 (or a close)' % what)
    def check(probe):
        body = size + b'\r\nhello\r\n0\r\n\r\n'
        reply = probe.exchange(post_chunked(probe, '/echo/body', body))
        probe.expect_refused(reply, 400)
    return check


_invalid_chunk_size('nonhex', b'zz', 'letters that are not hex ("zz")')
_invalid_chunk_size('prefix', b'0x5', 'a "0x" prefix ("0x5")')
_invalid_chunk_size('signed', b'+5', 'a signed number ("+5")')


@case('RFC9112-7.1-chunk-size-overflow', 'RFC 9112 §7.1', MUST,
      'A chunk size too large for an integer is not wrapped around (read as '
      '5, it would give "hello")')
def chunk_size_overflow(probe):
    # 2**64 + 5: 32- and 64-bit parsers that wrap read it as 5. The size is
    # valid syntax: a server may wait for that much data, so the client
    # closes its side instead of making it wait.
    conn = probe.connect()
    conn.send(post_chunked(probe, '/echo/body',
                           b'10000000000000005\r\nhello\r\n0\r\n\r\n'))
    conn.shutdown_write()
    reply = probe.read(conn, 'POST', silence_ok=True)
    wrapped = reply.status is not None and 200 <= reply.status < 300 and \
        probe.json(reply).get('hex') == b'hello'.hex()
    probe.expect(not wrapped, 'no success with the body "hello" (any '
                 'refusal, a close, or a wait for the data)',
                 reply.describe())
    probe.observe(reply.describe())


@case('RFC9112-7.1-chunk-data-crlf', 'RFC 9112 §7.1, §2.2', SHOULD,
      'Chunk data not followed by CRLF is answered with 400 (or a close)')
def chunk_data_crlf(probe):
    body = b'5\r\nhelloXX\r\n0\r\n\r\n'
    reply = probe.exchange(post_chunked(probe, '/echo/body', body))
    probe.expect_refused(reply, 400)


@case('RFC9112-6.3-chunked-not-final', 'RFC 9112 §6.3', MUST,
      'A Transfer-Encoding whose final coding is not chunked is answered '
      'with 400 and a close')
def chunked_not_final(probe):
    reply = probe.exchange(post_chunked(
        probe, '/echo/body', HELLO_CHUNKED, coding='chunked, gzip'),
        linger=True)
    expect_refused_and_closed(probe, reply)


@case('RFC9112-6.1-unknown-coding-501', 'RFC 9112 §6.1', SHOULD,
      'A transfer coding the server does not implement ("gzip, chunked") '
      'is answered with 501')
def unknown_coding(probe):
    gzipped_hello = (b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff\xcbH\xcd'
                     b'\xc9\xc9\x07\x00\x86\xa6\x106\x05\x00\x00\x00')
    reply = probe.exchange(post_chunked(
        probe, '/echo/body', chunked(gzipped_hello), coding='gzip, chunked'))
    if reply.status == 200 and echoed(probe, reply) == b'hello':
        probe.observe('the server implements gzip: it decoded "hello"')
        return
    probe.expect_status(reply, 501)


@case('RFC9112-6.1-te-in-http10', 'RFC 9112 §6.1', MUST,
      'Transfer-Encoding in an HTTP/1.0 request makes its framing faulty: '
      'the connection is closed after the response')
def te_in_http10(probe):
    data = probe.request('POST', '/echo/body', [
        ('Transfer-Encoding', 'chunked'), ('Connection', 'keep-alive')],
        HELLO_CHUNKED, version='HTTP/1.0')
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
                                              ('Expect', '100-continue')]))
    wait = probe.settle
    if not conn.wait_for_head(wait):
        probe.expect(False, 'a 100 (Continue) or a final status within '
                     '%.1f s' % wait, 'nothing within %.1f s: the server '
                     'waits for the body' % wait)
    if conn.buffer[:5] == b'HTTP/' and conn.buffer[9:12] == b'100' and \
            conn.buffer[12:13] in (b' ', b'\r'):
        conn.send(b'hello')
        reply = probe.read(conn, 'POST')
        expect_echo(probe, reply, b'hello')
        return
    # a final answer before the body can only come from the head: a
    # refusal, not the method's result nor a timeout waiting for the body
    reply = probe.read(conn, 'POST')
    status = reply.status or 0
    probe.expect((400 <= status < 500 and status != 408) or
                 status in (501, 503, 505), 'a 100 (Continue), or a final '
                 'refusal decided from the head (4xx but 408, 501, 503, 505)',
                 reply.describe())
