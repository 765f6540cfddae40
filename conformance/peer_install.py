"""Packages from PyPI installed beside the project, never into its own
environment: each set into a virtualenv of its own under ``.peers/``::

    venv = install_venv('microdot-2.7', ['microdot==2.7.0'])
    venv.python          # .peers/microdot-2.7/bin/python, for CPython peers
    venv.site_packages   # on MICROPYPATH, for MicroPython peers

The first call installs; later calls find the same requirements installed
and return at once. Processes that ask for one virtualenv at once (tests
in parallel workers) take turns: the first installs, the others find it.
``pip_install`` is the one place pip runs (also for ``bench/upstream.py``'s
``--target`` folders).
"""
import glob
import os
import subprocess
import sys

try:
    import fcntl
except ImportError:  # Windows: no locks, and no parallel installs either
    fcntl = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS_DIR = os.path.join(ROOT, '.peers')
STAMP = 'installed.txt'  # the requirements, written once they are in


class InstallError(Exception):
    """pip could not install a peer's packages (the message says why)."""


def pip_install(requirements, *options, python=None):
    """``pip install`` the requirements with extra ``options`` (such as
    ``--target DIR``), by this Python's pip, into ``python``'s environment
    when given; InstallError with pip's last words when it fails."""
    argv = [sys.executable, '-m', 'pip']
    if python is not None:
        argv += ['--python', python]
    argv += ['install', '--quiet', '--disable-pip-version-check']
    done = subprocess.run(argv + list(options) + list(requirements),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise InstallError('pip could not install %s: %s' % (
            ' '.join(requirements), _last_words(done.stderr)))


class Venv:
    """A virtualenv under ``.peers/``."""

    def __init__(self, folder):
        self.folder = folder
        self.python = os.path.join(folder, 'bin', 'python')

    @property
    def site_packages(self):
        found = glob.glob(os.path.join(self.folder, 'lib', 'python*',
                                       'site-packages'))
        if not found:
            raise InstallError('%s has no site-packages' % self.folder)
        return found[0]

    def installed(self, requirements):
        try:
            with open(os.path.join(self.folder, STAMP)) as f:
                return f.read().split() == list(requirements)
        except OSError:
            return False


def install_venv(name, requirements, root=None):
    """The virtualenv ``root/name`` (``.peers/name``) with ``requirements``
    installed in it."""
    venv = Venv(os.path.join(root or PEERS_DIR, name))
    if venv.installed(requirements):
        return venv
    os.makedirs(os.path.dirname(venv.folder), exist_ok=True)
    with open(venv.folder + '.lock', 'w') as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another may be installing it
        if not venv.installed(requirements):
            _install(venv, requirements)
    return venv


def _install(venv, requirements):
    made = subprocess.run([sys.executable, '-m', 'venv', '--clear',
                           '--without-pip', venv.folder],
                          capture_output=True, text=True)
    if made.returncode != 0:
        raise InstallError('cannot make the virtualenv %s: %s' % (
            venv.folder, _last_words(made.stderr)))
    if requirements:
        pip_install(requirements, python=venv.python)
    with open(os.path.join(venv.folder, STAMP), 'w') as f:
        f.write('\n'.join(requirements) + '\n')


def _last_words(text):
    lines = [line for line in text.strip().splitlines()
             if 'is ignored: it is neither a file nor a directory' not in line]
    return ' / '.join(lines[-3:]) or 'no output'
