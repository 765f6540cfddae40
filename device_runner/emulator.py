"""An emulated MicroPython board on a pseudo-terminal, for CI without hardware.

The MicroPython unix port (the ``micropython`` command) plays the board. A relay
process owns the pty the host sees and runs the unix port on a second, fully raw
pty, adding what a real board does and the unix port does not:

* the flash directory is the board's ``/`` (``/lib`` is on ``sys.path``);
* power-on and hard reset run ``boot.py`` then ``main.py``; a soft reset prints
  ``MPY: soft reboot`` and runs ``boot.py`` (and ``main.py`` only from the
  friendly REPL, as real ports do), staying in the raw or friendly REPL;
* Ctrl-C interrupts running code (SIGINT to the unix port while it executes);
* built-in ``machine`` and ``network`` modules (``device_runner/board_modules``),
  with a WLAN that "connects" to the SSID/password given here after a delay
  and then reports 127.0.0.1;
* its own port space: ``--port-map 80:8080`` serves the board's port 80 on the
  host's 8080 (``board_modules/socket.py``), so boards do not collide;
* ``--flash-size`` makes ``os.statvfs('/')`` report a flash that small, counting
  what the files use, to try a runner against a full flash;
* ``--heap-size`` gives the board's MicroPython that many bytes of heap
  (``micropython -X heapsize=``) instead of the unix port's 2 MB, so that what
  does not fit a board's memory fails here too (a MemoryError, as on the board).
  A real board keeps ``machine``, ``network`` and ``socket`` in its firmware;
  their stand-ins here are Python modules in the heap (about 16 KB), so the
  emulator adds what they hold, measured when it starts (``emulation_heap``),
  and the board's own code gets the heap asked for.

Command line (runs until SIGTERM/SIGINT)::

    python -m device_runner emulator --flash ./flash --link /tmp/board \\
        --wifi-ssid lab --wifi-password secret --wifi-delay 1 \\
        --port-map 80:8080 --flash-size 1048576 --heap-size 196608
    # prints: EMULATOR PORT /dev/pts/7
    mpremote connect /tmp/board exec "print(1 + 1)"

Python API (the emulator runs in a subprocess, stopped on exit)::

    from device_runner.emulator import Emulator

    with Emulator(flash_dir, wifi_ssid="lab", wifi_password=os.environ["WIFI_PASSWORD"],
                  heap_size=192 * 1024) as emu:
        subprocess.run(["mpremote", "connect", emu.port, "ls"], timeout=30)

The WiFi password reaches the board only through the environment of the unix
port (``DEVICE_RUNNER_BOARD``); it is never printed, logged or written to the
flash directory. Give it with ``--wifi-password`` or, to keep it off the process
list, in the ``DEVICE_RUNNER_WIFI_PASSWORD`` environment variable.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time
import tty
from pathlib import Path

from device_runner.arguments import heap_bytes, positive
from mpy_http_conformance.process import ProcessError, stop_process
from mpy_http_conformance.process import find_micropython as _find_micropython

BOARD_MODULES = Path(__file__).resolve().parent / "board_modules"
BOOT_SCRIPT = BOARD_MODULES / "emulator_boot.py"

PORT_LINE_PREFIX = "EMULATOR PORT "
BOARD_ENV = "DEVICE_RUNNER_BOARD"  # read (and unset) by board_modules/emulator_boot.py
PASSWORD_ENV = "DEVICE_RUNNER_WIFI_PASSWORD"

DEFAULT_SSID = "mpy-emulator"
DEFAULT_PASSWORD = ""  # an open network: any password connects
DEFAULT_WIFI_DELAY = 1.0

# What the unix port's REPL prints; the relay follows the REPL mode with them.
RAW_REPL_BANNER = b"raw REPL; CTRL-B to exit\r\n"
FRIENDLY_BANNER = b'Type "help()" for more information.\r\n'
SOFT_REBOOT_LINE = b"MPY: soft reboot\r\n"
# Printed by emulator_boot.py when it was restarted for the raw REPL; the
# friendly banner the unix port prints after it is hidden from the host.
REPL_STARTING_MARK = b"\x00device_runner: REPL\x00"

# How board_modules/machine.py asks for a reset: it kills its own process.
HARD_RESET_SIGNAL = signal.SIGUSR1
SOFT_RESET_SIGNAL = signal.SIGUSR2

# machine.reset_cause() values of the ESP32 port (ports/esp32/modmachine.h).
PWRON_RESET, HARD_RESET, SOFT_RESET = 1, 2, 5

POLL_SECONDS = 0.02
READ_SIZE = 4096
BUFFER_LIMIT = 64 * 1024  # per direction; beyond it the relay stops reading
HOST_STALL_SECONDS = 1.0  # then nobody reads the port: drop output, as a UART would
BANNER_HIDE_SECONDS = 3.0
CHILD_EXIT_SECONDS = 3.0
STOP_SECONDS = 0.2  # a process normally stops within microseconds
SIGINT_INTERVAL_SECONDS = 0.5
PR_SET_PDEATHSIG = 1


class EmulatorError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"emulator: {message}", file=sys.stderr, flush=True)


# What the emulation's own code holds of the heap: its stand-ins for the
# firmware's modules and the boot script, compiled as the board compiles them.
_MEASURE_EMULATION = """
import gc, sys
sys.path.insert(0, %r)
gc.collect()
before = gc.mem_alloc()
import machine, network, socket
boot = compile(open(%r).read(), 'emulator_boot.py', 'exec')
gc.collect()
print('EMULATION HEAP', gc.mem_alloc() - before)
"""


def emulation_heap(micropython: str) -> int:
    """Bytes of MicroPython heap the emulation's own modules hold, which a
    real board's firmware keeps out of its heap."""
    code = _MEASURE_EMULATION % (str(BOARD_MODULES), str(BOOT_SCRIPT))
    try:
        done = subprocess.run([micropython, "-c", code], capture_output=True,
                              text=True, timeout=30)
        return int(done.stdout.split("EMULATION HEAP")[1])
    except (OSError, subprocess.SubprocessError, IndexError, ValueError):
        raise EmulatorError(f"{micropython} could not measure the emulation's heap") from None


def find_micropython() -> str:
    try:
        return _find_micropython()
    except ProcessError as exc:
        raise EmulatorError(f"{exc}, or pass --micropython") from None


def make_raw(fd: int) -> None:
    """No echo, no signals, no line editing, no output processing (OPOST)."""
    tty.setraw(fd)
    attributes = termios.tcgetattr(fd)
    attributes[1] &= ~termios.OPOST
    termios.tcsetattr(fd, termios.TCSANOW, attributes)


def open_raw_pty() -> tuple[int, int]:
    master, slave = pty.openpty()
    make_raw(slave)
    os.set_blocking(master, False)
    return master, slave


def handles_sigint(pid: int) -> bool:
    """True while the unix port executes code: only then it catches SIGINT.

    At its prompts MicroPython sets SIGINT back to SIG_DFL (and the relay starts
    it with SIGINT ignored), where a SIGINT would kill it or be lost.
    """
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (signal.SIGINT - 1) & 1)
    except OSError:
        pass
    return False


@contextlib.contextmanager
def stopped(pid: int):
    """Keep the process stopped (SIGSTOP ... SIGCONT) for the duration of the block."""
    try:
        os.kill(pid, signal.SIGSTOP)
    except ProcessLookupError:
        yield
        return
    try:
        deadline = time.monotonic() + STOP_SECONDS
        while _process_state(pid) not in "TtZX" and time.monotonic() < deadline:
            time.sleep(0.0005)
        yield
    finally:
        _signal_if_alive(pid, signal.SIGCONT)


def _process_state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


def _signal_if_alive(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def board_unique_id(flash_dir: Path) -> bytes:
    """Six bytes, stable for a flash directory, like a chip's factory MAC."""
    return hashlib.sha256(str(flash_dir).encode()).digest()[:6]


class ReplModeTracker:
    """Follows whether the unix port is in the raw or the friendly REPL."""

    def __init__(self) -> None:
        self.raw = False
        self._tail = b""

    def feed(self, data: bytes) -> None:
        text = self._tail + data
        raw_at, friendly_at = text.rfind(RAW_REPL_BANNER), text.rfind(FRIENDLY_BANNER)
        if raw_at != friendly_at:  # both -1 otherwise
            self.raw = raw_at > friendly_at
        self._tail = text[-len(FRIENDLY_BANNER) :]


class RawRestartFilter:
    """Hides the friendly banner of a unix port restarted into the raw REPL.

    A board soft-reset in raw mode prints its boot output and the raw banner;
    the restarted unix port prints boot output, REPL_STARTING_MARK, its friendly
    banner, then (on the queued Ctrl-A) the raw banner.
    """

    def __init__(self) -> None:
        self._state = "off"
        self._held = b""
        self._deadline = 0.0

    def arm(self) -> bytes:
        """Start filtering a new boot; returns what was still held back."""
        held = self.release()
        self._state = "before-mark"
        self._deadline = time.monotonic() + BANNER_HIDE_SECONDS
        return held

    def release(self) -> bytes:
        held, self._held, self._state = self._held, b"", "off"
        return held

    def expired(self) -> bool:
        return self._state != "off" and time.monotonic() > self._deadline

    def feed(self, data: bytes) -> bytes:
        if self._state == "off":
            return data
        self._held += data
        if self._state == "before-mark":
            return self._pass_until_mark()
        return self._hide_until_raw_banner()

    def _pass_until_mark(self) -> bytes:
        at = self._held.find(REPL_STARTING_MARK)
        if at < 0:
            keep = len(REPL_STARTING_MARK) - 1  # may be the start of the mark
            passed, self._held = self._held[:-keep], self._held[-keep:]
            return passed
        passed = self._held[:at]
        self._held = self._held[at + len(REPL_STARTING_MARK) :]
        self._state = "hiding"
        self._deadline = time.monotonic() + BANNER_HIDE_SECONDS
        return passed + self._hide_until_raw_banner()

    def _hide_until_raw_banner(self) -> bytes:
        at = self._held.find(RAW_REPL_BANNER)
        if at < 0:
            return b""
        shown = self._held[at:]
        self._held, self._state = b"", "off"
        return shown


class Relay:
    """Runs the board (the unix port) and relays bytes between it and the host pty."""

    def __init__(self, args: argparse.Namespace, flash_dir: Path) -> None:
        self.args = args
        self.flash_dir = flash_dir
        self.micropython = args.micropython or find_micropython()
        # the heap the board's code gets, on top of the emulation's own
        self.heap_size = args.heap_size and args.heap_size + emulation_heap(self.micropython)
        self.stopping = False
        self.child: subprocess.Popen | None = None
        self.mode = ReplModeTracker()
        self.banner_filter = RawRestartFilter()
        self.to_host = bytearray()
        self.to_child = bytearray()
        self.host_progress_at = time.monotonic()
        self.host_absent = False  # nobody reads the port: board output is dropped
        self.dropped = 0
        self.last_sigint_at = 0.0
        self.home = Path(tempfile.mkdtemp(prefix="emulator-home-"))  # readline history
        self.host_master, self.host_slave = open_raw_pty()
        self.child_master, self.child_slave = open_raw_pty()
        self.port = os.ttyname(self.host_slave)

    # -- lifecycle -------------------------------------------------------

    def start(self) -> None:
        """Power on: the board boots (boot.py, main.py) while run() relays."""
        self._start_child(PWRON_RESET, raw=False)

    def run(self) -> None:
        while not self.stopping:
            self._supervise_child()
            self._pump()

    def close(self) -> None:
        self._kill_child()
        for fd in (self.host_master, self.host_slave, self.child_master, self.child_slave):
            os.close(fd)
        shutil.rmtree(self.home, ignore_errors=True)

    def stop(self, *_signal_args) -> None:
        self.stopping = True

    # -- the board process ----------------------------------------------

    def _start_child(self, reset_cause: int, raw: bool) -> None:
        termios.tcflush(self.child_slave, termios.TCIFLUSH)  # a reset loses unread input
        self.to_child.clear()
        self.mode.raw = raw
        if raw:
            self._queue_to_host(self.banner_filter.arm())
            self.to_child += b"\x01"
        heap = ["-X", f"heapsize={self.heap_size}"] if self.heap_size else []
        self.child = subprocess.Popen(
            [self.micropython, *heap, "-i", str(BOOT_SCRIPT)],
            stdin=self.child_slave,
            stdout=self.child_slave,
            stderr=self.child_slave,
            cwd=self.home,
            env=self._child_env(reset_cause, raw),
            start_new_session=True,
            preexec_fn=_child_preexec(os.getpid()),
        )

    def _child_env(self, reset_cause: int, raw: bool) -> dict[str, str]:
        board = {
            "flash": str(self.flash_dir),
            "reset_cause": reset_cause,
            "run_main": not raw,
            "raw_repl": raw,
            "repl_mark": REPL_STARTING_MARK.decode(),
            "unique_id": board_unique_id(self.flash_dir).hex(),
            "hard_reset_signal": HARD_RESET_SIGNAL.name[3:],
            "soft_reset_signal": SOFT_RESET_SIGNAL.name[3:],
            "wifi_ssid": self.args.wifi_ssid,
            "wifi_password": self.args.wifi_password,
            "wifi_delay_ms": int(self.args.wifi_delay * 1000),
            "flash_size": self.args.flash_size,
            "port_map": dict(self.args.port_map or ()),
        }
        env = {k: v for k, v in os.environ.items() if k not in (PASSWORD_ENV, "MICROPYPATH")}
        env.update(HOME=str(self.home), **{BOARD_ENV: json.dumps(board)})
        return env

    def _supervise_child(self) -> None:
        status = self.child.poll()
        if status is None:
            return
        self._read_child_output(until_empty=True)
        if status == -HARD_RESET_SIGNAL:
            log("hard reset")
            self._start_child(HARD_RESET, raw=False)
        elif status < 0 and status not in (-SOFT_RESET_SIGNAL, -signal.SIGINT):
            log(f"board crashed (signal {-status}); restarting as after a hard reset")
            self._start_child(HARD_RESET, raw=False)
        else:
            log(f"soft reboot (board process exit status {status})")
            self._queue_to_host(self.banner_filter.release() + SOFT_REBOOT_LINE)
            self._start_child(SOFT_RESET, raw=self.mode.raw)

    def _kill_child(self) -> None:
        if self.child is None or self.child.poll() is not None:
            return
        self.child.kill()
        try:
            self.child.wait(timeout=CHILD_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            log(f"board process {self.child.pid} did not exit after SIGKILL")

    # -- byte relay -----------------------------------------------------

    def _pump(self) -> None:
        readable, writable = [], []
        if len(self.to_child) < BUFFER_LIMIT:
            readable.append(self.host_master)
        if len(self.to_host) < BUFFER_LIMIT:
            readable.append(self.child_master)
        if self.args.exit_with_stdin:
            readable.append(sys.stdin.fileno())
        if self.to_host or self.host_absent:
            writable.append(self.host_master)
        if self.to_child:
            writable.append(self.child_master)
        ready_r, ready_w, _ = select.select(readable, writable, [], POLL_SECONDS)
        if self.host_master in ready_r:
            self._read_host_input()
        if self.child_master in ready_r:
            self._read_child_output()
        if sys.stdin.fileno() in ready_r and not os.read(sys.stdin.fileno(), READ_SIZE):
            self.stop()
        if self.host_master in ready_w and self.host_absent:
            self._host_is_back()
        if self.host_master in ready_w or self.child_master in ready_w:
            self._flush()
        self._drop_unread_output()
        if self.banner_filter.expired():
            self._queue_to_host(self.banner_filter.release())

    def _read_host_input(self) -> None:
        data = _read_available(self.host_master)
        chunks = data.split(b"\x03")
        for index, chunk in enumerate(chunks):
            self.to_child += chunk
            if index < len(chunks) - 1:
                self._ctrl_c()

    def _ctrl_c(self) -> None:
        """A real board raises KeyboardInterrupt in running code; at a prompt Ctrl-C is input.

        Ctrl-Cs closer together than SIGINT_INTERVAL_SECONDS make one interrupt, as on
        a board: the unix port exits if a SIGINT comes before it raised the last one.
        """
        self._flush()
        with stopped(self.child.pid):  # so it cannot reset its SIGINT handler meanwhile
            executing = handles_sigint(self.child.pid)
            if executing and time.monotonic() - self.last_sigint_at > SIGINT_INTERVAL_SECONDS:
                os.kill(self.child.pid, signal.SIGINT)  # delivered when it continues
                self.last_sigint_at = time.monotonic()
        if not executing:
            self.to_child += b"\x03"

    def _read_child_output(self, until_empty: bool = False) -> None:
        while True:
            data = _read_available(self.child_master)
            if data:
                self.mode.feed(data)
                self._queue_to_host(self.banner_filter.feed(data))
            if not data or not until_empty:
                return

    def _queue_to_host(self, data: bytes) -> None:
        if self.host_absent:
            self.dropped += len(data)
            return
        if data and not self.to_host:
            self.host_progress_at = time.monotonic()
        self.to_host += data

    def _flush(self) -> None:
        if _write_some(self.host_master, self.to_host):
            self.host_progress_at = time.monotonic()
        _write_some(self.child_master, self.to_child)

    def _drop_unread_output(self) -> None:
        stalled_for = time.monotonic() - self.host_progress_at
        if self.to_host and stalled_for > HOST_STALL_SECONDS:
            log("nobody reads the port: dropping board output")
            self.host_absent = True
            self.dropped = len(self.to_host)
            self.to_host.clear()

    def _host_is_back(self) -> None:
        log(f"the port is read again; {self.dropped} bytes of board output were dropped")
        self.host_absent = False
        self.host_progress_at = time.monotonic()


def _read_available(fd: int) -> bytes:
    try:
        return os.read(fd, READ_SIZE)
    except (BlockingIOError, InterruptedError):
        return b""


def _write_some(fd: int, pending: bytearray) -> int:
    if not pending:
        return 0
    try:
        written = os.write(fd, pending)
    except (BlockingIOError, InterruptedError):
        return 0
    del pending[:written]
    return written


def _child_preexec(relay_pid: int):
    """Setup run in the forked board process before it execs micropython."""
    libc = ctypes.CDLL(None, use_errno=True)

    def setup() -> None:
        # Ignored SIGINT keeps CPython (the micropython wrapper) from installing its
        # own handler; MicroPython installs one whenever it runs code.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # no orphan if the relay dies
        if os.getppid() != relay_pid:
            os._exit(1)

    return setup


# -- command line ------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--link", type=Path, metavar="PATH", help="make a symlink at PATH to the pty"
    )
    parser.add_argument(
        "--flash",
        type=Path,
        metavar="DIR",
        help="directory that is the board's / (default: a fresh temporary one)",
    )
    parser.add_argument(
        "--wifi-ssid", default=DEFAULT_SSID, metavar="S", help="SSID of the emulated access point"
    )
    parser.add_argument(
        "--wifi-password",
        metavar="P",
        default=os.environ.get(PASSWORD_ENV, DEFAULT_PASSWORD),
        help=f"its password (default: ${PASSWORD_ENV}, else an open network)",
    )
    parser.add_argument(
        "--wifi-delay",
        type=float,
        metavar="SECONDS",
        default=DEFAULT_WIFI_DELAY,
        help="seconds from WLAN.connect() to connected (default: %(default)s)",
    )
    parser.add_argument(
        "--port-map",
        type=_port_pair,
        action="append",
        metavar="BOARD:HOST",
        help="serve the board's port BOARD on the host's port HOST (repeatable), "
        "so that boards serving the same port do not collide",
    )
    parser.add_argument(
        "--flash-size",
        type=positive(int),
        metavar="BYTES",
        help="the flash size the board reports to os.statvfs (default: the host disk's)",
    )
    parser.add_argument(
        "--heap-size",
        type=heap_bytes,
        metavar="BYTES",
        help="the board's MicroPython heap, e.g. 196608 for 192 KB "
        "(default: the unix port's, 2 MB)",
    )
    parser.add_argument(
        "--micropython",
        metavar="COMMAND",
        help="the unix port command (default: the one beside python, else on PATH)",
    )
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="stop when standard input reaches end of file",
    )


def _port_pair(text: str) -> tuple[int, int]:
    try:
        board, host = (int(part) for part in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected BOARD:HOST port numbers, not {text!r}")
    if not (0 < board < 65536 and 0 < host < 65536):
        raise argparse.ArgumentTypeError(f"ports must be 1-65535: {text!r}")
    return board, host


def main(args: argparse.Namespace) -> int:
    flash_dir, made_flash = _prepare_flash(args.flash)
    relay = None
    try:
        relay = Relay(args, flash_dir)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, relay.stop)
        _make_link(args.link, relay.port)
        log(f"flash directory {flash_dir}")
        relay.start()
        print(PORT_LINE_PREFIX + relay.port, flush=True)
        relay.run()
    except (EmulatorError, OSError) as error:
        log(str(error))
        return 1
    finally:
        if relay:
            relay.close()
            _remove_link(args.link, relay.port)
        if made_flash:
            shutil.rmtree(flash_dir, ignore_errors=True)
    log("stopped")
    return 0


def _prepare_flash(flash: Path | None) -> tuple[Path, bool]:
    if flash is None:
        return Path(tempfile.mkdtemp(prefix="emulator-flash-")), True
    flash.mkdir(parents=True, exist_ok=True)
    return flash.resolve(), False


def _make_link(link: Path | None, port: str) -> None:
    if link is None:
        return
    if link.exists() and not link.is_symlink():
        raise EmulatorError(f"{link} exists and is not a symlink")
    fresh = link.with_name(f".{link.name}.{os.getpid()}")
    os.symlink(port, fresh)
    os.replace(fresh, link)


def _remove_link(link: Path | None, port: str) -> None:
    try:
        if link is not None and os.readlink(link) == port:
            link.unlink()
    except OSError:
        pass


# -- Python API ----------------------------------------------------------------


class Emulator:
    """An emulator running in a subprocess; a context manager.

    ``port`` is the pty path once started; ``flash_dir`` the board's ``/``
    (a temporary directory removed on stop when none is given); ``output()``
    the emulator's own log (its stdout and stderr, never the serial traffic).
    An object starts once; start() returns when the port exists, while the
    board may still be running boot.py and main.py.
    """

    def __init__(
        self,
        flash_dir: str | os.PathLike | None = None,
        *,
        wifi_ssid: str = DEFAULT_SSID,
        wifi_password: str = DEFAULT_PASSWORD,
        wifi_delay: float = DEFAULT_WIFI_DELAY,
        flash_size: int | None = None,
        heap_size: int | None = None,
        port_map: dict[int, int] | None = None,
        link: str | os.PathLike | None = None,
        micropython: str | None = None,
        start_timeout: float = 15.0,
    ) -> None:
        self._work_dir = Path(tempfile.mkdtemp(prefix="emulator-api-"))
        self.flash_dir = Path(flash_dir).resolve() if flash_dir else self._work_dir / "flash"
        self.flash_dir.mkdir(parents=True, exist_ok=True)
        self.link = Path(link) if link else None
        self.port: str | None = None
        self._wifi = (wifi_ssid, wifi_password, wifi_delay)
        self._flash_size = flash_size
        self._heap_size = heap_size
        self._port_map = dict(port_map or {})
        self._micropython = micropython
        self._start_timeout = start_timeout
        self._log_path = self._work_dir / "emulator.log"
        self._process: subprocess.Popen | None = None
        self._final_output: str | None = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> "Emulator":
        ssid, password, delay = self._wifi
        command = [sys.executable, "-m", "device_runner", "emulator", "--exit-with-stdin"]
        command += [
            "--flash",
            str(self.flash_dir),
            "--wifi-ssid",
            ssid,
            "--wifi-delay",
            str(delay),
        ]
        if self.link:
            command += ["--link", str(self.link)]
        if self._micropython:
            command += ["--micropython", self._micropython]
        if self._flash_size is not None:
            command += ["--flash-size", str(self._flash_size)]
        if self._heap_size is not None:
            command += ["--heap-size", str(self._heap_size)]
        for board_port, host_port in self._port_map.items():
            command += ["--port-map", f"{board_port}:{host_port}"]
        # TMPDIR: what the relay leaves even when killed is removed with the work dir
        env = dict(os.environ, TMPDIR=str(self._work_dir), **{PASSWORD_ENV: password})
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        with open(self._log_path, "wb") as log_file:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,  # closed on stop, or when this process dies
                stdout=log_file,
                stderr=log_file,
                env=env,
                start_new_session=True,  # a Ctrl-C at the terminal goes to the test run only
            )
        try:
            self.port = self._wait_for_port()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_port(self) -> str:
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            found = re.search(
                rf"^{re.escape(PORT_LINE_PREFIX)}(\S+)$", self.output(), re.MULTILINE
            )
            if found:
                return found.group(1)
            if self._process.poll() is not None:
                raise EmulatorError(
                    f"emulator exited with {self._process.returncode}:\n{self.output()}"
                )
            time.sleep(0.02)
        raise EmulatorError(f"emulator did not start in {self._start_timeout} s:\n{self.output()}")

    def output(self) -> str:
        if self._final_output is not None:
            return self._final_output
        try:
            return self._log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the emulator (SIGTERM, then SIGKILL) and remove its temporary files."""
        process, self._process = self._process, None
        if process is not None:
            _stop_process(process, timeout)
        if self._final_output is None:
            self._final_output = self.output()
        shutil.rmtree(self._work_dir, ignore_errors=True)
        self.port = None


def _stop_process(relay: subprocess.Popen, timeout: float) -> None:
    relay.stdin.close()  # with --exit-with-stdin the relay stops on its own
    stop_process(relay, timeout)
