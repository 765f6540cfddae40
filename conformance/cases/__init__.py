"""The cases, one module per area; importing this registers them all.

Areas run in the order below (a module not listed runs after them)."""
import importlib
import os
import pkgutil

AREAS = ('request_line', 'headers', 'framing', 'chunked', 'desync',
         'methods', 'status', 'redirects', 'cookies', 'decoding', 'bodies',
         'responses', 'static', 'connection', 'robustness', 'websocket')

_present = [m.name for m in pkgutil.iter_modules([os.path.dirname(__file__)])]
for _area in [a for a in AREAS if a in _present] + sorted(
        set(_present) - set(AREAS)):
    importlib.import_module('conformance.cases.' + _area)
