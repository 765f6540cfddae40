"""Headless Chromium as the tests drive it: the DOM a page renders, and a
screenshot. Each call gets a fresh profile folder and nothing that reaches
out (no QUIC, sync, component updates or background requests)::

    html = dump_dom('file:///.../index.html')
    screenshot('file:///.../index.html', 'out.png', (1400, 1800))

Without Chromium the calling test FAILs with one line saying how to
install it (these tests are the check that a browser reads the reports;
skipping them would hide that nothing checked).
"""
import os
import shutil
import subprocess
import tempfile

import pytest

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
         '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync']
INSTALL = ('chromium is not installed: apt-get install -y chromium '
           '(Debian/Ubuntu; or set CHROMIUM to a Chromium binary)')
TIMEOUT = 120  # seconds for one page


def chromium():
    found = os.environ.get('CHROMIUM') or shutil.which('chromium') or \
        shutil.which('chromium-browser')
    if not found:
        pytest.fail(INSTALL, pytrace=False)
    return found


def _run(*args):
    with tempfile.TemporaryDirectory(prefix='chromium-') as profile:
        done = subprocess.run(
            [chromium()] + FLAGS + ['--user-data-dir=' + profile] +
            list(args), capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        pytest.fail('chromium exited with status %d: %s' % (
            done.returncode, done.stderr.strip()[-500:]), pytrace=False)
    return done.stdout


def dump_dom(url):
    """The page's DOM after it loaded, serialised as HTML."""
    return _run('--dump-dom', url)


def screenshot(url, path, size):
    """A PNG of the page's first ``size`` (width, height) pixels."""
    _run('--screenshot=' + os.path.abspath(path),
         '--window-size=%d,%d' % size, '--hide-scrollbars', url)
    return path
