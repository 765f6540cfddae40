"""Desync: complete requests hidden where the framing is ambiguous
(RFC 9112 §6.1, §6.3, §9.3.2), and generated mixes of framings judged by
the framing oracle (``conformance/framing_oracle.py``).

A proxy in front of a server frames each request one way; if the server
frames it another way, the bytes one of them takes for a body the other
takes for a request, and a client can slip a request past the proxy
(request smuggling). Each case hides a complete request
(GET /echo/path/smuggled) where one of the two framings would find it: the
server answers once (or refuses by closing) and closes, or shows that it
read the body whole by answering the next request as itself. Comments name
the Http11Probe cases each covers.
"""
from hypothesis import strategies as st

from conformance.case import MUST, SHOULD, case
from conformance.contract import expect_answered_as_itself, expect_echo, \
    get_name, post
from conformance.framing_oracle import frame
from conformance.fuzz import Fuzz, shown_input
from conformance.probe import extra_text

SMUGGLED = 'smuggled'


def expect_one_answer_then_close(probe, conn):
    """One answer on ``conn`` at most (a close without one is a refusal
    too), then the server closes it: nothing answers the hidden request."""
    reply = probe.read(conn, 'POST')
    closed = reply.closed or conn.wait_closed(probe.close_wait)
    extra, conn.buffer = conn.buffer, b''
    if extra:
        observed = '%s; then %s' % (reply.describe(), extra_text(extra))
    else:
        observed = '%s; then %s' % (reply.describe(), 'closed' if closed else
                                    'still open %.1f s later' %
                                    probe.close_wait)
    probe.expect(closed and not extra, 'one answer at most, then the '
                 'connection closed (the hidden request never answered)',
                 observed)
    return reply


def _send(probe, fields, body):
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', body, fields, carrier=True))
    return conn


def _hidden(probe, method='GET', headers=()):
    """The request to hide: one the server would answer, so that an answer
    to it shows. What it asks does not matter (these cases count answers),
    so a server with its own application gets one for its own path."""
    path = '/echo/path/' + SMUGGLED if probe.target.contract else probe.path
    return probe.request(method, path, headers)


# RFC 9112 §6.1: "A server MAY reject a request that contains both
# Content-Length and Transfer-Encoding or process such a request in
# accordance with the Transfer-Encoding alone. Regardless, the server MUST
# close the connection after responding to such a request".


def _cl_te(suffix, subject, te_line=b'Transfer-Encoding: chunked',
           length=b'%d', rfc='RFC 9112 §6.1', te_first=False,
           hidden='GET'):
    """``te_line`` (one or more lines) beside a Content-Length spelled
    ``length`` (of the whole body), after it or (``te_first``) before it,
    a ``hidden`` request after the last chunk."""
    @case('RFC9112-6.1-desync-cl-te' + suffix, rfc, MUST,
          '%s, with a request hidden after the last chunk but inside the '
          'Content-Length (CL.TE): one answer at most, then the connection '
          'closes' % subject)
    def check(probe):
        body = b'0\r\n\r\n' + _hidden(probe, hidden)
        fields = te_line if isinstance(te_line, list) else [te_line]
        length_line = b'Content-Length: ' + length % len(body)
        fields = fields + [length_line] if te_first else \
            [length_line] + fields
        expect_one_answer_then_close(probe, _send(probe, fields, body))
    return check


# Http11Probe: SMUG-CLTE-SMUGGLED-GET, SMUG-CLTE-DESYNC, SMUG-CLTE-PIPELINE
_cl_te('', 'Content-Length and Transfer-Encoding "chunked"')
# Http11Probe: SMUG-CLTE-SMUGGLED-GET-TE-LEADING-COMMA
_cl_te('-leading-comma', 'Content-Length and Transfer-Encoding ", chunked"',
       b'Transfer-Encoding: , chunked')
# Http11Probe: SMUG-CLTE-SMUGGLED-GET-TE-CASE-MISMATCH
_cl_te('-case', 'Content-Length and Transfer-Encoding "Chunked"',
       b'Transfer-Encoding: Chunked')
# Whitespace around a value is no part of it (RFC 9110 §5.5): "chunked".
# Http11Probe: SMUG-CLTE-SMUGGLED-GET-TE-TRAILING-SPACE
_cl_te('-trailing-space', 'Content-Length and Transfer-Encoding "chunked " '
       '(a space after the value)', b'Transfer-Encoding: chunked ',
       rfc='RFC 9112 §6.1; RFC 9110 §5.5')
_cl_te('-tab', 'Content-Length and Transfer-Encoding with an HTAB before '
       '"chunked"', b'Transfer-Encoding:\tchunked',
       rfc='RFC 9112 §6.1; RFC 9110 §5.5')
# An invalid Content-Length beside chunked: RFC 9112 §6.3 asks 400 and a
# close for either, and a parser that reads it as N frames the hidden
# request into the body.
# Http11Probe: SMUG-CLTE-SMUGGLED-GET-CL-PLUS
_cl_te('-length-plus', 'A signed Content-Length ("+N") and '
       'Transfer-Encoding "chunked"', length=b'+%d',
       rfc='RFC 9112 §6.1, §6.3')
# Http11Probe: SMUG-CLTE-SMUGGLED-GET-CL-NON-NUMERIC
_cl_te('-length-letters', 'A Content-Length with a letter after its digits '
       '("Nx") and Transfer-Encoding "chunked"', length=b'%dx',
       rfc='RFC 9112 §6.1, §6.3')
# Http11Probe: SMUG-CLTE-SMUGGLED-HEAD
_cl_te('-hidden-head', 'Content-Length and Transfer-Encoding "chunked", the '
       'hidden request a HEAD', hidden='HEAD')
# Http11Probe: SMUG-CLTE-SMUGGLED-GET-TE-OBS-FOLD (RFC 9112 §5.2: the fold
# refused with 400, or replaced by SP, which leaves chunked beside a
# Content-Length)
_cl_te('-obs-fold', 'Transfer-Encoding folded onto a second line (obs-fold) '
       'before a Content-Length', [b'Transfer-Encoding:', b' chunked'],
       rfc='RFC 9112 §5.2, §6.1', te_first=True)


# Http11Probe: SMUG-TECL-SMUGGLED-GET, SMUG-TECL-DESYNC, SMUG-TECL-PIPELINE
@case('RFC9112-6.1-desync-te-cl', 'RFC 9112 §6.1, §6.3', MUST,
      'Transfer-Encoding: chunked with a Content-Length that ends after the '
      'first chunk-size line, the chunk holding a request (TE.CL): exactly '
      'one answer at most, then the connection closes')
def desync_te_cl(probe):
    # Http11Probe: the hidden request has a body of its own, the 7 bytes of
    # framing that follow it
    smuggled = _hidden(probe, headers=[('Content-Length', '7')])
    size_line = b'%x\r\n' % len(smuggled)
    expect_one_answer_then_close(probe, _send(probe, [
        b'Transfer-Encoding: chunked',
        b'Content-Length: %d' % len(size_line)],
        size_line + smuggled + b'\r\n0\r\n\r\n'))


# RFC 9112 §6.3 (5): Content-Length lines that differ make the framing
# invalid: "the server MUST respond with a 400 (Bad Request) status code
# and then close the connection". A parser that keeps the first line, or
# the last, answers the hidden request: one case for each.


def _two_lengths(suffix, short_first, prefix=b''):
    """``prefix``: body bytes before the hidden request, which the shorter
    length covers."""
    @case('RFC9112-6.3-desync-two-cl-' + suffix, 'RFC 9112 §6.3',
          MUST, 'Two Content-Length lines, "%d" %s one that covers a hidden '
          'request: 400, and no other answer before the connection closes'
          % (len(prefix), 'before' if short_first else 'after'))
    def check(probe):
        body = prefix + _hidden(probe)
        lengths = [b'Content-Length: %d' % len(prefix),
                   b'Content-Length: %d' % len(body)]
        reply = expect_one_answer_then_close(probe, _send(
            probe, lengths if short_first else lengths[::-1], body))
        probe.expect_status(reply, 400)
    return check


# Http11Probe: SMUG-DUPLICATE-CL
_two_lengths('zero-first', True)
_two_lengths('zero-last', False)
# Http11Probe: SMUG-DUPLICATE-CL-SMUGGLED-GET, as it sends it
_two_lengths('short-first', True, b'PING')


# "Request message framing is independent of method semantics" (RFC 9112
# §6): a GET, HEAD or OPTIONS request with a Content-Length has a body of
# that length. A server that reads no body for these methods answers the
# body as the next request; the client then gets an answer to a request
# it never sent in the place of its own, no longer the responses "in the
# same order that the requests were received" (RFC 9112 §9.3.2, MUST).


def _body_on(method):
    # Http11Probe: SMUG-GET-CL-BODY-DESYNC, SMUG-GET-CL-PREFIX-DESYNC,
    # COMP-GET-WITH-CL-BODY; SMUG-HEAD-CL-BODY; SMUG-OPTIONS-CL-BODY,
    # SMUG-OPTIONS-CL-BODY-DESYNC
    @case('RFC9112-6.3-%s-body-framed' % method.lower(),
          'RFC 9112 §6, §6.3, §9.3.2', MUST,
          '%s %s request whose Content-Length body holds a request, then '
          'a pipelined request: the body is no request, and the pipelined '
          'one is answered as itself (or the connection closed)' % (
              'An' if method[0] in 'AEIOU' else 'A', method))
    def check(probe):
        # the body a request (Http11Probe: SMUG-GET-CL-PREFIX-DESYNC's
        # bytes too), then Http11Probe's "hello"
        for body in (get_name(probe, SMUGGLED), b'hello'):
            conn = probe.connect()
            conn.send(probe.request(method, '/echo/path/first', [
                ('Content-Length', len(body))], body) +
                get_name(probe, 'second'))
            reply = probe.read(conn, method)
            expect_answered_as_itself(probe, conn, reply, 'second')
    return check


_body_on('GET')
_body_on('HEAD')
_body_on('OPTIONS')


# Http11Probe: SMUG-CL0-BODY-POISON
@case('RFC9112-6.3-cl-zero-then-request', 'RFC 9112 §6.3, §9.3.2', MUST,
      'A POST with "Content-Length: 0" followed at once by a second '
      'request: the body is empty and the second request is answered as '
      'itself (or the connection closed), as pipelining is')
def cl_zero_then_request(probe):
    conn = probe.connect()
    conn.send(post(probe, '/echo/body', b'', [('Content-Length', '0')]) +
              get_name(probe, 'second'))
    reply = probe.read(conn, 'POST')
    expect_echo(probe, reply, b'')
    expect_answered_as_itself(probe, conn, reply, 'second')


# ------------------------------------------------------ generated framing
# Requests built from the families of the framing, chunked and desync
# areas: Content-Length spellings, Transfer-Encoding values, chunk-size
# lines, line ends, last chunks and trailers, with requests hidden in
# bodies and pipelined after them. The oracle says how many answers the
# bytes allow; a server that gives more has framed them differently.

HIDDEN = b'GET /echo/path/hidden HTTP/1.1\r\nHost: %s\r\n\r\n'
NEXT = b'GET /echo/path/next HTTP/1.1\r\nHost: %s\r\n\r\n'
LENGTH_SPELLINGS = [
    b'%d', b'%d', b'%d', b'0%d', b'%d, %d', b'+%d', b'-%d', b'%d ',
    b'%d_0', b'%d 0', b'0o%o', b'0x%x', b'%d\xc2\xa0', b'\xef\xbc\x95%d',
    b'1%020d', b'']
TE_LINES = [
    [], [b'Transfer-Encoding: chunked'], [b'Transfer-Encoding: chunked'],
    [b'Transfer-Encoding: Chunked'], [b'Transfer-Encoding: , chunked'],
    [b'Transfer-Encoding: chunked,'], [b'Transfer-Encoding: xchunked'],
    [b'Transfer-Encoding: identity'], [b'Transfer-Encoding: '],
    [b'Transfer-Encoding: chunked, identity'],
    [b'Transfer-Encoding: gzip, chunked'],
    [b'Transfer-Encoding: chunked', b'Transfer-Encoding: identity'],
    [b'Transfer-Encoding: \x0bchunked'], [b'Transfer-Encoding: chunked\x00'],
    [b'Transfer-Encoding: chunked\xa0'],
    [b'Transfer-Encoding: chunked;ext=val'],
    [b'Transfer-Encoding:', b' chunked'], [b'Transfer_Encoding: chunked'],
    [b'Transfer-Encoding : chunked']]
SIZE_SPELLINGS = [
    b'%x', b'%x', b'%X', b'000%x', b' %x', b'%x ', b'+%x', b'-%x', b'0x%x',
    b'%x_0', b'%x;', b'%x;ext=val', b'%x ; q="a;b"', b'%x;bad[', b'%x;a\x00',
    b'%x;a\rb', b'%x\r', b'1%016x']
LINE_ENDS = [b'\r\n', b'\r\n', b'\n']
LAST_CHUNKS = [
    b'0\r\n\r\n', b'0\r\n\r\n', b'0\n\n', b'0;ext\r\n\r\n', b'',
    b'0\r\nContent-Length: 50\r\n\r\n', b'0\r\nTransfer-Encoding: chunked'
    b'\r\n\r\n', b'0\r\nHost: evil.example\r\n\r\n', b'0\r\n']


def _spell(spelling, value):
    # the spelling's one number, or (for "%d, %d") the same twice
    return spelling % ((value,) * spelling.count(b'%'))


@st.composite
def chunk_pieces(draw, data):
    size = _spell(draw(st.sampled_from(SIZE_SPELLINGS)), len(data))
    end = draw(st.sampled_from(LINE_ENDS))
    return size + end + data + draw(st.sampled_from(LINE_ENDS))


@st.composite
def desync_requests(draw, host):
    """Request bytes mixing the framings; some hide a request, some are
    followed by one."""
    hidden, following = HIDDEN % host, NEXT % host
    pieces = draw(st.lists(st.sampled_from([b'hello', hidden]), max_size=2))
    chunks = b''.join(draw(chunk_pieces(p)) for p in pieces) + \
        draw(st.sampled_from(LAST_CHUNKS))
    body = chunks + draw(st.sampled_from([b'', b'', hidden, b'hello']))
    # a length that ends the body, the chunks, the first line or nothing
    ends = [len(body), len(chunks), body.find(b'\n') + 1, 0]
    lengths = [b'Content-Length: ' + _spell(draw(st.sampled_from(
        LENGTH_SPELLINGS)), draw(st.sampled_from(ends)))
        for _ in range(draw(st.sampled_from([0, 1, 1, 2])))]
    fields = draw(st.permutations(
        lengths + draw(st.sampled_from(TE_LINES))))
    start = draw(st.sampled_from([b'POST /echo/body', b'POST /echo/body',
                                  b'GET /echo/path/first']))
    return start + b' HTTP/1.1\r\nHost: ' + host + b'\r\n' + b''.join(
        f + b'\r\n' for f in fields) + b'\r\n' + body + draw(
            st.sampled_from([b'', following]))


def no_more_answers_than_framed(fuzz, data):
    framing = frame(data)
    replies = fuzz.answers(data, framing.most_answers + 1)
    fuzz.judge(data, replies[-1])
    answered = [r for r in replies if r.status is not None]
    if len(answered) > framing.most_answers:
        fuzz.fail(data, answered[-1], 'at most %d answer(s): %s' % (
            framing.most_answers, framing.reason), '%d answers (%s) for: %s'
            % (len(answered), ', '.join(str(r.status) for r in answered),
               shown_input(data)),
            level=None if framing.level == MUST else SHOULD)


@case('RFC9112-6-fuzz-desync', 'RFC 9112 §6.1, §6.3, §7.1; RFC 9110 §8.6',
      MUST, 'Generated requests mixing Content-Length, Transfer-Encoding, '
      'chunk and trailer variants (some hiding a request in their body, '
      'some followed by one) get no more answers than RFC 9112 framing '
      'finds requests in those bytes (more after a rule that is only a '
      'SHOULD is NON-STRICT)')
def fuzz_desync(probe):
    host = probe.target.host_header.encode()
    Fuzz(probe).run(desync_requests(host), no_more_answers_than_framed)
