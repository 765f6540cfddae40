"""The runner's commands: provision, monitor, reset, status.

    python -m device_runner provision --port /dev/ttyUSB0 --wifi-ssid lab
    python -m device_runner provision --port emu     # an emulated board, until Ctrl-C
    python -m device_runner provision --port emu --heap-size 163840   # ... with an ESP32's heap
    python -m device_runner monitor --port /dev/ttyUSB0 --seconds 30
    python -m device_runner reset --port /dev/ttyUSB0 --wait
    python -m device_runner status --port /dev/ttyUSB0

The WiFi password comes from --wifi-password or, better, WIFI_PASSWORD; it
is blanked out of everything printed and logged. Failures print one
``error:`` line and exit 1.
"""
import os
import sys
import time

from device_runner.arguments import heap_bytes, port_number, positive
from device_runner.board import Board, BoardError
from device_runner.provision import READY, BoardSettings, Ready, provision
from device_runner.serial_log import Redactor, SerialLog
from device_runner.session import EMULATED

DEFAULT_LOG = os.path.join('reports', 'device', 'serial.log')


def _board_arguments(parser, emulated=False):
    parser.add_argument('--port', required=True,
                        help='COM3, /dev/ttyUSB0, a pty, socket://HOST:PORT '
                        'or rfc2217://HOST:PORT' + (
                            ', or emu for an emulated board' if emulated
                            else ''))
    parser.add_argument('--baud', type=positive(int), default=115200)
    parser.add_argument('--log', default=DEFAULT_LOG,
                        help='serial log file (default: %(default)s)')


def add_commands(subparsers):
    provision_parser = subparsers.add_parser(
        'provision', help='copy the server and the fixture app, start them')
    _board_arguments(provision_parser, emulated=True)
    provision_parser.add_argument('--wifi-ssid', help='default: $WIFI_SSID')
    provision_parser.add_argument('--wifi-password',
                                  help='default: $WIFI_PASSWORD')
    provision_parser.add_argument('--http-port', type=port_number, default=80)
    forms = provision_parser.add_mutually_exclusive_group()
    forms.add_argument('--mpy', dest='mpy', action='store_true',
                       default=None, help='copy the server compiled by '
                       'mpy-cross (default: when the board loads what it '
                       'makes)')
    forms.add_argument('--py', dest='mpy', action='store_false',
                       help='copy the server\'s sources')
    provision_parser.add_argument('--timeout', type=positive(float), default=60,
                                  help='seconds to wait for the ready line')
    provision_parser.add_argument('--heap-size', type=heap_bytes, metavar='BYTES',
                                  help='the emulated board\'s MicroPython '
                                  'heap (--port emu only; default 2 MB)')
    provision_parser.set_defaults(func=_guarded(run_provision))

    monitor_parser = subparsers.add_parser(
        'monitor', help='print (and log) what the board sends')
    _board_arguments(monitor_parser)
    monitor_parser.add_argument('--seconds', type=float,
                                help='stop after this long (default: Ctrl-C)')
    monitor_parser.set_defaults(func=_guarded(run_monitor))

    reset_parser = subparsers.add_parser('reset', help='hard-reset the board')
    _board_arguments(reset_parser)
    reset_parser.add_argument('--wait', action='store_true',
                              help='wait for the fixture\'s ready line')
    reset_parser.add_argument('--timeout', type=float, default=60)
    reset_parser.set_defaults(func=_guarded(run_reset))

    status_parser = subparsers.add_parser(
        'status', help='what the board runs and has installed')
    _board_arguments(status_parser)
    status_parser.set_defaults(func=_guarded(run_status))


def _guarded(command):
    # Every failure is one readable line and exit status 1.
    def run(args):
        redactor = Redactor([getattr(args, 'wifi_password', None),
                             os.environ.get('WIFI_PASSWORD')])
        try:
            return command(args, redactor)
        except BoardError as exc:
            print('error: %s' % redactor.text(str(exc)), file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
    return run


def _open(args, redactor, echo=None):
    folder = os.path.dirname(args.log)
    if folder:
        os.makedirs(folder, exist_ok=True)
    log = SerialLog(args.log, redactor, echo=echo)
    try:
        return Board(args.port, args.baud, log, redactor).open(), log
    except BoardError:
        log.close()
        raise


def run_provision(args, redactor):
    if args.port == EMULATED:
        return _provision_emulated(args, redactor)
    if args.heap_size is not None:
        raise BoardError('--heap-size is for the emulated board (--port emu);'
                         ' a real board\'s heap is what its firmware gives')
    settings = BoardSettings.from_options(args.wifi_ssid, args.wifi_password,
                                          args.http_port)
    redactor.add(settings.wifi_password)
    board, log = _open(args, redactor)
    try:
        ready = provision(board, settings, mpy=args.mpy,
                          ready_timeout=args.timeout)
    finally:
        board.close()
        log.close()
    _say_ready(ready)
    return 0


def _say_ready(ready):
    print('READY %s' % ready.base_url)
    print('next: pytest --target=url --base-url %s --profile esp32'
          '   (a Pico W: --profile rp2)' % ready.base_url)


def _provision_emulated(args, redactor):
    # The emulated board lives as long as this command: provision it, then
    # keep its serial output flowing until Ctrl-C.
    from device_runner.emulator import Emulator, EmulatorError
    from mpy_http_conformance.process import free_port
    settings = BoardSettings(args.wifi_ssid or 'conformance-emulator',
                             args.wifi_password or 'emulated',
                             free_port() if args.http_port == 80
                             else args.http_port)
    redactor.add(settings.wifi_password)
    try:
        emulator = Emulator(None, wifi_ssid=settings.wifi_ssid,
                            wifi_password=settings.wifi_password,
                            heap_size=args.heap_size).start()
    except EmulatorError as exc:
        raise BoardError('the emulated board did not start: %s' % exc)
    try:
        args.port = emulator.port
        board, log = _open(args, redactor)
        try:
            _say_ready(provision(board, settings, mpy=args.mpy,
                                 ready_timeout=args.timeout))
            print('the emulated board on %s serves until Ctrl-C'
                  % emulator.port, flush=True)
            while True:
                board.drain(0.5)
        finally:
            board.close()
            log.close()
    finally:
        emulator.stop()


def run_monitor(args, redactor):
    board, log = _open(args, redactor, echo=print)
    try:
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while deadline is None or time.monotonic() < deadline:
            board.drain(0.5)
    finally:
        board.close()
        log.close()
    return 0


def run_reset(args, redactor):
    board, log = _open(args, redactor)
    try:
        board.interrupt()
        board.enter_raw()
        board.hard_reset()
        if args.wait:
            ready = Ready(board.wait_for_line((READY,), args.timeout))
            print('READY %s' % ready.base_url)
    finally:
        board.close()
        log.close()
    return 0


STATUS_EXPRESSIONS = (
    # the release (1.22.2), not sys.version's language level (3.4.0)
    ('MicroPython', "(lambda v: '.'.join(str(n) for n in v[:3]) + ('-' + "
                    "v[3] if len(v) > 3 and v[3] else ''))(__import__('sys')"
                    ".implementation.version)"),
    ('machine', "__import__('sys').implementation._machine"),
    ('free flash', "(lambda s: '%d KB' % (s[0] * s[3] // 1024))"
                   "(__import__('os').statvfs('/'))"),
    ('free RAM', "(lambda gc: (gc.collect(), '%d KB' % (gc.mem_free() // "
                 "1024))[1])(__import__('gc'))"),
    ('files in /', "sorted(__import__('os').listdir('/'))"),
    ('files in /lib', "sorted(__import__('os').listdir('/lib')) if 'lib' in "
                      "__import__('os').listdir('/') else []"),
    ('WiFi network', "__import__('json').load(open('/settings.json'))"
                     ".get('wifi_ssid') if 'settings.json' in "
                     "__import__('os').listdir('/') else None"),
)


def run_status(args, redactor):
    board, log = _open(args, redactor)
    try:
        board.interrupt()
        board.enter_raw()
        for label, expression in STATUS_EXPRESSIONS:
            try:
                value = board.eval(expression)
            except BoardError as exc:
                value = 'unknown (%s)' % exc
            print('%-13s %s' % (label + ':', redactor.text(str(value))))
        board.transport.exit_raw_repl()
    finally:
        board.close()
        log.close()
    return 0
