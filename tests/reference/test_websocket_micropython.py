"""The WebSocket modules on the real MicroPython interpreter (unix port):
``micropython/check_rfc6455.py`` checks the protocol there, and
``micropython/ws_app.py`` is served on a free loopback port and talked to
over real sockets: plain handlers (on a thread of their own there) and
async ones, and other clients served while WebSockets are open."""
import subprocess

import pytest

from conformance.ws_wire import BINARY, CLOSE, CONT, PING, PONG, TEXT
from conformance.ws_wire import close_frame, frame
from rawhttp import Client
from rawws import WsClient
from test_micropython import micropython, served


def test_the_protocol_on_micropython():
    done = micropython('check_rfc6455.py', stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = done.communicate(timeout=60)[0].decode()
    assert done.returncode == 0 and 'rfc6455 ok' in out, out


@pytest.fixture(scope='module')
def port():
    yield from served('ws_app.py')


@pytest.mark.parametrize('path', ['/echo', '/aecho'])
def test_echo(port, path):
    ws = WsClient(port, path)
    assert ws.accepted
    ws.send(frame(TEXT, 'κόσμε') + frame(BINARY, bytes(range(256)) * 10) +
            frame(PING, b'p') + frame(TEXT, 'frag', fin=False) +
            frame(CONT, 'ment'))
    got = [ws.frame() for _ in range(4)]
    assert [(f.opcode, f.payload) for f in got] == [
        (TEXT, 'κόσμε'.encode()), (BINARY, bytes(range(256)) * 10),
        (PONG, b'p'), (TEXT, b'fragment')]
    ws.send(frame(TEXT, b'\xed\xa0\x80'))  # not UTF-8
    assert ws.frame().close_code == 1007
    assert ws.closed_by_server()
    ws.close()


def test_websocket_upgrade_in_a_plain_handler(port):
    ws = WsClient(port, '/upgrade')
    assert ws.accepted
    assert ws.frame().payload == b'upgraded'
    assert ws.frame().opcode == CLOSE
    ws.send(close_frame(1000))
    assert ws.closed_by_server()
    ws.close()


def test_open_websockets_do_not_stop_other_clients(port):
    plain, awaited = WsClient(port, '/echo'), WsClient(port, '/aecho')
    assert plain.accepted and awaited.accepted
    c = Client(port)
    c.get('/')
    assert c.response().body == b'index'
    awaited.send(frame(TEXT, 'two'))
    plain.send(frame(TEXT, 'one'))
    assert plain.frame().payload == b'one'
    assert awaited.frame().payload == b'two'
    for client in (plain, awaited, c):
        client.close()


def test_a_refused_handshake_is_http(port):
    c = Client(port)
    c.send(b'GET /echo HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n'
           b'Connection: Upgrade\r\nSec-WebSocket-Key: '
           b'dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n')
    res = c.response()
    assert res.status == 426 and res.headers['sec-websocket-version'] == '13'
    c.get('/')
    assert c.response().body == b'index'
    c.close()

