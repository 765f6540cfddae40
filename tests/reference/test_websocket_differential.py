"""microdot 1.3.4's documented WebSocket echo (``micropython/
ws_echo_docs.py``), unchanged, on microdot 1.3.4 (from PyPI) and on the
reference, under CPython and MicroPython: the same bytes in, the same bytes
back. Where RFC 6455 requires the reference to differ, the difference is
listed (``DIFFERENCES``) and checked to be exactly that. The 101's header
lines are compared as a set: the order of fields with different names is
not significant (RFC 9110 5.3), and MicroPython's dicts keep none.

The same echo written for microdot 1.3.4's two other WebSocket modules:
``microdot_websocket_alt`` on MicroPython (1.3.4's needs MicroPython's
websocket module) and ``microdot_asgi_websocket`` behind Uvicorn."""
import os
import socket
import subprocess
import sys
import time

import pytest

from bench.upstream import upstream_microdot
from conformance.ws_wire import BINARY, PING, TEXT, close_frame, frame
from rawhttp import free_port, wait_for
from test_micropython import MICROPYTHON, can_connect

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, 'micropython', 'ws_echo_docs.py')
REFERENCE = os.path.join(HERE, '..', '..', 'reference')
KEY = b'\x37\xfa\x21\x3d'  # RFC 6455 5.7's masking key: the same bytes each run

HANDSHAKE = (b'GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n'
             b'Connection: Upgrade\r\nSec-WebSocket-Key: '
             b'dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
# (what is sent, how many bytes of answer to wait for)
EXCHANGES = [
    ('text', frame(TEXT, 'hello', mask=KEY), 7),
    ('unicode text', frame(TEXT, 'κόσμε', mask=KEY), 12),
    ('binary, a 16-bit length', frame(BINARY, bytes(range(256)) * 2,
                                      mask=KEY), 516),
    ('ping', frame(PING, b'are you there', mask=KEY), 15),
    ('three messages at once', frame(TEXT, 'one', mask=KEY) +
     frame(TEXT, 'two', mask=KEY) + frame(BINARY, b'three', mask=KEY), 17),
]
# RFC 6455 5.5.1: "If an endpoint receives a Close frame and did not
# previously send a Close frame, the endpoint MUST send a Close frame in
# response." microdot 1.3.4 closes the connection without one.
DIFFERENCES = {'close': (b'', b'\x88\x02\x03\xe8')}


def command(app, interpreter, modules, port):
    """``(argv, env)``: ``app`` served on ``port`` with ``modules``."""
    if interpreter == 'micropython':
        return [MICROPYTHON, app, str(port)], dict(
            os.environ, MICROPYPATH=modules + ':.frozen')
    return [sys.executable, app, str(port)], dict(os.environ,
                                                  PYTHONPATH=modules)


def answers_of(name, app, interpreter, modules, talk_with):
    """``talk_with(port)``'s answers from ``app`` served by ``modules``."""
    port = free_port()
    argv, env = command(app, interpreter, modules, port)
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: server.poll() is not None or can_connect(port),
                 what='%s to listen' % name)
        time.sleep(0.1)
        return talk_with(port)
    finally:
        server.kill()
        server.wait()


def talk(port):
    """Every answer, by exchange name; then what the Close brings."""
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    answers = {'handshake': receive(s, HANDSHAKE, b'\r\n\r\n')}
    for name, data, size in EXCHANGES:
        answers[name] = receive(s, data, size)
    s.sendall(close_frame(1000, mask=KEY))
    answers['close'] = b''
    while True:
        data = s.recv(100)
        if not data:
            break
        answers['close'] += data
    s.close()
    return answers


def receive(s, data, until):
    s.sendall(data)
    got = b''
    while (until not in got) if isinstance(until, bytes) else \
            len(got) < until:
        more = s.recv(65536)
        assert more, 'closed after %r' % got
        got += more
    return got


def head_lines(head):
    """A response head as its status line and the set of its field lines."""
    status, *fields = head.split(b'\r\n\r\n')[0].split(b'\r\n')
    return status, sorted(fields)


@pytest.fixture(scope='module')
def upstream():
    return upstream_microdot('1.3.4')


@pytest.mark.parametrize('interpreter', ['cpython', 'micropython'])
def test_the_documented_echo_answers_alike(interpreter, upstream):
    answers = {name: answers_of(name, APP, interpreter, modules, talk)
               for name, modules in (('1.3.4', upstream),
                                     ('reference', REFERENCE))}
    upstream_answers, reference = answers['1.3.4'], answers['reference']
    assert head_lines(reference['handshake']) == \
        head_lines(upstream_answers['handshake'])
    for name in [e[0] for e in EXCHANGES]:
        assert reference[name] == upstream_answers[name], name
    for name, (theirs, ours) in DIFFERENCES.items():
        assert (upstream_answers[name], reference[name]) == (theirs, ours)


ALT_APP = os.path.join(HERE, 'micropython', 'ws_echo_alt.py')
QUIET = 1.0  # s without a byte: the answer to an exchange is over
# microdot 1.3.4's microdot_websocket_alt reads through MicroPython's
# websocket module, which gives the bytes of data frames as a stream, and
# writes every message as a text frame; its echo answers no Ping. RFC 6455
# 5.6: "the "Payload data" is text data encoded as UTF-8" (the binary
# message is not UTF-8); 6.2: a frame with FIN set ends a message, so the
# three messages are three, each of its own type; 5.5.2: "Upon receipt of a
# Ping frame, an endpoint MUST send a Pong frame in response".
ECHOED = b'~\x02\x00' + bytes(range(256)) * 2
ALT_DIFFERENCES = {  # exchange: (1.3.4's answer, the reference's)
    'binary, a 16-bit length': (b'\x81' + ECHOED, b'\x82' + ECHOED),
    'ping': (b'', b'\x8a\rare you there'),
    'three messages at once': (b'\x81\x0bonetwothree',
                               b'\x81\x03one\x81\x03two\x82\x05three')}


def talk_until_quiet(port, then=()):
    """Each exchange's answer (``then``: more exchanges, name and bytes),
    whatever came until the line was quiet."""
    s = socket.create_connection(('127.0.0.1', port), timeout=QUIET)
    answers = {}
    for name, data in [('handshake', HANDSHAKE)] + [
            e[:2] for e in EXCHANGES] + list(then):
        s.sendall(data)
        got = b''
        try:
            while True:
                more = s.recv(65536)
                if not more:
                    break
                got += more
        except socket.timeout:
            pass
        answers[name] = got
    s.close()
    return answers


def test_the_alt_echo_answers_alike_on_micropython(upstream):
    """microdot_websocket_alt's echo: the same bytes as 1.3.4's but where
    RFC 6455 requires otherwise (1.3.4's module needs MicroPython's own
    websocket module: CPython cannot run it)."""
    theirs, ours = [
        answers_of(name, ALT_APP, 'micropython', modules, talk_until_quiet)
        for name, modules in (('1.3.4', upstream), ('reference', REFERENCE))]
    assert head_lines(ours['handshake']) == head_lines(theirs['handshake'])
    for name in theirs:
        if name in ALT_DIFFERENCES:
            assert (theirs[name], ours[name]) == ALT_DIFFERENCES[name], name
        elif name != 'handshake':
            assert ours[name] == theirs[name], name


ASGI_APP = os.path.join(HERE, '..', 'compat', 'apps', 'asgi_ws_echo.py')


def without_date(head):
    status, fields = head_lines(head)
    return status, [f for f in fields if not f.lower().startswith(b'date:')]


def test_the_asgi_echo_answers_alike_behind_uvicorn(upstream):
    """microdot_asgi_websocket's echo behind Uvicorn (wsproto does the
    protocol, the module speaks ASGI's events): the same frames back from
    microdot 1.3.4 and from the reference, the close included."""
    close = [('close', close_frame(1000, mask=KEY))]
    theirs, ours = [
        answers_of(name, ASGI_APP, 'cpython', modules,
                   lambda port: talk_until_quiet(port, close))
        for name, modules in (('1.3.4', upstream), ('reference', REFERENCE))]
    assert without_date(ours.pop('handshake')) == \
        without_date(theirs.pop('handshake'))
    assert ours == theirs
    assert ours['close'] == b'\x88\x02\x03\xe8'
