"""Running the same script on microdot 1.3.4 and on the reference.

    results = probe_results(script, 'upstream', 'micropython', tmp_path)

A script prints ``PROBE [id, result]`` lines (see ``probes.py``); it runs
with one implementation's folder first on the path (``PYTHONPATH`` on
CPython, ``MICROPYPATH`` on MicroPython), never both, so that ``import
microdot`` finds that one. ``extra`` folders (PyJWT, utemplate) follow it.
"""
import json
import os
import subprocess
import sys

from bench.upstream import upstream_microdot
from conformance.peer_install import pip_install

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REFERENCE = os.path.join(ROOT, 'reference')
MICROPYTHON = os.path.join(os.path.dirname(sys.executable), 'micropython')
CACHE = os.path.join(ROOT, '.cache', 'compat')
IMPLEMENTATIONS = ('upstream', 'reference')
INTERPRETERS = ('cpython', 'micropython')
# MicroPython's unix port, with room for every probe's objects at once
MICROPYTHON_HEAP = '8M'


def folder(implementation):
    """The folder holding ``microdot.py`` of an implementation."""
    return upstream_microdot('1.3.4') if implementation == 'upstream' \
        else REFERENCE


def package(requirement, sources_only=None):
    """A folder with ``requirement`` (``PyJWT==2.10.1``) installed from
    PyPI, for the 1.3.4 extensions that need it. ``sources_only`` names
    the package folder of a project whose sdist pip cannot build (utemplate
    ships no setup.py, only the MicroPython sources): pip downloads and
    unpacks it, and the folder is copied out."""
    target = os.path.join(CACHE, requirement.replace('==', '-'))
    if os.path.exists(target):
        return target
    # Installed beside, then renamed into place: tests in parallel workers
    # asking at once never see half an installation.
    import shutil
    import tempfile
    os.makedirs(CACHE, exist_ok=True)
    partial = tempfile.mkdtemp(prefix='.partial-', dir=CACHE)
    try:
        if sources_only is None:
            pip_install([requirement], '--no-deps', '--target', partial)
        else:
            _unpacked(requirement, sources_only, partial)
        os.rename(partial, target)
    except OSError:
        if not os.path.exists(target):  # else another worker was first
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _unpacked(requirement, name, target):
    # pip stops at the missing setup.py, after it has unpacked the sdist
    # into its build folder; --no-clean keeps that folder.
    import glob
    import shutil
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--quiet',
                        '--no-clean', '--no-deps', '--disable-pip-version-'
                        'check', '-d', os.path.join(tmp, 'd'), requirement],
                       env=dict(os.environ, TMPDIR=tmp), capture_output=True)
        found = glob.glob(os.path.join(tmp, 'pip-*', '*', name))
        if not found:
            raise AssertionError('pip did not unpack %s' % requirement)
        shutil.copytree(found[0], os.path.join(target, name))


def command(script, implementation, interpreter, args=(), extra=()):
    """``(argv, env)`` running ``script`` on that implementation."""
    path = [folder(implementation)] + list(extra)
    env = dict(os.environ)
    if interpreter == 'cpython':
        env['PYTHONPATH'] = os.pathsep.join(path)
        argv = [sys.executable, script]
    else:
        env['MICROPYPATH'] = ':'.join(path + ['.frozen'])
        argv = [MICROPYTHON, '-X', 'heapsize=' + MICROPYTHON_HEAP, script]
    return argv + [str(a) for a in args], env


def probe_results(script, implementation, interpreter, args=(), extra=(),
                  timeout=120):
    """{probe id: result} of a script's run."""
    argv, env = command(script, implementation, interpreter, args, extra)
    done = subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith('PROBE '):
            name, result = json.loads(line[6:])
            results[name] = result
    if not results or done.returncode != 0:
        raise AssertionError('%s on %s/%s printed no probes (exit %d):\n%s%s'
                             % (os.path.basename(script), implementation,
                                interpreter, done.returncode,
                                done.stdout[-3000:], done.stderr[-3000:]))
    return results


def compare(upstream, reference, differences, interpreter):
    """The probes compared, and the problems: a probe that differs without
    being listed in ``differences`` ({id: (reason, interpreters)}), a listed
    one that no longer differs, one only one side ran."""
    problems = []
    for name in sorted(set(upstream) | set(reference)):
        if name not in upstream or name not in reference:
            problems.append('%s: run by one side only' % name)
            continue
        listed = differences.get(name)
        differs = upstream[name] != reference[name]
        expected = listed is not None and interpreter in listed[1]
        if differs and not expected:
            problems.append('%s differs:\n  1.3.4:     %s\n  reference: %s'
                            % (name, json.dumps(upstream[name])[:600],
                               json.dumps(reference[name])[:600]))
        elif expected and not differs:
            problems.append('%s is listed as a difference but answers '
                            'alike: drop it from the list' % name)
    return len(upstream), problems


def report(name, interpreter, count, differences):
    """Keep the counts for the record (reports/compat/<name>.json)."""
    out = os.path.join(ROOT, 'reports', 'compat')
    os.makedirs(out, exist_ok=True)
    listed = {k: v[0] for k, v in differences.items() if interpreter in v[1]}
    with open(os.path.join(out, '%s-%s.json' % (name, interpreter)),
              'w') as f:
        json.dump({'compared': count, 'differences': listed}, f, indent=1,
                  sort_keys=True)
    print('%s on %s: %d calls compared, %d differences, each with its '
          'reason' % (name, interpreter, count, len(listed)))
