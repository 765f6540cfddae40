"""The implementations the matrix compares ("peers"): what each is, how it
is installed and how its server is started::

    peer = find_peer('microdot-2.7')
    peer.install()                 # .peers/microdot-2.7/ (a virtualenv), once
    pytest -p conformance.peer_targets --target=microdot-2.7   # its server

The reference is run by the suite's own ``local`` and ``micropython``
targets; every other peer by a ``PeerTarget`` of its name. Upstream
microdot serves ``fixtures/app.py`` itself; every other framework serves
the contract through an adapter in ``fixtures/peers/``. A peer's profile
(``fixtures/profiles/``) declares its limits and the routes it cannot
serve (``missing_routes``).
"""
import os
import sys
from functools import partial

from mpy_http_conformance import fixture_path
from mpy_http_conformance.process import find_micropython

from conformance.peer_install import InstallError, install_venv
from conformance.targets import ProcessTarget, register_target
from conformance.verdicts import HarnessError

CPYTHON, MICROPYTHON = 'CPython', 'MicroPython'


class Peer:
    """One column of the matrix: a server on one interpreter.

    ``target`` is the suite's target for it: ``local`` or ``micropython``
    (the reference), or the peer's own name (a ``PeerTarget``). ``venv``
    names the virtualenv under ``.peers/`` that holds ``packages``; columns
    of one package on both interpreters share it."""

    def __init__(self, name, label, runtime, profile, target=None, app=None,
                 packages=(), venv=None, micropypath=()):
        self.name = name
        self.label = label
        self.runtime = runtime
        self.profile = profile
        self.target = target or name
        self.adapted = target is None  # served by a PeerTarget
        self.app = app
        self.packages = list(packages)
        self.venv_name = venv or name
        self.micropypath = list(micropypath)
        self.venv = None

    def __repr__(self):
        return '<Peer %s>' % self.name

    def describe(self):
        return {'name': self.name, 'label': self.label,
                'runtime': self.runtime, 'target': self.target,
                'reference': not self.adapted,
                'packages': self.packages, 'profile': self.profile,
                'app': os.path.relpath(self.app, fixture_path('..'))
                if self.app else None}

    def install(self):
        """Install the packages (once); InstallError says why not."""
        if self.adapted:
            self.venv = install_venv(self.venv_name, self.packages)

    def command(self, port):
        """The argv and extra environment that serve the contract on
        ``port`` (after ``install``)."""
        argv = [self.app, '--port', str(port), '--host', '127.0.0.1']
        if self.runtime == MICROPYTHON:
            path = [self.venv.site_packages] + self.micropypath + ['.frozen']
            return [find_micropython()] + argv, {'MICROPYPATH': ':'.join(path)}
        return [self.venv.python] + argv, {'PYTHONUNBUFFERED': '1'}


class PeerTarget(ProcessTarget):
    """A peer's server as a target of the suite: started on a free loopback
    port, stopped afterwards and restarted when it stops serving, like the
    reference's ``local`` target (``conformance.peer_targets`` registers
    one per peer)."""

    def __init__(self, peer, options, profile, report_dir):
        super().__init__(options, profile, report_dir)
        self.peer = peer
        self.name = peer.name

    def command(self):
        if self.peer.venv is None:
            try:
                self.peer.install()
            except InstallError as exc:
                raise HarnessError(str(exc))
        return self.peer.command(self.port)

    def describe(self):
        return dict(super().describe(), peer=self.peer.describe())


def _adapter(name):
    return fixture_path('peers', name + '.py')


def _board_modules():
    # the emulated board's network and machine modules, which phew imports
    return os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), 'device_runner', 'board_modules')


PYTHON = 'CPython %d.%d' % sys.version_info[:2]
PEERS = [
    Peer('reference', 'reference', PYTHON, 'reference', target='local'),
    Peer('reference-micropython', 'reference', MICROPYTHON,
         'reference-micropython', target='micropython'),
    Peer('microdot-1.3.4', 'microdot 1.3.4', PYTHON, 'microdot',
         app=fixture_path('app.py'), packages=['microdot==1.3.4']),
    Peer('microdot-1.3.4-micropython', 'microdot 1.3.4', MICROPYTHON,
         'microdot', app=fixture_path('app.py'),
         packages=['microdot==1.3.4'], venv='microdot-1.3.4'),
    Peer('microdot-2.7', 'microdot 2.7.0', PYTHON, 'microdot',
         app=fixture_path('app.py'), packages=['microdot==2.7.0']),
    Peer('microdot-2.7-micropython', 'microdot 2.7.0', MICROPYTHON,
         'microdot', app=fixture_path('app.py'),
         packages=['microdot==2.7.0'], venv='microdot-2.7'),
    Peer('adafruit-httpserver', 'adafruit-circuitpython-httpserver 4.8.2',
         PYTHON, 'adafruit-httpserver', app=_adapter('adafruit_httpserver_peer'),
         packages=['adafruit-circuitpython-httpserver==4.8.2']),
    Peer('chumicro-http-server', 'chumicro-http-server 0.21.3', PYTHON,
         'chumicro-http-server', app=_adapter('chumicro_http_server_peer'),
         packages=['chumicro-http-server==0.21.3']),
    Peer('phew', 'micropython-phew 0.0.3', MICROPYTHON, 'phew',
         app=_adapter('phew_peer'), packages=['micropython-phew==0.0.3'],
         micropypath=[fixture_path('peers'), _board_modules()]),
    Peer('http.server', 'http.server', PYTHON, 'http.server',
         app=_adapter('http_server_peer'), venv='http-server'),
]


def peer_names():
    return [p.name for p in PEERS]


def find_peer(name):
    for peer in PEERS:
        if peer.name == name:
            return peer
    raise HarnessError('no peer %r; the peers are %s' % (
        name, ', '.join(peer_names())))



def register_peer_targets():
    """Make ``--target=<peer>`` start that peer (for the peers that the
    suite has no target of its own for)."""
    for peer in PEERS:
        if peer.adapted:
            register_target(peer.name, partial(PeerTarget, peer), peer.profile)
