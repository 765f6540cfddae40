"""The emulated board with an ESP32's heap (the esp32 profile's heap_size),
provisioned as the suite's esp32 target does it, under ten clients at once,
each sending a request head as large as the profile allows (request and
header lines of line_limit bytes, max_headers header lines): every client
gets 200, 431 or 503; no MemoryError crashes anything (no traceback reaches
the serial log); and the server still answers afterwards."""
import socket
import threading
import time

import pytest

from conformance.profile import load_profile
from device_runner.session import EMULATED, BoardSession

PROFILE = load_profile('esp32')
CLIENTS = 10
ANSWERS = (200, 431, 503)
CLIENT_SECONDS = 60.0  # a client still waiting after this got no answer
RECOVERY_SECONDS = 10.0


def largest_head(profile, host):
    """A request head at the profile's limits: every line line_limit bytes
    (without its CRLF) but Host and Connection, max_headers header lines."""
    limit = profile.line_limit
    start, end = b'GET /?', b' HTTP/1.1'
    lines = [start + b'q' * (limit - len(start) - len(end)) + end,
             b'Host: ' + host.encode(), b'Connection: close']
    while len(lines) < profile.max_headers + 1:
        name = b'X-Fill-%02d: ' % len(lines)
        lines.append(name + b'v' * (limit - len(name)))
    return b'\r\n'.join(lines) + b'\r\n\r\n'


def ask(host, port, head, start, outcomes, index):
    """Send ``head`` once ``start`` opens; record the status or what broke."""
    start.wait()
    try:
        with socket.create_connection((host, port), CLIENT_SECONDS) as s:
            s.sendall(head)
            reply = b''
            while b'\r\n' not in reply:
                piece = s.recv(4096)
                if not piece:
                    break
                reply += piece
    except OSError as exc:
        outcomes[index] = 'no answer: %s' % exc
        return
    status_line = reply.split(b'\r\n', 1)[0]
    parts = status_line.split(b' ')
    if len(parts) > 1 and parts[0].startswith(b'HTTP/1.') and \
            parts[1].isdigit():
        outcomes[index] = int(parts[1])
    else:
        outcomes[index] = 'no status line: %r' % status_line[:80]


def answers_get(host, port):
    request = b'GET / HTTP/1.1\r\nHost: board\r\nConnection: close\r\n\r\n'
    try:
        with socket.create_connection((host, port), 5) as s:
            s.sendall(request)
            reply = b''
            while True:
                piece = s.recv(4096)
                if not piece:
                    return reply
                reply += piece
    except OSError:
        return b''


@pytest.fixture
def board(tmp_path):
    session = BoardSession(EMULATED, str(tmp_path / 'serial.log'),
                           heap_size=PROFILE.heap_size)
    ready = session.start()
    try:
        yield session, ready
    finally:
        session.stop()


def test_largest_heads_from_ten_clients_at_once(board):
    session, ready = board
    assert 'heap %d bytes' % PROFILE.heap_size in ' '.join(session.steps)
    host, port = ready.base_url.split('://', 1)[1].rsplit(':', 1)
    port = int(port)
    head = largest_head(PROFILE, '%s:%d' % (host, port))
    log_before = len(session.log_tail(100000))

    start, outcomes = threading.Event(), [None] * CLIENTS
    clients = [threading.Thread(target=ask, args=(host, port, head, start,
                                                  outcomes, i))
               for i in range(CLIENTS)]
    for client in clients:
        client.start()
    start.set()
    for client in clients:
        client.join(CLIENT_SECONDS + 5)

    deadline = time.monotonic() + RECOVERY_SECONDS
    after = answers_get(host, port)
    while not after.startswith(b'HTTP/1.1 200') and \
            time.monotonic() < deadline:
        time.sleep(0.5)
        after = answers_get(host, port)
    time.sleep(1.0)  # the drainer copies the serial output every 0.5 s
    during = '\n'.join(session.log_tail(100000)[log_before:])

    problems = []
    if not all(o in ANSWERS for o in outcomes):
        problems.append('answers: ' + '; '.join(map(str, outcomes)))
    if 'Traceback' in during:
        problems.append('a traceback in the serial log:\n' + during[-2000:])
    if not (after.startswith(b'HTTP/1.1 200') and
            after.endswith(b'conformance fixture')):
        problems.append('GET / afterwards: %r' % after[:200])
    assert not problems, '\n'.join(problems)
