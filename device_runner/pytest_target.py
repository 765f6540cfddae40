"""The ``esp32`` and ``rp2`` targets of the conformance suite.

    pytest --target=esp32 --port /dev/ttyUSB0 --wifi-ssid lab   # WIFI_PASSWORD
    pytest --target=esp32 --port emu                            # emulated board

The board is provisioned once per session (device_runner.provision), its
serial output is kept in ``<report dir>/serial.log`` for the whole run, and
the suite then talks to the address the board printed, with the board's
profile (longer timeouts, fewer generated examples; the Date cases follow
whether the board's clock is set).
"""
import os
import secrets
import threading

from conformance.case import HarnessError
from conformance.targets import Target, free_port, register_target
from device_runner.board import Board, BoardError
from device_runner.provision import READY, BoardSettings, Ready, provision
from device_runner.commands import EMULATED
from device_runner.serial_log import Redactor, SerialLog


class BoardTarget(Target):
    name = 'esp32'

    def __init__(self, options, profile, report_dir):
        super().__init__(options, profile, report_dir)
        self.serial_port = options.get('port')
        if not self.serial_port:
            raise HarnessError('--target=%s needs --port PORT (COM3, '
                               '/dev/ttyUSB0, socket://HOST:PORT, or emu for '
                               'the emulated board)' % self.name)
        self.baud = options.get('baud') or 115200
        self.wifi = (options.get('wifi_ssid'), options.get('wifi_password'))
        self.mpy = bool(options.get('mpy'))
        self.log_path = os.path.join(report_dir, 'serial.log')
        self.steps = []
        self.redactor = Redactor()
        self.log = self.board = self.emulator = self.drainer = None
        self._draining = threading.Event()

    def start(self):
        os.makedirs(self.report_dir, exist_ok=True)
        self.log = SerialLog(self.log_path, self.redactor, fresh=True)
        try:
            settings = self._settings()
            self.redactor.add(settings.wifi_password)
            port = self._start_emulator(settings) \
                if self.serial_port == EMULATED else self.serial_port
            self.board = Board(port, self.baud, self.log, self.redactor)
            self.board.open()
            ready = provision(self.board, settings, mpy=self.mpy,
                              say=self.steps.append)
            self._serve_at(ready)
        except BoardError as exc:
            self.stop()
            raise HarnessError('%s (serial log: %s)' % (
                self.redactor.text(str(exc)), self.log_path))
        self._start_draining()

    def _settings(self):
        if self.serial_port != EMULATED:
            return BoardSettings.from_options(*self.wifi)
        # the emulated network: a fresh password each run (or the one given)
        # goes the whole way, so no password may reach a log or report
        return BoardSettings('conformance-emulator',
                             self.wifi[1] or secrets.token_hex(12),
                             free_port())

    def _start_emulator(self, settings):
        from device_runner.emulator import Emulator, EmulatorError
        try:
            self.emulator = Emulator(None, wifi_ssid=settings.wifi_ssid,
                                     wifi_password=settings.wifi_password)
            self.emulator.start()
        except EmulatorError as exc:
            raise BoardError('the emulated board did not start: %s' % exc)
        self.steps.append('emulated board on %s' % self.emulator.port)
        return self.emulator.port

    def _serve_at(self, ready):
        address = ready.base_url.split('://', 1)[1]
        self.host, _, port = address.rpartition(':')
        self.port = int(port)
        if not ready.clock_set:
            self.profile = self.profile.replace(clock=False)
        problem = self.still_serving()
        if problem:
            raise BoardError('the board said it serves at %s but %s' % (
                ready.base_url, problem))

    def _start_draining(self):
        # Keep the serial output flowing into serial.log during the run.
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

    def recover(self):
        self.notes.append('the board stopped serving: hard reset')
        self._stop_draining()
        try:
            self.board.interrupt()
            self.board.enter_raw()
            self.board.hard_reset()
            self._serve_at(Ready(self.board.wait_for_line((READY,), 60)))
        except BoardError as exc:
            self.notes.append('could not bring it back: %s' %
                              self.redactor.text(str(exc)))
            return
        self._start_draining()

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

    def describe(self):
        info = super().describe() if self.port else {'target': self.name}
        info.update({'serial_port': self.serial_port, 'baud': self.baud,
                     'serial_log': self.log_path,
                     'provisioning': [self.redactor.text(s)
                                      for s in self.steps],
                     'serial_log_tail': self._log_tail()})
        return info

    def _log_tail(self, count=200):
        # The log is redacted as it is written; what it ends with belongs in
        # the report, beside the cases it explains.
        try:
            with open(self.log_path, encoding='utf-8', errors='replace') as f:
                return f.read().splitlines()[-count:]
        except OSError:
            return []


class RP2Target(BoardTarget):
    name = 'rp2'


register_target('esp32', BoardTarget, 'board')
register_target('rp2', RP2Target, 'board')
