"""Where the files that the suite and the board runner share are found.

Two folders are shared: ``reference/`` (the reference server) and
``fixtures/`` (the conformance app, its contract, its files and the target
profiles). In a checkout they sit at the top of the repository; a wheel
carries them inside this package. Nothing else lives here, so the suite and
the runner can find them without importing each other::

    fixture_path('app.py')        # .../fixtures/app.py
    reference_path()              # .../reference
    fixture_module('contract_numbers').BODY_LIMIT   # the contract's numbers
"""
import importlib.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


class MissingFiles(Exception):
    """A shared folder is not where the installation should have put it."""


def _folder(name):
    for base in (_HERE, os.path.dirname(_HERE)):  # wheel, then checkout
        path = os.path.join(base, name)
        if os.path.isdir(path):
            return path
    raise MissingFiles(
        'the %s/ folder of mpy-http-conformance is missing (looked in %s '
        'and beside it); reinstall the package' % (name, _HERE))


def fixture_path(*parts):
    """A path inside ``fixtures/``."""
    return os.path.join(_folder('fixtures'), *parts)


def reference_path(*parts):
    """A path inside ``reference/``."""
    return os.path.join(_folder('reference'), *parts)


_MODULES = {}


def fixture_module(name):
    """A module of ``fixtures/`` (plain Python that a board runs too),
    loaded from its file once; the suite reads the contract's numbers so
    (``fixture_module('contract_numbers')``)."""
    if name not in _MODULES:
        spec = importlib.util.spec_from_file_location(
            'fixtures_' + name, fixture_path(name + '.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _MODULES[name] = module
    return _MODULES[name]
