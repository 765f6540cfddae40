"""The ``esp32`` and ``rp2`` targets: a board the device runner provisions.

    pytest --target=esp32 --port /dev/ttyUSB0 --wifi-ssid lab   # WIFI_PASSWORD
    pytest --target=esp32 --port emu                            # emulated board

The board is provisioned once per run through the runner's public API
(``device_runner.session.BoardSession``), its serial output is kept in
``<report dir>/serial.log``, and the suite talks to the address the board
printed, with the target's profile (``esp32`` or ``rp2``); a board whose
clock is not set is held to sending no Date. The emulated board gets the
profile's ``heap_size`` as its MicroPython heap (a real board has its own).
"""
import os

from device_runner.board import BoardError
from device_runner.session import BoardSession

from conformance.verdicts import HarnessError
from conformance.targets import Target


class Esp32Target(Target):
    name = 'esp32'

    def __init__(self, options, profile, report_dir):
        super().__init__(options, profile, report_dir)
        try:
            self.session = BoardSession(
                options.get('port'), os.path.join(report_dir, 'serial.log'),
                options.get('baud') or 115200, options.get('wifi_ssid'),
                options.get('wifi_password'), options.get('mpy'),
                heap_size=profile.heap_size)
        except BoardError as exc:
            raise HarnessError('--target=%s: %s' % (self.name, exc))

    def start(self):
        try:
            self._serve_at(self.session.start())
        except BoardError as exc:
            self.session.stop()
            raise HarnessError(str(exc))

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

    def recover(self):
        self.notes.append('the board stopped serving: hard reset')
        try:
            self._serve_at(self.session.recover())
        except BoardError as exc:
            self.notes.append('could not bring it back: %s' % exc)

    def stop(self):
        self.session.stop()

    def describe(self):
        info = super().describe()
        info.update({'serial_port': self.session.port,
                     'baud': self.session.baud,
                     'serial_log': self.session.log_path,
                     'provisioning': [self.session.redact(s)
                                      for s in self.session.steps],
                     'serial_log_tail': self.session.log_tail()})
        return info


class RP2Target(Esp32Target):
    name = 'rp2'
