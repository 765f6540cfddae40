"""Upstream microdot, installed beside the project for comparisons.

    path = upstream_microdot('1.3.4')   # .cache/upstream/microdot-1.3.4

It is installed with pip into a folder of its own (never into the project's
environment, whose ``microdot`` is the reference) the first time it is asked
for.
"""
import os

from conformance.peer_install import InstallError, pip_install

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, '.cache', 'upstream')


class UpstreamError(Exception):
    pass


def upstream_microdot(version='1.3.4'):
    """The folder holding ``microdot.py`` of that version."""
    folder = os.path.join(CACHE, 'microdot-' + version)
    if not os.path.exists(os.path.join(folder, 'microdot.py')):
        try:
            pip_install(['microdot==' + version], '--no-deps', '--target',
                        folder)
        except InstallError as exc:
            raise UpstreamError(str(exc))
    return folder
