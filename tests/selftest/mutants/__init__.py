"""Every case's deliberately broken server.

Each module here (one per area) defines ``MUTANTS``, a dict from a case id to
a mutant: a function of a ``breakage.Breakage`` that breaks the reference
in the way the case must detect.
"""
import importlib
import os
import pkgutil


def all_mutants():
    mutants = {}
    here = os.path.dirname(os.path.abspath(__file__))
    for info in pkgutil.iter_modules([here]):
        module = importlib.import_module('mutants.' + info.name)
        for case_id, mutant in module.MUTANTS.items():
            if case_id in mutants:
                raise ValueError('two mutants for %s' % case_id)
            mutants[case_id] = mutant
    return mutants
