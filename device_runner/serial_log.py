"""The board's serial output, kept as evidence, with secrets blanked out.

Everything the board sends is teed, line by line, into ``serial.log``; every
secret the runner knows (the WiFi password) is replaced by ``********`` before
a line is written, printed or put into an error message::

    redactor = Redactor([password])
    log = SerialLog('reports/esp32/serial.log', redactor)
    transport.serial = TeeSerial(transport.serial, log)
"""
import threading
import time

MASK = '********'


class Redactor:
    """Blanks out secrets in text."""

    def __init__(self, secrets=()):
        self.secrets = [s for s in secrets if s]

    def add(self, secret):
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def text(self, text):
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


class SerialLog:
    """Appends the board's output to a file, one redacted line at a time,
    and keeps the lines for the runner to watch."""

    def __init__(self, path, redactor, echo=None, fresh=False):
        self.path = path
        self.redactor = redactor
        self.echo = echo  # a callable given each redacted line, or None
        self._file = open(path, 'wb' if fresh else 'ab')
        self._partial = b''
        self._lines = []
        self._lock = threading.Lock()
        self.note('serial log opened')

    def note(self, text):
        """A line of the runner's own (marked ``#``), e.g. a step."""
        with self._lock:
            self._write(('# %s %s\n' % (time.strftime('%H:%M:%S'),
                                        self.redactor.text(text))).encode())

    def feed(self, data):
        with self._lock:
            self._partial += data
            while b'\n' in self._partial:
                line, self._partial = self._partial.split(b'\n', 1)
                self._take_line(line)

    def _take_line(self, line):
        text = self.redactor.text(line.decode('utf-8', 'replace')).rstrip(
            '\r')
        # the REPL's control bytes, shown rather than written raw
        text = ''.join(c if c >= ' ' or c == '\t' else '\\x%02x' % ord(c)
                       for c in text)
        self._write((text + '\n').encode('utf-8'))
        self._lines.append(text)
        if self.echo:
            self.echo(text)

    def _write(self, data):
        self._file.write(data)
        self._file.flush()

    def lines_since(self, index):
        """The complete lines received after the first ``index`` ones."""
        with self._lock:
            return self._lines[index:]

    @property
    def line_count(self):
        with self._lock:
            return len(self._lines)

    def tail(self, count=20):
        with self._lock:
            return self._lines[-count:]

    def close(self):
        with self._lock:
            if self._partial:
                self._take_line(self._partial)
                self._partial = b''
            self._file.close()


class TeeSerial:
    """A pyserial port whose received bytes also go to a SerialLog, except
    while ``_paused`` (the raw REPL's framing is protocol, not output)."""

    def __init__(self, port, log):
        self._port = port
        self._log = log
        self._paused = False

    def read(self, size=1):
        data = self._port.read(size)
        if data and not self._paused:
            self._log.feed(data)
        return data

    def __getattr__(self, name):
        return getattr(self._port, name)

    def __setattr__(self, name, value):
        if name.startswith('_'):
            object.__setattr__(self, name, value)
        else:
            setattr(self._port, name, value)
