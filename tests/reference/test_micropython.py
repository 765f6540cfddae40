"""The reference server on the real MicroPython interpreter (unix port).

``micropython/app.py`` is served by ``micropython`` on a free loopback port
and checked over real sockets; ``micropython/check_test_client.py`` runs the
TestClient on MicroPython and exits non-zero on a failure.
"""
import os
import subprocess
import tempfile
import time

import pytest

import closing
from mpy_http_conformance.process import find_micropython
from rawhttp import TIMEOUT, Client, Sender, free_port, wait_for

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
HERE = os.path.join(TESTS_DIR, 'micropython')
REFERENCE_DIR = os.path.join(TESTS_DIR, '..', '..', 'reference')
MICROPYTHON = find_micropython()  # says what to install when it is missing
LINGER_TIME = 2  # microdot_server.LINGER_TIME, as MicroPython imports it


def micropython(script, *args, **kwargs):
    env = dict(os.environ, MICROPYPATH=REFERENCE_DIR + ':.frozen')
    return subprocess.Popen([MICROPYTHON, os.path.join(HERE, script)] +
                            list(args), cwd=HERE, env=env, **kwargs)


def can_connect(port):
    try:
        Client(port, timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope='module')
def port():
    """The port of ``app.py`` running under MicroPython."""
    yield from served('app.py')


def served(script):
    """Serve ``script`` (in micropython/, answering ``GET /shutdown`` with
    ``bye``) under MicroPython: yields its port, then checks that the
    shutdown ends it and prints what it printed."""
    port = free_port()
    with tempfile.TemporaryFile() as output:
        proc = micropython(script, str(port), stdout=output,
                           stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: proc.poll() is not None or can_connect(port),
                     what='MicroPython to listen')
            assert proc.poll() is None, 'the MicroPython server exited'
            yield port
            c = Client(port)
            c.get('/shutdown')
            assert c.response().body == b'bye'
            c.close()
            assert proc.wait(TIMEOUT) == 0, 'shutdown() did not end run()'
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(TIMEOUT)
            output.seek(0)
            print(output.read().decode(errors='replace'))


def test_get(port):
    c = Client(port)
    c.get('/')
    res = c.response()
    assert (res.status, res.body) == (200, b'Hello from micropython')
    assert res.headers['content-type'] == 'text/plain; charset=UTF-8'
    c.get('/')  # the connection stays open
    assert c.response().status == 200
    c.close()


def test_post_form(port):
    c = Client(port)
    body = b'name=J%C3%B6rg+M&t=a&t=b%26c'
    c.send(b'POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: '
           b'application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n'
           % len(body) + body)
    res = c.response()
    assert res.headers['content-type'] == 'application/json; charset=UTF-8'
    assert res.body.decode() in (
        '{"name": "J\\u00f6rg M", "tags": ["a", "b&c"]}',
        '{"tags": ["a", "b&c"], "name": "J\\u00f6rg M"}',
        '{"name": "J\xf6rg M", "tags": ["a", "b&c"]}',
        '{"tags": ["a", "b&c"], "name": "J\xf6rg M"}')
    c.close()


def test_utf8_path_argument(port):
    c = Client(port)
    c.get('/hello/J%C3%B6rg')
    assert c.response().body.decode() == 'Hello, J\xf6rg'
    c.get('/hello/a+b')
    assert c.response().body == b'Hello, a+b'
    c.close()


def test_long_path_segment_and_long_method(port):
    # MicroPython's re recurses per character: neither may go through one
    c = Client(port)
    c.get('/hello/' + 'a' * 1500)
    assert c.response().body == b'Hello, ' + b'a' * 1500
    c.send(b'M' * 1500 + b' / HTTP/1.1\r\nHost: a\r\n\r\n')
    assert c.response().status == 501
    c.close()


@pytest.mark.parametrize('host, status', [(b'a.' * 900 + b'test', 200),
                                          (b'[' + b'1:' * 600 + b'1]', 200),
                                          (b'a.' * 900 + b':x', 400)])
def test_long_host_is_checked_without_recursion(port, host, status):
    c = Client(port)
    c.send(b'GET /hello/a HTTP/1.1\r\nHost: ' + host + b'\r\n\r\n')
    assert c.response().status == status
    c.close()


def test_same_site_cookie(port):
    c = Client(port)
    c.get('/same-site')
    assert c.response().headers['set-cookie'] == 's=1; SameSite=Lax'
    c.close()


def test_a_burst_of_clients_is_served(port):
    # More clients at once than MicroPython's default listen backlog (5):
    # the server used to miss some of their requests until something else
    # woke it, a second or more later. Each is answered at once now (a
    # client idle after connecting could be shed for another: these ask at
    # once).
    clients = []
    for _ in range(8):
        clients.append(Client(port, timeout=0.5))
        clients[-1].get('/')
    assert [c.response().status for c in clients] == [200] * 8
    for c in clients:
        c.close()


def test_404_and_405(port):
    c = Client(port)
    c.get('/missing')
    assert c.response().status == 404
    c.get('/only-post')
    res = c.response()
    assert (res.status, res.headers['allow']) == (405, 'POST, OPTIONS')
    c.close()


def test_chunked_request_body(port):
    c = Client(port)
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked'
           b'\r\n\r\n4;ext=1\r\nWiki\r\n')
    time.sleep(0.05)
    c.send(b'5\r\npedia\r\n0\r\n\r\n')
    assert c.response().body == b'Wikipedia'
    c.close()


def test_malformed_request_gets_400(port):
    c = Client(port)
    c.send(b'GET / HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n')
    res = c.response()
    assert (res.status, res.headers['connection']) == (400, 'close')
    c.close()


def test_silent_client_does_not_stall_another(port):
    silent = Client(port)  # the app waits up to 3 s for a silent client
    half = Client(port)
    half.send(b'GET / HTTP/1.1\r\nHo')
    started = time.monotonic()
    c = Client(port)
    c.get('/')
    assert c.response().status == 200
    assert time.monotonic() - started < 1
    for s in (silent, half, c):
        s.close()


def test_idle_connection_is_closed_cleanly(port):
    c = Client(port)  # the app waits up to 3 s for a silent client
    assert c.closed_by_server(TIMEOUT)  # a reset raises
    c.close()


@pytest.mark.parametrize('size', [4097, 16384])
@pytest.mark.parametrize('method, path', [('GET', '/stream/35000'),
                                          ('POST', '/bytes/350000')])
def test_unread_body_then_large_response_ends_cleanly(port, method, path,
                                                      size):
    closing.unread_body_then_large_response(port, method, path, size)


@pytest.mark.parametrize('check', [closing.too_large_upload,
                                   closing.long_target, closing.long_field])
def test_early_refusal_is_read_whole_while_the_client_sends(port, check):
    check(port)


def test_lingering_connection_neither_stalls_others_nor_stays(port):
    closing.endless_sender(port, LINGER_TIME + 1.5)


def test_test_client_on_micropython():
    proc = micropython('check_test_client.py', stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=TIMEOUT * 2)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)
    assert proc.returncode == 0, out.decode(errors='replace')
    assert out.decode().splitlines()[-1] == 'all passed'


def test_plain_handler_reading_a_slow_body_does_not_stall_others(port):
    uploader = Client(port)
    uploader.send(b'POST /upload HTTP/1.1\r\nHost: a\r\n'
                  b'Content-Length: 6000\r\n\r\n')
    sender = Sender(uploader, [b'u' * 600] * 10, pause=0.1)
    time.sleep(0.15)  # the body is on its way
    started = time.monotonic()
    c = Client(port)
    c.get('/')
    assert c.response().status == 200
    assert time.monotonic() - started < 0.5, 'stalled behind the upload'
    sender.join(TIMEOUT)  # the whole body goes out
    assert sender.error is None and sender.sent == 6000
    assert uploader.response().body == b'6000'
    for s in (uploader, c):
        s.close()


def test_memory_error_is_503_and_the_server_goes_on(port):
    c = Client(port)
    c.get('/hungry')
    res = c.response()
    assert (res.status, res.headers['retry-after'],
            res.headers['connection']) == (503, '1', 'close')
    c.close()
    other = Client(port)
    other.get('/')
    assert other.response().status == 200
    other.close()


def test_keep_alive_announces_the_idle_timeout(port):
    c = Client(port)
    c.get('/')
    assert c.response().headers['keep-alive'] == 'timeout=3'
    c.close()


def test_idle_connection_makes_room_for_a_new_client(port):
    idle = []
    for _ in range(4):  # app.py: max_connections = 4
        c = Client(port)
        c.get('/')
        assert c.response().status == 200
        idle.append(c)
    time.sleep(0.2)
    started = time.monotonic()
    c = Client(port)
    c.get('/')
    assert c.response().status == 200  # not 503
    assert time.monotonic() - started < 1
    assert any(i.closed_by_server(0.5) for i in idle)  # cleanly
    for s in idle + [c]:
        s.close()


def test_trickling_head_gets_408_at_the_head_deadline(port):
    # one byte every 0.2 s: each read is quick, the head never whole
    c = Client(port)
    started = time.monotonic()
    sender = Sender(c, [bytes([b]) for b in b'GET / HTTP/1.1\r\nHost: ' +
                        b'a' * 100], pause=0.2)
    res = c.response()
    waited = time.monotonic() - started
    sender.finish()
    c.close()
    assert res.status == 408
    assert 2.5 < waited < 4.5  # app.py: socket_read_timeout = 3
