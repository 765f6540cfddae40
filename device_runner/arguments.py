"""Types of the numbers given on the command line, for ``python -m
device_runner`` and, through it, the suite's pytest options and ``python -m
conformance``: each turns a bad value into a usage error that names the
option and the value, never a traceback later on::

    parser.add_argument('--read-timeout', type=positive(float))
    parser.add_argument('--port', type=port_number)
"""
import argparse
import math

MIN_HEAP_SIZE = 16 * 1024  # the unix port cannot start its REPL in much less


def positive(kind):
    """A number of ``kind`` (int or float) above zero and finite."""
    def convert(text):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not 0 < value or math.isinf(value):
            raise argparse.ArgumentTypeError(
                'must be a positive %s, not %r' % (
                    'whole number' if kind is int else 'number', text))
        return value
    convert.__name__ = 'positive ' + kind.__name__
    return convert


def port_number(text):
    """A TCP port, 0 to 65535 (0: any free one)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            'must be a TCP port from 0 to 65535, not %r' % text)
    return port


def heap_bytes(text):
    """A MicroPython heap size in bytes, at least MIN_HEAP_SIZE."""
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < MIN_HEAP_SIZE:
        raise argparse.ArgumentTypeError(
            'must be a number of bytes, at least %d (192 KB is 196608), '
            'not %r' % (MIN_HEAP_SIZE, text))
    return size
