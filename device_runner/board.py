"""A MicroPython board on a serial port, driven through mpremote's transport.

Every wait is bounded and every failure is a ``BoardError`` whose message a
user can act on::

    board = Board('/dev/ttyUSB0', log=serial_log)
    board.open()
    board.interrupt()          # Ctrl-C until a prompt, whatever was running
    board.enter_raw()
    board.exec('print(1 + 1)')
    board.hard_reset()
    line = board.wait_for_line(('CONFORMANCE READY',), timeout=30)
"""
import contextlib
import errno
import glob
import os
import time

MPREMOTE_VERSION = '1.29.0'  # the transport API changes between releases
PROMPTS = (b'>>> ', b'raw REPL; CTRL-B to exit\r\n>')
READ_TIMEOUT = 0.2  # a single serial read; loops add up to the bounds below
REOPEN_WAIT = 10.0  # a native-USB board's port is back within this


class BoardError(Exception):
    """A board could not do what the runner asked; the message says why."""


def transport_module():
    """mpremote's serial transport, of the release the runner is built on;
    BoardError when it is missing or another release."""
    try:
        import mpremote
        from mpremote import transport_serial
    except ImportError:
        raise BoardError("mpremote and pyserial are missing: pip install "
                         "'mpy-http-conformance[board]' (in a checkout: "
                         "pip install -e '.[board]')")
    version = getattr(mpremote, '__version__', None)
    if version not in (None, MPREMOTE_VERSION):
        raise BoardError('mpremote %s is installed; the runner is built on '
                         '%s (pip install mpremote==%s)' % (
                             version, MPREMOTE_VERSION, MPREMOTE_VERSION))
    return transport_serial


def serial_ports():
    """The serial ports this machine has, for error messages."""
    try:
        from serial.tools import list_ports
        return sorted(p.device for p in list_ports.comports())
    except ImportError:
        return sorted(glob.glob('/dev/ttyUSB*') + glob.glob('/dev/ttyACM*'))


def _is_url(port):
    return '://' in port


class Board:
    def __init__(self, port, baud=115200, log=None, redactor=None):
        self.port = port
        self.baud = baud
        self.log = log
        self.redactor = redactor
        self.transport = None

    # ------------------------------------------------------------ the link

    def open(self, wait=5.0, appear=0.0):
        """Open the port, retrying for ``wait`` seconds; ``appear`` is how
        long a missing device may take to come (back) onto the bus."""
        deadline = time.monotonic() + appear
        while not self._present() and time.monotonic() < deadline:
            time.sleep(0.25)
        self.check_present()
        transport_serial = transport_module()
        deadline = time.monotonic() + wait
        while True:
            try:
                self.transport = transport_serial.SerialTransport(
                    self.port, baudrate=self.baud)
                break
            except Exception as exc:  # TransportError, SerialException
                if time.monotonic() > deadline:
                    raise BoardError('cannot open %s: %s' % (self.port, exc))
                time.sleep(0.25)
        # mpremote opens with timeout=None: a silent board would block a
        # read for ever. Every read now returns within READ_TIMEOUT.
        self.transport.serial.timeout = READ_TIMEOUT
        if self.log is not None:
            from device_runner.serial_log import TeeSerial
            self.transport.serial = TeeSerial(self.transport.serial, self.log)
        return self

    def check_present(self):
        """BoardError, naming the ports there are, if the port is absent."""
        if not self._present():
            ports = serial_ports()
            raise BoardError('serial port %s not found; ports on this '
                             'machine: %s' % (self.port, ', '.join(ports)
                                              or 'none'))

    def _present(self):
        return _is_url(self.port) or os.path.exists(self.port) or \
            self.port.upper().startswith('COM')

    def reopen(self, why):
        """The port went away (a native-USB board resetting): open it again
        within REOPEN_WAIT, or BoardError."""
        if self.log is not None:
            self.log.note('%s lost (%s): reopening' % (self.port, why))
        paused = self.log is not None and self.transport.serial._paused
        self.close()
        try:
            self.open(wait=REOPEN_WAIT, appear=REOPEN_WAIT)
        except BoardError as exc:
            raise BoardError('lost %s (%s) and could not open it again: %s'
                             % (self.port, why, exc))
        self._log_output(not paused)

    def close(self):
        if self.transport is not None:
            try:
                self.transport.close()
            except Exception:
                pass  # the port may be gone (unplugged, board reset)
            self.transport = None

    def _read(self, seconds):
        """What the board sends within ``seconds``."""
        data = b''
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            serial = self.transport.serial
            try:
                data += serial.read(max(1, serial.in_waiting))
            except Exception as exc:  # SerialException, OSError
                self.reopen(exc)
        return data

    def _write(self, data):
        try:
            self.transport.serial.write(data)
        except Exception as exc:
            self.reopen(exc)
            self.transport.serial.write(data)

    # ----------------------------------------------------------- the REPL

    def interrupt(self, seconds=10.0):
        """Ctrl-C, again and again, until the board shows a prompt: one
        Ctrl-C does not stop a busy main.py or a board in a boot loop."""
        seen = b''
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._write(b'\r\x03')
            seen = (seen + self._read(0.25))[-4096:]
            if any(p in seen[-200:] for p in PROMPTS):
                self._read(0.1)  # let the rest of the banner pass
                return
        shown = self._redact(seen[-300:].decode('utf-8', 'replace'))
        raise BoardError(
            'no MicroPython prompt on %s after %d s of Ctrl-C: %s' % (
                self.port, seconds, ('the board sent: %r' % shown) if seen
                else 'the board sent nothing (wrong port or baud rate, or '
                'not running MicroPython?)'))

    @contextlib.contextmanager
    def _link(self, doing):
        # What mpremote and pyserial raise (a board that does not answer as
        # expected, a port that went away) becomes one readable BoardError.
        try:
            yield
        except BoardError:
            raise
        except Exception as exc:
            if getattr(exc, 'errno', None) == errno.ENOSPC:
                raise BoardError('the board\'s flash is full: could not %s'
                                 % doing)
            raise BoardError('could not %s on %s: %s' % (
                doing, self.port, self._redact(str(exc) or type(exc)
                                               .__name__)))

    def enter_raw(self):
        """The raw REPL, for commands; its framing is kept out of the log."""
        with self._link('enter the raw REPL'):
            self.transport.enter_raw_repl(soft_reset=False,
                                          timeout_overall=5)
        self._log_output(False)

    def _log_output(self, on):
        if self.log is not None:
            self.transport.serial._paused = not on

    def exec(self, code, timeout=10):
        """Run code in the raw REPL; its output, or BoardError with the
        board's error output."""
        with self._link('run a command'):
            out, err = self.transport.exec_raw(code, timeout=timeout)
        if err:
            raise BoardError('the board raised: %s' % self._redact(
                err.decode('utf-8', 'replace').strip()))
        return out.decode('utf-8', 'replace')

    def eval(self, expression):
        import ast
        return ast.literal_eval(self.exec('print(repr(%s))' % expression)
                                .strip())

    # -------------------------------------------------------------- files

    def free_flash(self):
        return self.eval("(lambda s: s[0] * s[3])(__import__('os')"
                         ".statvfs('/'))")

    def sha256(self, path):
        """The SHA-256 of a file on the board, or None if it is absent."""
        with self._link('read ' + path):
            if not self.transport.fs_exists(path):
                return None
            return self.transport.fs_hashfile(path, 'sha256')

    def makedirs(self, path):
        self.exec("import os\nfor p in %r:\n try: os.mkdir(p)\n except "
                  "OSError: pass" % _parents(path))

    def write_file(self, path, data):
        with self._link('write ' + path):
            self.transport.fs_writefile(path, data)

    def remove(self, path):
        self.exec("import os\ntry: os.remove(%r)\nexcept OSError: pass"
                  % path)

    # -------------------------------------------------------------- reset

    def hard_reset(self):
        """``machine.reset()``: the board reboots and runs main.py."""
        from mpremote.transport import TransportError
        try:
            self.transport.exec_raw_no_follow('import machine\n'
                                              'machine.reset()')
        except TransportError as exc:
            raise BoardError('could not reset the board: %s' % exc)
        except Exception as exc:
            # a native-USB board drops off the bus as it resets: the next
            # read opens the port again
            if self.log is not None:
                self.log.note('the link dropped at the reset (%s)' % exc)
        self.transport.in_raw_repl = False
        self._log_output(True)

    def wait_for_line(self, prefixes, timeout):
        """The first new line holding one of ``prefixes`` (from the prefix
        on); BoardError on a traceback, or when ``timeout`` passes."""
        start = self.log.line_count
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(0.2)
            lines = self.log.lines_since(start)
            self.raise_on_traceback(lines)
            for line in lines:
                for prefix in prefixes:
                    # REPL chatter can precede a line the board printed
                    if prefix in line:
                        return line[line.index(prefix):]
        raise BoardError('no line starting with %s within %d s; the board\'s '
                         'last lines:\n%s' % (' or '.join(prefixes), timeout,
                                              '\n'.join(self.log.tail(10))))

    @staticmethod
    def raise_on_traceback(lines):
        """BoardError with the traceback, if ``lines`` hold a whole one."""
        for i, line in enumerate(lines):
            if line.startswith('Traceback (most recent call last)'):
                end = i + 1
                while end < len(lines) and lines[end].startswith(' '):
                    end += 1
                if end < len(lines):
                    raise BoardError('the board raised an exception:\n' +
                                     '\n'.join(lines[i:end + 1]))

    def drain(self, seconds):
        """Keep reading (into the log) for ``seconds``."""
        self._read(seconds)

    def _redact(self, text):
        return self.redactor.text(text) if self.redactor else text


def _parents(path):
    parts = path.strip('/').split('/')
    return ['/' + '/'.join(parts[:i]) for i in range(1, len(parts) + 1)
            if parts[0]]
