# machine module of the emulated board (device_runner.emulator); MicroPython code.
#
# The parts a runner and a web server touch: resets, reset_cause(), unique_id(),
# freq(), idle(), a do-nothing Pin and an RTC that reads the host clock.
# Constants are the ESP32 port's (ports/esp32/modmachine.h).

import os
import time

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

_board = {
    "reset_cause": PWRON_RESET,
    "unique_id": b"\x00\x00\x00\x00\x00\x00",
    "freq": 240000000,
    "signals": {"hard": "USR1", "soft": "USR2"},
}


def _configure(settings):
    """Called by emulator_boot.py with the settings the emulator passed."""
    _board["reset_cause"] = settings["reset_cause"]
    _board["unique_id"] = bytes.fromhex(settings["unique_id"])
    _board["signals"] = {
        "hard": settings["hard_reset_signal"],
        "soft": settings["soft_reset_signal"],
    }


def _reset_process(kind):
    # The emulator restarts the board when its process dies of this signal; unlike
    # SystemExit, a signal cannot be caught by the code that asked for the reset.
    os.system("kill -%s $PPID" % _board["signals"][kind])
    raise SystemExit  # not reached while `sh` and `kill` exist; then a soft reset


def reset():
    _reset_process("hard")


def soft_reset():
    raise SystemExit  # as on a real board: the REPL then soft-resets


def reset_cause():
    return _board["reset_cause"]


def unique_id():
    return _board["unique_id"]


def freq(hz=None):
    if hz is None:
        return _board["freq"]
    _board["freq"] = hz


def idle():
    time.sleep_ms(1)


def disable_irq():
    return 0


def enable_irq(state=0):
    pass


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1
    IRQ_RISING = 1
    IRQ_FALLING = 2

    def __init__(self, id, mode=-1, pull=-1, *, value=None):
        self._id = id
        self._value = value or 0

    def init(self, mode=-1, pull=-1, *, value=None):
        if value is not None:
            self._value = value

    def value(self, value=None):
        if value is None:
            return self._value
        self._value = 1 if value else 0

    def __call__(self, value=None):
        return self.value(value)

    def on(self):
        self._value = 1

    def off(self):
        self._value = 0

    def toggle(self):
        self._value ^= 1

    def irq(self, handler=None, trigger=3):
        return None

    def __repr__(self):
        return "Pin(%r)" % (self._id,)


class RTC:
    """Reads the host's clock; setting it is accepted and ignored."""

    def __init__(self, id=0):
        pass

    def datetime(self, datetimetuple=None):
        if datetimetuple is not None:
            return None
        now = time.localtime()  # (year, month, day, hour, minute, second, weekday, ...)
        return (now[0], now[1], now[2], now[6], now[3], now[4], now[5], 0)

    def init(self, datetimetuple=None):
        pass
