"""Every benchmark in one run, printed and written to reports/bench/bench.json.

    python -m bench                      # all of it: about 4 minutes on 2 cores
    python -m bench --quick              # shorter wrk runs, fewer requests, coarser grid
    python -m bench --only throughput    # or heap, min-heap; comma-separated
    python -m bench --implementations bare,reference --interpreters micropython

Sections (bench/throughput.py, bench/heap.py, bench/min_heap.py):

- throughput: the JSON hello route under wrk on CPython and on the MicroPython
  unix port, with and without keep-alive, 1 and 10 connections, latency
  percentiles too: the reference, microdot 1.3.4, microdot 2.7 and a bare
  asyncio loop with no framework;
- heap: MicroPython heap after import, after 20 requests, and its growth
  over 5,000 more (the frameworks);
- min-heap: the smallest ``-X heapsize`` on which each framework serves the
  whole suite.

Then the ratios of the reference to its named baselines (bench/ratios.py).
Figures are printed, never asserted: tests check the mechanism, not speed.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from bench import heap, min_heap, throughput  # noqa: E402
from bench.ratios import print_ratios, ratios  # noqa: E402
from bench.servers import (FRAMEWORKS, IMPLEMENTATIONS, INTERPRETERS,  # noqa: E402
                           ServerError)
from bench.upstream import UpstreamError  # noqa: E402
from conformance.verdicts import HarnessError  # noqa: E402
from mpy_http_conformance.process import ProcessError, find_micropython  # noqa: E402

SECTIONS = ('throughput', 'heap', 'min-heap')
DEFAULT_OUT = os.path.join(ROOT, 'reports', 'bench', 'bench.json')
QUICK = {'seconds': 1, 'growth_requests': 200, 'grid': min_heap.QUICK_GRID}
FULL = {'seconds': 2, 'growth_requests': heap.GROWTH_REQUESTS,
        'grid': min_heap.GRID}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m bench',
                                     description='benchmarks of the '
                                     'reference beside upstream microdot')
    parser.add_argument('--only', type=_choices(SECTIONS), default=SECTIONS,
                        metavar='SECTIONS',
                        help='comma-separated: ' + ', '.join(SECTIONS))
    parser.add_argument('--implementations', type=_choices(IMPLEMENTATIONS),
                        default=IMPLEMENTATIONS, metavar='NAMES',
                        help='comma-separated: ' + ', '.join(IMPLEMENTATIONS))
    parser.add_argument('--interpreters', type=_choices(INTERPRETERS),
                        default=INTERPRETERS, metavar='NAMES',
                        help='comma-separated: ' + ', '.join(INTERPRETERS))
    parser.add_argument('--quick', action='store_true',
                        help='%d s wrk runs, %d requests for the heap '
                        'growth, a 128 KB grid for the smallest heap' % (
                            QUICK['seconds'], QUICK['growth_requests']))
    parser.add_argument('--seconds', type=_whole_seconds,
                        help='length of each wrk run, whole seconds '
                        '(default %d, quick %d)' % (FULL['seconds'],
                                                    QUICK['seconds']))
    parser.add_argument('--out', default=DEFAULT_OUT,
                        help='where the JSON goes (default: %(default)s)')
    return parser.parse_args(argv)


def _whole_seconds(text):
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise argparse.ArgumentTypeError('a whole number of seconds, at '
                                         'least 1 (wrk takes no fractions), '
                                         'not %r' % text)
    return seconds


def _choices(allowed):
    def parse(text):
        names = [n.strip() for n in text.split(',') if n.strip()]
        unknown = [n for n in names if n not in allowed]
        if unknown or not names:
            raise argparse.ArgumentTypeError('%s: choose from %s' % (
                ', '.join(unknown) or 'nothing given', ', '.join(allowed)))
        return tuple(n for n in allowed if n in names)
    return parse


def run(args):
    settings = dict(QUICK if args.quick else FULL)
    if args.seconds:
        settings['seconds'] = args.seconds
    frameworks = [n for n in args.implementations if n in FRAMEWORKS]
    results = {'machine': machine(), 'settings': {
        'seconds_per_wrk_run': settings['seconds'],
        'growth_requests': settings['growth_requests'],
        'quick': args.quick, 'sections': list(args.only),
        'implementations': list(args.implementations),
        'interpreters': list(args.interpreters)}}
    timings = {}
    if 'throughput' in args.only:
        started = time.monotonic()
        results['throughput'] = throughput.measure(
            args.implementations, args.interpreters, settings['seconds'])
        timings['throughput'] = time.monotonic() - started
        throughput.print_table(results['throughput'], args.interpreters)
    if 'heap' in args.only and 'micropython' in args.interpreters:
        started = time.monotonic()
        results['heap'] = heap.measure(frameworks,
                                       settings['growth_requests'])
        timings['heap'] = time.monotonic() - started
        heap.print_table(results['heap'])
        print()
    if 'min-heap' in args.only and 'micropython' in args.interpreters:
        started = time.monotonic()
        print('smallest heap: bisecting (a suite run per step)')
        results['min_heap'] = min_heap.measure(frameworks, settings['grid'])
        timings['min-heap'] = time.monotonic() - started
        min_heap.print_table(results['min_heap'])
        print()
    results['ratios'] = ratios(results)
    print_ratios(results['ratios'])
    results['seconds'] = {k: round(v, 1) for k, v in timings.items()}
    return results


def machine():
    """What the figures were measured on."""
    micropython = subprocess.run(
        [find_micropython(), '-c', 'import sys; print(sys.version)'],
        capture_output=True, text=True, timeout=30).stdout.strip()
    return {'cpus': os.cpu_count(), 'platform': platform.platform(),
            'python': platform.python_version(), 'micropython': micropython}


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    try:
        results = run(args)
    except (HarnessError, UpstreamError, ServerError, ProcessError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2
    folder = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(folder, exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(results, f, indent=2)
    print('bench: %.0f s; figures in %s' % (time.monotonic() - started,
                                            args.out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
