"""microdot_websocket and microdot_asyncio_websocket through a started
server (CPython), over real loopback sockets: the handshake and its
refusals, echo, the closing handshake, errors, and a plain handler that
holds its connection while others are served."""
import time

import pytest

import microdot_asyncio_websocket
import microdot_websocket
from conformance.ws_wire import BINARY, CLOSE, CONT, PING, PONG, TEXT
from conformance.ws_wire import close_frame, frame
from microdot import Microdot, Request, abort
from rawws import WsClient
from test_server import serve  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def default_limit():
    saved = microdot_websocket.WebSocket.max_message_length
    yield
    microdot_websocket.WebSocket.max_message_length = saved


def ws_app():
    app = Microdot()

    @app.route('/echo')
    @microdot_websocket.with_websocket
    def echo(request, ws):
        while True:
            ws.send(ws.receive())

    @app.route('/aecho')
    @microdot_asyncio_websocket.with_websocket
    async def aecho(request, ws):
        while True:
            await ws.send(await ws.receive())

    @app.route('/checked')
    def checked(request):
        if request.args.get('token') != 'yes':
            abort(401)
        ws = microdot_websocket.websocket_upgrade(request)
        ws.send('welcome')
        ws.send(ws.receive().upper())
        ws.close()

    @app.route('/achecked')
    async def achecked(request):
        ws = await microdot_asyncio_websocket.websocket_upgrade(request)
        await ws.send(b'\x00binary')
        await ws.close()

    @app.route('/boom')
    @microdot_websocket.with_websocket
    def boom(request, ws):
        ws.receive()
        raise ValueError('raised on purpose')

    @app.route('/')
    def index(request):
        return 'index'

    @app.errorhandler(400)
    def bad_request(request):
        return 'our own 400', 400

    return app


def opened(running, path='/echo', **kwargs):
    ws = WsClient(running.port, path, **kwargs)
    running.clients.append(ws)
    assert ws.accepted, (ws.reply.status, ws.reply.headers)
    return ws


@pytest.mark.parametrize('path', ['/echo', '/aecho'])
def test_echo(serve, path):  # noqa: F811
    ws = opened(serve(ws_app()), path)
    ws.send(frame(TEXT, 'κόσμε') + frame(BINARY, bytes(range(256))) +
            frame(PING, b'p'))
    got = [ws.frame() for _ in range(3)]
    assert [(f.opcode, f.payload) for f in got] == [
        (TEXT, 'κόσμε'.encode()), (BINARY, bytes(range(256))), (PONG, b'p')]
    ws.send(frame(TEXT, 'frag', fin=False) + frame(PING, b'x') +
            frame(CONT, 'ment'))
    assert (ws.frame().opcode, ws.frame().payload) == (PONG, b'fragment')
    ws.send(close_frame(1000, 'bye'))
    closing = ws.frame()
    assert (closing.opcode, closing.close_code) == (CLOSE, 1000)
    assert ws.closed_by_server()


@pytest.mark.parametrize('path', ['/echo', '/aecho'])
def test_a_large_message_arrives_split(serve, path):  # noqa: F811
    running = serve(ws_app())
    Request.max_body_length = 100000
    ws = opened(running, path)
    payload = bytes(range(256)) * 300  # a 64-bit length
    data = frame(BINARY, payload)
    for i in range(0, len(data), 7000):
        ws.send(data[i:i + 7000])
        time.sleep(0.001)
    got = ws.frame()
    assert got.payload == payload and got.raw[1] == 127


def test_bytes_sent_with_the_handshake_reach_the_websocket(serve):  # noqa
    ws = WsClient(serve(ws_app()).port, '/echo', after=frame(TEXT, 'early'))
    assert ws.accepted
    assert ws.frame().payload == b'early'
    ws.close()


def test_websocket_upgrade_after_a_check(serve):  # noqa: F811
    running = serve(ws_app())
    refused = WsClient(running.port, '/checked')
    assert refused.reply.status == 401
    refused.close()
    ws = opened(running, '/checked?token=yes')
    assert ws.frame().payload == b'welcome'
    ws.send(frame(TEXT, 'shout'))
    assert ws.frame().payload == b'SHOUT'
    assert ws.frame().close_code == 1000
    ws.send(close_frame(1000))
    assert ws.closed_by_server()
    ws = opened(running, '/achecked')
    assert (ws.frame().opcode, ws.frame().close_code) == (BINARY, 1000)


def test_refusals_go_through_the_application(serve):  # noqa: F811
    running = serve(ws_app())
    c = running.client()
    c.send(b'GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n'
           b'Connection: Upgrade\r\n\r\n')
    res = c.response()
    assert (res.status, res.body) == (400, b'our own 400')
    c.send(b'GET /aecho HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n'
           b'Connection: Upgrade\r\nSec-WebSocket-Key: '
           b'dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n')
    res = c.response()
    assert res.status == 426
    assert res.headers['sec-websocket-version'] == '13'
    assert res.headers['upgrade'] == 'websocket'
    c.get('/')  # the connection goes on in HTTP
    assert c.response().body == b'index'


def test_a_handler_error_closes_with_1011_and_no_http(serve):  # noqa: F811
    running = serve(ws_app())
    ws = opened(running, '/boom')
    ws.send(frame(TEXT, 'go'))
    got = ws.frame()
    assert (got.opcode, got.close_code) == (CLOSE, 1011)
    ws.send(close_frame(1011))
    assert ws.closed_by_server() and ws.buf == b''
    c = running.client()
    c.get('/')
    assert c.response().body == b'index'


def test_protocol_errors_are_answered_and_closed(serve):  # noqa: F811
    ws = opened(serve(ws_app()))
    ws.send(frame(TEXT, 'x', rsv=4))
    assert ws.frame().close_code == 1002
    assert ws.closed_by_server()


def test_the_message_limit(serve):  # noqa: F811
    running = serve(ws_app())
    Request.max_body_length = 1000  # the default limit
    ws = opened(running)
    ws.send(frame(BINARY, bytes(1000)))
    assert len(ws.frame().payload) == 1000
    ws.send(frame(BINARY, bytes(1001)))
    assert ws.frame().close_code == 1009
    microdot_websocket.WebSocket.max_message_length = 0  # no limit
    ws = opened(running)
    ws.send(frame(BINARY, bytes(5000)))
    assert len(ws.frame().payload) == 5000


def test_plain_handlers_hold_their_connection_alone(serve):  # noqa: F811
    running = serve(ws_app())
    first, second = opened(running), opened(running, '/aecho')
    c = running.client()
    c.get('/')
    assert c.response().body == b'index'
    second.send(frame(TEXT, 'two'))
    first.send(frame(TEXT, 'one'))
    assert first.frame().payload == b'one'
    assert second.frame().payload == b'two'


def test_a_client_that_leaves_ends_the_handler(serve):  # noqa: F811
    running = serve(ws_app())
    for _ in range(3):
        ws = WsClient(running.port, '/echo')
        ws.send(frame(TEXT, 'bye')[:3])
        ws.close()  # no Close frame, half a frame sent
    c = running.client()
    c.get('/')
    assert c.response().body == b'index'


def test_shutdown_ends_open_websockets(serve):  # noqa: F811
    running = serve(ws_app())
    ws = opened(running)
    running.app.shutdown()
    running.thread.join(10)
    assert not running.thread.is_alive()
    ws.sock.settimeout(2)
    assert ws.sock.recv(100) == b''


def test_sending_after_close_is_refused(serve):  # noqa: F811
    app = Microdot()
    outcome = []

    @app.route('/')
    @microdot_websocket.with_websocket
    def after_close(request, ws):
        ws.close()
        try:
            ws.send('more')
        except OSError as exc:
            outcome.append(exc.args[0])

    ws = opened(serve(app), '/')
    assert ws.frame().close_code == 1000
    ws.send(close_frame(1000))
    assert ws.closed_by_server() and outcome == [32]
