"""The public surface of microdot 1.3.4's modules, enumerated mechanically
(``surface.py``: ``dir()`` of each module, class and sample instance, and on
CPython every signature), is the reference's too: every name, of the same
kind, with the same signature (or one that takes the same arguments, where
listed here) and the same plain values."""
import json
import os
import subprocess

import pytest

from runner import HERE, INTERPRETERS, command, package

MODULES = ['microdot', 'microdot_asyncio', 'microdot_cors', 'microdot_session',
           'microdot_utemplate', 'microdot_test_client',
           'microdot_asyncio_test_client']
# microdot 1.3.4's extensions that run on CPython only, behind a WSGI or
# ASGI server, or with Jinja2 (installed by the dev extra)
CPYTHON_MODULES = ['microdot_wsgi', 'microdot_asgi', 'microdot_jinja']
# Names whose signature differs in its text, each taking the same arguments
# (the reference forwards them to the module that does the work, loaded on
# first use, so that an application that never calls it does not pay), or
# more (the reference's TestResponse is also made of the bytes received).
# Keys: [module.]Class.name, the module left out where any will do.
SAME_ARGUMENTS = {
    'Response.set_cookie':
        "(self, cookie, value, path=None, domain=None, expires=None, "
        "max_age=None, secure=False, http_only=False[, same_site=None])",
    'Response.send_file':
        "(cls, filename, status_code=200, content_type=None, stream=None, "
        "max_age=None, compressed=False, file_extension='')",
    'send_file':
        "(filename, status_code=200, content_type=None, stream=None, "
        "max_age=None, compressed=False, file_extension='')",
    'TestResponse.__init__': "(self[, raw=None])",
}
# Where the reference's kind differs and why
KINDS = {
    # computed on first use and kept (a property in 1.3.4): the same value
    'Request.json': 'instance attribute',
    'Request.form': 'instance attribute',
    # a class attribute of the reference's, an instance attribute of 1.3.4's
    'Response.is_head': 'class attribute',
}
ALIASES = {'BaseRequest': 'Request', 'BaseResponse': 'Response',
           'BaseTestClient': 'TestClient',
           'BaseTestResponse': 'TestResponse'}


def _key(where):
    # module.Class.name -> Class.name, base classes by their own name
    parts = where.split('.')[1:]
    parts[0] = ALIASES.get(parts[0], parts[0])
    return '.'.join(parts)


def surface(implementation, interpreter, tmp_path, also=None):
    args = []
    if also is not None:
        names = tmp_path / ('names-%s.json' % interpreter)
        names.write_text(json.dumps(also))
        args.append(str(names))
    extra = [package('utemplate==1.4.1', 'utemplate'),
             package('PyJWT==2.10.1')]
    modules = MODULES + (CPYTHON_MODULES if interpreter == 'cpython' else [])
    argv, env = command(os.path.join(HERE, 'surface.py'), implementation,
                        interpreter, args + modules, extra)
    done = subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=60)
    for line in done.stdout.splitlines():
        if line.startswith('SURFACE '):
            return json.loads(line[8:])
    raise AssertionError(done.stdout + done.stderr)


def differences(upstream, reference):
    problems = []
    for module, names in upstream.items():
        if '!import' in names:  # 1.3.4's sessions need PyJWT: CPython only
            assert module == 'microdot_session', names
            continue
        ours = reference.get(module, {})
        if '!import' in ours:
            problems.append('%s: %s' % (module, ours['!import']))
            continue
        for name, entry in names.items():
            where = module + '.' + name
            if name not in ours:
                problems.append('%s is missing' % where)
                continue
            problems += _entry(where, entry, ours[name])
            for member, m in entry.get('members', {}).items():
                mwhere = where + '.' + member
                mine = ours[name].get('members', {}).get(member)
                if mine is None:
                    # (a KINDS name is on the instance: compared there)
                    if _key(mwhere) in KINDS:
                        continue
                    problems.append('%s is missing' % mwhere)
                    continue
                problems += _entry(mwhere, m, mine)
            for attr, k in entry.get('instance', {}).items():
                mine = ours[name].get('instance', {}).get(attr)
                if mine != k and _key(where + '.' + attr) not in KINDS:
                    problems.append('%s.%s (an instance\'s) is %s, not %s' % (
                        where, attr, mine, k))
    return problems


def _entry(where, theirs, ours):
    if _key(where) in KINDS:
        return []
    problems = []
    if theirs['kind'] != ours['kind']:
        problems.append('%s is a %s, not a %s' % (where, ours['kind'],
                                                  theirs['kind']))
    # (None: a builtin's, dict.pop say, that the reference overrides to
    # keep keys case-insensitive)
    if theirs.get('signature') not in (None, ours.get('signature')) and \
            _key(where) not in SAME_ARGUMENTS:
        problems.append('%s%s, not %s' % (where, ours.get('signature'),
                                          theirs.get('signature')))
    if theirs.get('async') != ours.get('async'):
        problems.append('%s: async %s, not %s' % (where, ours.get('async'),
                                                  theirs.get('async')))
    if 'value' in theirs and theirs['value'] != ours.get('value'):
        problems.append('%s = %s, not %s' % (where, ours.get('value'),
                                             theirs['value']))
    return problems


@pytest.mark.parametrize('interpreter', INTERPRETERS)
def test_every_public_name_of_1_3_4(interpreter, tmp_path):
    upstream = surface('upstream', interpreter, tmp_path)
    reference = surface('reference', interpreter, tmp_path, also=upstream)
    problems = differences(upstream, reference)
    assert not problems, '\n'.join(problems)
    names = sum(len(v) + sum(len(e.get('members', {})) +
                             len(e.get('instance', {})) for e in v.values())
                for v in upstream.values() if '!import' not in v)
    print('%d public names of microdot 1.3.4 compared on %s' % (
        names, interpreter))


@pytest.mark.parametrize('name', ['Response.set_cookie', 'send_file'])
def test_forwarded_signatures_take_the_same_arguments(name):
    # the forwarders pass every argument to a function whose own signature
    # is the one listed
    import inspect
    import microdot_cookies
    import microdot_files
    target = {'Response.set_cookie': microdot_cookies.set_cookie_value,
              'send_file': microdot_files.send_file}[name]
    params = list(inspect.signature(target).parameters)
    listed = SAME_ARGUMENTS[name].strip('()').replace('[', '').replace(
        ']', '').split(', ')
    listed = [p.split('=')[0] for p in listed if p not in ('self', 'cls')]
    if name == 'Response.set_cookie':
        params = ['cookie', 'value'] + params[2:]
    else:
        params = params[1:]  # the class
    assert params == listed
