"""The framing oracle: how many requests RFC 9112 finds in a byte stream."""
import pytest
from hypothesis import given, settings, strategies as st

from conformance.verdicts import MUST, SHOULD
from conformance.framing_oracle import count_requests, frame

GET = b'GET /next HTTP/1.1\r\nHost: a\r\n\r\n'
HIDDEN = b'GET /hidden HTTP/1.1\r\nHost: a\r\n\r\n'


def post(*lines, body=b''):
    """A POST with the given field lines (bytes, without CRLF)."""
    return b'POST /echo/body HTTP/1.1\r\nHost: a\r\n' + b''.join(
        line + b'\r\n' for line in lines) + b'\r\n' + body


def chunked(data, trailer=b''):
    return b'%x\r\n%s\r\n0\r\n%s\r\n' % (len(data), data, trailer)


def assert_framing(data, answers, level=MUST, early=None):
    framing = frame(data)
    assert (framing.most_answers, framing.level) == (answers, level), \
        framing.reason
    if early is not None:
        assert framing.early == early, framing.reason


# ------------------------------------------------------ valid streams


@pytest.mark.parametrize('data, count', [
    (b'', 0),
    (GET, 1),
    (GET * 3, 3),
    (post(b'Content-Length: 5', body=b'hello') + GET, 2),
    (post(b'Content-Length: 0') + GET, 2),
    (post(b'Content-Length: 010', body=b'0123456789') + GET, 2),
    (post(b'Content-Length: 5, 5', body=b'hello') + GET, 2),
    (post(b'Content-Length: 5', b'Content-Length: 5', body=b'hello') + GET,
     2),
    (post(b'Transfer-Encoding: chunked', body=chunked(b'hello')) + GET, 2),
    (post(b'Transfer-Encoding: Chunked', body=chunked(b'hello')) + GET, 2),
    (post(b'Transfer-Encoding: , chunked,', body=chunked(b'hello')) + GET,
     2),
    (post(b'Transfer-Encoding: gzip, chunked', body=chunked(b'hi')) + GET, 2),
    # the most lenient reading: the coding's name, its parameters unread
    (post(b'Transfer-Encoding: chunked;ext=val', body=chunked(b'hi')) + GET,
     2),
    (post(b'Transfer-Encoding: chunked', body=b'A\r\nhelloworld\r\n0\r\n\r\n')
     + GET, 2),
    (post(b'Transfer-Encoding: chunked',
          body=b'5;a=b ; c="x;y"\r\nhello\r\n0\r\n\r\n') + GET, 2),
    # a GET's body is framed like any other (RFC 9112 §6)
    (b'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n' % len(HIDDEN)
     + HIDDEN + GET, 2),
    (b'\r\n\r\n' + GET, 1),
])
def test_valid_streams_are_counted(data, count):
    assert count_requests(data) == count
    assert_framing(data, count, MUST, early=False)


def test_trailer_fields_never_reframe():
    for field in (b'Content-Length: 50', b'Transfer-Encoding: chunked',
                  b'Host: evil.example'):
        body = chunked(b'hello', field + b'\r\n')
        assert count_requests(post(b'Transfer-Encoding: chunked',
                                   body=body) + GET) == 2


def test_unknown_field_like_transfer_encoding_is_no_framing():
    data = post(b'Transfer_Encoding: chunked', b'Content-Length: 5',
                body=b'hello') + GET
    assert count_requests(data) == 2


def test_obs_fold_is_unfolded_at_most():
    data = post(b'Transfer-Encoding:', b' chunked', body=chunked(b'hi')) + GET
    assert count_requests(data) == 2


def test_nul_in_a_value_may_become_sp():
    data = post(b'Transfer-Encoding: chunked\x00', body=chunked(b'hi')) + GET
    assert count_requests(data) == 2


# --------------------------------------------- streams that must close


@pytest.mark.parametrize('data', [
    # CL.TE: chunked ends after "0", the rest is inside Content-Length
    post(b'Content-Length: %d' % (5 + len(HIDDEN)),
         b'Transfer-Encoding: chunked', body=b'0\r\n\r\n' + HIDDEN),
    # TE.CL: Content-Length ends after the size line, chunked goes on
    post(b'Transfer-Encoding: chunked', b'Content-Length: 4',
         body=b'%x\r\n%s\r\n0\r\n\r\n' % (len(HIDDEN), HIDDEN)),
    post(b'Connection: close') + GET,
    post(b'Connection: keep-alive, Close') + GET,
])
def test_one_answer_then_a_close(data):
    assert_framing(data, 1, MUST, early=False)


@pytest.mark.parametrize('value', [
    b'1_0', b'1 0', b'0o5', b'+5', b'-0', b'5, 10', b'', b'\xef\xbc\x95',
    b'\xd9\xa5', b'5\xc2\xa0', b'0x5', b'5,'])
def test_invalid_content_length_gets_one_answer_at_most(value):
    data = post(b'Content-Length: ' + value, body=b'helloworld') + GET
    assert_framing(data, 1, MUST, early=True)


def test_differing_content_length_lines():
    data = post(b'Content-Length: 0', b'Content-Length: %d' % len(HIDDEN),
                body=HIDDEN) + GET
    assert_framing(data, 1, MUST, early=True)


@pytest.mark.parametrize('coding', [
    b'chunked, identity', b'identity', b'xchunked', b'', b',',
    b'\x0bchunked', b'chunked\x0c', b'chunked\xa0'])
def test_coding_not_ending_in_chunked(coding):
    data = post(b'Transfer-Encoding: ' + coding, body=chunked(b'hi')) + GET
    assert_framing(data, 1, MUST, early=True)


def test_two_transfer_encoding_lines_are_one_list():
    data = post(b'Transfer-Encoding: chunked', b'Transfer-Encoding: identity',
                body=chunked(b'hi')) + GET
    assert_framing(data, 1, MUST, early=True)


def test_transfer_encoding_in_http10():
    data = b'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n' + \
        chunked(b'hi') + GET
    assert_framing(data, 1, MUST, early=True)


@pytest.mark.parametrize('data', [
    post(b'Content-Length: 10', body=b'hello'),
    post(b'Content-Length: 99999999999999999999', body=b'hello') + GET,
    post(b'Transfer-Encoding: chunked', body=b'5\r\nhello\r\n'),
    post(b'Transfer-Encoding: chunked', body=b'5\r\nhello\r\n0\r\n'),
    post(b'Transfer-Encoding: chunked', body=b'5\r\nhello\r'),
    post(b'Transfer-Encoding: chunked', body=b'10000000000000005\r\nhello'),
    b'GET / HTTP/1.1\r\nHost: a\r\n',
])
def test_incomplete_request_gets_one_answer_at_most(data):
    assert_framing(data, 1, MUST, early=True)


# -------------------------------------------- grammar errors: SHOULD


@pytest.mark.parametrize('line', [
    b'1_0', b' 5', b'5 ', b'-1', b'+5', b'0x5', b'', b'5;', b'5;bad[=x',
    b'5;a\x00b', b'5;a\rX', b'5\rhello'])
def test_invalid_chunk_line(line):
    data = post(b'Transfer-Encoding: chunked',
                body=line + b'\r\nhello\r\n0\r\n\r\n') + GET
    assert_framing(data, 1, SHOULD, early=True)


def test_chunk_data_without_crlf():
    data = post(b'Transfer-Encoding: chunked',
                body=b'5\r\nhelloXX\r\n0\r\n\r\n') + GET
    assert_framing(data, 1, SHOULD, early=True)


@pytest.mark.parametrize('data', [
    b'garbage\r\n\r\n',
    b'GET / HTTP/2.0\r\nHost: a\r\n\r\n' + GET,
    b'GET /\r\nHost: a\r\n\r\n' + GET,
    post(b'Bad Name: x') + GET,
    post(b'Transfer-Encoding : chunked') + GET,
    post(b'NoColon') + GET,
])
def test_invalid_head(data):
    assert_framing(data, 1, SHOULD, early=True)


def test_empty_lines_at_the_end_may_get_an_answer():
    assert_framing(GET + b'\r\n', 2, SHOULD, early=True)


# ------------------------------------------- choices left to a recipient


def test_bare_lf_may_end_lines():
    data = b'POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n' \
        b'5\nhello\n0\n\n' + GET
    assert count_requests(data) == 2


def test_bare_lf_in_chunk_lines_is_a_choice_that_can_find_fewer():
    # LF ending chunk lines makes "B" a request line (invalid); a CRLF-only
    # reading keeps "A\n\nB" a trailer line and finds both GETs after it
    body = b'5\r\nhello\r\n0\r\nA\n\nB\r\n\r\n'
    data = post(b'Transfer-Encoding: chunked', body=body) + GET + GET
    assert frame(data).most_answers == 3
    assert frame(data).level == SHOULD  # the LF reading ends on a SHOULD


def test_bare_lf_in_a_field_value_may_become_sp():
    # A CRLF-only reading replaces the LF by SP (RFC 9110 §5.5): "X" then
    # holds "a Content-Length: 5", and the body is empty
    data = post(b'X: a\nContent-Length: 5') + GET
    assert count_requests(data) == 2


# -------------------------------------------------------- properties

REQUESTS = st.sampled_from([
    GET,
    post(b'Content-Length: 5', body=b'hello'),
    post(b'Content-Length: 0'),
    post(b'Transfer-Encoding: chunked', body=chunked(b'hello', b'X: y\r\n')),
    post(b'Content-Length: %d' % len(GET), body=GET),
    post(b'Transfer-Encoding: chunked', body=chunked(GET)),
    b'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
])


@settings(database=None, deadline=None, max_examples=200)
@given(st.lists(REQUESTS, max_size=6))
def test_valid_requests_in_a_row_are_counted_one_by_one(requests):
    data = b''.join(requests)
    assert count_requests(data) == len(requests)
    ends = [end for _, _, end in frame(data).requests]
    assert ends == [len(b''.join(requests[:i + 1]))
                    for i in range(len(requests))]


@settings(database=None, deadline=None, max_examples=200)
@given(st.lists(REQUESTS, min_size=1, max_size=4), st.data())
def test_a_cut_stream_allows_no_more_answers_than_the_whole(requests, data):
    whole = b''.join(requests)
    cut = data.draw(st.integers(0, len(whole) - 1))
    framing = frame(whole[:cut])
    assert framing.most_answers <= len(requests)
    assert len(framing.requests) <= len(requests)


@settings(database=None, deadline=None, max_examples=300)
@given(st.binary(max_size=200))
def test_any_bytes_are_framed(data):
    framing = frame(data)
    assert framing.level in (MUST, SHOULD)
    assert framing.most_answers >= len(framing.requests)
    ends = [end for _, _, end in framing.requests]
    assert ends == sorted(ends) and all(end <= len(data) for end in ends)
