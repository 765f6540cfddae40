"""The CI workflow (.github/workflows/conformance.yml): it parses, it has the
jobs and steps the project relies on, and actionlint finds nothing in it
(where actionlint is installed: the dev extra brings it on Linux x86-64)."""
import os
import platform
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
WORKFLOW = os.path.join(ROOT, '.github', 'workflows', 'conformance.yml')


@pytest.fixture(scope='module')
def workflow():
    with open(WORKFLOW) as f:
        return yaml.safe_load(f)


def steps(workflow, job):
    return workflow['jobs'][job]['steps']


def runs(workflow, job):
    """Every shell command of a job, as one text."""
    return '\n'.join(step.get('run', '') for step in steps(workflow, job))


def uses(workflow, job, action):
    """The steps of a job that use ``action`` (any version)."""
    return [step for step in steps(workflow, job)
            if step.get('uses', '').split('@')[0] == action]


def test_runs_on_every_push_and_pull_request(workflow):
    triggers = workflow.get('on', workflow.get(True))  # YAML 1.1: on = true
    assert 'push' in triggers and 'pull_request' in triggers
    assert not (triggers['push'] or {}).get('branches')


def test_the_tests_and_the_suite_on_every_reference_target(workflow):
    assert 'tox -e tests' in runs(workflow, 'tests')
    assert 'tox -e lint' in runs(workflow, 'tests')
    suite = runs(workflow, 'suite')
    assert 'tox -e conformance' in suite  # --target=local, then micropython
    assert 'tox -e board' in suite        # --target=esp32 --port emu


def test_the_matrix_with_its_summary_and_browser_check(workflow):
    matrix = runs(workflow, 'matrix')
    assert 'tox -e matrix' in matrix and 'tox -e browser' in matrix
    assert 'apt-get install -y chromium' in matrix
    assert 'reports/matrix/summary.md >> "$GITHUB_STEP_SUMMARY"' in matrix


@pytest.mark.parametrize('job', ['suite', 'matrix'])
def test_reports_are_kept_as_artifacts(workflow, job):
    upload = uses(workflow, job, 'actions/upload-artifact')
    assert upload and upload[0]['with']['path'].rstrip('/') == 'reports'
    assert upload[0]['if'] == 'always()'


def test_pages_are_published_from_main_only(workflow):
    on_main = "github.ref == 'refs/heads/main' && github.event_name == 'push'"
    content = uses(workflow, 'matrix', 'actions/upload-pages-artifact')
    assert content and content[0]['if'] == on_main
    assert content[0]['with']['path'].rstrip('/') == 'reports/matrix'
    pages = workflow['jobs']['pages']
    assert pages['if'] == on_main and pages['needs'] == 'matrix'
    assert pages['permissions'] == {'pages': 'write', 'id-token': 'write'}
    assert uses(workflow, 'pages', 'actions/deploy-pages')


def test_actionlint_finds_nothing():
    actionlint = shutil.which('actionlint') or shutil.which(
        'actionlint', path=os.path.dirname(sys.executable))
    if actionlint is None:
        # the dev extra installs it where a wheel exists: Linux x86-64
        assert not (sys.platform == 'linux' and platform.machine() ==
                    'x86_64'), "actionlint is missing: pip install -e '.[dev]'"
        print('no actionlint wheel for this platform: the structure tests '
              'stand alone')
        return
    done = subprocess.run([actionlint, '-no-color', WORKFLOW],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
