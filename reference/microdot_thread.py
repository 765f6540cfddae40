"""
microdot_thread: a plain function on a thread of its own (MicroPython)
======================================================================

MicroPython runs plain handlers in the event loop, which is right for a
handler that answers at once; one that keeps its connection for as long as
its client stays (a WebSocket) would stop every other client meanwhile.
``microdot_server`` calls the plain handler of an upgrade request through
``invoke``, and ``microdot_websocket`` a plain WebSocket handler through
``call``: each runs on a thread of its own (``_thread``), and the event
loop goes on serving the others while the caller awaits the result::

    result = await call(handler, request, ws)

The thread touches nothing the event loop uses: MicroPython's objects are
not safe to change from two threads at once (most ports run threads
without a global lock). What the thread needs done to the server's objects
it asks the loop to do (``ask``). A thread's stack does not come from the
MicroPython heap (on the unix port and the ESP32). Where no thread can be
started (a port without ``_thread``; a Pico W, whose one spare core is
busy with another) the request is answered 503, and the server says why.
Loaded with the first such request; CPython never loads it (it has worker
threads, ``microdot_cpython``).
"""
import asyncio

from microdot import HTTPException

_POLL_MS = 50  # the longest wait between two looks at a running thread


async def call(f, *args, **kwargs):
    """``f(*args, **kwargs)`` on a thread of its own, awaited; what it
    raises is raised here. HTTPException(503) when no thread starts."""
    return await run(f, args, kwargs, None)


async def invoke(f, req, stream, *args, **kwargs):
    """``microdot_server.invoke`` for the handler of an upgrade request: a
    plain one on a thread of its own (its body received first, as
    ``invoke`` does), which may ``ask`` the loop through its request's
    connection; an async one awaited as usual."""
    import microdot_server
    if microdot_server.is_async(f):
        return await f(req, *args, **kwargs)
    if stream is not None and not stream.done:
        await stream.read_ahead()
    conn = req.sock
    conn.asks = [None, None]
    return await run(f, (req,) + args, kwargs, conn.asks)


async def run(f, args, kwargs, asks):
    """``f(*args, **kwargs)`` on a thread of its own, awaited; ``asks``
    (None, or a list of two) carries what the thread asks the loop to do
    meanwhile (see ``ask``)."""
    done = []

    def work():
        try:
            done.append((True, f(*args, **kwargs)))
        except BaseException as exc:
            done.append((False, exc))
    try:
        import _thread
        _thread.start_new_thread(work, ())
    except Exception as exc:  # ImportError, OSError, RuntimeError
        print('no thread for a plain handler that may keep its connection '
              '(%s): answered 503; an async handler needs none' % exc)
        raise HTTPException(503)
    wait = 1  # ms: short at first, for a function that ends at once
    while not done:
        if asks is not None and asks[0] is not None:
            try:
                asks[1] = (True, asks[0]())
            except BaseException as exc:
                asks[1] = (False, exc)
            asks[0] = None  # last: the thread waits for this
            wait = 1
        await asyncio.sleep_ms(wait)
        wait = min(wait * 2, _POLL_MS)
    ok, result = done[0]
    if not ok:
        raise result
    return result


def ask(conn, f):
    """From the thread ``invoke`` started for a request on ``conn``: have
    the event loop call ``f()``, and return its result (or raise what it
    raised)."""
    import time
    asks = conn.asks
    asks[0] = f
    while asks[0] is not None:
        time.sleep_ms(1)
    ok, result = asks[1]
    if not ok:
        raise result
    return result
