"""Raw sockets for the audit's reproductions: start a framework's own
minimal application, send it exact bytes, print what comes back byte for
byte and how the connection ended. Standard library only, so that anyone
with the framework installed can run a reproduction without this project::

    with served([python, 'microdot_app.py', 'echo-body']) as port:
        show('TE identity, then CL 5', port,
             b'POST /echo/body HTTP/1.1\\r\\nHost: x\\r\\n'
             b'Transfer-Encoding: identity\\r\\nContent-Length: 5\\r\\n\\r\\n'
             b'hello')

``show`` prints::

    --- TE identity, then CL 5
      sent (90 bytes): 'POST /echo/body HTTP/1.1\\r\\n...'
      got  (131 bytes): 'HTTP/1.0 200 OK\\r\\n...'
      then: still open 2.0 s after the last byte

The application is started with ``PORT`` as its last argument (each
app's ``main`` reads it) and stopped at the end of the ``with``.
"""
import contextlib
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
WAIT = 2.0  # seconds of silence after which a connection is left open
SHOWN = 600  # bytes of a message printed before it is shortened


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def peers_dir():
    """Where the frameworks are installed: $AUDIT_PEERS, else the
    checkout's .peers/ (``python -m conformance matrix`` fills it)."""
    return os.environ.get('AUDIT_PEERS') or os.path.join(ROOT, '.peers')


def venv_python(venv):
    return os.path.join(peers_dir(), venv, 'bin', 'python')


def site_packages(venv):
    lib = os.path.join(peers_dir(), venv, 'lib')
    for name in sorted(os.listdir(lib)):
        if name.startswith('python'):
            return os.path.join(lib, name, 'site-packages')
    raise SystemExit('no site-packages in %s' % lib)


def micropython():
    """The MicroPython unix port beside this Python (the project's own,
    from its dev extra), else $MICROPYTHON."""
    beside = os.path.join(os.path.dirname(sys.executable), 'micropython')
    found = os.environ.get('MICROPYTHON') or beside
    if not os.access(found, os.X_OK):
        raise SystemExit('no micropython at %s: set MICROPYTHON' % found)
    return found


def _answers(port):
    # Accepting a connection is enough. It gets a whole request, read for a
    # moment: one closed at once would make adafruit-httpserver spin for
    # ever on the end of the stream, and a phew app with no route for / never
    # answers.
    try:
        with socket.create_connection(('127.0.0.1', port), 2) as s:
            s.sendall(b'GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n'
                      b'Connection: close\r\n\r\n' % port)
            s.settimeout(0.5)
            try:
                s.recv(4096)
            except OSError:
                pass
            return True
    except OSError:
        return False


@contextlib.contextmanager
def served(argv, env=None, log=None):
    """Run ``argv + [port]`` (an application serving 127.0.0.1:port) until
    the ``with`` ends; yields the port once it accepts connections."""
    port = free_port()
    out = open(log or os.devnull, 'wb')
    scratch = tempfile.mkdtemp(prefix='upstream-audit-')  # what apps write
    process = subprocess.Popen(argv + [str(port)], cwd=scratch, stdout=out,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=dict(os.environ, **(env or {})))
    try:
        deadline = time.monotonic() + 20
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit('the application did not start: %s' % argv)
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()
        shutil.rmtree(scratch, ignore_errors=True)


def app(name):
    """The path of an application script of this folder."""
    return os.path.join(HERE, name)


def exchange(port, data, half_close=False, wait=WAIT):
    """Send ``data`` on a new connection (then shut our side down when
    ``half_close``), read until the server closes or stays silent for
    ``wait`` s; returns (bytes received, how the connection ended)."""
    s = socket.create_connection(('127.0.0.1', port), 5)
    try:
        try:
            s.sendall(data)
        except OSError as exc:
            return b'', 'the send failed: %s' % exc
        if half_close:
            s.shutdown(socket.SHUT_WR)
        s.settimeout(0.05)
        got = b''
        last = time.monotonic()
        while True:
            try:
                piece = s.recv(65536)
            except socket.timeout:
                if time.monotonic() - last > wait:
                    return got, 'still open %.1f s after the last byte' % wait
                continue
            except ConnectionResetError:
                return got, 'reset (RST) by the server'
            if not piece:
                return got, 'closed by the server (FIN) after %.2f s' % (
                    time.monotonic() - last)
            got += piece
            last = time.monotonic()
    finally:
        s.close()


def brief(data, most=SHOWN):
    if len(data) <= most:
        return repr(data)
    return '%r ... %r' % (data[:most * 2 // 3], data[-most // 4:])


def show(label, port, data, half_close=False, wait=WAIT):
    """Send ``data``, print what was sent, what came back and how the
    connection ended; return (bytes received, how it ended)."""
    got, end = exchange(port, data, half_close, wait)
    print('--- %s\n  sent (%d bytes%s): %s\n  got  (%d bytes): %s\n  then: %s'
          % (label, len(data), ', then our side shut' if half_close else '',
             brief(data), len(got), brief(got), end))
    return got, end


def silent_then_other(port, wait=5.0):
    """CONTRACT-silent-client's scenario: one client connects and sends
    nothing, another sends ``GET /``; prints when the other's answer came
    and when (if at all) the server dropped the silent one."""
    silent = socket.create_connection(('127.0.0.1', port), 5)
    other = socket.create_connection(('127.0.0.1', port), 5)
    started = time.monotonic()
    other.sendall(request(port, [], start=b'GET / HTTP/1.1'))
    answered = dropped = None
    got = b''
    for s in (silent, other):
        s.setblocking(False)
    while time.monotonic() - started < wait and (answered is None or
                                                 dropped is None):
        readable, _, _ = select.select([silent, other], [], [], 0.05)
        now = time.monotonic() - started
        if silent in readable and dropped is None:
            try:
                if not silent.recv(1):
                    dropped = now
            except ConnectionResetError:
                dropped = now
        if other in readable and answered is None:
            try:
                got += other.recv(65536)
            except ConnectionResetError:
                pass
            if b'\r\n\r\n' in got:
                answered = now
    print('--- a silent client, then GET / on a second connection\n'
          '  got  (%d bytes): %s\n  answered after: %s\n'
          '  silent client dropped after: %s' % (
              len(got), brief(got),
              'never' if answered is None else '%.3f s' % answered,
              'not within %.0f s' % wait if dropped is None else
              '%.3f s' % dropped))
    silent.close()
    other.close()


def request(port, head_lines, body=b'', start=b'POST /echo/body HTTP/1.1'):
    """Request bytes: ``start``, Host, ``head_lines`` (bytes, without CRLF),
    the blank line, ``body``."""
    lines = [start, b'Host: 127.0.0.1:%d' % port] + list(head_lines)
    return b'\r\n'.join(lines) + b'\r\n\r\n' + body


class Cell:
    """One cell of the matrix to reproduce: its column and case, the
    application (``app``: an argument of the framework's app script) and
    the request (``build(port)`` -> bytes), sent as the case sends it."""

    def __init__(self, column, case, app, build, half_close=False,
                 wait=WAIT, note='', after=()):
        self.column, self.case, self.app = column, case, app
        self.build, self.half_close, self.wait = build, half_close, wait
        self.note = note
        self.after = list(after)  # (label, build) sent next, same server

    @property
    def name(self):
        return '%s/%s' % (self.column, self.case)


def run_cells(cells, command):
    """Reproduce the cells named on the command line (all when none is):
    ``command(cell)`` gives (argv, env) that start the cell's application
    (the port is appended), started once per distinct command."""
    names = sys.argv[1:]
    known = [c.name for c in cells]
    unknown = [n for n in names if n not in known and
               not any(k.startswith(n + '/') for k in known)]
    if unknown:
        raise SystemExit('unknown cell %s; the cells are:\n  %s' % (
            ', '.join(unknown), '\n  '.join(known)))
    wanted = [c for c in cells if not names or c.name in names or
              c.column in names]
    for cell in wanted:
        argv, env = command(cell)
        print('\n=== %s  (%s)' % (cell.name, ' '.join(
            os.path.basename(a) for a in argv)))
        if cell.note:
            print('  ' + cell.note)
        with served(argv, env) as port:
            if cell.build is None:  # a scenario of its own
                cell.after[0][1](port)
                continue
            show(cell.case, port, cell.build(port), cell.half_close,
                 cell.wait)
            for label, build in cell.after:
                show(label, port, build(port))
