"""What a user sees from the command line: pytest options and the
``python -m conformance`` commands, including their errors."""
import json
import os
import socket
import subprocess
import sys

import pytest

from conformance.rules import RULES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def run(*args, timeout=120, cwd=ROOT):
    # This checkout's suite, from any folder, even when the environment has
    # another checkout installed (an editable install of a sibling worktree)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + [p for p in [os.environ.get('PYTHONPATH')] if p]))
    return subprocess.run([sys.executable] + list(args), cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def pytest_run(*args, cwd=ROOT):
    return run('-m', 'pytest', '-p', 'no:cacheprovider', *args, cwd=cwd)


def collected(done):
    """The number of cases a ``--collect-only -q`` run listed."""
    return sum(1 for line in done.stdout.splitlines()
               if line.startswith('conformance::'))


def test_list_cases():
    done = run('-m', 'conformance', 'list')
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) >= 80
    assert 'RFC9110-15.5.6-405-allow' in done.stdout


def test_replay_unknown_case():
    done = run('-m', 'conformance', 'replay', 'RFC9110-405', '--target',
               'local')
    assert done.returncode == 2
    assert 'no case RFC9110-405; did you mean' in done.stderr
    assert 'Traceback' not in done.stderr


def test_replay_needs_a_target():
    done = run('-m', 'conformance', 'replay', 'RFC9110-9.3.1-get')
    assert done.returncode == 2 and '--base-url' in done.stderr


def test_replay_against_nothing_listening():
    done = run('-m', 'conformance', 'replay', 'RFC9110-9.3.1-get',
               '--base-url', 'http://127.0.0.1:9')
    assert done.returncode == 2
    assert 'does not answer' in done.stderr and 'Traceback' not in done.stderr


def test_replay_a_case_on_the_reference():
    done = run('-m', 'conformance', 'replay', 'RFC9110-15.5.6-405-allow',
               '--target', 'local')
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith('PASS RFC9110-15.5.6-405-allow')
    assert '>>> request' in done.stdout and 'Allow:' in done.stdout


def test_unknown_target_is_a_usage_error():
    done = pytest_run('--target=nowhere')
    assert done.returncode == 4
    assert 'unknown --target' in done.stderr


def test_unknown_target_lists_every_target():
    done = pytest_run('--target=esp8266')
    for name in ('local', 'micropython', 'url', 'esp32', 'rp2'):
        assert name in done.stderr


def test_url_target_needs_base_url():
    done = pytest_run('--target=url', '-k', '405-allow')
    assert done.returncode == 4
    assert 'needs --base-url' in done.stderr


def test_unknown_profile_is_a_usage_error():
    done = pytest_run('--target=local', '--profile=nope')
    assert done.returncode == 4 and 'known profiles' in done.stderr


@pytest.mark.parametrize('option', [
    '--fuzz-examples=-3', '--fuzz-examples=x', '--read-timeout=0',
    '--read-timeout=nan', '--read-timeout=inf', '--baud=0'])
def test_a_number_out_of_range_is_a_usage_error(option):
    done = pytest_run('--target=local', option)
    assert done.returncode == 4, done.stdout[-2000:]
    name, _, value = option.partition('=')
    assert 'argument %s: must be a positive' % name in done.stderr
    assert repr(value) in done.stderr


@pytest.mark.parametrize('argv, said', [
    (['serve', '--port', '70000'], 'argument --port: must be a TCP port'),
    (['serve', '--micropython', '--heap-size', '100'],
     'argument --heap-size: must be a number of bytes, at least 16384'),
    (['serve', '--py'], '--py is for --micropython'),
    (['matrix', '--jobs', '0'], 'argument --jobs: must be a positive'),
    (['replay', 'RFC9110-15.5.6-405-allow', '--target', 'local',
      '--fuzz-examples', '0'], 'argument --fuzz-examples: must be a')])
def test_commands_refuse_numbers_out_of_range(argv, said):
    done = run('-m', 'conformance', *argv)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert 'Traceback' not in done.stderr


@pytest.mark.parametrize('interpreter', [[], ['--micropython'],
                                         ['--micropython', '--py']])
def test_serving_on_a_port_in_use_says_so_in_one_line(interpreter):
    with socket.socket() as taken:
        taken.bind(('127.0.0.1', 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run('-m', 'conformance', 'serve', '--port', str(port),
                   *interpreter, timeout=30)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 1, done.stdout
    assert 'cannot serve on 127.0.0.1 port %d' % port in done.stdout
    assert 'EADDRINUSE' in done.stdout or 'in use' in done.stdout
    assert 'Traceback' not in done.stdout + done.stderr


def test_a_target_that_is_not_there_says_so_in_one_line(tmp_path):
    stale = tmp_path / 'url'
    stale.mkdir()
    (stale / 'results.json').write_text('{"from": "an earlier run"}')
    done = pytest_run('--target=url', '--base-url', 'http://127.0.0.1:9',
                      '--report-dir', str(tmp_path))
    assert done.returncode == 3
    said = [line for line in done.stdout.splitlines()
            if line.startswith('conformance: cannot start the url target')]
    assert len(said) == 1 and 'does not answer' in said[0]
    assert 'Exit' not in done.stdout + done.stderr
    assert 'Traceback' not in done.stdout + done.stderr
    data = json.loads((stale / 'results.json').read_text())
    assert data['start_error'] and not data['cases']
    assert 'did not start' in (stale / 'index.html').read_text()


def test_a_missing_serial_port_is_named_before_wifi(tmp_path):
    done = pytest_run('--target=esp32', '--port', str(tmp_path / 'ttyUSB9'),
                      '--report-dir', str(tmp_path), cwd=str(tmp_path))
    assert done.returncode == 3
    assert 'serial port %s not found' % (tmp_path / 'ttyUSB9') in done.stdout
    assert 'WiFi' not in done.stdout


def test_collection_does_not_depend_on_option_spelling(tmp_path):
    """An option value that is an existing path, written with a space,
    must not move pytest's root and bring the project's tests in."""
    reports = tmp_path / 'reports'
    reports.mkdir()
    spellings = [('--report-dir=%s' % reports,),
                 ('--report-dir', str(reports)),
                 ('--profile', os.path.join(ROOT, 'fixtures', 'profiles',
                                            'reference.json'))]
    port = tmp_path / 'ttyUSB0'  # a serial port that exists
    port.write_text('')
    runs = [('--target=local',) + options for options in spellings] + [
        ('--target=esp32', '--port', str(port)),
        ('--target=esp32', '--port=%s' % port), ('--target=esp32', '--port',
                                                 'emu')]
    counts = set()
    for cwd in (ROOT, str(tmp_path)):
        for options in runs:
            done = pytest_run('--collect-only', '-q', *options, cwd=cwd)
            assert done.returncode == 0, done.stdout[-2000:]
            assert 'tests/' not in done.stdout
            counts.add(collected(done))
    listed = run('-m', 'conformance', 'list')
    assert counts == {len(listed.stdout.splitlines())}


def test_without_target_the_plugin_stays_out_of_the_way(tmp_path):
    (tmp_path / 'test_mine.py').write_text('def test_mine():\n    pass\n')
    done = pytest_run('-q', cwd=str(tmp_path))
    assert done.returncode == 0, done.stdout
    assert '1 passed' in done.stdout and 'conformance' not in done.stdout
    assert not (tmp_path / 'reports').exists()


def test_a_partial_run_says_so(tmp_path):
    done = pytest_run('--target=local', '-k', '405-allow', '--report-dir',
                      str(tmp_path))
    assert done.returncode == 0, done.stdout[-2000:]
    assert 'partial run: 1 of' in done.stdout
    data = json.loads((tmp_path / 'local' / 'results.json').read_text())
    assert data['selection']['partial'] and data['selection']['selected'] == 1
    assert 'Partial run' in (tmp_path / 'local' / 'index.html').read_text()


def test_list_cases_option_follows_selection():
    done = pytest_run('--list-cases', '-m', 'methods and must')
    assert done.returncode == 0
    listed = [line for line in done.stdout.splitlines()
              if line.startswith(('RFC', 'CONTRACT-'))]
    cases = [line for line in listed if ' rules ' not in line]
    assert cases and all(' methods ' in line and ' MUST ' in line
                         for line in cases)
    # the rules every case is held to come with any selection
    assert len(listed) - len(cases) == len(RULES)


def test_a_selected_run_writes_the_reports(tmp_path):
    done = pytest_run('--target=local', '-m', 'methods',
                      '--report-dir', str(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:]
    folder = tmp_path / 'local'
    assert sorted(os.listdir(folder)) == ['index.html', 'junit.xml',
                                          'results.json', 'server.log']
    data = json.loads((folder / 'results.json').read_text())
    assert data['cases'] and {c['area'] for c in data['cases']} == {
        'methods', 'rules'}
    assert done.stdout.rstrip().endswith('verdict: conformant')
