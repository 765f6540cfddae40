"""What a user sees from the command line: pytest options and the
``python -m conformance`` commands, including their errors."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def run(*args, timeout=120):
    return subprocess.run([sys.executable] + list(args), cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def pytest_run(*args):
    return run('-m', 'pytest', '-p', 'no:cacheprovider', *args)


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


def test_url_target_needs_base_url():
    done = pytest_run('--target=url', '-k', '405-allow')
    assert done.returncode == 3
    assert 'needs --base-url' in done.stdout + done.stderr


def test_unknown_profile_is_a_usage_error():
    done = pytest_run('--profile=nope')
    assert done.returncode == 4 and 'known profiles' in done.stderr


def test_list_cases_option_follows_selection():
    done = pytest_run('--list-cases', '-m', 'methods and must')
    assert done.returncode == 0
    listed = [line for line in done.stdout.splitlines()
              if line.startswith('RFC')]
    assert listed and all(' methods ' in line and ' MUST ' in line
                          for line in listed)


def test_a_selected_run_writes_the_reports(tmp_path):
    done = pytest_run('--target=local', '-m', 'methods',
                      '--report-dir', str(tmp_path))
    assert done.returncode == 0, done.stdout[-3000:]
    folder = tmp_path / 'local'
    assert sorted(os.listdir(folder)) == ['index.html', 'junit.xml',
                                          'results.json', 'server.log']
    data = json.loads((folder / 'results.json').read_text())
    assert data['cases'] and {c['area'] for c in data['cases']} == {'methods'}
    assert done.stdout.rstrip().endswith('verdict: conformant')
