"""
microdot_overload: admission when every place is taken
======================================================

Loaded by ``microdot_server`` the first time a client finds every place
(``Microdot.max_connections``) taken. The newcomer waits for a place for
up to ``ADMIT_WAIT`` seconds; meanwhile the connection idle the longest is
closed to make one, and the server's answers say ``Connection: close``
(``Server.queued``) so that places turn over. Past the wait it gets the
server's ``BUSY`` 503.
"""
import asyncio

from microdot_server import ADMIT_WAIT, IDLE, ticks_diff, ticks_ms

SHED_AFTER = 50  # ms a connection must have been idle to be closed for one


async def admit(server):
    """True once a place is free for a new connection; False if none came
    within ADMIT_WAIT seconds."""
    server.queued += 1
    try:
        for _ in range(ADMIT_WAIT * 100):
            if server.active < server.max_connections:
                return True
            shed_idle(server)
            await asyncio.sleep(0.01)
        return False
    finally:
        server.queued -= 1


def shed_idle(server):
    """Close the connection idle the longest (for SHED_AFTER ms at least),
    unless one is closing for that already."""
    oldest = None
    now = ticks_ms()
    for conn in server.conns:
        if conn.expired:
            return
        if conn.mode == IDLE and conn.waiter is not None and \
                ticks_diff(now, conn.since) >= SHED_AFTER and \
                (oldest is None or ticks_diff(conn.since, oldest.since) < 0):
            oldest = conn
    if oldest is not None:
        oldest.expire()
