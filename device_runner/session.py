"""A board provisioned and serving for the length of a test run.

This is the runner's public API for a test harness (the conformance suite's
``esp32`` and ``rp2`` targets use it): provision a board, or an emulated one,
keep its serial output flowing into a log while the tests talk to it over
the network, bring it back after a crash, and let it go::

    session = BoardSession('/dev/ttyUSB0', 'reports/esp32/serial.log',
                           wifi_ssid='lab')      # WIFI_PASSWORD from the env
    session = BoardSession('emu', 'reports/esp32/serial.log',
                           heap_size=192 * 1024)  # an emulated board's heap
    ready = session.start()      # BoardError says why it could not
    ready.base_url, ready.clock_set
    ready = session.recover()    # hard reset, wait for the ready line
    session.steps, session.log_tail()
    session.stop()

The WiFi password is blanked (``********``) in the log and in every message.
``heap_size`` (bytes) is the emulated board's MicroPython heap; a real board's
heap is what it is, and it is ignored there.
"""
import os
import secrets
import threading

from device_runner.board import Board, BoardError, transport_module
from device_runner.provision import READY, BoardSettings, Ready, provision
from device_runner.serial_log import Redactor, SerialLog

EMULATED = 'emu'  # the port name of the emulated board
READY_TIMEOUT = 60.0


class BoardSession:
    def __init__(self, port, log_path, baud=115200, wifi_ssid=None,
                 wifi_password=None, mpy=None, heap_size=None):
        if not port:
            raise BoardError('no serial port: give --port (COM3, '
                             '/dev/ttyUSB0, socket://HOST:PORT, or emu for '
                             'the emulated board)')
        self.port = port
        self.log_path = log_path
        self.baud = baud
        self.wifi = (wifi_ssid, wifi_password)
        self.mpy = mpy
        self.heap_size = heap_size
        self.steps = []  # what provisioning did, one line a step
        self.redactor = Redactor([wifi_password])
        self.log = self.board = self.emulator = self.drainer = None
        self._draining = threading.Event()

    def start(self):
        """Provision the board and wait until it serves; its Ready line."""
        folder = os.path.dirname(self.log_path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.log = SerialLog(self.log_path, self.redactor, fresh=True)
        try:
            transport_module()  # the tools first, then the port: no WiFi yet
            board = None
            if self.port != EMULATED:
                board = Board(self.port, self.baud, self.log, self.redactor)
                board.check_present()
            settings = self._settings()
            self.redactor.add(settings.wifi_password)
            if board is None:
                board = Board(self._start_emulator(settings), self.baud,
                              self.log, self.redactor)
            self.board = board.open()
            ready = provision(self.board, settings, mpy=self.mpy,
                              ready_timeout=READY_TIMEOUT,
                              say=self.steps.append)
        except BoardError as exc:
            self.stop()
            raise BoardError('%s (serial log: %s)' % (
                self.redactor.text(str(exc)), self.log_path))
        self._start_draining()
        return ready

    def _settings(self):
        if self.port != EMULATED:
            return BoardSettings.from_options(*self.wifi)
        # the emulated network: a fresh password each run (or the one given)
        # goes the whole way, so no password may reach a log or report
        from mpy_http_conformance.process import free_port
        return BoardSettings('conformance-emulator',
                             self.wifi[1] or secrets.token_hex(12),
                             free_port())

    def _start_emulator(self, settings):
        from device_runner.emulator import Emulator, EmulatorError
        try:
            self.emulator = Emulator(None, wifi_ssid=settings.wifi_ssid,
                                     wifi_password=settings.wifi_password,
                                     heap_size=self.heap_size)
            self.emulator.start()
        except EmulatorError as exc:
            raise BoardError('the emulated board did not start: %s' % exc)
        heap = ', heap %d bytes' % self.heap_size if self.heap_size else ''
        self.steps.append('emulated board on %s%s' % (self.emulator.port,
                                                      heap))
        return self.emulator.port

    def recover(self):
        """Hard-reset a board that stopped serving; its new Ready line."""
        self._stop_draining()
        try:
            self.board.interrupt()
            self.board.enter_raw()
            self.board.hard_reset()
            ready = Ready(self.board.wait_for_line((READY,), READY_TIMEOUT))
        except BoardError as exc:
            raise BoardError(self.redactor.text(str(exc)))
        self._start_draining()
        return ready

    def _start_draining(self):
        # Keep the serial output flowing into the log during the run.
        def drain():
            while not self._draining.is_set():
                try:
                    self.board.drain(0.5)
                except BoardError as exc:
                    self.log.note('serial link lost: %s' % exc)
                    return
        self.drainer = threading.Thread(target=drain, daemon=True)
        self.drainer.start()

    def _stop_draining(self):
        self._draining.set()
        if self.drainer is not None:
            self.drainer.join(5)
            self.drainer = None
        self._draining.clear()

    def stop(self):
        self._stop_draining()
        if self.board is not None:
            self.board.close()
            self.board = None
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def log_tail(self, count=200):
        """The last lines of the serial log (already redacted)."""
        try:
            with open(self.log_path, encoding='utf-8', errors='replace') as f:
                return f.read().splitlines()[-count:]
        except OSError:
            return []

    def redact(self, text):
        return self.redactor.text(text)
