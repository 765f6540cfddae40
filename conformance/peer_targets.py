"""A pytest plugin that gives every peer of the matrix a target of its own
(``conformance.peers``): load it with ``-p`` and name the peer::

    pytest -p conformance.peer_targets --target=microdot-2.7
    pytest -p conformance.peer_targets --target=phew --report-dir /tmp/r

The peer is installed into ``.peers/`` if it is not yet, its server started
on a free loopback port and restarted whenever it stops serving, as the
``local`` target does with the reference; the run is the suite's usual one.
"""
from conformance.peers import register_peer_targets

register_peer_targets()
