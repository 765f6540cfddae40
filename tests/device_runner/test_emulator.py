"""The emulated board, driven by the real mpremote (CLI and SerialTransport) and pyserial.

Every wait is bounded: mpremote runs with a subprocess timeout, serial reads with deadlines.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial

from device_runner.emulator import (
    BUFFER_LIMIT,
    FRIENDLY_BANNER,
    PORT_LINE_PREFIX,
    RAW_REPL_BANNER,
    REPL_STARTING_MARK,
    Emulator,
    EmulatorError,
    RawRestartFilter,
    ReplModeTracker,
    emulation_heap,
    find_micropython,
)

MPREMOTE_TIMEOUT = 20.0
SSID = "test-lab"
PASSWORD = "correct-horse-battery"  # the emulator's; must never show up anywhere
WIFI_DELAY = 0.5

# Each script appends "<name> <machine.reset_cause()>" to log.txt in the flash directory.
LOGGING_SCRIPT = """\
import machine
with open('log.txt', 'a') as f:
    f.write('{name} %d\\n' % machine.reset_cause())
"""


def mpremote(port: str, *args: str, timeout: float = MPREMOTE_TIMEOUT) -> str:
    """Run the real mpremote CLI against port; returns its stdout, fails the test on error."""
    result = subprocess.run(
        [sys.executable, "-m", "mpremote", "connect", port, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"mpremote {args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def wait_for(condition, timeout: float, interval: float = 0.05):
    """Poll condition() until it is true; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()


class SerialReader:
    """A pyserial port that keeps all it read; every read has a deadline."""

    def __init__(self, port: str) -> None:
        self.serial = serial.Serial(port, 115200, timeout=0.05)
        self.received = b""

    def write(self, data: bytes) -> None:
        self.serial.write(data)

    def read_until(self, pattern: bytes, timeout: float) -> bool:
        """Read until the regex pattern appears in what arrives from now on;
        False at the deadline."""
        start = len(self.received)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.received += self.serial.read(4096)
            if re.search(pattern, self.received[start:]):
                return True
        return False

    def close(self) -> None:
        self.serial.close()


@pytest.fixture
def flash(tmp_path: Path) -> Path:
    path = tmp_path / "flash"
    path.mkdir()
    return path


@pytest.fixture
def emulator(flash: Path):
    with Emulator(flash, wifi_ssid=SSID, wifi_password=PASSWORD, wifi_delay=WIFI_DELAY) as emu:
        yield emu


@pytest.fixture
def reader(emulator):
    serial_reader = SerialReader(emulator.port)
    yield serial_reader
    serial_reader.close()


def log_lines(flash: Path) -> list[str]:
    try:
        return (flash / "log.txt").read_text().splitlines()
    except FileNotFoundError:
        return []


def install_logging_scripts(flash: Path) -> None:
    for name in ("boot", "main"):
        (flash / f"{name}.py").write_text(LOGGING_SCRIPT.format(name=name))


def child_pids(parent_pid: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent_pid:
            pids.append(int(stat.parent.name))
    return pids


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# -- mpremote CLI ----------------------------------------------------------------


def test_exec_eval_and_run(emulator, tmp_path):
    assert mpremote(emulator.port, "exec", "print(6 * 7)").strip() == "42"
    assert mpremote(emulator.port, "eval", "'ab' * 2").strip() == "abab"
    script = tmp_path / "script.py"
    script.write_text("import sys\nprint(sys.implementation.name)\n")
    assert mpremote(emulator.port, "run", str(script)).strip() == "micropython"


def test_cp_ls_cat_round_trip_lands_in_flash_dir(emulator, flash, tmp_path):
    source = tmp_path / "greeting.py"
    source.write_text("MESSAGE = 'hello from lib'\n")
    listing = mpremote(
        emulator.port,
        "mkdir",
        ":lib",
        "+",
        "cp",
        str(source),
        ":lib/greeting.py",
        "+",
        "ls",
        ":lib",
    )
    assert "greeting.py" in listing
    assert (flash / "lib" / "greeting.py").read_text() == source.read_text()

    assert mpremote(emulator.port, "cat", ":lib/greeting.py") == source.read_text()
    imported = mpremote(emulator.port, "exec", "import greeting; print(greeting.MESSAGE)")
    assert imported.strip() == "hello from lib"

    mpremote(emulator.port, "rm", ":lib/greeting.py")
    assert not (flash / "lib" / "greeting.py").exists()


def test_board_root_is_the_flash_dir(emulator, flash):
    (flash / "marker.txt").write_text("on flash")
    code = "import os, sys; print(sorted(os.listdir('/')), os.getcwd(), sys.path)"
    out = mpremote(emulator.port, "exec", code)
    assert out.strip() == "['marker.txt'] / ['', '.frozen', '/lib']"


def test_board_has_machine_and_network_built_in(emulator, flash):
    code = (
        "import machine, network; "
        "print(len(machine.unique_id()), machine.freq(), network.STAT_GOT_IP)"
    )
    assert mpremote(emulator.port, "exec", code).strip() == "6 240000000 1010"
    assert sorted(os.listdir(flash)) == []  # they are not on the flash


# Allocates more than a 128 KB heap holds, less than the unix port's 2 MB; prints
# the heap's total size and what is free of it, then whether the allocation worked.
ALLOCATE_200K = """\
import gc
gc.collect()
print(gc.mem_free() + gc.mem_alloc(), gc.mem_free())
try:
    block = bytearray(200 * 1024)
    print('allocated')
except MemoryError:
    print('MemoryError')
"""


def test_the_board_has_the_heap_it_is_given(flash, tmp_path):
    script = tmp_path / "allocate.py"
    script.write_text(ALLOCATE_200K)
    # the board's code gets the 128 KB: the emulation's stand-ins for the
    # firmware's modules take their heap on top of it, as a firmware's do not
    emulation = emulation_heap(find_micropython())
    with Emulator(flash, heap_size=128 * 1024) as emu:
        for _ in range(2):  # a hard reset starts it again with the same heap
            total, free, outcome = mpremote(emu.port, "run", str(script)).split()
            assert int(total) <= 128 * 1024 + emulation and outcome == "MemoryError"
            assert 124 * 1024 <= int(free) <= 128 * 1024, free
            mpremote(emu.port, "reset", timeout=30)
    with Emulator(flash) as emu:  # the unix port's default: 2 MB
        total, free, outcome = mpremote(emu.port, "run", str(script)).split()
        assert int(total) > 1024 * 1024 and outcome == "allocated"


def test_a_heap_too_small_to_boot_is_refused(tmp_path):
    too_small = "--heap-size: must be a number of bytes, at least 16384"
    with pytest.raises(EmulatorError, match=too_small):
        Emulator(tmp_path / "flash", heap_size=1024).start()


def test_soft_reset_runs_boot_not_main(flash):
    install_logging_scripts(flash)
    with Emulator(flash) as emu:
        assert wait_for(lambda: log_lines(flash) == ["boot 1", "main 1"], timeout=5), log_lines(
            flash
        )
        mpremote(emu.port, "soft-reset")
        assert log_lines(flash) == ["boot 1", "main 1", "boot 5"]


def test_soft_reset_in_raw_repl_looks_like_a_board(flash):
    (flash / "boot.py").write_text("print('BOOT OUTPUT')\n")
    (flash / "main.py").write_text("print('MAIN OUTPUT')\n")
    with Emulator(flash) as emu:
        board = SerialReader(emu.port)
        try:
            board.write(b"\r\x03\r\x01")
            assert board.read_until(re.escape(RAW_REPL_BANNER) + b">", timeout=5)
            board.write(b"\x04")
            assert board.read_until(re.escape(RAW_REPL_BANNER) + b">", timeout=5)
        finally:
            board.close()
    after_first_raw_prompt = board.received.split(RAW_REPL_BANNER + b">", 1)[1]
    assert (
        after_first_raw_prompt
        == b"OK\r\nMPY: soft reboot\r\nBOOT OUTPUT\n" + RAW_REPL_BANNER + b">"
    )


def test_hard_reset_runs_boot_then_main(flash):
    install_logging_scripts(flash)
    with Emulator(flash) as emu:
        assert wait_for(lambda: log_lines(flash) == ["boot 1", "main 1"], timeout=5), log_lines(
            flash
        )
        mpremote(emu.port, "reset")  # mpremote soft-resets on connect, then machine.reset()
        expected = ["boot 1", "main 1", "boot 5", "boot 2", "main 2"]
        assert wait_for(lambda: log_lines(flash) == expected, timeout=5), log_lines(flash)


def test_friendly_ctrl_d_soft_reboots_and_runs_main(emulator, flash, reader):
    reader.write(b"\r\x03")
    assert reader.read_until(rb">>> $", timeout=5)  # power-on finished
    install_logging_scripts(flash)
    reader.write(b"\x04")
    assert reader.read_until(rb"MPY: soft reboot\r\n[\s\S]*>>> $", timeout=5)
    assert log_lines(flash) == ["boot 5", "main 5"]


# Each main.py writes started.txt once it is under way (its output may come
# before the port is opened).
BUSY_MAIN = "open('started.txt', 'w').close()\nwhile True:\n    pass\n"
ASYNCIO_SERVER_MAIN = """\
import asyncio

async def serve():
    server = await asyncio.start_server(lambda r, w: w.close(), '127.0.0.1', 0)
    open('started.txt', 'w').close()
    while True:
        await asyncio.sleep(60)

asyncio.run(serve())
"""
POLL_MAIN = """\
import select, socket
listener = socket.socket()
listener.bind(socket.getaddrinfo('127.0.0.1', 0)[0][-1])
listener.listen(1)
open('started.txt', 'w').close()
poller = select.poll()  # MicroPython's select module has no select()
poller.register(listener, select.POLLIN)
poller.poll()
"""


@pytest.mark.parametrize(
    "main_py", [BUSY_MAIN, ASYNCIO_SERVER_MAIN, POLL_MAIN], ids=["busy", "asyncio", "poll"]
)
def test_ctrl_c_interrupts_running_main(flash, main_py):
    (flash / "main.py").write_text(main_py)
    with Emulator(flash) as emu:
        board = SerialReader(emu.port)
        try:
            assert wait_for(lambda: (flash / "started.txt").exists(), timeout=5)
            board.write(b"\r")
            assert not board.read_until(rb">>> ", timeout=0.3)  # no prompt: main.py is running
            deadline = time.monotonic() + 5  # as a runner does: Ctrl-C until a prompt
            while time.monotonic() < deadline and not board.read_until(rb">>> ", timeout=0.2):
                board.write(b"\x03")
            assert b"KeyboardInterrupt" in board.received, board.received
            assert board.received.rstrip().endswith(b">>>")
        finally:
            board.close()
        assert mpremote(emu.port, "exec", "print('responsive')").strip() == "responsive"


def test_mpremote_connects_to_a_board_busy_in_main(flash):
    (flash / "main.py").write_text(BUSY_MAIN)
    with Emulator(flash) as emu:
        assert mpremote(emu.port, "exec", "print('took over')").strip() == "took over"


# -- Python transport --------------------------------------------------------------


def test_serial_transport_exec_eval_and_files(emulator, flash):
    from mpremote.transport_serial import SerialTransport

    transport = SerialTransport(emulator.port, baudrate=115200)
    transport.serial.timeout = 5  # a silent pty would block for ever otherwise
    try:
        transport.enter_raw_repl(soft_reset=True)
        assert transport.eval("1 + 2") == 3
        assert transport.exec("print('out')") == b"out\n"
        transport.fs_writefile("data.bin", bytes(range(256)) * 4)
        assert (flash / "data.bin").read_bytes() == bytes(range(256)) * 4
        assert transport.fs_readfile("data.bin") == bytes(range(256)) * 4
        transport.fs_mkdir("sub")
        assert sorted(entry.name for entry in transport.fs_listdir("/")) == ["data.bin", "sub"]
        assert transport.use_raw_paste  # the board accepted raw-paste mode
        transport.exit_raw_repl()
    finally:
        transport.close()


# -- network ----------------------------------------------------------------------

WLAN_JOIN = """\
import network, time
wlan = network.WLAN(network.STA_IF)
wlan.active(True)
before = wlan.ifconfig()[0]
wlan.connect({ssid!r}, {password!r})
started = time.ticks_ms()
print('EARLY', wlan.isconnected(), wlan.status() == network.STAT_CONNECTING)
while (wlan.status() == network.STAT_CONNECTING
       and time.ticks_diff(time.ticks_ms(), started) < 5000):
    time.sleep_ms(20)
print('WAITED', time.ticks_diff(time.ticks_ms(), started))
time.sleep_ms(100)
print('STATUS', wlan.status(), wlan.isconnected())
print('ADDRESS', before, wlan.ifconfig(), wlan.ipconfig('addr4'))
"""


def run_wlan_join(port: str, ssid: str, password: str) -> dict[str, str]:
    out = mpremote(port, "exec", WLAN_JOIN.format(ssid=ssid, password=password))
    return dict(line.split(" ", 1) for line in out.strip().splitlines())


def test_wlan_connects_after_the_delay_and_reports_loopback(emulator):
    report = run_wlan_join(emulator.port, SSID, PASSWORD)
    assert report["EARLY"] == "False True"
    assert WIFI_DELAY * 1000 * 0.9 <= int(report["WAITED"]) < 5000
    assert report["STATUS"] == "1010 True"  # STAT_GOT_IP
    loopback = "('127.0.0.1', '255.0.0.0', '127.0.0.1', '127.0.0.1')"
    assert report["ADDRESS"] == f"0.0.0.0 {loopback} ('127.0.0.1', '255.0.0.0')"


def test_wrong_password_fails_and_password_is_never_shown(emulator, flash):
    report = run_wlan_join(emulator.port, SSID, "wrong-password")
    assert report["STATUS"] == "202 False"  # STAT_WRONG_PASSWORD, never connected
    assert report["ADDRESS"].startswith("0.0.0.0 ('0.0.0.0', ")
    assert (
        run_wlan_join(emulator.port, "other-ssid", PASSWORD)["STATUS"] == "201 False"
    )  # STAT_NO_AP_FOUND

    probe = """\
import os, network
try:
    network.WLAN(network.STA_IF).config('password')
except ValueError:
    print('refused')
print(os.getenv('DEVICE_RUNNER_BOARD'))
"""
    board_output = mpremote(emulator.port, "exec", probe)
    assert board_output.split() == ["refused", "None"]

    relay_pid = emulator._process.pid
    command_lines = [
        Path(f"/proc/{pid}/cmdline").read_bytes() for pid in [relay_pid, *child_pids(relay_pid)]
    ]
    emulator.stop()
    assert PASSWORD not in emulator.output()
    assert all(PASSWORD.encode() not in line for line in command_lines)
    for path in flash.rglob("*"):
        assert PASSWORD.encode() not in path.read_bytes()


# -- processes ----------------------------------------------------------------------


def test_two_emulators_run_side_by_side(tmp_path):
    flash_a, flash_b = tmp_path / "a", tmp_path / "b"
    with Emulator(flash_a) as first, Emulator(flash_b) as second:
        assert first.port != second.port
        mpremote(first.port, "exec", "open('who.txt', 'w').write('first')")
        mpremote(second.port, "exec", "open('who.txt', 'w').write('second')")
        assert mpremote(first.port, "cat", ":who.txt") == "first"
        assert mpremote(second.port, "cat", ":who.txt") == "second"
    assert (flash_a / "who.txt").read_text() == "first"
    assert (flash_b / "who.txt").read_text() == "second"


def test_stop_kills_the_board_and_removes_the_link(tmp_path):
    link = tmp_path / "board"
    emu = Emulator(tmp_path / "flash", link=link).start()
    try:
        assert os.readlink(link) == emu.port
        assert mpremote(str(link), "eval", "2 + 2").strip() == "4"  # a non-/dev/pts path works too
        relay_pid = emu._process.pid
        board_pids = child_pids(relay_pid)
        assert board_pids
    finally:
        emu.stop()
    assert not os.path.lexists(link)
    assert not alive(relay_pid)
    assert not any(alive(pid) for pid in board_pids)


def test_killed_relay_leaves_no_orphan(flash):
    (flash / "main.py").write_text(BUSY_MAIN)  # busy: it would not notice its pty going away
    emu = Emulator(flash).start()
    try:
        assert wait_for(lambda: (flash / "started.txt").exists(), timeout=5)
        relay_pid = emu._process.pid
        board_pids = child_pids(relay_pid)
        assert board_pids
        os.kill(relay_pid, signal.SIGKILL)
        assert wait_for(lambda: not any(alive(pid) for pid in board_pids), timeout=5)
    finally:
        emu.stop()


def test_start_reports_a_board_that_cannot_run(tmp_path):
    started = time.monotonic()
    with pytest.raises(EmulatorError, match="no-such-micropython"):
        Emulator(tmp_path / "flash", micropython=str(tmp_path / "no-such-micropython")).start()
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_port_and_cleans_up_on_signal(tmp_path, stop_signal):
    link = tmp_path / "port"
    process = subprocess.Popen(
        [sys.executable, "-m", "device_runner", "emulator", "--link", str(link)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        ready, _, _ = select.select([process.stdout], [], [], 10)
        line = process.stdout.readline() if ready else ""
        assert line.startswith(PORT_LINE_PREFIX), line
        port = line[len(PORT_LINE_PREFIX) :].strip()
        assert os.readlink(link) == port
        board_pids = child_pids(process.pid)
        process.send_signal(stop_signal)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
        process.wait(timeout=10)
    assert process.returncode == 0, stderr
    assert not os.path.lexists(link)
    assert board_pids and not any(alive(pid) for pid in board_pids)


def test_unread_output_does_not_stall_the_board(flash):
    # Nobody has the port open while main.py prints far more than the pty buffers hold.
    (flash / "main.py").write_text(
        "for i in range(2000):\n    print('x' * 100)\nopen('done.txt', 'w').write('done')\n"
    )
    with Emulator(flash) as emu:
        assert wait_for(lambda: (flash / "done.txt").exists(), timeout=15)
        assert 2000 * 101 > 2 * BUFFER_LIMIT
        assert "dropping board output" in emu.output()


# -- relay internals ----------------------------------------------------------------


def test_mode_tracker_follows_banners_split_across_reads():
    tracker = ReplModeTracker()
    tracker.feed(b"...raw REPL; CTRL-B")
    assert not tracker.raw
    tracker.feed(b" to exit\r\n>")
    assert tracker.raw
    tracker.feed(FRIENDLY_BANNER[:10])
    tracker.feed(FRIENDLY_BANNER[10:] + b">>> ")
    assert not tracker.raw


def test_raw_restart_filter_hides_only_the_friendly_banner():
    banner_filter = RawRestartFilter()
    assert banner_filter.arm() == b""
    stream = (
        b"boot output\n"
        + REPL_STARTING_MARK
        + b"MicroPython x\r\n"
        + FRIENDLY_BANNER
        + b">>> \r\n"
    )
    stream += RAW_REPL_BANNER + b">"
    shown = b"".join(banner_filter.feed(stream[i : i + 3]) for i in range(0, len(stream), 3))
    assert shown == b"boot output\n" + RAW_REPL_BANNER + b">"
    assert banner_filter.feed(b"after") == b"after"
