"""The pytest side of the suite: options, the cases as items, the run.

    pytest --target=local                      # reference under CPython
    pytest --target=micropython                # reference on MicroPython
    pytest --target=url --base-url http://192.168.1.50
    pytest --target=local -m "methods and must" -k 405   # select cases
    pytest --list-cases                        # what would run

The plugin is loaded into every pytest run of the environment it is
installed in, and stays out of the way unless ``--target`` (or
``--list-cases``) is given. Then it makes the case items itself: the cases
run, and nothing else, wherever pytest was started and whatever test paths
or root directory it found. FAIL and ERROR fail an item; NON-STRICT shows as
xfail (and fails with ``--strict``); UNSUPPORTED is skipped. The reports go
to ``<report-dir>/<target>/`` and the summary table is printed last.
"""
import argparse
import inspect

import pytest

from device_runner.arguments import positive

_RUN_KEY = pytest.StashKey()
TARGET_HELP = 'local, micropython, url, esp32 or rp2'
START_FAILED = 3  # the exit status of a run whose target did not start


def request_path(text):
    """An origin-form path for ``--path``: it starts with "/" and holds no
    whitespace, control, "?" or "#" (the cases add their own query)."""
    if not text.startswith('/') or any(
            c <= ' ' or c in '?#\x7f' for c in text):
        raise argparse.ArgumentTypeError(
            'must be a path that starts with "/", without spaces, controls, '
            '"?" or "#", not %r' % text)
    return text


def pytest_addoption(parser):
    group = parser.getgroup('conformance', 'HTTP conformance suite')
    group.addoption('--target', default=None,
                    help='run the conformance suite against a target: %s. '
                    'Without it the suite stays out of the run.' %
                    TARGET_HELP)
    group.addoption('--base-url', help='the server for --target=url')
    group.addoption('--profile', help='profile name (fixtures/profiles) or '
                    'path; default: the target\'s own')
    group.addoption('--path', default=None, type=request_path,
                    help='a path the server answers GET on with a 2xx '
                    '(default /): the liveness check, and where the cases '
                    'send their requests to a server that does not serve the '
                    'fixture contract (its own application)')
    group.addoption('--contract', default='auto',
                    choices=('auto', 'yes', 'no'),
                    help='whether the server serves the fixture contract '
                    '(fixtures/CONTRACT.md): auto (default) asks GET / '
                    'and looks for the fixture\'s answer; no judges only '
                    'what a server with its own routes can be judged on')
    group.addoption('--report-dir', default=None,
                    help='where reports go (default: ./reports); each '
                    'target writes into a folder of its own')
    # --strict is pytest's own option (strict markers, config, xfail); the
    # suite reads it too: with it, NON-STRICT verdicts fail the run.
    group.addoption('--fuzz-examples', type=positive(int), default=None,
                    help='generated inputs per robustness case (default: '
                    'the profile\'s)')
    group.addoption('--fuzz-seed', type=int, default=0,
                    help='seed for generated inputs (default 0)')
    group.addoption('--read-timeout', type=positive(float), default=None,
                    help='seconds to wait for an answer (default: the '
                    'profile\'s)')
    group.addoption('--list-cases', action='store_true',
                    help='list the selected cases and exit')
    board = parser.getgroup('board', 'board targets (--target=esp32/rp2)')
    board.addoption('--port', help='serial port: COM3, /dev/ttyUSB0, '
                    'socket://HOST:PORT, rfc2217://..., or emu')
    board.addoption('--baud', type=positive(int), default=115200,
                    help='serial speed (default 115200)')
    board.addoption('--wifi-ssid', help='WiFi network (default: $WIFI_SSID)')
    board.addoption('--wifi-password', help='WiFi password (default: '
                    '$WIFI_PASSWORD, which keeps it off the command line)')
    board.addoption('--mpy', dest='mpy', action='store_true', default=None,
                    help='give the board (or the micropython target) the '
                    'server compiled by mpy-cross (default: on a board, when '
                    'it loads what mpy-cross makes; always on the micropython '
                    'target)')
    board.addoption('--py', dest='mpy', action='store_false',
                    help='give it the server\'s sources, not .mpy')


def pytest_configure(config):
    if config.getoption('target') is None and \
            not config.getoption('list_cases'):
        return  # not a conformance run: leave this pytest run alone
    from conformance.run import ConformanceRun, RunError
    try:
        run = ConformanceRun.from_config(config)
    except RunError as exc:
        raise pytest.UsageError(str(exc))
    for area in run.areas():
        config.addinivalue_line('markers', '%s: conformance area' % area)
    for level in ('must', 'should', 'may'):
        config.addinivalue_line('markers', '%s: cases at level %s' % (
            level, level.upper()))
    config.stash[_RUN_KEY] = run


def _run(config):
    return config.stash.get(_RUN_KEY, None)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session):
    """The cases, and only they, are the items of a conformance run."""
    run = _run(session.config)
    if run is None:
        return None
    suite = Suite.from_parent(session, name='conformance',
                              nodeid='conformance')
    items = suite.collect()
    session.ihook.pytest_collectreport(report=pytest.CollectReport(
        suite.nodeid, 'passed', None, items))
    session.items = list(items)
    hook = session.config.hook
    try:
        hook.pytest_collection_modifyitems(session=session,
                                           config=session.config,
                                           items=session.items)
        session.items = _with_rules(session.items, items)
    finally:
        hook.pytest_collection_finish(session=session)
    session.testscollected = len(session.items)
    run.selected([item.case for item in session.items],
                 len([item for item in items if not item.case.is_rule]))
    return True


def _with_rules(selected, items):
    """The selected cases, then every rule they are held to: a rule sums
    up whatever cases ran, so ``-k`` and ``-m`` never leave it out."""
    cases = [item for item in selected if not item.case.is_rule]
    return cases + [item for item in items if item.case.is_rule] \
        if cases else []


def pytest_collection_finish(session):
    run = _run(session.config)
    if run is not None and session.config.getoption('list_cases'):
        run.list_cases([item.case for item in session.items])


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    run = _run(session.config)
    if run is None or session.config.option.collectonly:
        return None
    if session.config.getoption('list_cases'):
        return True
    if session.items and not run.start():
        return True  # it said why in one line; nothing can run
    return None


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    run = _run(session.config)
    if run is not None and run.start_error is not None:
        session.exitstatus = START_FAILED


def pytest_unconfigure(config):
    run = _run(config)
    if run is not None:
        run.finish()


class Suite(pytest.Collector):
    """Every registered case, in the order of areas."""

    def collect(self):
        from conformance.case import all_cases
        return [CaseItem.from_parent(self, name=case.id, case=case)
                for case in all_cases()]


class CaseItem(pytest.Item):
    """One case, run against the session's target."""

    def __init__(self, *, case, **kwargs):
        super().__init__(**kwargs)
        self.case = case
        self.add_marker(case.area)
        self.add_marker(case.level.lower())

    def runtest(self):
        _run(self.config).check(self.case)

    def reportinfo(self):
        try:
            path = inspect.getsourcefile(self.case.check)
            line = inspect.getsourcelines(self.case.check)[1]
        except (OSError, TypeError):
            return self.path, None, self.case.id
        return path, line - 1, self.case.id
