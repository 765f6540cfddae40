"""The limits probe: its bisection, its comparison with a profile, and
``python -m conformance limits`` against the reference."""
import os
import subprocess
import sys

import pytest

from conformance.limits import (KINDS, Measurement, differing,
                                largest_accepted, long_field, long_target,
                                measured_profile, numbered_fields)
from conformance.profile import load_profile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KIND = {k.name: k for k in KINDS}


class Server:
    """Takes every size up to ``limit`` (None: any), counting the asks."""

    def __init__(self, limit):
        self.limit = limit
        self.asked = []

    def __call__(self, size):
        self.asked.append(size)
        return self.limit is None or size <= self.limit


@pytest.mark.parametrize('limit', [25, 26, 1000, 2047, 2048, 2049, 131071])
def test_bisection_finds_the_limit(limit):
    server = Server(limit)
    assert largest_accepted(server, 25, 131072) == (limit, 131072)
    assert len(server.asked) <= 20


def test_the_declared_figure_costs_two_requests():
    server = Server(2048)
    assert largest_accepted(server, 25, 131072, declared=2048) == (2048,
                                                                   131072)
    assert server.asked == [2048, 2049]


def test_a_declared_figure_that_is_wrong_is_searched_past():
    for limit in (2046, 4069):
        server = Server(limit)
        assert largest_accepted(server, 25, 131072, 2048)[0] == limit


def test_no_limit_up_to_the_ceiling():
    # a declared limit above the ceiling raises it
    assert largest_accepted(Server(None), 2, 1024) == (None, 1024)
    assert largest_accepted(Server(None), 25, 131072, 65534) == (None,
                                                                 131072)
    assert largest_accepted(Server(None), 25, 131072, 100000) == (None,
                                                                  200000)


def test_a_server_that_refuses_the_smallest_is_not_measured():
    with pytest.raises(LookupError):
        largest_accepted(Server(10), 25, 131072)


def test_the_shapes_have_the_sizes_asked():
    target, name = long_target(2048)
    assert len('GET %s HTTP/1.1' % target) == 2048 and target.endswith(name)
    field_name, value = long_field(2048)
    assert len('%s: %s' % (field_name, value)) == 2048
    assert numbered_fields(3) == [('X-H-0', 'value'), ('X-H-1', 'value'),
                                  ('X-H-2', 'value')]


def measured(**values):
    return {name: Measurement(kind, values[name], kind.ceiling)
            for name, kind in KIND.items()}


def test_differences_and_the_profile_they_give():
    declared = load_profile('chumicro-http-server')  # no field-line limit
    found = measured(request_line=2048, field_line=4069, fields=239,
                     body=16384)
    assert [k.name for k in differing(declared, found)] == ['field_line',
                                                            'fields']
    used = measured_profile(declared, found)
    assert (used.field_line_limit, used.max_headers) == (4069, 239)
    assert used.request_line_limit == 2048 and used.body_limit == 16384
    assert 'header line 4069 bytes (declared none)' in used.description
    same = measured(request_line=2048, field_line=None, fields=None,
                    body=16384)
    assert differing(declared, same) == []
    assert measured_profile(declared, same) is declared


def test_a_body_without_a_limit_keeps_the_declared_one():
    declared = load_profile('reference')
    found = measured(request_line=2048, field_line=2048, fields=32,
                     body=None)
    assert [k.name for k in differing(declared, found)] == ['body']
    assert measured_profile(declared, found).body_limit == 16384


def test_command_line_against_the_reference():
    done = subprocess.run([sys.executable, '-m', 'conformance', 'limits',
                           '--target', 'local'], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'request line  declared 2048 bytes   measured 2048 bytes' in \
        done.stdout
    assert 'header lines  declared 32 lines     measured 32 lines' in \
        done.stdout
    assert 'differs' not in done.stdout


def test_command_line_says_what_differs():
    # the generic profile declares no count of header lines; the reference
    # takes 32
    done = subprocess.run([sys.executable, '-m', 'conformance', 'limits',
                           '--target', 'local', '--profile', 'generic'],
                          cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'header lines  declared none         measured 32 lines   ' \
        '<- differs' in done.stdout
