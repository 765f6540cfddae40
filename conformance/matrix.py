"""The suite against every peer at once: ``python -m conformance matrix``.

Each peer (``conformance.peers``) is installed if it is not yet, its server
started once to prove its adapter (``conformance.adapter_check``: a column
whose adapter fails it publishes no verdicts, only why) and to measure its
limits (``conformance.limits``), and then the suite run against it as a
user would run it::

    pytest -p conformance.peer_targets --target=PEER --profile PROFILE \\
        --report-dir reports/matrix/PEER

where PROFILE is the peer's own, or, when the limits measured differ from
the ones it declares, a copy with the measured ones
(``reports/matrix/<peer>/profile.json``): the limit cases then judge the
server at its real limits, and the column's header shows both figures.

The peer's target starts its server on a free loopback port and restarts it
whenever it stops serving (the reference runs on the suite's own ``local``
and ``micropython`` targets), so ``reports/matrix/<peer>/`` holds the usual
report of that peer, its server's log included.
Peers run in parallel, one per core; a line every few seconds says how far
each has got. A peer that cannot be installed or started is reported as
such and the others run on. The matrix itself is written by
``conformance.matrix_report``::

    matrix = run_matrix(['reference', 'microdot-2.7'], 'reports/matrix')
"""
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from conformance.adapter_check import check_adapter
from conformance.verdicts import HarnessError
from conformance.limits import limits_report, measure_limits, measured_profile
from conformance.matrix_report import peer_column, write_matrix
from conformance.peer_install import InstallError
from conformance.peers import PEERS, PeerTarget, find_peer
from conformance.profile import load_profile
from conformance.targets import make_target

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRESS_EVERY = 10.0  # seconds between progress lines of a running peer
PEER_TIMEOUT = 900  # seconds: a run that takes longer is stopped
# a case's line in pytest -v; its node id starts with a path when pytest
# took an argument's folder (a report or profile path) for its rootdir
CASE_LINE = re.compile(r'^(\S*/)?conformance::\S+ (PASSED|FAILED|SKIPPED|'
                       r'XFAIL|XPASS|ERROR)\b')
COLLECTED = re.compile(r'collected (\d+) items?')
CHECK_FAILED = 'adapter check failed'
PROBLEMS_SHOWN = 3  # an adapter's problems named in its column's header


class PeerRun:
    """One peer's run: its server, its pytest, what became of it."""

    def __init__(self, peer, out_dir, say, pytest_args=()):
        self.peer = peer
        self.dir = os.path.join(out_dir, peer.name)
        self.say = say
        self.pytest_args = list(pytest_args)
        self.status = 'ran'
        self.problem = None
        self.done = 0
        self.total = None
        self.started = None
        self.process = None
        self.finished = False
        self.duration = 0.0
        self.checked = None   # what the adapter check found
        self.limits = None    # declared and measured limits
        self.profile = peer.profile  # the --profile of the suite's run

    def install(self):
        try:
            self.peer.install()
        except InstallError as exc:
            self.status, self.problem = 'not installed', str(exc)
            self.say('matrix: %s cannot be installed: %s' % (
                self.peer.name, exc))

    def run(self):
        """Run the suite against the peer (its target starts and stops the
        server); returns the peer's column."""
        shutil.rmtree(self.dir, ignore_errors=True)  # an earlier run's
        if self.status == 'ran':
            os.makedirs(self.dir)
            self.started = time.monotonic()
            try:
                self._prepare()
                if self.status == 'ran':
                    self._test()
            finally:
                self.duration = time.monotonic() - self.started
                self.finished = True
        return peer_column(self.peer, self.status, self.problem,
                           self._results(), self.duration,
                           self.checked.as_dict() if self.checked else None,
                           self.limits)

    def _prepare(self):
        """Start the peer's server once: prove its adapter, then measure
        its limits; a profile with the measured ones when they differ."""
        declared = load_profile(self.peer.profile)
        where = os.path.join(self.dir, 'check')
        target = PeerTarget(self.peer, {}, declared, where) \
            if self.peer.adapted else \
            make_target(self.peer.target, {}, declared, where)
        self.say('matrix: %s: checking its adapter and measuring its limits'
                 % self.peer.name)
        try:
            target.start()
            target.measure_round_trip()
            self.checked = check_adapter(target)
            if self.checked.passed:
                measured, notes = measure_limits(target)
        except HarnessError as exc:
            self.status, self.problem = 'did not start', str(exc)
            return
        finally:
            target.stop()
        if not self.checked.passed:
            problems = self.checked.problems
            self.status = CHECK_FAILED
            self.problem = '; '.join(problems[:PROBLEMS_SHOWN]) + (
                ' (and %d more)' % (len(problems) - PROBLEMS_SHOWN)
                if len(problems) > PROBLEMS_SHOWN else '')
            return
        self.limits = limits_report(declared, measured, notes)
        used = measured_profile(declared, measured)
        if used is not declared:
            self.profile = os.path.abspath(os.path.join(self.dir,
                                                        'profile.json'))
            with open(self.profile, 'w') as f:
                json.dump(used.as_dict(), f, indent=2)

    def _test(self):
        argv = [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider',
                '-p', 'conformance.peer_targets', '-v',
                '--target=%s' % self.peer.target, '--profile', self.profile,
                '--report-dir', self.dir]
        self._pytest(argv + self.pytest_args)
        self._lift_reports()

    def _pytest(self, argv):
        self.say('matrix: %s: started (%s)' % (self.peer.name, ' '.join(
            argv[3:])))
        with open(os.path.join(self.dir, 'pytest.log'), 'w') as log:
            # a session of its own: a run that overstays is ended with the
            # server its target started
            process = self.process = subprocess.Popen(
                argv, cwd=ROOT, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                text=True, errors='replace', start_new_session=True)
            timer = threading.Timer(PEER_TIMEOUT, os.killpg,
                                    (process.pid, signal.SIGKILL))
            timer.start()
            try:
                for line in process.stdout:
                    log.write(line)
                    self._count(line)
            finally:
                timer.cancel()
                process.wait()
        if process.returncode not in (0, 1):
            self.status = 'did not start' if process.returncode == 3 \
                else 'stopped'
            self.problem = 'pytest exited with status %d%s; see %s' % (
                process.returncode, ' (killed after %d s)' % PEER_TIMEOUT
                if process.returncode == -signal.SIGKILL else '',
                os.path.join(self.peer.name, 'pytest.log'))

    def stop(self):
        """End the run's pytest and the server its target started."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def _count(self, line):
        collected = COLLECTED.search(line)
        if collected and self.total is None:
            self.total = int(collected.group(1))
        elif CASE_LINE.match(line):
            self.done += 1

    def progress(self):
        return '%s %d/%s cases %.0f s' % (
            self.peer.name, self.done, self.total or '?',
            time.monotonic() - self.started)

    def _lift_reports(self):
        # pytest writes into <report-dir>/<target>/: the peer's folder is
        # the report's own, so that links read <peer>/index.html
        nested = os.path.join(self.dir, self.peer.target)
        if os.path.isdir(nested):
            for name in os.listdir(nested):
                os.replace(os.path.join(nested, name),
                           os.path.join(self.dir, name))
            os.rmdir(nested)

    def _results(self):
        try:
            with open(os.path.join(self.dir, 'results.json')) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return None
        if data.get('start_error'):  # what the run said, in its words
            self.status, self.problem = 'did not start', data['start_error']
        return data


def run_matrix(names=None, out_dir=os.path.join('reports', 'matrix'),
               jobs=None, say=None, pytest_args=()):
    """Run the suite against the named peers (all by default; a name or a
    ``Peer``), in parallel, and write the matrix into ``out_dir``; returns
    it. ``say`` gets each progress line (default: printed at once)."""
    say = say or _print_now
    peers = [find_peer(n) if isinstance(n, str) else n for n in names] \
        if names else list(PEERS)
    jobs = jobs or os.cpu_count() or 1
    started = time.monotonic()
    when = datetime.datetime.now(datetime.timezone.utc)
    runs = [PeerRun(p, out_dir, say, pytest_args) for p in peers]
    say('matrix: %d implementations, %d at a time: %s' % (
        len(runs), jobs, ', '.join(p.name for p in peers)))
    for run in runs:  # one at a time: two columns may share a virtualenv
        run.install()
    stop = threading.Event()
    watcher = threading.Thread(target=_report_progress,
                               args=(runs, stop, say), daemon=True)
    watcher.start()
    pool = ThreadPoolExecutor(jobs)
    try:
        columns = list(pool.map(_finish, runs))
    except BaseException:  # Ctrl-C: the runs are in sessions of their own
        for run in runs:
            run.stop()
        raise
    finally:
        pool.shutdown(cancel_futures=True)
        stop.set()
    watcher.join()
    matrix = {
        'generated': when.isoformat(timespec='seconds'),
        'duration': round(time.monotonic() - started, 1),
        'command': 'python -m conformance matrix' + (
            ' --peers ' + ','.join(p.name for p in peers) if names else ''),
        'peers': columns,
    }
    paths = write_matrix(out_dir, matrix)
    say('matrix: written in %.0f s: %s' % (matrix['duration'], ', '.join(
        sorted(paths.values()))))
    return matrix


def _print_now(line):
    print(line, flush=True)  # progress, also when stdout is a file


def _finish(run):
    column = run.run()
    run.say('matrix: %s: %s in %.0f s%s' % (
        run.peer.name, run.status, run.duration,
        ' - ' + ', '.join('%s %d' % item for item in
                          column['summary'].items() if item[1])
        if column['summary'] else ' - ' + (run.problem or '')))
    return column


def _report_progress(runs, stop, say):
    while not stop.wait(PROGRESS_EVERY):
        running = [r.progress() for r in runs
                   if r.started is not None and not r.finished]
        if running:
            say('matrix: running: ' + '; '.join(running))
