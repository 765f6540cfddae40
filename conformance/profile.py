"""A target's profile: the limits and optional features it declares.

Cases never hard-code a server's limits; they read them here. Profiles are
JSON files in ``fixtures/profiles/`` (or any path given with ``--profile``)::

    {"name": "reference", "max_headers": 32, "max_connections": 32,
     "keep_alive": true, "read_timeout": 5.0, ...}

Sizes are in bytes, in the contract's units (``fixtures/CONTRACT.md``,
Limits): a line's length without its CRLF, a count of header lines without
the blank line that ends them. ``body_limit``, ``body_buffer``,
``line_limit`` and ``ws_message_limit`` default to the contract's numbers
(``fixtures/contract_numbers.py``); a profile states them only where its
server differs. ``line_limit`` stands for both kinds of line;
``request_line_limit`` and ``field_line_limit`` say each on its own, and
``null`` for either declares that the server has no such limit (it reads a
line of any length): the cases that go one byte over it are then
UNSUPPORTED, and those at the limit use the contract's ``line_limit``.
``heap_size`` is the MicroPython heap a target started by the suite gets
(``micropython -X heapsize=``: the ``micropython`` target and the emulated
board), so that the unix port is held to a board's memory; a real board's
heap is what it is, and the field is ignored there.

A feature that is ``null``/``false`` is declared absent: the cases that need
it are UNSUPPORTED rather than FAIL. So is a route the server cannot serve,
listed in ``missing_routes`` with the reason::

    "missing_routes": [{"path": "/upload/stream", "why": "no streamed bodies"},
                       {"path": "/static/*", "why": "no files on this framework"}]

and so are cases set aside by id (fnmatch patterns), with the reason: where
a framework leaves something to the application, cases that would judge
the adapter's code rather than the framework's::

    "unsupported_cases": [{"cases": ["RFC9112-6.3-cl-*", "CONTRACT-413-*"],
                           "why": "the module leaves request bodies to the application"}]
"""
import fnmatch
import json
import os

from device_runner.arguments import MIN_HEAP_SIZE
from mpy_http_conformance import MissingFiles, fixture_module, fixture_path


FIELDS = {
    'name': str,
    'description': str,
    'body_limit': int,      # larger request bodies must get 413
    'body_buffer': int,     # bodies above this reach the app as a stream
    'line_limit': int,      # longest request or header line accepted
    'request_line_limit': int,  # longest request line (null: no limit)
    'field_line_limit': int,    # longest header line (null: no limit)
    'max_headers': int,     # most header lines accepted (null: undeclared)
    'max_connections': int,  # connections served at once (null: undeclared)
    'keep_alive': bool,     # persistent connections and pipelining
    'clock': bool,          # a clock good enough for a Date header
    'idle_timeout': float,  # seconds before an idle connection is closed
    'read_timeout': float,  # how long the harness waits for an answer
    'start_timeout': float,  # how long a target may take to start
    'fuzz_examples': int,   # generated inputs per robustness case
    'heap_size': int,       # bytes of MicroPython heap for an emulated or
                            # unix-port target (a real board ignores it)
    'missing_routes': list,  # [{"path": path or fnmatch pattern, "why": ...}]
    'unsupported_cases': list,  # [{"cases": [id patterns], "why": ...}]
    'ws_message_limit': int,  # largest WebSocket message /ws/echo accepts
}
REQUIRED = ('name', 'read_timeout')
# what a profile that says nothing of them declares: the contract's numbers
CONTRACT_DEFAULTS = {'body_limit': 'BODY_LIMIT', 'body_buffer': 'BODY_BUFFER',
                     'line_limit': 'LINE_LIMIT',
                     'ws_message_limit': 'WS_MESSAGE_LIMIT'}
LINE_KINDS = ('request_line_limit', 'field_line_limit')
# MicroPython cannot import the server in less; a smaller figure is most
# likely kilobytes written where bytes belong.


class ProfileError(Exception):
    pass


def contract_numbers():
    """``fixtures/contract_numbers.py``; ProfileError when the installation
    lost it."""
    try:
        return fixture_module('contract_numbers')
    except MissingFiles as exc:
        raise ProfileError(str(exc))


class Profile:
    def __init__(self, values):
        contract = contract_numbers()
        values = dict({field: getattr(contract, name) for field, name in
                       CONTRACT_DEFAULTS.items()}, **{
            k: v for k, v in values.items()
            if not (k in CONTRACT_DEFAULTS and v is None)})
        for kind in LINE_KINDS:  # absent: line_limit; null: no limit
            if kind not in values:
                values[kind] = values.get('line_limit')
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise ProfileError('unknown profile fields: ' + ', '.join(unknown))
        missing = [f for f in REQUIRED if values.get(f) is None]
        if missing:
            raise ProfileError('missing profile fields: ' + ', '.join(missing))
        for name, kind in FIELDS.items():
            value = values.get(name)
            if value is not None:
                if kind is float and isinstance(value, int) and \
                        not isinstance(value, bool):
                    value = float(value)
                if not isinstance(value, kind) or (
                        kind is int and isinstance(value, bool)):
                    raise ProfileError('profile field %s must be %s, not %r'
                                       % (name, kind.__name__, value))
            setattr(self, name, value)
        if self.heap_size is not None and self.heap_size < MIN_HEAP_SIZE:
            raise ProfileError(
                'profile field heap_size is in bytes and must be at least %d, '
                'not %d (192 KB is 196608)' % (MIN_HEAP_SIZE, self.heap_size))
        self.description = self.description or ''
        self.start_timeout = self.start_timeout or 20.0
        self.fuzz_examples = self.fuzz_examples or 40
        self.missing_routes = self.missing_routes or []
        for route in self.missing_routes:
            if not isinstance(route, dict) or sorted(route) != ['path', 'why'] \
                    or not all(isinstance(v, str) and v for v in route.values()):
                raise ProfileError('each of missing_routes must be {"path": '
                                   '..., "why": ...}, not %r' % (route,))
        self.unsupported_cases = self.unsupported_cases or []
        for entry in self.unsupported_cases:
            if not isinstance(entry, dict) or sorted(entry) != ['cases', 'why'] \
                    or not isinstance(entry['why'], str) or not entry['why'] \
                    or not isinstance(entry['cases'], list) \
                    or not entry['cases'] or not all(
                        isinstance(p, str) and p for p in entry['cases']):
                raise ProfileError('each of unsupported_cases must be '
                                   '{"cases": [id patterns], "why": ...}, '
                                   'not %r' % (entry,))

    def supports(self, feature):
        """True when the profile declares ``feature`` (a field name)."""
        return bool(getattr(self, feature))

    def missing_route(self, path):
        """Why the target cannot serve ``path`` (a path, without the
        query), or None when it declares no such gap."""
        for route in self.missing_routes:
            if fnmatch.fnmatchcase(path, route['path']):
                return route['why']
        return None

    def unsupported_case(self, case_id):
        """Why the profile sets the case ``case_id`` aside, or None."""
        for entry in self.unsupported_cases:
            if any(fnmatch.fnmatchcase(case_id, p) for p in entry['cases']):
                return entry['why']
        return None

    def line_at_limit(self, kind):
        """The length of a line of ``kind`` ('request_line_limit' or
        'field_line_limit') that must be accepted: the declared limit, or
        the contract's line where the server declares none."""
        return getattr(self, kind) or contract_numbers().LINE_LIMIT

    def replace(self, **changes):
        """A copy with some fields changed (the runner learns some facts,
        such as a board's clock, only when it reaches the target)."""
        values = self.as_dict()
        values.update(changes)
        return Profile(values)

    def as_dict(self):
        return {name: getattr(self, name) for name in FIELDS}


def profile_names():
    """The names of the profiles that come with the suite."""
    return sorted(n[:-5] for n in os.listdir(fixture_path('profiles'))
                  if n.endswith('.json'))


def load_profile(name_or_path):
    """A profile by name (``fixtures/profiles/NAME.json``) or by path."""
    path = name_or_path
    try:
        if os.path.sep not in path and not path.endswith('.json'):
            path = fixture_path('profiles', name_or_path + '.json')
    except MissingFiles as exc:
        raise ProfileError(str(exc))
    try:
        with open(path, encoding='utf-8') as f:
            values = json.load(f)
    except OSError as exc:
        raise ProfileError('cannot read profile %s (%s); known profiles: %s'
                           % (name_or_path, exc.strerror,
                              ', '.join(profile_names())))
    except ValueError as exc:
        raise ProfileError('profile %s is not valid JSON: %s' % (path, exc))
    if not isinstance(values, dict):
        raise ProfileError('profile %s must be a JSON object' % path)
    return Profile(values)
