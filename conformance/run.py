"""One run of the suite against one target, as the pytest plugin drives it.

The run turns the command line into a target and a profile, learns which
cases were selected, starts the target, gives each case its verdict as a
pytest outcome, and at the end writes the reports and prints the summary::

    run = ConformanceRun.from_config(config)   # RunError: a bad option
    run.selected(cases, total)
    if run.start():                             # False: it said why
        run.check(case)                         # for each case
    run.finish()
"""
import datetime
import os
import sys
import time

import pytest

from conformance import targets
from conformance.case import all_cases
from conformance.judge import judge_rule, run_case
from conformance.exchanges import longest_wait
from conformance.profile import ProfileError, load_profile
from conformance.report import (judged_line, run_failed, summary_table,
                                write_reports)
from conformance.verdicts import (BLOCKED, NON_STRICT, UNSUPPORTED,
                                  HarnessError, fails_run)

# how long a silent connection is watched for the server's own idle close,
# as a multiple of the cases' longest short wait: long enough to find any
# timeout that wait could come within 20% of
IDLE_PROBE = 1.25
OPTION_NAMES = ('base_url', 'port', 'baud', 'wifi_ssid', 'wifi_password',
                'mpy', 'path', 'contract', 'profile')


class RunError(Exception):
    """An option the run cannot work with."""


class ConformanceRun:
    def __init__(self, config, target, report_dir):
        self.config = config
        self.target = target  # None when only listing cases
        self.report_dir = report_dir
        self.strict = config.getoption('strict')
        self.options = {}
        self.cases = []
        self.total = 0
        self.results = []
        self.started = None
        self.clock = None
        self.start_error = None
        self.running = False
        if target is not None:
            self.options = {
                'fuzz_examples': config.getoption('fuzz_examples') or
                target.profile.fuzz_examples,
                'fuzz_seed': config.getoption('fuzz_seed'),
            }

    @classmethod
    def from_config(cls, config):
        name = config.getoption('target')
        if name is None:  # --list-cases alone
            return cls(config, None, None)
        if name not in targets.TARGETS:
            raise RunError('unknown --target %r; the targets are %s' % (
                name, ', '.join(targets.target_names())))
        try:
            profile = load_profile(config.getoption('profile') or
                                   targets.default_profile(name))
        except ProfileError as exc:
            raise RunError(str(exc))
        if config.getoption('read_timeout'):
            profile = profile.replace(
                read_timeout=config.getoption('read_timeout'))
        report_dir = os.path.join(
            config.getoption('report_dir') or os.path.join(
                str(config.invocation_params.dir), 'reports'), name)
        options = {key: config.getoption(key) for key in OPTION_NAMES}
        try:
            target = targets.make_target(name, options, profile, report_dir)
        except HarnessError as exc:
            raise RunError(str(exc))
        return cls(config, target, report_dir)

    @property
    def target_name(self):
        return self.target.name

    @property
    def profile(self):
        return self.target.profile  # a target may refine it as it starts

    @staticmethod
    def areas():
        return sorted({c.area for c in all_cases()})

    # ------------------------------------------------------------ selection

    def selected(self, cases, total):
        """The cases that -k, -m and the like left (the rules every case is
        held to come along), of ``total`` cases."""
        self.cases = [c for c in cases if not c.is_rule]
        self.total = total

    def selection(self):
        """How the cases were chosen, for the reports."""
        filters = [('-k', self.config.getoption('keyword')),
                   ('-m', self.config.getoption('markexpr'))]
        return {'selected': len(self.cases), 'of': self.total,
                'partial': len(self.cases) < self.total,
                'filters': ' '.join('%s %r' % (flag, value)
                                    for flag, value in filters if value)}

    def list_cases(self, cases):
        for c in cases:
            print(c.line())
        print('%d cases' % len(cases))

    # ------------------------------------------------------------ the run

    def start(self):
        """Start the target; False (after one line saying why) when it
        cannot be started or reached."""
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.clock = time.monotonic()
        try:
            self.target.start()
            self.target.measure_idle_close(IDLE_PROBE * longest_wait(
                self.profile, self.target.measure_round_trip()))
        except HarnessError as exc:
            self.target.stop()
            self.start_error = 'cannot start the %s target: %s' % (
                self.target_name, exc)
            paths = write_reports(self.report_dir, self._report())
            self._say('conformance: %s\nreports: %s (they record that the '
                      'run did not start)' % (self.start_error,
                                              ', '.join(sorted(
                                                  paths.values()))))
            return False
        self.running = True
        if not self.target.contract:
            self._say('conformance: %s does not serve the fixture contract '
                      '(fixtures/CONTRACT.md): judging what needs no contract '
                      'route, on GET %s; the cases about the contract\'s '
                      'routes are set aside' % (self.target.base_url,
                                                self.target.path), red=False)
        return True

    def check(self, case):
        if case.is_rule:
            result = judge_rule(case, self.results)
        else:
            result = run_case(case, self.target, self.options)
        self.results.append(result)
        if fails_run(result.verdict, self.strict):
            pytest.fail(self.explain(result), pytrace=False)
        if result.verdict == NON_STRICT:
            pytest.xfail('NON-STRICT: ' + self.explain(result))
        if result.verdict in (UNSUPPORTED, BLOCKED):
            pytest.skip('%s: %s' % (result.verdict, result.observed))

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
        if not c.is_rule:
            lines.append('replay: ' + self.replay_command(c))
        return '\n'.join(lines)

    def replay_command(self, case):
        where = ('--target %s' % self.target_name
                 if self.target_name in ('local', 'micropython')
                 else '--base-url %s' % self.target.base_url)
        extra = ''.join(' --%s %s' % (name, value) for name, value in (
            ('profile', self.config.getoption('profile')),
            ('path', self.config.getoption('path')),
            ('contract', 'no' if self.target.contract is False and
             self.target_name == 'url' else None)) if value)
        return 'python -m conformance replay %s %s%s' % (case.id, where, extra)

    def finish(self):
        if not self.running:
            return
        self.running = False
        self.target.stop()
        run = self._report()
        paths = write_reports(self.report_dir, run)
        out = sys.stdout
        if not self.strict:
            # pytest shows these as xfail, without their evidence
            for result in self.results:
                if result.verdict == NON_STRICT:
                    out.write('\n' + self.explain(result) + '\n')
        selection = run['selection']
        out.write('\nconformance summary: %s (%s, profile %s)%s\n' % (
            self.target_name, self.target.base_url, self.profile.name,
            ' - partial run: %d of %d cases (%s)' % (
                selection['selected'], selection['of'],
                selection['filters'] or 'deselected')
            if selection['partial'] else ''))
        out.write(summary_table(run) + '\n')
        out.write(judged_line(run) + '\n')
        out.write('reports: %s\n' % ', '.join(sorted(paths.values())))
        out.write('verdict: %s\n' % ('FAILED' if run_failed(run)
                                     else 'conformant'))
        out.flush()

    def _report(self):
        return {
            'target': self.target.describe(),
            'profile': self.profile.as_dict(),
            'strict': self.strict,
            'started': self.started.isoformat(timespec='seconds'),
            'duration': time.monotonic() - self.clock,
            'selection': self.selection(),
            'start_error': self.start_error,
            'results': self.results,
            'replay': {r.case.id: self.replay_command(r.case)
                       for r in self.results if not r.case.is_rule},
        }

    def _say(self, text, red=True):
        terminal = self.config.pluginmanager.get_plugin('terminalreporter')
        if terminal is None:
            print(text, file=sys.stderr)
        else:
            for line in text.splitlines():
                terminal.write_line(line, red=red, bold=True)


def _indent(text):
    return '\n'.join('    ' + line for line in text.splitlines() or [''])
