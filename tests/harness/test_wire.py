"""The raw client's reading of server replies, against scripted servers."""
import socket
import struct
import threading
import time

import pytest

from conformance.relay import Relay
from conformance.wire import Connection, build_request, exchange


def scripted_server(*answers, close=True):
    """A one-connection server that reads a request and sends ``answers``."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        conn.recv(65536)
        for answer in answers:
            conn.sendall(answer)
        if close:
            conn.close()
        else:
            threading.Event().wait(3)
            conn.close()
        listener.close()
    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def read_one(*answers, method='GET', close=True, timeout=1.0):
    port = scripted_server(*answers, close=close)
    return exchange('127.0.0.1', port, build_request(method, '/'), timeout,
                    method=method)


def test_build_request_is_byte_exact():
    assert build_request('GET', '/x', [('A', 'b'), b'Raw line'], b'body',
                         host='h') == \
        b'GET /x HTTP/1.1\r\nHost: h\r\nA: b\r\nRaw line\r\n\r\nbody'
    assert build_request('GET', '/', host=None) == b'GET / HTTP/1.1\r\n\r\n'


def test_content_length_body():
    reply = read_one(b'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello')
    assert (reply.status, reply.reason, reply.body) == (200, 'OK', b'hello')
    assert reply.problem is None
    assert reply.header('content-length') == '5'


def test_chunked_body_with_trailer():
    reply = read_one(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
                     b'3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n')
    assert reply.body == b'abcde' and reply.problem is None


def test_close_delimited_body():
    reply = read_one(b'HTTP/1.1 200 OK\r\n\r\nuntil close')
    assert reply.body == b'until close' and reply.closed


def test_interim_responses_are_kept_apart():
    reply = read_one(b'HTTP/1.1 100 Continue\r\n\r\n',
                     b'HTTP/1.1 204 No Content\r\n\r\n')
    assert reply.status == 204
    assert reply.interim == [b'HTTP/1.1 100 Continue\r\n\r\n']


def test_head_response_has_no_body():
    reply = read_one(b'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n',
                     method='HEAD', close=False)
    assert reply.status == 200 and reply.body == b'' and not reply.timed_out


@pytest.mark.parametrize('answer, problem', [
    (b'HTTP/1.1 200 OK\nContent-Length: 0\n\n', 'bare LF'),
    (b'HTTP/1.1 2000 OK\r\n\r\n', 'invalid status line'),
    (b'HTTP/1.1 200 OK\r\nBad Header\r\n\r\n', 'invalid header line'),
    (b'HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n', 'invalid header line'),
    (b'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort', 'cut short'),
    (b'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
     'invalid Content-Length'),
    (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
     'invalid chunk size'),
    (b'HTTP/1.1 200 OK\r\nContent-Le', 'cut short'),
])
def test_malformed_replies_are_named(answer, problem):
    reply = read_one(answer)
    assert reply.problem is not None and problem in reply.problem


def test_close_without_answer():
    reply = read_one()
    assert reply.status is None and reply.closed and not reply.timed_out
    assert reply.describe() == 'connection closed without a response'


def test_silence_is_a_timeout():
    reply = read_one(close=False, timeout=0.3)
    assert reply.timed_out and reply.status is None
    assert reply.describe().startswith('no response within')


def test_wait_closed_and_unexpected_bytes():
    port = scripted_server(b'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
                           b'extra')
    with Connection('127.0.0.1', port, 1.0) as conn:
        conn.send(build_request('GET', '/'))
        assert conn.read_reply().status == 200
        assert conn.unexpected_bytes(0.3) == b'extra'


def resetting_server(answer, unread=b''):
    """A one-connection server that sends ``answer`` and closes with a
    reset (SO_LINGER 0), after leaving ``unread`` bytes unread."""
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        conn.recv(16)  # a little of the request: the rest stays unread
        conn.sendall(answer)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))
        conn.close()
        listener.close()
    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def test_a_clean_close_is_a_fin():
    port = scripted_server(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    with Connection('127.0.0.1', port, 1.0) as conn:
        conn.send(build_request('GET', '/'))
        reply = conn.read_reply('GET')
        assert reply.problem is None and conn.wait_closed(1.0)
        assert conn.ended == 'FIN'


def test_a_reset_after_a_whole_response_is_seen():
    port = resetting_server(b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
    with Connection('127.0.0.1', port, 1.0) as conn:
        conn.send(build_request('GET', '/', body=b'x' * 1000))
        reply = conn.read_reply('GET')
        assert reply.status == 200 and reply.body == b'ok'
        conn.wait_closed(1.0)
        assert conn.ended == 'RST'


def test_a_response_cut_short_by_a_reset_is_malformed():
    port = resetting_server(b'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'
                            b'short')
    with Connection('127.0.0.1', port, 1.0) as conn:
        conn.send(build_request('GET', '/', body=b'x' * 1000))
        reply = conn.read_reply('GET')
        assert reply.problem == 'body cut short: 5 of 10 bytes, by a ' \
            'connection reset (RST)'
        assert reply.ended == 'RST' and not reply.timed_out


def test_a_send_the_server_refuses_is_kept_not_raised():
    port = resetting_server(b'HTTP/1.1 413 Content Too Large\r\n'
                            b'Content-Length: 0\r\n\r\n')
    with Connection('127.0.0.1', port, 2.0) as conn:
        conn.send(build_request('POST', '/', [('Content-Length', 4 << 20)]))
        time.sleep(0.2)  # the server has answered and reset by now
        conn.send(b'x' * (4 << 20))
        assert conn.send_error == 'connection reset (RST)'
        assert 0 < conn.unsent <= 4 << 20 and conn.ended == 'RST'


def test_the_relay_keeps_the_bytes_as_they_crossed():
    answer = b'HTTP/1.1 200 OK\r\nX-Odd:  spaced \r\nContent-Length: 2\r\n\r\nok'
    port = scripted_server(answer)
    with Relay('127.0.0.1', port) as relay:
        with Connection('127.0.0.1', relay.port, 2.0) as conn:
            conn.send(b'GET /raw HTTP/1.1\r\nHost: h\r\n\r\n')
            reply = conn.read_reply('GET')
        assert reply.body == b'ok'
        sent, received = relay.take()
    assert sent == b'GET /raw HTTP/1.1\r\nHost: h\r\n\r\n'
    assert received == answer  # the odd spacing too: nothing rebuilt
