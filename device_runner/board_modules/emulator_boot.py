# What a board's firmware does before its REPL, for the emulated board.
#
# device_runner.emulator runs `micropython -i emulator_boot.py` (MicroPython, not
# CPython) with the board's settings as JSON in $DEVICE_RUNNER_BOARD, then relays
# the REPL that follows. This script mounts the flash directory as / and runs
# boot.py, then main.py when the settings say so, in the REPL's globals as a
# real board does. machine and network are imported before / becomes the flash
# directory, so they stay importable like built-in modules.


def _emulator_setup():
    import micropython

    micropython.kbd_intr(-1)  # Ctrl-C now reaches the REPL as a byte, not SIGINT
    import json
    import os
    import sys
    import vfs

    settings = json.loads(os.getenv("DEVICE_RUNNER_BOARD"))
    import machine
    import network
    import socket

    machine._configure(settings)
    network._configure(settings)
    socket._configure(settings)
    vfs.umount("/")
    flash = vfs.VfsPosix(settings["flash"])
    if settings.get("flash_size"):
        flash = _emulator_small_flash(vfs, settings["flash"], settings["flash_size"])
    vfs.mount(flash, "/")
    os.chdir("/")
    sys.path[:] = ["", ".frozen", "/lib"]
    os.unsetenv("DEVICE_RUNNER_BOARD")
    return settings


def _emulator_small_flash(vfs, root, size):
    # A flash of `size` bytes: os.statvfs() counts what the files use, as a
    # real board's filesystem does, so a runner sees how full it is.
    class SmallFlash(vfs.VfsPosix):
        def statvfs(self, path):
            block = 4096
            free = max(0, size - _emulator_used("/")) // block
            return (block, block, size // block, free, free, 0, 0, 0, 0, 255)

    return SmallFlash(root)


def _emulator_used(folder):
    import os

    used = 0
    for name, kind, *_ in os.ilistdir(folder):
        path = folder.rstrip("/") + "/" + name
        used += _emulator_used(path) if kind == 0x4000 else os.stat(path)[6]
    return used


def _emulator_run(name):
    import machine
    import os

    try:
        os.stat(name)
    except OSError:
        return
    try:
        execfile(name, globals())
    except SystemExit:
        machine._reset_process("soft")  # a real board soft-resets here
    except BaseException as error:  # KeyboardInterrupt too: the REPL comes next
        _emulator_print_exception(error)


def _emulator_print_exception(error):
    # As a real board shows it: without the frame of this script.
    import io
    import sys

    text = io.StringIO()
    sys.print_exception(error, text)
    for line in text.getvalue().split("\n")[:-1]:
        if "emulator_boot.py" not in line:
            print(line)


def _emulator_boot():
    import micropython
    import sys

    settings = None
    while settings is None:
        try:
            settings = _emulator_setup()
        except KeyboardInterrupt:  # came before kbd_intr(-1) took effect
            pass
    micropython.kbd_intr(3)
    _emulator_run("boot.py")
    if settings["run_main"]:
        _emulator_run("main.py")
    if settings["raw_repl"]:
        sys.stdout.write(settings["repl_mark"])


_emulator_boot()
del _emulator_setup, _emulator_run, _emulator_print_exception, _emulator_boot
del _emulator_small_flash
