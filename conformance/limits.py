"""The limits a server holds to, measured: the longest request line and
header line, the most header lines and the largest body it accepts, each
found by bisection with requests of the very shapes the limit cases send
(``long_target``, ``long_field``, ``numbered_fields``, ``body_pattern``), so
that what is measured is what those cases meet::

    measured = measure_limits(target)          # a started target
    measured['field_line'].value               # 2048; None: none found
    differing(target.profile, measured)        # the kinds that differ
    profile = measured_profile(target.profile, measured)

Sizes are in the contract's units (``fixtures/CONTRACT.md``, Limits): a line
without its CRLF; header lines counted with Host and without the blank line
that ends them; a body's bytes. A request is accepted when it is answered
200 with what was sent echoed whole; anything else (another status, a
close, silence) refuses it. The search tries the profile's figure and one
more first, so a server that keeps to its profile costs two requests a
limit; otherwise it bisects between what it knows accepted and refused, up
to a ceiling above which the server is taken to have no limit.
"""
import json
import zlib

from conformance.wire import Connection, build_request

ECHO_NAME = '/echo/path/'
UPLOAD = '/upload/stream'


def long_target(length):
    """(request-target, name): ``GET <target> HTTP/1.1`` is ``length``
    bytes long, the target /echo/path/<name>."""
    name = 'a' * (length - len('GET  HTTP/1.1') - len(ECHO_NAME))
    return ECHO_NAME + name, name


def long_field(length, name='X-Long'):
    """A field (name, value), X-Long unless named, whose line is ``length``
    bytes."""
    return (name, 'a' * (length - len(name) - len(': ')))


def numbered_fields(count):
    """``count`` small fields, X-H-0: value and on (Http11Probe's)."""
    return [('X-H-%d' % i, 'value') for i in range(count)]


def body_pattern(size):
    """Every byte value, in an order that a dropped or repeated piece
    shows."""
    return bytes((i * 7 + i // 256) % 256 for i in range(size))


class Kind:
    """One limit: its profile field, what it counts, and the range of the
    search (``shortest``: the smallest request of its shape; ``ceiling``:
    the largest tried)."""

    def __init__(self, name, field, label, unit, shortest, ceiling):
        self.name = name
        self.field = field
        self.label = label
        self.unit = unit
        self.shortest = shortest
        self.ceiling = ceiling


KINDS = (
    Kind('request_line', 'request_line_limit', 'request line', 'bytes',
         len('GET %sa HTTP/1.1' % ECHO_NAME), 128 * 1024),
    Kind('field_line', 'field_line_limit', 'header line', 'bytes',
         len('X-Long: a'), 128 * 1024),
    Kind('fields', 'max_headers', 'header lines', 'lines', 2, 1024),
    Kind('body', 'body_limit', 'body', 'bytes', 0, 256 * 1024),
)
KIND_NAMES = tuple(k.name for k in KINDS)


class Measurement:
    """What the search found for one kind: ``value``, the largest accepted
    (the next one up was refused), or None when nothing up to ``ceiling``
    was refused; ``measured`` False (with ``note``) when it could not
    search at all."""

    def __init__(self, kind, value=None, ceiling=None, measured=True,
                 note='', requests=0):
        self.kind = kind
        self.value = value
        self.ceiling = ceiling
        self.measured = measured
        self.note = note
        self.requests = requests

    def text(self):
        if not self.measured:
            return 'not measured (%s)' % self.note
        if self.value is None:
            return 'none up to %d %s' % (self.ceiling, self.kind.unit)
        return '%d %s' % (self.value, self.kind.unit)

    def as_dict(self):
        return {'value': self.value, 'ceiling': self.ceiling,
                'measured': self.measured, 'note': self.note,
                'requests': self.requests, 'text': self.text()}


def declared_text(kind, value):
    return 'none' if value is None else '%d %s' % (value, kind.unit)


class Sender:
    """Sends one request of a kind and size, and says whether the server
    accepted it; restarts a server that stopped serving (once a request)."""

    def __init__(self, target):
        self.target = target
        self.requests = 0
        self.notes = []

    def accepts(self, kind, size):
        ok = self._try(kind, size)
        if not ok:
            problem = self.target.still_serving()
            if problem is not None:
                self.notes.append('%s of %d: the server stopped serving '
                                  '(%s); restarted' % (kind.label, size,
                                                       problem))
                self.target.recover()
                ok = self._try(kind, size)
        return ok

    def _try(self, kind, size):
        self.requests += 1
        data, check = SHAPES[kind.name](self.target.host_header, size)
        method = data.split(b' ', 1)[0].decode('latin-1')
        try:
            with Connection(self.target.host, self.target.port,
                            self.target.profile.read_timeout) as conn:
                conn.send(data)
                reply = conn.read_reply(method)
        except OSError:
            return False
        if reply.problem or reply.status != 200:
            return False
        try:
            answer = json.loads(reply.body.decode('utf-8'))
        except ValueError:
            return False
        return isinstance(answer, dict) and check(answer)


def _request_line_shape(host, size):
    target, name = long_target(size)
    return (build_request('GET', target, host=host),
            lambda answer: answer.get('name') == name)


def _field_line_shape(host, size):
    name, value = long_field(size)
    return (build_request('GET', '/echo', [(name, value)], host=host),
            lambda answer: _echoed(answer, name) == value)


def _fields_shape(host, count):
    fields = numbered_fields(count - 1)  # and Host
    name, value = fields[-1]
    return (build_request('GET', '/echo', fields, host=host),
            lambda answer: _echoed(answer, name) == value)


def _body_shape(host, size):
    body = body_pattern(size)
    crc = zlib.crc32(body)
    return (build_request('POST', UPLOAD, [('Content-Length', size)], body,
                          host=host),
            lambda answer: answer.get('length') == size and
            answer.get('crc32') == crc)


def _echoed(answer, name):
    headers = answer.get('headers')
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


SHAPES = {'request_line': _request_line_shape,
          'field_line': _field_line_shape, 'fields': _fields_shape,
          'body': _body_shape}


def largest_accepted(accepts, shortest, ceiling, declared=None):
    """(value, ceiling) for the largest size ``accepts`` takes, assuming it
    takes every size up to some limit and none beyond; value None when it
    takes ``ceiling`` (no limit found), and ``shortest`` refused raises
    LookupError. ``declared`` is tried first, with one more."""
    if declared is not None:
        ceiling = max(ceiling, 2 * declared)
    low = high = None  # the largest size known taken, the smallest refused
    if declared is not None and declared >= shortest:
        if accepts(declared):
            if not accepts(declared + 1):
                return declared, ceiling
            low = declared + 1
        else:
            high = declared
    if low is None:
        if not accepts(shortest):
            raise LookupError('the smallest request of its shape was '
                              'refused')
        low = shortest
    if high is None:
        if accepts(ceiling):
            return None, ceiling
        high = ceiling
    while high - low > 1:
        middle = (low + high) // 2
        if accepts(middle):
            low = middle
        else:
            high = middle
    return low, ceiling


def measure_limits(target, kinds=KINDS):
    """{kind name: Measurement} against a started target, and the notes of
    what happened to it on the way (restarts)."""
    sender = Sender(target)
    profile = target.profile
    measured = {}
    for kind in kinds:
        before = sender.requests
        if kind.name == 'body' and profile.missing_route(UPLOAD):
            measured[kind.name] = Measurement(
                kind, measured=False, note='the profile declares no %s'
                % UPLOAD)
            continue
        try:
            value, ceiling = largest_accepted(
                lambda size: sender.accepts(kind, size), kind.shortest,
                kind.ceiling, getattr(profile, kind.field))
        except LookupError as exc:
            measured[kind.name] = Measurement(
                kind, measured=False, note=str(exc),
                requests=sender.requests - before)
            continue
        measured[kind.name] = Measurement(kind, value, ceiling,
                                          requests=sender.requests - before)
    return measured, sender.notes


def differing(profile, measured):
    """The kinds whose measured figure is not the profile's: a limit where
    it declares another or none, or none where it declares one (within the
    search's ceiling)."""
    out = []
    for kind in KINDS:
        found = measured.get(kind.name)
        if found is None or not found.measured:
            continue
        declared = getattr(profile, kind.field)
        if found.value is None:
            same = declared is None or declared >= found.ceiling
        else:
            same = declared == found.value
        if not same:
            out.append(kind)
    return out


def measured_profile(profile, measured):
    """The profile with the measured limits where they differ from its own
    (a body without a limit keeps the declared one, which the contract's
    413 cases hold the server to), and a description that says so."""
    changes = {}
    said = []
    for kind in differing(profile, measured):
        found = measured[kind.name]
        if found.value is None and kind.name == 'body':
            continue
        changes[kind.field] = found.value
        said.append('%s %s (declared %s)' % (
            kind.label, found.text(), declared_text(
                kind, getattr(profile, kind.field))))
    if not changes:
        return profile
    changes['description'] = ('%s Limits as measured before the run, where '
                              'they differ from the declared ones: %s.' % (
                                  profile.description, '; '.join(said))
                              ).strip()
    return profile.replace(**changes)


def limits_report(profile, measured, notes=()):
    """For the matrix: per kind, the declared and the measured figure."""
    differ = [k.name for k in differing(profile, measured)]
    return {
        'kinds': {k.name: {'label': k.label, 'field': k.field,
                           'declared': getattr(profile, k.field),
                           'declared_text': declared_text(
                               k, getattr(profile, k.field)),
                           'measured': measured[k.name].as_dict()}
                  for k in KINDS if k.name in measured},
        'differ': differ,
        'notes': list(notes),
    }
