"""Upstream microdot, installed beside the project for comparisons.

    path = upstream_microdot('1.3.4')   # .cache/upstream/microdot-1.3.4
    path = upstream_microdot('2.7.0')   # holds the microdot/ package

It is installed with pip into a folder of its own (never into the project's
environment, whose ``microdot`` is the reference) the first time it is asked
for. Put the folder on ``PYTHONPATH`` or ``MICROPYPATH`` and ``from microdot
import Microdot`` finds it: microdot 1.x is a module, 2.x a package.
"""
import os
import shutil
import tempfile

from conformance.peer_install import InstallError, pip_install

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, '.cache', 'upstream')


class UpstreamError(Exception):
    pass


def is_installed(folder):
    return os.path.exists(os.path.join(folder, 'microdot.py')) or \
        os.path.exists(os.path.join(folder, 'microdot', '__init__.py'))


def upstream_microdot(version='1.3.4'):
    """The folder holding ``microdot`` of that version."""
    folder = os.path.join(CACHE, 'microdot-' + version)
    if not is_installed(folder):
        # Installed beside, then renamed into place: two processes asking
        # at once (tests in parallel) never see half an installation.
        os.makedirs(CACHE, exist_ok=True)
        partial = tempfile.mkdtemp(prefix='.microdot-' + version, dir=CACHE)
        try:
            pip_install(['microdot==' + version], '--no-deps', '--target',
                        partial)
            os.rename(partial, folder)
        except InstallError as exc:
            raise UpstreamError(str(exc))
        except OSError:
            if not is_installed(folder):  # else another process was first
                raise
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    return folder
