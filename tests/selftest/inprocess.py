"""The fixture app on the reference server, inside the test process.

Serving in a thread of this process is what lets a mutant's server (the
reference's Server with the seams the mutant changed, see breakage.py)
serve the fixture::

    with serving(breakage.server_class()) as target:
        result = run_case(case, target, OPTIONS)
"""
import asyncio
import contextlib
import threading
import time

import app as fixture  # fixtures/app.py
import microdot_server
from conformance.profile import load_profile
from conformance.targets import UrlTarget
from mpy_http_conformance.process import free_port

# The reference profile with waits short enough for a test suite.
PROFILE = load_profile('reference').replace(read_timeout=1.5,
                                            fuzz_examples=15)
OPTIONS = {'fuzz_examples': 15, 'fuzz_seed': 0}


@contextlib.contextmanager
def serving(server_class=microdot_server.Server, profile=PROFILE):
    """Serve fixtures/app.py on a free loopback port; yields a Target."""
    port = free_port()
    server = server_class(fixture.app)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(
        target=loop.run_until_complete,
        args=(server.serve('127.0.0.1', port),), daemon=True)
    thread.start()
    target = UrlTarget({'base_url': 'http://127.0.0.1:%d' % port,
                        'contract': 'yes'}, profile,
                       report_dir=None)
    deadline = time.monotonic() + 5
    while target.still_serving() and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield target
    finally:
        if server.accepting is not None:
            server.stop()
        thread.join(10)
        loop.close()
        fixture.app.shutdown_requested = False
