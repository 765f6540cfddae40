"""Code a request does not need is not loaded: ``micropython/check_lazy.py``
serves one kind of request after another and checks which modules each
made the reference load, on MicroPython and on CPython (each in a fresh
process)."""
import os
import subprocess

import pytest

from test_memory_errors import interpreter

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    'micropython')


@pytest.mark.parametrize('name', ['micropython', 'cpython'])
def test_each_request_loads_only_what_it_needs(name):
    argv, env = interpreter(name)
    done = subprocess.run(argv + ['check_lazy.py'], cwd=HERE,
                          env=dict(os.environ, **env), capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (
        0, 'lazy loading: ok'), done.stdout + done.stderr
