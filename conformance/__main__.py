"""The suite's command line outside pytest.

    python -m conformance list [--area AREA]
    python -m conformance replay CASE --base-url http://192.168.1.50
    python -m conformance replay CASE --target local
    python -m conformance serve [--port 8080] [--micropython [--heap-size BYTES] [--py]]
    python -m conformance matrix [--peers reference,microdot-2.7]
    python -m conformance limits --base-url http://192.168.1.50 [--profile P]

``replay`` runs one case and prints its verdict with the bytes exchanged;
the exit status is 1 for FAIL or ERROR (and NON-STRICT with --strict).
``serve`` serves the fixture on the reference server in the foreground
(until Ctrl-C), for curl, a browser or ``pytest --target=url``.
``matrix`` runs the suite against every implementation (``--peers`` picks
them) and writes ``reports/matrix/`` (``conformance.matrix``); its exit
status is 1 when a reference column is not clean. ``limits`` measures the
longest request line and header line, the most header lines and the
largest body a server accepts (``conformance.limits``) and prints them
beside its profile's; its exit status is 1 when they differ.
"""
import argparse
import difflib
import os
import sys

from mpy_http_conformance import MissingFiles
from mpy_http_conformance.process import ProcessError

from conformance import targets
from conformance.case import REGISTRY, all_cases
from conformance.judge import run_case
from conformance.peers import find_peer, peer_names
from conformance.profile import ProfileError, load_profile
from conformance.verdicts import HarnessError, fails_run
from device_runner.arguments import heap_bytes, port_number, positive


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m conformance')
    commands = parser.add_subparsers(dest='command', required=True)
    listing = commands.add_parser('list', help='list the cases')
    listing.add_argument('--area', help='only this area')
    replay = commands.add_parser('replay', help='run one case')
    replay.add_argument('case', help='a case id, e.g. RFC9110-15.5.6-405-allow')
    replay.add_argument('--base-url', help='a running server (target url)')
    replay.add_argument('--target', help='local or micropython: start the '
                        'reference for this case (or a board target)')
    replay.add_argument('--profile', help='profile name or path')
    replay.add_argument('--path', help='a path the server answers GET on '
                        '(default /), as pytest\'s --path')
    replay.add_argument('--contract', choices=('auto', 'yes', 'no'),
                        default='auto', help='whether the server serves the '
                        'fixture contract (default: ask it)')
    replay.add_argument('--strict', action='store_true')
    replay.add_argument('--fuzz-examples', type=positive(int))
    replay.add_argument('--fuzz-seed', type=int, default=0)
    serve = commands.add_parser('serve', help='serve the fixture on the '
                                'reference server until Ctrl-C')
    serve.add_argument('--port', type=port_number, default=8080)
    serve.add_argument('--host', default='127.0.0.1')
    serve.add_argument('--micropython', action='store_true',
                       help='on the MicroPython unix port (default: this '
                       'CPython)')
    serve.add_argument('--heap-size', type=heap_bytes, metavar='BYTES',
                       help='the MicroPython heap, e.g. 163840 for an ESP32\'s'
                       ' (with --micropython; default: the port\'s 2 MB)')
    serve.add_argument('--py', action='store_true',
                       help='with --micropython, the reference\'s sources '
                       '(default: compiled by mpy-cross, as the micropython '
                       'target and a board are given them)')
    matrix = commands.add_parser('matrix', help='the suite against every '
                                 'implementation, side by side')
    matrix.add_argument('--peers', help='comma-separated implementations '
                        '(default: all of them): ' + ', '.join(peer_names()))
    matrix.add_argument('--out', default=os.path.join('reports', 'matrix'),
                        help='where the matrix goes (default reports/matrix)')
    matrix.add_argument('--jobs', type=positive(int),
                        help='implementations tested at once (default: one '
                        'per core)')
    limits = commands.add_parser('limits', help='measure the limits a '
                                 'server holds to, beside its profile\'s')
    limits.add_argument('--base-url', help='a running server (target url)')
    limits.add_argument('--target', help='local or micropython: start the '
                        'reference (or a board target)')
    limits.add_argument('--profile', help='profile name or path')
    args = parser.parse_args(argv)
    if args.command == 'list':
        return list_cases(args.area)
    try:
        if args.command == 'serve':
            return serve_fixture(args)
        if args.command == 'matrix':
            return matrix_command(args)
        if args.command == 'limits':
            return limits_command(args)
        return replay_case(args)
    except (HarnessError, ProfileError, MissingFiles, ProcessError) as exc:
        print('error: %s' % exc, file=sys.stderr)
        return 2


def list_cases(area):
    cases = [c for c in all_cases() if area in (None, c.area)]
    if not cases:
        print('error: no cases in area "%s"; the areas are %s' % (
            area, ', '.join(sorted({c.area for c in all_cases()}))),
            file=sys.stderr)
        return 2
    for c in cases:
        print(c.line())
    return 0


def serve_fixture(args):
    if args.heap_size is not None and not args.micropython:
        raise HarnessError('--heap-size is for --micropython; CPython\'s '
                           'heap has no such limit')
    if args.py and not args.micropython:
        raise HarnessError('--py is for --micropython')
    modules = None
    if args.micropython and not args.py:
        modules = compiled_for_serve()
    argv, env = targets.fixture_command(
        'micropython' if args.micropython else 'local', args.port, args.host,
        heap_size=args.heap_size, modules=modules)
    # the server takes this process's place, so that Ctrl-C and a kill
    # reach it and leave nothing behind
    os.execve(argv[0], argv, dict(os.environ, **env))


def compiled_for_serve():
    """The reference compiled by mpy-cross, for ``serve``: this process
    becomes the server, so nothing is left to remove a folder afterwards.
    The folder is named after what it holds (the sources' digest) and made
    once, whole, then reused; a server running from it is never rewritten
    under."""
    import hashlib
    import shutil
    import tempfile

    from device_runner.provision import reference_modules
    from mpy_http_conformance import reference_path
    digest = hashlib.sha256()
    for name in reference_modules():
        with open(reference_path(name), 'rb') as f:
            digest.update(name.encode() + b'\0' + f.read())
    folder = os.path.join(tempfile.gettempdir(), 'conformance-serve-mpy-' +
                          digest.hexdigest()[:16])
    if not os.path.isdir(folder):
        made = tempfile.mkdtemp(prefix='conformance-serve-mpy-')
        targets.compiled_reference(made)
        try:
            os.rename(made, folder)
        except OSError:  # another serve made it first
            shutil.rmtree(made, ignore_errors=True)
    return folder


def matrix_command(args):
    from conformance.matrix import run_matrix
    names = [n.strip() for n in args.peers.split(',') if n.strip()] \
        if args.peers else None
    for name in names or ():
        find_peer(name)  # an unknown name is refused before anything runs
    try:
        matrix = run_matrix(names, args.out, args.jobs)
    except KeyboardInterrupt:
        print('matrix: interrupted; the runs were stopped', file=sys.stderr)
        return 130
    unclean = [c['name'] for c in matrix['peers']
               if c['reference'] and not reference_clean(c)]
    if unclean:
        print('matrix: the reference is not clean in %s' % ', '.join(
            unclean), file=sys.stderr)
        return 1
    return 0


def reference_clean(column):
    """True when a column ran with no FAIL, ERROR or NON-STRICT, and the
    limits measured were the ones its profile declares."""
    summary = column['summary']
    return summary is not None and not any(
        count for verdict, count in summary.items()
        if fails_run(verdict, strict=True)) and not (
            column.get('limits') or {}).get('differ')


def _started_target(args, report_dir):
    name = args.target or ('url' if args.base_url else None)
    if name is None:
        raise HarnessError('give --base-url URL or --target local|micropython')
    profile = load_profile(args.profile or targets.default_profile(name))
    target = targets.make_target(name, {'base_url': args.base_url,
                                        'path': getattr(args, 'path', None),
                                        'contract': getattr(
                                            args, 'contract', 'auto')},
                                 profile, os.path.join('reports', report_dir))
    target.start()
    return target


def limits_command(args):
    from conformance.limits import KINDS, declared_text, differing, \
        measure_limits
    target = _started_target(args, 'limits')
    try:
        target.measure_round_trip()
        measured, notes = measure_limits(target)
    finally:
        target.stop()
    differ = differing(target.profile, measured)
    print('limits of %s (profile %s), in the contract\'s units:' % (
        target.base_url, target.profile.name))
    for kind in KINDS:
        print('  %-13s declared %-12s measured %s%s' % (
            kind.label, declared_text(kind, getattr(target.profile,
                                                     kind.field)),
            measured[kind.name].text(), '   <- differs' if kind in differ
            else ''))
    for note in notes:
        print('  note: ' + note)
    return 1 if differ else 0


def replay_case(args):
    all_cases()
    if args.case not in REGISTRY:
        words = args.case.lower().split('-')
        close = [i for i in REGISTRY if all(w in i.lower() for w in words)] \
            or difflib.get_close_matches(args.case, REGISTRY, 5, 0.6)
        raise HarnessError('no case %s%s' % (args.case, (
            '; did you mean: ' + ', '.join(close[:5])) if close else ''))
    if REGISTRY[args.case].is_rule:
        raise HarnessError('%s is a rule judged over a whole run; replay the '
                           'cases its report names' % args.case)
    target = _started_target(args, 'replay')
    profile = target.profile
    try:
        result = run_case(REGISTRY[args.case], target, {
            'fuzz_examples': args.fuzz_examples or profile.fuzz_examples,
            'fuzz_seed': args.fuzz_seed})
    finally:
        target.stop()
    c = result.case
    print('%s %s (%s, %s)' % (result.verdict, c.id, c.level, c.rfc))
    print('requirement: ' + c.requirement)
    print('expected:    ' + result.expected)
    print('observed:    ' + result.observed)
    for i, item in enumerate(result.evidence, 1):
        print('--- exchange %d: %s' % (i, item.get('note', '')))
        print('>>> request\n' + item['request'])
        print('<<< response head\n' + (item['response_head'] or '(none)'))
        if item.get('response_body'):
            print('<<< response body\n' + item['response_body'])
        if item.get('close'):
            print('--- connection: ' + item['close'])
    if result.detail:
        print(result.detail)
    return 1 if fails_run(result.verdict, args.strict) else 0


if __name__ == '__main__':
    sys.exit(main())
