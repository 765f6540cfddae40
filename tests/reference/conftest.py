"""Shared set-up for the reference server's unit tests.

The reference modules are plain files in ``reference/`` (on a board they are
copied to ``/lib``), so that folder goes on ``sys.path``; so does this one,
for the shared raw client ``rawhttp``.
"""
import os
import sys
import tempfile

import hypothesis.configuration
import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REFERENCE_DIR = os.path.abspath(os.path.join(TESTS_DIR, '..', '..',
                                             'reference'))
for path in (REFERENCE_DIR, TESTS_DIR):  # TESTS_DIR: for rawhttp
    if path not in sys.path:
        sys.path.insert(0, path)

# Hypothesis keeps a cache; keep it out of the working tree.
hypothesis.configuration.set_hypothesis_home_dir(
    os.path.join(tempfile.gettempdir(), 'reference-tests-hypothesis'))

from microdot import Microdot, Request, Response  # noqa: E402


LIMITS = ((Request, 'max_content_length'), (Request, 'max_body_length'),
          (Request, 'max_readline'), (Request, 'max_headers'),
          (Request, 'socket_read_timeout'), (Request, 'idle_timeout'),
          (Request, 'max_head_length'), (Microdot, 'max_connections'),
          (Response, 'default_content_type'),
          (Response, 'default_send_file_max_age'),
          (Response, 'send_file_buffer_size'))
# The library's defaults, taken before any other module (the conformance
# fixture, say) changes them.
DEFAULTS = [(cls, name, cls.__dict__[name]) for cls, name in LIMITS]


@pytest.fixture(autouse=True)
def _restore_class_limits():
    """Each test starts with the library's default limits and may change
    them freely; they are put back as they were afterwards."""
    saved = [(cls, name, cls.__dict__[name]) for cls, name in LIMITS]
    for cls, name, value in DEFAULTS:
        setattr(cls, name, value)
    yield
    for cls, name, value in saved:
        setattr(cls, name, value)
