"""The pytest side of the suite: options, the target, verdicts, reports.

    pytest --target=local                      # reference under CPython
    pytest --target=micropython                # reference on MicroPython
    pytest --target=url --base-url http://192.168.1.50
    pytest -m "methods and must" -k 405        # select cases
    pytest --list-cases                        # what would run

Each case is one test (``conformance/test_cases.py``). FAIL and ERROR fail
it; NON-STRICT shows as xfail (and fails with ``--strict``); UNSUPPORTED is
skipped. The reports go to ``<report-dir>/<target>/`` and the summary table
is printed last.
"""
import datetime
import os
import sys
import time

import pytest

from conformance import targets
from conformance.case import (ERROR, FAIL, LEVELS, NON_STRICT, UNSUPPORTED,
                              HarnessError, all_cases, run_case)
from conformance.profile import ProfileError, load_profile
from conformance.report import run_failed, summary_table, write_reports

_RUN_KEY = pytest.StashKey()


def pytest_addoption(parser):
    group = parser.getgroup('conformance', 'HTTP conformance suite')
    group.addoption('--target', default='local',
                    help='local (default), micropython, url, esp32, rp2')
    group.addoption('--base-url', help='the server for --target=url')
    group.addoption('--profile', help='profile name (fixtures/profiles) or '
                    'path; default: the target\'s own')
    group.addoption('--report-dir', default=None,
                    help='where reports go (default: reports/); each target '
                    'writes into a folder of its own')
    # --strict is pytest's own option (strict markers, config, xfail); the
    # suite reads it too: with it, NON-STRICT verdicts fail the run.
    group.addoption('--fuzz-examples', type=int, default=None,
                    help='generated inputs per robustness case (default: '
                    'the profile\'s)')
    group.addoption('--fuzz-seed', type=int, default=0,
                    help='seed for generated inputs (default 0)')
    group.addoption('--read-timeout', type=float, default=None,
                    help='seconds to wait for an answer (default: the '
                    'profile\'s)')
    group.addoption('--list-cases', action='store_true',
                    help='list the selected cases and exit')
    board = parser.getgroup('board', 'board targets (--target=esp32/rp2)')
    board.addoption('--port', help='serial port: COM3, /dev/ttyUSB0, '
                    'socket://HOST:PORT, rfc2217://..., or emu')
    board.addoption('--baud', type=int, default=115200,
                    help='serial speed (default 115200)')
    board.addoption('--wifi-ssid', help='WiFi network (default: $WIFI_SSID)')
    board.addoption('--wifi-password', help='WiFi password (default: '
                    '$WIFI_PASSWORD, which keeps it off the command line)')
    board.addoption('--mpy', action='store_true',
                    help='copy the server compiled by mpy-cross')


def pytest_configure(config):
    areas = sorted({c.area for c in all_cases()})
    for area in areas:
        config.addinivalue_line('markers', '%s: conformance area' % area)
    for level in LEVELS:
        config.addinivalue_line('markers', '%s: cases at level %s' % (
            level.lower(), level))
    name = config.getoption('target')
    if name in ('esp32', 'rp2') and name not in targets.TARGETS:
        import device_runner.pytest_target  # noqa: F401  (registers them)
    if name not in targets.TARGETS:
        raise pytest.UsageError('unknown --target %r; choose from %s' % (
            name, ', '.join(sorted(targets.TARGETS))))
    try:
        profile = load_profile(config.getoption('profile') or
                               targets.DEFAULT_PROFILES[name])
    except ProfileError as exc:
        raise pytest.UsageError(str(exc))
    if config.getoption('read_timeout'):
        profile = profile.replace(read_timeout=config.getoption(
            'read_timeout'))
    report_root = config.getoption('report_dir') or os.path.join(
        str(config.rootpath), 'reports')
    config.stash[_RUN_KEY] = ConformanceRun(config, name, profile,
                                            os.path.join(report_root, name))


def pytest_collection_finish(session):
    if not session.config.getoption('list_cases'):
        return
    cases = [item.callspec.params['case'] for item in session.items
             if hasattr(item, 'callspec') and 'case' in item.callspec.params]
    for c in cases:
        print('%-44s %-13s %-6s %-22s %s' % (c.id, c.area, c.level, c.rfc,
                                             c.requirement))
    print('%d cases' % len(cases))
    pytest.exit('listed %d cases' % len(cases), returncode=0)


def pytest_unconfigure(config):
    run = config.stash.get(_RUN_KEY, None)
    if run is not None:
        run.finish()


@pytest.fixture(scope='session')
def conformance_run(request):
    run = request.config.stash[_RUN_KEY]
    run.start()
    return run


class ConformanceRun:
    """One run of the suite against one target."""

    def __init__(self, config, target_name, profile, report_dir):
        self.config = config
        self.target_name = target_name
        self.profile = profile
        self.report_dir = report_dir
        self.strict = config.getoption('strict')
        self.options = {
            'fuzz_examples': config.getoption('fuzz_examples') or
            profile.fuzz_examples,
            'fuzz_seed': config.getoption('fuzz_seed'),
        }
        self.target = None
        self.results = []
        self.started = None
        self.clock = None

    def start(self):
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.clock = time.monotonic()
        options = {name: self.config.getoption(name) for name in
                   ('base_url', 'port', 'baud', 'wifi_ssid', 'wifi_password',
                    'mpy')}
        try:
            target = targets.make_target(self.target_name, options,
                                         self.profile, self.report_dir)
            target.start()
        except HarnessError as exc:
            pytest.exit('cannot start the %s target: %s' % (
                self.target_name, exc), returncode=3)
        self.target = target
        self.profile = self.target.profile  # a target may refine it

    def check(self, case):
        result = run_case(case, self.target, self.options)
        self.results.append(result)
        if result.verdict in (FAIL, ERROR) or (
                result.verdict == NON_STRICT and self.strict):
            pytest.fail(self.explain(result), pytrace=False)
        if result.verdict == NON_STRICT:
            pytest.xfail('NON-STRICT: ' + self.explain(result))
        if result.verdict == UNSUPPORTED:
            pytest.skip(result.observed)

    def explain(self, result):
        c = result.case
        lines = ['%s %s (%s, %s)' % (result.verdict, c.id, c.level, c.rfc),
                 'requirement: ' + c.requirement,
                 'expected:    ' + result.expected,
                 'observed:    ' + result.observed]
        if result.evidence:
            last = result.evidence[-1]
            lines += ['request:', _indent(last['request']),
                      'response head:', _indent(last['response_head']
                                                or '(none)')]
        if result.detail:
            lines += ['detail:', _indent(result.detail)]
        lines.append('replay: ' + self.replay_command(c))
        return '\n'.join(lines)

    def replay_command(self, case):
        where = ('--target %s' % self.target_name
                 if self.target_name in ('local', 'micropython')
                 else '--base-url %s' % self.target.base_url)
        profile = self.config.getoption('profile')
        return 'python -m conformance replay %s %s%s' % (
            case.id, where, ' --profile %s' % profile if profile else '')

    def finish(self):
        if self.target is None:
            return
        self.target.stop()
        run = {
            'target': self.target.describe(),
            'profile': self.profile.as_dict(),
            'strict': self.strict,
            'started': self.started.isoformat(timespec='seconds'),
            'duration': time.monotonic() - self.clock,
            'results': self.results,
        }
        paths = write_reports(self.report_dir, run)
        out = sys.stdout
        if not self.strict:
            # pytest shows these as xfail, without their evidence
            for result in self.results:
                if result.verdict == NON_STRICT:
                    out.write('\n' + self.explain(result) + '\n')
        out.write('\nconformance summary: %s (%s, profile %s)\n' % (
            self.target_name, self.target.base_url, self.profile.name))
        out.write(summary_table(run) + '\n')
        out.write('reports: %s\n' % ', '.join(sorted(paths.values())))
        out.write('verdict: %s\n' % ('FAILED' if run_failed(run)
                                     else 'conformant'))
        out.flush()


def _indent(text):
    return '\n'.join('    ' + line for line in text.splitlines() or [''])
