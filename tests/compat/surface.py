"""The public surface of the microdot modules on the path, as JSON.

    PYTHONPATH=FOLDER python tests/compat/surface.py [NAMES.json] microdot ...
    MICROPYPATH=FOLDER:.frozen micropython tests/compat/surface.py microdot

For each module it prints the public names it defines (imported modules
left out) and their kind; for each class its public attributes, with their
kind and, where they are plain values, their value; on CPython, the
signature of every function and method. A module's names come from
``dir()``, and from NAMES.json (another run's output) too, so that names a
module gives on demand (a module ``__getattr__``) are asked for by name.
``test_surface.py`` runs it on microdot 1.3.4 and on the reference and
compares.
"""
import json
import sys

try:
    import inspect
except ImportError:  # MicroPython
    inspect = None

MODULE_TYPE = type(sys)
PLAIN = (int, float, str, bytes, bool, type(None))


def kind(value):
    if isinstance(value, MODULE_TYPE):
        return 'module'
    if isinstance(value, type):
        return 'class'
    if isinstance(value, (staticmethod, classmethod)) or (
            callable(value) and not isinstance(value, (list, dict))):
        return 'function'
    return 'value'


def signature(value):
    if inspect is None:
        return None
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    try:
        sig = inspect.signature(value)
    except (TypeError, ValueError):
        return None
    params = []
    for p in sig.parameters.values():
        text = p.name
        if p.kind == p.VAR_POSITIONAL:
            text = '*' + text
        elif p.kind == p.VAR_KEYWORD:
            text = '**' + text
        elif p.default is not p.empty:
            text += '=' + repr(p.default)
        params.append(text)
    return '(' + ', '.join(params) + ')'


def describe(value, owner_dict=None, name=None):
    raw = owner_dict.get(name, value) if owner_dict is not None else value
    entry = {'kind': kind(value)}
    if isinstance(raw, staticmethod):
        entry['kind'] = 'staticmethod'
    elif isinstance(raw, classmethod):
        entry['kind'] = 'classmethod'
    elif isinstance(raw, property) or (
            owner_dict is not None and type(raw).__name__ == 'property'):
        entry['kind'] = 'property'
    if entry['kind'] in ('function', 'staticmethod', 'classmethod'):
        entry['signature'] = signature(raw)
        if inspect is not None:
            f = raw.__func__ if hasattr(raw, '__func__') else raw
            entry['async'] = inspect.iscoroutinefunction(f) or \
                inspect.isasyncgenfunction(f)
    elif entry['kind'] == 'value':
        entry['value'] = repr(value) if isinstance(value, PLAIN) else \
            type(value).__name__
        if isinstance(value, dict) and all(
                isinstance(v, PLAIN) for v in value.values()):
            entry['value'] = sorted(value.items())
    return entry


def class_surface(cls):
    out = {}
    for name in dir(cls):
        if name.startswith('_') and name != '__init__':
            continue
        raw = None
        for base in getattr(cls, '__mro__', (cls,)):
            if name in base.__dict__:
                raw = base.__dict__
                break
        out[name] = describe(getattr(cls, name), raw, name)
    return out


# Instances whose attributes are compared too: made the same way on both.
SAMPLES = {
    'Request': lambda m: m.Request(None, ('10.0.0.1', 1), 'GET', '/p?a=1',
                                   '1.1', m.NoCaseDict({'Host': 'h'})),
    'Response': lambda m: m.Response('body'),
    'URLPattern': lambda m: m.URLPattern('/a/<int:b>'),
    'Microdot': lambda m: m.Microdot(),
}


def instance_surface(value, also):
    out = {}
    try:
        names = dir(value)
    except Exception:  # MicroPython's dir() reads properties: one raised
        names = dir(type(value)) + list(value.__dict__)
    for attr in sorted(set(names) | set(also)):
        if attr.startswith('_'):
            continue
        try:
            out[attr] = kind(getattr(value, attr))
        except AttributeError:
            continue
        except Exception as exc:  # a lazy attribute that needs more
            out[attr] = 'raises ' + type(exc).__name__
    return out


def module_surface(name, also=None):
    module = __import__(name)
    also = also or {}
    out = {}
    for attr in sorted(set(dir(module)) | set(also)):
        if attr.startswith('_'):
            continue
        try:
            value = getattr(module, attr)
        except AttributeError:
            continue  # the other implementation's name: compared by the test
        if isinstance(value, MODULE_TYPE):
            continue  # an imported module: not the module's own API
        entry = describe(value)
        if entry['kind'] == 'class':
            entry['members'] = class_surface(value)
            sample = SAMPLES.get(attr)
            if sample is not None and getattr(module, attr) is value and \
                    hasattr(module, 'NoCaseDict'):
                entry['instance'] = instance_surface(
                    sample(module), also.get(attr, {}).get('instance', ()))
        out[attr] = entry
    return out


def main(args):
    also = {}
    if args and args[0].endswith('.json'):
        with open(args.pop(0)) as f:
            also = json.load(f)
    out = {}
    for name in args:
        try:
            out[name] = module_surface(name, also.get(name))
        except Exception as exc:
            out[name] = {'!import': '%s: %s' % (type(exc).__name__, exc)}
    print('SURFACE ' + json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1:])
