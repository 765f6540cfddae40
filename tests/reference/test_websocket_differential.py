"""microdot 1.3.4's documented WebSocket echo (``micropython/
ws_echo_docs.py``), unchanged, on microdot 1.3.4 (from PyPI) and on the
reference, under CPython and MicroPython: the same bytes in, the same bytes
back. Where RFC 6455 requires the reference to differ, the difference is
listed (``DIFFERENCES``) and checked to be exactly that. The 101's header
lines are compared as a set: the order of fields with different names is
not significant (RFC 9110 5.3), and MicroPython's dicts keep none."""
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


def serve(interpreter, modules, port):
    if interpreter == 'micropython':
        argv = [MICROPYTHON, APP, str(port)]
        env = dict(os.environ, MICROPYPATH=modules + ':.frozen')
    else:
        argv = [sys.executable, APP, str(port)]
        env = dict(os.environ, PYTHONPATH=modules)
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT)


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
    answers = {}
    for name, modules in (('1.3.4', upstream), ('reference', REFERENCE)):
        port = free_port()
        server = serve(interpreter, modules, port)
        try:
            wait_for(lambda: server.poll() is not None or can_connect(port),
                     what='%s to listen' % name)
            time.sleep(0.1)
            answers[name] = talk(port)
        finally:
            server.kill()
            server.wait()
    upstream_answers, reference = answers['1.3.4'], answers['reference']
    assert head_lines(reference['handshake']) == \
        head_lines(upstream_answers['handshake'])
    for name in [e[0] for e in EXCHANGES]:
        assert reference[name] == upstream_answers[name], name
    for name, (theirs, ours) in DIFFERENCES.items():
        assert (upstream_answers[name], reference[name]) == (theirs, ours)
