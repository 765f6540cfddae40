"""The profile's heap_size reaches the MicroPython that serves: the
``micropython`` target's command and the emulated board's session."""
import os
import subprocess
import sys

import pytest

from conformance.board_target import Esp32Target, RP2Target
from conformance.case import HarnessError
from conformance.profile import load_profile
from conformance.targets import LocalTarget, MicroPythonTarget

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def heap_option(argv):
    """The value of ``-X heapsize=`` in an argv, or None."""
    for flag, value in zip(argv, argv[1:]):
        if flag == '-X' and value.startswith('heapsize='):
            return value.split('=', 1)[1]
    return None


def test_the_micropython_target_runs_with_the_profile_heap(tmp_path):
    target = MicroPythonTarget({}, load_profile('reference-micropython'),
                               str(tmp_path))
    target.port = 8080
    argv, _ = target.command()
    assert heap_option(argv) == '229376'
    assert argv.index('-X') < argv.index(next(a for a in argv
                                              if a.endswith('app.py')))


def test_without_a_heap_size_the_port_keeps_its_default(tmp_path):
    profile = load_profile('reference-micropython').replace(heap_size=None)
    target = MicroPythonTarget({}, profile, str(tmp_path))
    target.port = 8080
    assert heap_option(target.command()[0]) is None


def test_cpython_has_no_heap_option(tmp_path):
    target = LocalTarget({}, load_profile('reference-micropython'),
                         str(tmp_path))
    target.port = 8080
    assert heap_option(target.command()[0]) is None


def test_a_heap_too_small_for_the_server_stops_it_starting(tmp_path):
    # the unix port honours the option: the import itself runs out of heap
    profile = load_profile('reference-micropython').replace(
        heap_size=32 * 1024, start_timeout=20)
    target = MicroPythonTarget({}, profile, str(tmp_path))
    with pytest.raises(HarnessError, match='exited with status'):
        target.start()
    log = (tmp_path / 'server.log').read_text()
    assert 'heapsize=32768' in log and 'MemoryError' in log


@pytest.mark.parametrize('target_class, profile', [
    (Esp32Target, 'esp32'), (RP2Target, 'rp2')])
def test_a_board_target_gives_the_emulated_board_its_profile_heap(
        tmp_path, target_class, profile):
    target = target_class({'port': 'emu'}, load_profile(profile),
                          str(tmp_path))
    assert target.session.heap_size == load_profile(profile).heap_size


def test_serve_takes_a_heap_size_only_for_micropython():
    done = subprocess.run([sys.executable, '-m', 'conformance', 'serve',
                           '--heap-size', '196608'], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == ("error: --heap-size is for --micropython;"
                                   " CPython's heap has no such limit")
