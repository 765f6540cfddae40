"""Upstream microdot, installed beside the project for comparisons.

    path = upstream_microdot('1.3.4')   # .cache/upstream/microdot-1.3.4

It is installed with pip into a folder of its own (never into the project's
environment, whose ``microdot`` is the reference) the first time it is asked
for.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, '.cache', 'upstream')


class UpstreamError(Exception):
    pass


def upstream_microdot(version='1.3.4'):
    """The folder holding ``microdot.py`` of that version."""
    folder = os.path.join(CACHE, 'microdot-' + version)
    if not os.path.exists(os.path.join(folder, 'microdot.py')):
        done = subprocess.run(
            [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
             '--disable-pip-version-check', '--target', folder,
             'microdot==' + version], capture_output=True, text=True)
        if done.returncode != 0:
            raise UpstreamError('pip could not install microdot==%s:\n%s' % (
                version, done.stderr.strip()[-2000:]))
    return folder
