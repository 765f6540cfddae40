"""The servers the benchmarks start: one implementation running one script
on one interpreter, on a free loopback port, stopped afterwards::

    with serving('microdot-1.3.4', 'micropython', HELLO_APP) as server:
        get(server.port, '/json')
    with serving('reference', 'micropython', fixture=True,
                 heap_size=192 * 1024) as server:
        ...                                   # the conformance fixture

Implementations: ``bare`` (bench/bare_server.py, its own app, no framework),
``reference``, and upstream ``microdot-1.3.4`` and ``microdot-2.7.0``
(installed by bench/upstream.py). Interpreters: ``cpython`` (this Python)
and ``micropython`` (the unix port, with ``heap_size`` bytes of heap when
given). A script gets the port as its only argument.
"""
import contextlib
import os
import socket
import tempfile

from mpy_http_conformance import reference_path
from mpy_http_conformance.process import (ProcessError, ServerProcess,
                                          answers_get, free_port,
                                          python_command)

from bench.upstream import upstream_microdot
from conformance.targets import fixture_command

HERE = os.path.dirname(os.path.abspath(__file__))
HELLO_APP = os.path.join(HERE, 'hello_app.py')
BARE_SERVER = os.path.join(HERE, 'bare_server.py')
MICRODOT_1 = 'microdot-1.3.4'
MICRODOT_2 = 'microdot-2.7.0'
FRAMEWORKS = ('reference', MICRODOT_1, MICRODOT_2)
IMPLEMENTATIONS = ('bare',) + FRAMEWORKS
INTERPRETERS = ('cpython', 'micropython')
START_SECONDS = 20.0


class ServerError(Exception):
    pass


def modules(implementation):
    """The folder that provides ``microdot`` to an implementation."""
    if implementation == 'reference':
        return reference_path()
    if implementation.startswith('microdot-'):
        return upstream_microdot(implementation.split('-', 1)[1])
    if implementation == 'bare':
        return reference_path()  # imports nothing from it
    raise ServerError('unknown implementation %r; the implementations are %s'
                      % (implementation, ', '.join(IMPLEMENTATIONS)))


def command(implementation, interpreter, script=HELLO_APP, args=(),
            heap_size=None, folder=None):
    """The argv and extra environment that run ``script`` (``bare`` runs
    its own) with the implementation's ``microdot``, or the one in
    ``folder`` (compiled modules, say)."""
    if implementation == 'bare':
        script = BARE_SERVER
    return python_command(_target_name(interpreter), script, args,
                          folder or modules(implementation), heap_size)


def _target_name(interpreter):
    return 'micropython' if interpreter == 'micropython' else 'local'


def get(port, path, timeout=5.0):
    """The body of ``GET path``, on a connection of its own."""
    with socket.create_connection(('127.0.0.1', port), timeout) as s:
        s.sendall(('GET %s HTTP/1.1\r\nHost: bench\r\nConnection: close'
                   '\r\n\r\n' % path).encode())
        data = b''
        while True:
            piece = s.recv(4096)
            if not piece:
                return data.split(b'\r\n\r\n', 1)[-1]
            data += piece


class Server(ServerProcess):
    """A started server: ``port``, ``process``, ``log_tail()``."""

    def __init__(self, argv, env, port, log_path):
        super().__init__(argv, env, log_path)
        self.port = port

    def wait_until_serving(self, path):
        try:
            self.start(lambda: answers_get(self.port, path), START_SECONDS)
        except ProcessError as exc:
            raise ServerError('%s:\n%s' % (exc, self.log_tail()))

    def alive(self):
        """True while the process runs and answers ``GET /``."""
        if not self.running:
            return False
        try:
            get(self.port, '/', 5.0)
        except OSError:
            return False
        return True


@contextlib.contextmanager
def serving(implementation, interpreter, script=HELLO_APP, heap_size=None,
            folder=None, fixture=False, ready_path='/', args=()):
    """A running server, answering ``GET ready_path``; stopped on exit.
    With ``fixture``, the script is the conformance fixture app; else it
    gets ``args`` and the port as its arguments."""
    port = free_port()
    if fixture:
        argv, env = fixture_command(_target_name(interpreter), port,
                                    heap_size=heap_size,
                                    modules=folder or modules(implementation))
    else:
        argv, env = command(implementation, interpreter, script,
                            list(args) + [str(port)], heap_size, folder)
    with tempfile.TemporaryDirectory(prefix='bench-') as tmp:
        server = Server(argv, env, port, os.path.join(tmp, 'server.log'))
        try:
            server.wait_until_serving(ready_path)
            yield server
        finally:
            server.stop()
