"""The real server (``app.run``) over real loopback sockets.

Each test runs the server in a thread on a free port and talks to it with
raw sockets; every wait is bounded, so a broken server fails a test instead
of hanging the run.
"""
import asyncio
import threading
import time

import pytest

import closing
import microdot_cpython
import microdot_overload
import microdot_server
from microdot import Microdot, Request, Response
from microdot_body import LINGER_TIME
from microdot_http import HTTPError
from rawhttp import TIMEOUT, Client, Sender, free_port, wait_for


class Running:
    """A Microdot application served by ``app.run()`` in a thread."""

    def __init__(self, app, debug=False):
        self.app = app
        self.port = free_port()
        self.clients = []
        self.thread = threading.Thread(target=app.run, kwargs={
            'host': '127.0.0.1', 'port': self.port, 'debug': debug},
            daemon=True)
        self.thread.start()
        wait_for(lambda: app.server is not None, what='the server to start')

    def client(self):
        c = Client(self.port)
        self.clients.append(c)
        return c

    def stop(self):
        for c in self.clients:
            c.close()
        if self.thread.is_alive():
            self.app.shutdown()
            self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), 'run() did not return'


@pytest.fixture
def serve():
    running = []

    def start(app, debug=False):
        running.append(Running(app, debug))
        return running[-1]

    yield start
    for r in running:
        r.stop()


def basic_app():
    app = Microdot()

    @app.route('/')
    def index(req):
        return 'index'

    @app.route('/echo', methods=['POST'])
    def echo(req):
        return req.body

    @app.route('/slow')
    async def slow(req):
        await asyncio.sleep(0.2)
        return 'slow'

    @app.route('/boom')
    def boom(req):
        raise RuntimeError('handler failure')

    @app.route('/bytes/<int:n>', methods=['GET', 'POST'])
    def some_bytes(req, n):
        return b'x' * n

    @app.route('/stream/<int:n>', methods=['GET', 'POST'])
    def stream(req, n):
        return (''.join('piece %d\n' % j for j in range(i, min(i + 100, n)))
                for i in range(0, n, 100))  # n lines, 100 to a chunk

    return app


# --------------------------------------------------------------- keep-alive

def test_keep_alive_serves_several_requests(serve):
    c = serve(basic_app()).client()
    for _ in range(3):
        c.get('/')
        res = c.response()
        assert (res.status, res.body) == (200, b'index')
        assert 'connection' not in res.headers


def test_pipelined_requests_are_answered_in_order(serve):
    c = serve(basic_app()).client()
    c.send(b'GET /slow HTTP/1.1\r\nHost: a\r\n\r\n'
           b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc'
           b'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    assert [c.response().body for _ in range(3)] == [b'slow', b'abc',
                                                     b'index']


def test_connection_close_is_honoured_and_announced(serve):
    c = serve(basic_app()).client()
    c.get('/', 'Connection: close')
    res = c.response()
    assert (res.status, res.headers['connection']) == (200, 'close')
    assert c.closed_by_server(2)


def test_http10_gets_close_by_default(serve):
    c = serve(basic_app()).client()
    c.get('/', version='1.0')
    res = c.response()
    assert (res.body, res.headers['connection']) == (b'index', 'close')
    assert c.closed_by_server(2)


def test_http10_keep_alive_is_honoured(serve):
    c = serve(basic_app()).client()
    for _ in range(2):
        c.get('/', 'Connection: keep-alive', version='1.0')
        res = c.response()
        assert (res.body, res.headers['connection']) == (b'index',
                                                         'keep-alive')


def test_streamed_response_to_http10_ends_with_close(serve):
    app = Microdot()
    app.route('/')(lambda req: iter([b'a', b'b']))
    c = serve(app).client()
    c.get('/', 'Connection: keep-alive', version='1.0')
    res = c.response()
    assert (res.body, res.headers['connection']) == (b'ab', 'close')


def test_streamed_response_is_chunked(serve):
    app = Microdot()
    app.route('/')(lambda req: (str(i) for i in range(100)))
    c = serve(app).client()
    c.get('/')
    res = c.response()
    assert res.headers['transfer-encoding'] == 'chunked'
    assert res.body == ''.join(str(i) for i in range(100)).encode()
    c.get('/')
    assert c.response().status == 200  # still open after the chunked body


def test_large_request_body_over_the_network(serve):
    Request.max_content_length = 1 << 20
    Request.max_body_length = 1 << 20
    data = bytes(range(256)) * 1024
    c = serve(basic_app()).client()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n'
           % len(data) + data)
    assert c.response().body == data


# -------------------------------------------------------- slow clients

def test_silent_client_does_not_stall_another(serve):
    Request.socket_read_timeout = 3
    server = serve(basic_app())
    silent = server.client()
    half = server.client()
    half.send(b'GET / HTTP/1.1\r\nHo')
    started = time.monotonic()
    c = server.client()
    c.get('/')
    assert c.response().body == b'index'
    assert time.monotonic() - started < 1
    silent.close()
    half.close()


def test_idle_connection_is_closed_after_the_idle_timeout(serve):
    Request.idle_timeout = 0.3
    c = serve(basic_app()).client()
    started = time.monotonic()
    assert c.closed_by_server(3)  # closed without a word (no 408)
    assert 0.25 < time.monotonic() - started < 2


def test_idle_keep_alive_connection_is_closed_after_the_timeout(serve):
    Request.idle_timeout = 0.3
    c = serve(basic_app()).client()
    c.get('/')
    assert c.response().status == 200
    started = time.monotonic()
    assert c.closed_by_server(3)
    assert 0.25 < time.monotonic() - started < 2


def test_read_timeout_zero_waits_for_ever(serve):
    Request.socket_read_timeout = 0
    c = serve(basic_app()).client()
    assert not c.closed_by_server(0.5)
    c.get('/')
    assert c.response().body == b'index'


def test_unfinished_head_gets_408(serve):
    Request.socket_read_timeout = 0.3
    c = serve(basic_app()).client()
    c.send(b'GET / HTTP/1.1\r\nHost: a\r\n')
    res = c.response()
    assert (res.status, res.headers['connection']) == (408, 'close')
    assert c.closed_by_server(2)


def test_body_shorter_than_declared_gets_408_and_close(serve):
    Request.socket_read_timeout = 0.3
    c = serve(basic_app()).client()
    started = time.monotonic()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc')
    res = c.response()
    assert (res.status, res.headers['connection']) == (408, 'close')
    assert time.monotonic() - started < 2
    assert c.closed_by_server(2)


def test_streamed_body_shorter_than_declared_gets_408(serve):
    Request.socket_read_timeout = 0.3
    Request.max_body_length = 4
    app = Microdot()
    app.route('/', methods=['POST'])(lambda req: req.stream.read())
    c = serve(app).client()
    c.send(b'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabcdef')
    res = c.response()
    assert res.status == 408
    assert c.closed_by_server(2)


def test_unread_large_body_closes_the_connection(serve):
    Request.max_body_length = 4
    c = serve(basic_app()).client()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n'
           b'0123456789GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    res = c.response()
    assert (res.status, res.body) == (200, b'')  # body was left unread
    assert res.headers['connection'] == 'close'
    assert c.closed_by_server(2)


def test_client_that_leaves_mid_request_does_not_break_the_server(serve):
    server = serve(basic_app())
    gone = server.client()
    gone.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n'
              b'ab')
    gone.close()
    c = server.client()
    c.get('/')
    assert c.response().status == 200


# ------------------------------------------------------- closing in stages

@pytest.mark.parametrize('size', [4097, 16384])
@pytest.mark.parametrize('method, path', [('GET', '/stream/35000'),
                                          ('POST', '/bytes/350000')])
def test_unread_body_then_large_response_ends_cleanly(serve, method, path,
                                                      size):
    Request.max_body_length = 4096
    closing.unread_body_then_large_response(serve(basic_app()).port, method,
                                            path, size)


@pytest.mark.parametrize('check', [closing.too_large_upload,
                                   closing.long_target, closing.long_field])
def test_early_refusal_is_read_whole_while_the_client_sends(serve, check):
    check(serve(basic_app()).port)


def test_lingering_connection_neither_stalls_others_nor_stays(serve):
    Microdot.max_connections = 1  # the lingering one has given its place
    closing.endless_sender(serve(basic_app()).port, LINGER_TIME + 1.5)


def test_shutdown_with_an_unread_body_ends_cleanly(serve):
    Request.max_body_length = 4096
    app = basic_app()
    app.route('/shutdown', methods=['POST'])(
        lambda req: req.app.shutdown() or 'bye')
    server = serve(app)
    c = Client(server.port, slow=True)
    c.send(b'POST /shutdown HTTP/1.1\r\nHost: a\r\nContent-Length: 16384'
           b'\r\n\r\n' + b'b' * 16384)
    assert c.response_then_close().body == b'bye'
    c.close()
    server.thread.join(TIMEOUT)
    assert not server.thread.is_alive()


# ------------------------------------------------------------ 100-continue

def test_expect_100_continue(serve):
    c = serve(basic_app()).client()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n'
           b'Expect: 100-continue\r\n\r\n')
    interim = c.response()
    assert (interim.status, interim.reason) == (100, 'Continue')
    c.send(b'hello')
    res = c.response()
    assert (res.status, res.body) == (200, b'hello')


def test_no_100_continue_for_a_body_that_is_too_large(serve):
    Request.max_content_length = 4
    c = serve(basic_app()).client()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n'
           b'Expect: 100-continue\r\n\r\n')
    res = c.response()
    assert (res.status, res.headers['connection']) == (413, 'close')


def test_no_100_continue_without_expect(serve):
    c = serve(basic_app()).client()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok')
    assert c.response().status == 200


# ------------------------------------------------------------ connection cap

def _one_place_held(serve):
    """A server with one place, which a request to /hold takes until
    ``release`` is set: (server, the holding client, release)."""
    entered, release = threading.Event(), threading.Event()
    app = basic_app()
    Microdot.max_connections = 1

    @app.route('/hold')
    def hold(req):
        entered.set()
        release.wait(TIMEOUT)
        return 'held'

    server = serve(app)
    first = server.client()
    first.get('/hold')
    assert entered.wait(TIMEOUT)
    return server, first, release


def test_clients_beyond_max_connections_get_503(serve):
    server, first, release = _one_place_held(serve)
    started = time.monotonic()
    second = server.client()
    second.get('/')
    res = second.response()
    waited = time.monotonic() - started
    assert (res.status, res.headers['retry-after']) == (503, '1')
    assert res.headers['connection'] == 'close'
    assert 0.5 < waited < 4
    release.set()
    assert first.response().body == b'held'


def test_client_waiting_for_a_place_is_served_when_one_frees(serve):
    app = basic_app()
    Microdot.max_connections = 1
    server = serve(app)
    first = server.client()
    first.get('/slow', 'Connection: close')
    second = server.client()
    second.get('/')
    assert first.response().body == b'slow'
    assert second.response().body == b'index'


# ---------------------------------------------------------------- shutdown

def test_shutdown_from_a_handler(serve):
    app = basic_app()

    @app.route('/shutdown')
    def shutdown(req):
        req.app.shutdown()
        return 'bye'

    server = serve(app)
    c = server.client()
    c.get('/shutdown')
    res = c.response()
    assert (res.body, res.headers['connection']) == (b'bye', 'close')
    server.thread.join(TIMEOUT)
    assert not server.thread.is_alive()
    with pytest.raises(OSError):
        Client(server.port, timeout=1).get('/')


def test_shutdown_from_an_async_handler(serve):
    app = Microdot()

    @app.route('/shutdown')
    async def shutdown(req):
        req.app.shutdown()
        return 'bye'

    server = serve(app)
    c = server.client()
    c.get('/shutdown')
    assert c.response().body == b'bye'
    server.thread.join(TIMEOUT)
    assert not server.thread.is_alive()


def test_app_can_run_again_after_shutdown(serve):
    app = basic_app()
    serve(app).stop()
    c = serve(app).client()
    c.get('/')
    assert c.response().body == b'index'


# -------------------------------------------------------- handler failures

def test_handler_exception_is_500_and_the_next_request_is_served(serve):
    c = serve(basic_app()).client()
    c.get('/boom')
    res = c.response()
    assert (res.status, res.body) == (500, b'Internal server error')
    c.get('/')
    assert c.response().body == b'index'


def test_unserializable_body_cuts_the_connection_not_the_server(serve):
    app = basic_app()
    app.route('/bad')(lambda req: Response(object()))
    server = serve(app)
    c = server.client()
    c.get('/bad')
    with pytest.raises((EOFError, ValueError, ConnectionResetError)):
        c.response()
    c2 = server.client()
    c2.get('/')
    assert c2.response().body == b'index'


@pytest.mark.parametrize('request_bytes, status', [
    (b'GARBAGE\r\n\r\n', 400),
    (b'GET / HTTP/1.1\r\nBad Header: x\r\n\r\n', 400),
    (b'GET / HTTP/1.1\r\nN\xffme: x\r\nHost: a\r\n\r\n', 400),
    (b'GET / HTTP/1.1\r\n\r\n', 400),
    (b'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505),
    (b'GET /' + b'a' * 3000 + b' HTTP/1.1\r\nHost: a\r\n\r\n', 414),
    (b'GET / HTTP/1.1\r\nHost: a\r\nX: ' + b'a' * 3000 + b'\r\n\r\n', 431),
    (b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n', 400),
    (b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: \xc2\xb2\r\n\r\n',
     400),
    (b'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked'
     b'\r\n\r\n', 501),
])
def test_malformed_requests_get_an_answer_and_a_close(serve, request_bytes,
                                                      status):
    c = serve(basic_app()).client()
    c.send(request_bytes + b'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    res = c.response()
    assert (res.status, res.headers['connection']) == (status, 'close')
    assert c.closed_by_server(2)  # the request after it is not answered


def test_chunked_request_over_the_network(serve):
    c = serve(basic_app()).client()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked'
           b'\r\n\r\n4\r\nWiki\r\n')
    time.sleep(0.05)
    c.send(b'5\r\npedia\r\n0\r\n\r\n')
    assert c.response().body == b'Wikipedia'


def test_head_request_over_the_network(serve):
    c = serve(basic_app()).client()
    c.send(b'HEAD / HTTP/1.1\r\nHost: a\r\n\r\n')
    res = c.response(head=True)
    assert (res.status, res.headers['content-length']) == (200, '5')
    c.get('/')
    assert c.response().body == b'index'  # nothing was sent after the head


# -------------------------------------------------------------- concurrency

def test_sleeping_plain_handler_does_not_block_an_async_one(serve):
    app = Microdot()

    @app.route('/sleep')
    def sleeper(req):
        time.sleep(1)
        return 'slept'

    @app.route('/fast')
    async def fast(req):
        return 'fast'

    server = serve(app)
    sleeping = server.client()
    sleeping.get('/sleep')
    time.sleep(0.1)
    started = time.monotonic()
    c = server.client()
    c.get('/fast')
    assert c.response().body == b'fast'
    assert time.monotonic() - started < 0.7
    assert sleeping.response().body == b'slept'


def test_plain_handler_reading_a_large_stream(serve):
    Request.max_body_length = 16
    app = Microdot()
    app.route('/', methods=['POST'])(
        lambda req: str(len(b''.join(iter(lambda: req.stream.read(7), b'')))))
    c = serve(app).client()
    c.send(b'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n')
    for _ in range(10):
        c.send(b'x' * 100)
        time.sleep(0.005)
    assert c.response().body == b'1000'
    c.get('/')
    assert c.response().status == 405  # the connection is still usable


# ------------------------------------------------------------------- debug

def test_debug_prints_one_line_per_request(serve, capsys):
    server = serve(basic_app(), debug=True)
    c = server.client()
    for path in ('/', '/missing', '/'):
        c.get(path)
        c.response()
    c.send(b'NOT A REQUEST\r\n\r\n')
    c.response()
    server.stop()
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        'Starting async server on 127.0.0.1:%d...' % server.port,
        'GET / 200', 'GET /missing 404', 'GET / 200', '- - 400']


def test_no_output_without_debug(serve, capsys):
    server = serve(basic_app())
    c = server.client()
    c.get('/')
    c.response()
    server.stop()
    assert capsys.readouterr().out == ''


# ------------------------------------------------------------ start_server

def test_start_server_runs_beside_other_tasks():
    app = basic_app()
    port = free_port()
    result = []

    async def main():
        task = asyncio.ensure_future(app.start_server('127.0.0.1', port))
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(_wait_started(app), TIMEOUT)

        def fetch():
            c = Client(port)
            c.get('/', 'Connection: close')
            result.append(c.response().body)
            c.close()
        await asyncio.wait_for(loop.run_in_executor(None, fetch), TIMEOUT)
        app.shutdown()
        await asyncio.wait_for(task, TIMEOUT)

    asyncio.run(main())
    assert result == [b'index']


async def _wait_started(app):
    while app.server is None:
        await asyncio.sleep(0.01)


# ------------------------------------------------------------ memory budget

def test_head_over_the_total_budget_is_431_and_the_server_goes_on(serve):
    Request.max_head_length = 1024  # each line is within max_readline
    server = serve(basic_app())
    c = server.client()
    c.send(b'GET / HTTP/1.1\r\nHost: a\r\n' +
           b''.join(b'X-%d: %s\r\n' % (i, b'v' * 200) for i in range(8)) +
           b'\r\n')
    res = c.response()
    assert (res.status, res.headers['connection']) == (431, 'close')
    other = server.client()
    other.get('/')
    assert other.response().body == b'index'


def test_head_within_the_budget_is_served(serve):
    Request.max_head_length = 1024
    c = serve(basic_app()).client()
    c.send(b'GET / HTTP/1.1\r\nHost: a\r\n' +
           b''.join(b'X-%d: %s\r\n' % (i, b'v' * 100) for i in range(8)) +
           b'\r\n')
    assert c.response().body == b'index'


def test_memory_error_is_503_on_that_connection_only(serve):
    app = basic_app()

    @app.route('/hungry')
    def hungry(req):
        raise MemoryError('no memory for this one')

    server = serve(app)
    bystander = server.client()
    bystander.get('/')
    assert bystander.response().status == 200
    c = server.client()
    c.get('/hungry')
    res = c.response()
    assert (res.status, res.headers['retry-after'],
            res.headers['connection']) == (503, '1', 'close')
    assert c.closed_by_server(2)
    bystander.get('/')  # the others go on, on the same connections
    assert bystander.response().body == b'index'
    fresh = server.client()
    fresh.get('/')
    assert fresh.response().body == b'index'


def test_large_body_is_written_in_pieces(serve, monkeypatch):
    writes = []
    original = microdot_cpython.Connection.write

    def write(conn, data):
        writes.append(len(data))
        original(conn, data)
    monkeypatch.setattr(microdot_cpython.Connection, 'write', write)
    c = serve(basic_app()).client()
    c.get('/bytes/10000')
    assert c.response().body == b'x' * 10000
    assert max(writes) <= microdot_server.PIECE


def test_small_response_goes_out_in_one_write(serve, monkeypatch):
    writes = []
    original = microdot_cpython.Connection.write

    def write(conn, data):
        writes.append(data)
        original(conn, data)
    monkeypatch.setattr(microdot_cpython.Connection, 'write', write)
    c = serve(basic_app()).client()
    c.get('/')
    assert c.response().body == b'index'
    assert len(writes) == 1 and writes[0].endswith(b'\r\n\r\nindex')


# ------------------------------------------------------------------ overload

def keep_idle(server, n):
    """``n`` clients, each served once and then idle on a kept connection."""
    clients = []
    for _ in range(n):
        c = server.client()
        c.get('/')
        assert c.response().status == 200
        clients.append(c)
    return clients


def test_an_idle_connection_is_closed_to_admit_a_new_client(serve):
    Microdot.max_connections = 2
    server = serve(basic_app())
    idle = keep_idle(server, 2)
    time.sleep(microdot_overload.SHED_AFTER / 1000 + 0.1)
    started = time.monotonic()
    c = server.client()
    c.get('/')
    assert c.response().status == 200  # not 503
    assert time.monotonic() - started < 0.5
    closed = [i for i in idle if i.closed_by_server(0.5)]  # cleanly: a
    assert len(closed) == 1  # reset would raise; the other one is kept


def test_twenty_idle_connections_and_a_new_client(serve):
    Microdot.max_connections = 8
    server = serve(basic_app())
    keep_idle(server, 20)
    time.sleep(microdot_overload.SHED_AFTER / 1000 + 0.1)
    started = time.monotonic()
    c = server.client()
    c.get('/')
    assert c.response().status == 200
    assert time.monotonic() - started < 1


def test_responses_say_close_while_a_client_waits_for_a_place(serve):
    server, first, release = _one_place_held(serve)
    waiting = server.client()
    waiting.get('/')
    time.sleep(0.2)  # the second client is waiting for the one place
    release.set()
    res = first.response()
    assert (res.body, res.headers['connection']) == (b'held', 'close')
    assert waiting.response().body == b'index'  # it got the place


def test_trickling_head_gets_408_when_the_head_deadline_passes(serve):
    # one byte every 0.1 s: each read is quick, the whole head is not
    Request.socket_read_timeout = 0.5
    c = serve(basic_app()).client()
    started = time.monotonic()
    sender = Sender(c, [bytes([b]) for b in b'GET / HTTP/1.1\r\nHost: ' +
                        b'a' * 100], pause=0.1)
    res = c.response()
    waited = time.monotonic() - started
    sender.finish()
    assert (res.status, res.headers['connection']) == (408, 'close')
    assert 0.4 < waited < 1.5


def test_trickling_body_is_408_when_it_stalls_only(serve):
    # a body that keeps coming is read whole, however long it takes
    Request.socket_read_timeout = 0.3
    c = serve(basic_app()).client()
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n')
    sender = Sender(c, [b'ab'] * 4, pause=0.2)
    assert c.response().body == b'abababab'
    sender.finish()


# ---------------------------------------------------------------- keep-alive

def test_idle_timeout_is_5_seconds_by_default_and_announced(serve):
    assert Request.idle_timeout == 5
    c = serve(basic_app()).client()
    c.get('/')
    res = c.response()
    assert res.headers['keep-alive'] == 'timeout=5'
    time.sleep(1.5)  # longer than microdot 1.x's 1 s read timeout
    c.get('/')
    assert c.response().body == b'index'


def test_keep_alive_header_follows_the_idle_timeout(serve):
    Request.idle_timeout = 12
    c = serve(basic_app()).client()
    c.get('/')
    assert c.response().headers['keep-alive'] == 'timeout=12'
    c.get('/', 'Connection: close')
    res = c.response()
    assert 'keep-alive' not in res.headers
    assert res.headers['connection'] == 'close'


def test_no_keep_alive_header_without_an_idle_timeout(serve):
    Request.idle_timeout = 0  # kept for ever: nothing to announce
    c = serve(basic_app()).client()
    c.get('/')
    assert 'keep-alive' not in c.response().headers


def expire_while_idle(data):
    """A connection waiting for a request to begin is cut short by the
    watch just as ``data`` (if any) arrives: what its recv gives, and
    whether the connection is then to close."""
    async def main():
        conn = microdot_cpython.Connection(None, ('127.0.0.1', 1))
        conn.reader = asyncio.StreamReader()
        waiting = asyncio.ensure_future(conn.recv())
        await asyncio.sleep(0)  # recv waits in the reader
        if data:
            conn.reader.feed_data(data)
        conn.expire()
        return await waiting, conn.last

    return asyncio.run(main())


def test_request_found_as_an_idle_connection_expires_is_served():
    # The watch cut the wait short, but the request was already there: it
    # is served, with Connection: close, and not dropped.
    data, last = expire_while_idle(b'GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    assert data.startswith(b'GET / ')
    assert last


def test_idle_connection_that_expires_with_nothing_sent_is_408():
    with pytest.raises(HTTPError) as info:
        expire_while_idle(b'')
    assert info.value.status == 408


def test_plain_handler_raising_stopiteration_is_500(serve):
    # a worker thread hands exceptions back to the loop; StopIteration is
    # one a future will not carry
    app = basic_app()

    @app.route('/stop')
    def stop(req):
        raise StopIteration('stop')

    c = serve(app).client()
    c.get('/stop')
    assert c.response().status == 500
    c.get('/')
    assert c.response().body == b'index'


def test_a_response_takes_the_connection_over(serve):
    # a protocol upgrade over a real connection: after the 101 the taker
    # reads and writes the socket itself, then the server closes it
    app = basic_app()

    async def echo(req, conn, received):
        while received != b'bye':
            if received:
                conn.write(received.upper())
                await conn.drain()
            received = await conn.recv()

    @app.route('/upgrade')
    def upgrade(req):
        res = Response(status_code=101, headers={'Upgrade': 'echo',
                                                 'Connection': 'Upgrade'})
        res.takeover = echo
        return res

    c = serve(app).client()
    c.send(b'GET /upgrade HTTP/1.1\r\nHost: a\r\nUpgrade: echo\r\n\r\nhi')
    res = c.response(head=True)
    assert (res.status, res.headers['upgrade']) == (101, 'echo')
    assert c.take(2) == b'HI'
    c.send(b'there')
    assert c.take(5) == b'THERE'
    c.send(b'bye')
    assert c.closed_by_server(2)


def test_a_connection_taken_over_has_no_deadline(serve):
    # the taker decides how long its client may be silent; the server's
    # idle and read timeouts are for HTTP
    app = basic_app()
    Request.idle_timeout = Request.socket_read_timeout = 0.3

    async def echo(req, conn, received):
        received = await conn.recv()
        conn.write(received)
        await conn.drain()

    @app.route('/upgrade')
    def upgrade(req):
        res = Response(status_code=101, headers={'Upgrade': 'echo',
                                                 'Connection': 'Upgrade'})
        res.takeover = echo
        return res

    c = serve(app).client()
    c.send(b'GET /upgrade HTTP/1.1\r\nHost: a\r\nUpgrade: echo\r\n\r\n')
    assert c.response(head=True).status == 101
    time.sleep(1)  # more than both timeouts
    c.send(b'late')
    assert c.take(4) == b'late'
    assert c.closed_by_server(2)


def test_a_handler_that_took_the_connection_gets_no_http_after(serve):
    # what a handler returns or raises once it has taken its request's
    # connection over (request.sock, Server.take) is not written
    app = basic_app()

    @app.route('/taken')
    def taken(req):
        conn = req.sock
        received = conn.server.take(conn)
        conn.sock.send(b'mine:' + received)  # a blocking send is enough here
        raise ValueError('after the hand-over')

    c = serve(app).client()
    c.send(b'GET /taken HTTP/1.1\r\nHost: a\r\n\r\nrest')
    assert c.take(9) == b'mine:rest'
    assert c.closed_by_server(3) and c.buf == b''
