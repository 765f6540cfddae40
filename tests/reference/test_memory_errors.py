"""A MemoryError while accepting or starting a connection closes that
connection and no other, on MicroPython and on CPython alike.

``micropython/starting_fails.py`` injects the error where a board runs out
of memory (making connection 1's and 3's object, starting connection 5's
task); each of those clients gets a 503 or a close, never a hang, every
other client is served, and the server still shuts down cleanly."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from rawhttp import TIMEOUT, Client, free_port, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, 'micropython', 'starting_fails.py')
REFERENCE = os.path.join(HERE, '..', '..', 'reference')
MICROPYTHON = shutil.which('micropython') or shutil.which(
    'micropython', path=os.path.dirname(sys.executable))
FAILING = (1, 3, 5)  # the connections whose start fails (see the script)


def interpreter(name):
    if name == 'micropython':
        return [MICROPYTHON], {'MICROPYPATH': REFERENCE + ':.frozen'}
    return [sys.executable], {'PYTHONPATH': REFERENCE}


def can_connect(port):
    try:
        Client(port, timeout=0.2).close()
        return True
    except OSError:
        return False


def answer(port):
    """The status of GET / on a connection of its own; None for a close
    without a response."""
    c = Client(port)
    try:
        c.get('/', 'Connection: close')
        return c.response().status
    except (EOFError, ConnectionResetError):
        return None
    finally:
        c.close()


@pytest.mark.parametrize('name', ['micropython', 'cpython'])
def test_a_connection_that_cannot_start_is_closed_and_the_server_goes_on(
        name):
    argv, env = interpreter(name)
    port = free_port()
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(argv + [SCRIPT, str(port)], cwd=HERE,
                                env=dict(os.environ, **env), stdout=output,
                                stderr=subprocess.STDOUT)
        try:
            # the first connection is the one that waits for the server
            wait_for(lambda: proc.poll() is not None or can_connect(port),
                     what='the server to listen')
            statuses = [answer(port) for _ in range(8)]
            c = Client(port)
            c.get('/shutdown')
            assert c.response().body == b'bye'
            c.close()
            assert proc.wait(TIMEOUT) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(TIMEOUT)
            output.seek(0)
            log = output.read().decode(errors='replace')
    # connection 1 was the one can_connect made; 2..9 are the answers
    for number, status in enumerate(statuses, 2):
        if number in FAILING:
            assert status in (503, None), (number, status, log)
        else:
            assert status == 200, (number, status, log)
    assert log.count('MemoryError: a connection was closed unserved') == 3
    assert 'Traceback' not in log and 'never awaited' not in log, log
