"""What the probe scripts share: a probe is an id and a call; its result is
made plain (JSON, alike on both interpreters) or the kind of exception it
raised; each is printed on a line of its own, ``PROBE [id, result]``."""
import json

PROBES = []  # (id, function)
KINDS = (KeyError, IndexError, ValueError, TypeError, AttributeError,
         RuntimeError, OSError, ZeroDivisionError)


def probe(name, f, *args):
    PROBES.append((name, lambda: f(*args)))


def plain(value):
    """``value`` as JSON can hold it, the same on both interpreters."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return 'b:' + bytes(value).decode()
        except ValueError:
            return 'x:' + ''.join('%02x' % b for b in value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return '<%s>' % type(value).__name__


def kind_of(exc):
    for kind in KINDS:
        if isinstance(exc, kind):
            return kind.__name__
    return 'Exception'


def run(f):
    try:
        return plain(f())
    except Exception as exc:
        return {'raises': kind_of(exc)}


def print_probes():
    """Run every probe and print its line; what the implementation prints
    itself may come in between."""
    for name, f in PROBES:
        print('PROBE ' + json.dumps([name, run(f)]))
