"""The runner against the emulated board: provisioning, and every failure a
user can meet (a busy main.py, a boot loop, a wrong WiFi password, a silent
or missing port, a full flash, a crashing app), each ending in a readable
error and a non-zero exit, never a hang; and the WiFi password nowhere in
what the runner prints, logs or reports."""
import contextlib
import json
import os
import pty
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from device_runner.emulator import Emulator
from device_runner.provision import REFERENCE, files_to_copy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
SSID, PASSWORD = 'lab-network', 'pw-Zq7-never-shown'
BUSY_MAIN = 'while True:\n    pass\n'
BOOT_LOOP_MAIN = 'import machine, time\ntime.sleep(0.5)\nmachine.reset()\n'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def board(tmp_path, main=None, **options):
    """An emulated board on the lab network, with ``main`` as main.py."""
    flash = tmp_path / 'flash'
    flash.mkdir()
    if main is not None:
        (flash / 'main.py').write_text(main)
    options.setdefault('wifi_ssid', SSID)
    options.setdefault('wifi_password', PASSWORD)
    with Emulator(flash, **options) as emulator:
        yield emulator


def runner(*args, password=PASSWORD, timeout=150, log=None):
    """``python -m device_runner ...`` with WIFI_PASSWORD in the
    environment; returns the finished process and its elapsed time."""
    env = dict(os.environ, WIFI_PASSWORD=password)
    env.pop('WIFI_SSID', None)
    command = [sys.executable, '-m', 'device_runner'] + list(args)
    if log is not None:
        command += ['--log', str(log)]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    return done, time.monotonic() - started


def provision(port, tmp_path, *extra, password=PASSWORD):
    return runner('provision', '--port', port, '--wifi-ssid', SSID,
                  '--http-port', str(free_port()), *extra, password=password,
                  log=tmp_path / 'serial.log')


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as res:
        return res.read().decode()


HOST_TRACEBACK = re.compile(r'File ".*(device_runner|mpremote|site-packages)')


def assert_error(done, *fragments):
    # One readable error line; a traceback may only be the board's own.
    assert done.returncode == 1, done.stdout + done.stderr
    assert not HOST_TRACEBACK.search(done.stderr), done.stderr
    error = done.stderr.strip().splitlines()[0]
    assert error.startswith('error: '), done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def test_provision_serves_the_fixture_and_skips_unchanged_files(tmp_path):
    with board(tmp_path) as emulator:
        done, _ = provision(emulator.port, tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        url = done.stdout.split('READY ', 1)[1].split()[0]
        assert url.startswith('http://127.0.0.1:')
        assert get(url + '/') == 'conformance fixture'
        files = len(files_to_copy())  # the reference, the app, its files
        assert '%d of %d files differ' % (files, files) in done.stdout

        again, _ = provision(emulator.port, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert '0 of %d files differ' % files in again.stdout
        log = (tmp_path / 'serial.log').read_text()
        assert 'CONFORMANCE READY' in log and '# ' in log


def test_a_busy_main_py_is_interrupted(tmp_path):
    with board(tmp_path, main=BUSY_MAIN) as emulator:
        done, _ = provision(emulator.port, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_board_in_a_boot_loop_is_caught_between_resets(tmp_path):
    with board(tmp_path, main=BOOT_LOOP_MAIN) as emulator:
        done, _ = provision(emulator.port, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_wrong_wifi_password_fails_fast_with_the_status(tmp_path):
    wrong = 'not-the-password-9x'
    with board(tmp_path) as emulator:
        done, elapsed = provision(emulator.port, tmp_path, password=wrong)
    assert_error(done, 'WIFI-FAILED', 'wrong password')
    assert elapsed < 60
    everything = done.stdout + done.stderr + \
        (tmp_path / 'serial.log').read_text()
    assert wrong not in everything and PASSWORD not in everything


def test_a_silent_port_ends_in_an_error(tmp_path):
    master, slave = pty.openpty()  # a port with nothing behind it
    try:
        done, elapsed = provision(os.ttyname(slave), tmp_path)
    finally:
        os.close(master)
        os.close(slave)
    assert_error(done, 'no MicroPython prompt', 'sent nothing')
    assert elapsed < 60


def test_a_missing_port_is_named(tmp_path):
    done, elapsed = provision('/dev/ttyNOSUCHPORT', tmp_path)
    assert_error(done, '/dev/ttyNOSUCHPORT not found')
    assert elapsed < 30


def test_a_full_flash_is_found_before_copying(tmp_path):
    with board(tmp_path, flash_size=24 * 1024) as emulator:
        done, _ = provision(emulator.port, tmp_path)
        assert_error(done, 'not enough flash')
        assert not os.path.exists(emulator.flash_dir / 'lib')


def test_an_app_that_crashes_at_start_shows_its_traceback(tmp_path):
    taken = socket.socket()  # the port the board will want, already taken
    taken.bind(('0.0.0.0', 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        with board(tmp_path) as emulator:
            done, elapsed = runner(
                'provision', '--port', emulator.port, '--wifi-ssid', SSID,
                '--http-port', str(port), log=tmp_path / 'serial.log')
    finally:
        taken.close()
    assert_error(done, 'raised an exception', 'Traceback', 'EADDRINUSE')
    assert elapsed < 60


def test_no_wifi_network_given(tmp_path):
    done, _ = runner('provision', '--port', '/dev/null',
                     log=tmp_path / 'serial.log')
    assert_error(done, 'no WiFi network', '--wifi-ssid')


def test_status_reset_and_monitor(tmp_path):
    with board(tmp_path) as emulator:
        assert provision(emulator.port, tmp_path)[0].returncode == 0
        status, _ = runner('status', '--port', emulator.port,
                           log=tmp_path / 'status.log')
        assert status.returncode == 0, status.stderr
        assert SSID in status.stdout
        # the release (1.29.0-preview), not the language level (3.4.0)
        assert re.search(r'^MicroPython: +1\.\d+\.\d+', status.stdout, re.M)
        assert 'main.py' in status.stdout and PASSWORD not in status.stdout
        reset, _ = runner('reset', '--port', emulator.port, '--wait',
                          log=tmp_path / 'reset.log')
        assert reset.returncode == 0, reset.stderr
        assert reset.stdout.startswith('READY http://127.0.0.1:')
        monitor, elapsed = runner('monitor', '--port', emulator.port,
                                  '--seconds', '1',
                                  log=tmp_path / 'monitor.log')
        assert monitor.returncode == 0 and elapsed < 30


def test_the_wifi_demo_runs_unchanged(tmp_path):
    host_port = free_port()
    flash = tmp_path / 'flash'
    (flash / 'lib').mkdir(parents=True)
    for name in ('microdot.py', 'microdot_http.py', 'microdot_server.py'):
        shutil.copy(os.path.join(ROOT, 'reference', name), flash / 'lib')
    shutil.copy(os.path.join(HERE, 'wifi_demo.py'), flash / 'main.py')
    with Emulator(flash, wifi_ssid='ssid', wifi_password='password',
                  port_map={80: host_port}):
        url = 'http://127.0.0.1:%d' % host_port
        deadline = time.monotonic() + 30
        while True:
            try:
                body = get(url + '/', timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline, 'the demo never served'
                time.sleep(0.2)
        assert body == 'Hello, World Microdot!'
        assert get(url + '/users/active') == \
            'Active users: Susan, Joe, and Bob'


def test_the_password_reaches_no_log_or_report(tmp_path):
    secret = 'emulated-pw-Kq4-unique'
    reports = tmp_path / 'reports'
    done = subprocess.run(
        [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
         '--target=esp32', '--port', 'emu', '--wifi-password', secret,
         '-m', 'methods or cookies', '--report-dir', str(reports)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    folder = reports / 'esp32'
    assert sorted(os.listdir(folder)) == ['index.html', 'junit.xml',
                                          'results.json', 'serial.log']
    assert 'CONFORMANCE READY' in (folder / 'serial.log').read_text()
    assert secret not in done.stdout + done.stderr
    for path in folder.iterdir():
        assert secret not in path.read_text(errors='replace'), path


@pytest.mark.parametrize('args, status, message', [
    (['--target=esp32'], 4, 'no serial port: give --port'),
    (['--target=esp32', '--port', '/dev/ttyNOSUCHPORT'], 3,
     'serial port /dev/ttyNOSUCHPORT not found'),
])
def test_board_target_errors_are_readable(args, status, message, tmp_path):
    done = subprocess.run(
        [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
         '--report-dir', str(tmp_path)] + args,
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == status
    assert message in done.stdout + done.stderr
    assert 'Traceback' not in done.stdout + done.stderr


def test_mpy_provisioning(tmp_path):
    with board(tmp_path) as emulator:
        done, _ = provision(emulator.port, tmp_path, '--mpy')
        assert done.returncode == 0, done.stdout + done.stderr
        assert 'compiling to .mpy' in done.stdout
        lib = sorted(os.listdir(emulator.flash_dir / 'lib'))
        assert lib == sorted(name[:-3] + '.mpy' for name in REFERENCE)
        url = done.stdout.split('READY ', 1)[1].split()[0]
        assert json.loads(get(url + '/echo/path/J%C3%B6rg')) == {
            'name': 'J\u00f6rg'}


@contextlib.contextmanager
def tcp_bridge(pty_path, drop_on=None):
    """socket://127.0.0.1:PORT for a pty, as a serial-over-TCP server.
    With ``drop_on``, the link breaks when the host sends those bytes and
    comes back for the next connection, as a native-USB board's port does
    when it resets."""
    import select
    import threading
    import tty
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve_one(conn, fd):
        armed = False  # the command was seen: drop once it is complete
        while not stop.is_set():
            ready, _, _ = select.select([conn, fd], [], [], 0.1)
            if conn in ready:
                data = conn.recv(4096)
                if not data:
                    return
                os.write(fd, data)
                armed = armed or bool(drop_on and drop_on in data)
                if armed and b'\x04' in data:  # the end of the command
                    time.sleep(0.3)  # the board is off the bus a while
                    return
            if fd in ready:
                conn.sendall(os.read(fd, 4096))

    def relay():
        fd = os.open(pty_path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        try:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except socket.timeout:
                    continue
                with conn:
                    serve_one(conn, fd)
        finally:
            os.close(fd)
    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    try:
        yield 'socket://127.0.0.1:%d' % listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_socket_url_port(tmp_path):
    with board(tmp_path) as emulator, tcp_bridge(emulator.port) as url:
        done, _ = provision(url, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'READY http://127.0.0.1:' in done.stdout


def test_a_port_that_drops_while_the_board_resets(tmp_path):
    with board(tmp_path) as emulator, \
            tcp_bridge(emulator.port, drop_on=b'machine.reset()') as url:
        done, _ = provision(url, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'reopening' in (tmp_path / 'serial.log').read_text()


def test_provision_an_emulated_board_until_interrupted(tmp_path):
    command = [sys.executable, '-m', 'device_runner', 'provision', '--port',
               'emu', '--log', str(tmp_path / 'serial.log')]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if line.startswith('READY '):
                url = line.split()[1]
        assert url is not None, 'no READY line'
        assert get(url + '/') == 'conformance fixture'
    finally:
        process.send_signal(2)  # Ctrl-C
        assert process.wait(30) == 130
    with pytest.raises(OSError):
        get(url + '/', timeout=2)  # the emulated board is gone


def test_the_runner_does_not_need_the_suite():
    code = ('import sys, device_runner.__main__, device_runner.commands, '
            'device_runner.session, device_runner.emulator\n'
            'print(sorted(m for m in sys.modules '
            'if m.split(".")[0] == "conformance"))')
    done = subprocess.run([sys.executable, '-c', code], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '[]'


@pytest.mark.parametrize('args, said', [
    (['provision', '--port', 'emu', '--heap-size', '1024'],
     '--heap-size: must be a number of bytes, at least 16384'),
    (['provision', '--port', 'emu', '--http-port', '99999'],
     '--http-port: must be a TCP port'),
    (['provision', '--port', 'emu', '--timeout', '0'],
     '--timeout: must be a positive number'),
    (['status', '--port', 'emu', '--baud', '-1'],
     '--baud: must be a positive whole number'),
    (['emulator', '--flash-size', '0'],
     '--flash-size: must be a positive whole number')])
def test_numbers_out_of_range_are_usage_errors(args, said):
    done, _ = runner(*args, timeout=30)
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stderr and 'Traceback' not in done.stderr
