"""
microdot_cpython: what the server does differently on CPython
=============================================================

Loaded by ``microdot_server`` when it runs on CPython (MicroPython never
loads it): connections over asyncio streams, which can half-close and carry
TLS, and a pool of worker threads for plain functions, so that a handler
that blocks leaves the event loop free.
"""
import asyncio
import threading
from inspect import iscoroutine
from queue import SimpleQueue

import microdot_server

WORKERS = microdot_server.MOST_CONNECTIONS


class Connection(microdot_server.Connection):
    """A client connection over asyncio streams."""
    reader = writer = loop = None
    out = True  # what the stream keeps is not known: always drain

    async def open(self):
        loop = self.loop = asyncio.get_running_loop()
        self.reader = asyncio.StreamReader()
        protocol = asyncio.StreamReaderProtocol(self.reader)
        transport, _ = await loop.connect_accepted_socket(
            lambda: protocol, self.sock, ssl=self.ssl)
        self.writer = asyncio.StreamWriter(transport, protocol, self.reader,
                                           loop)

    async def receive(self):
        return await self.reader.read(2048)

    async def received_already(self):
        task = asyncio.current_task()
        if hasattr(task, 'uncancel'):  # 3.11+: the task may await again
            task.uncancel()
        reader = self.reader
        # the reader's buffer: what the transport has received and not
        # handed out (StreamReader offers no public way to ask)
        if reader.at_eof() or getattr(reader, '_buffer', None):
            return await reader.read(2048)  # at once: the bytes are here
        return None

    def recv_now(self):
        """``recv`` from a worker thread: blocks until the event loop has
        the bytes."""
        return asyncio.run_coroutine_threadsafe(self.recv(),
                                                self.loop).result()

    def write(self, data):
        self.writer.write(data)

    async def drain(self):
        await self.writer.drain()

    def half_close(self):
        writer = self.writer
        if writer.can_write_eof():
            writer.write_eof()
            return True
        return False

    async def shut(self):
        if self.writer is None:  # never opened
            self.sock.close()
        else:
            self.writer.close()
            await self.writer.wait_closed()


# A pool of worker threads for plain functions: lighter than an executor's
# futures (a third of the time per call), shared by every server of the
# process, each job telling the loop to wake.
_jobs = SimpleQueue()
_workers = [0, 0]  # started, waiting for a job
_workers_lock = threading.Lock()


async def call_plain(f, *args):
    """``f(*args)`` in a worker thread, awaited."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    _jobs.put((f, args, done, loop))
    with _workers_lock:  # a thread more when none is free, up to WORKERS
        more = _workers[1] < _jobs.qsize() and _workers[0] < WORKERS
        if more:
            _workers[0] += 1
    if more:
        threading.Thread(target=_work, daemon=True).start()
    return await done


async def invoke(f, *args, **kwargs):
    """A plain handler or hook's result, from a worker thread; a plain
    wrapper around an async function has its coroutine awaited."""
    result = await call_plain(lambda: f(*args, **kwargs))
    if iscoroutine(result):
        result = await result
    return result


def _work():
    while True:
        with _workers_lock:
            _workers[1] += 1
        f, args, done, loop = _jobs.get()
        with _workers_lock:
            _workers[1] -= 1
        try:
            result, ok = f(*args), True
        except BaseException as exc:
            result, ok = exc, False
        try:
            loop.call_soon_threadsafe(_settle, done, ok, result)
        except RuntimeError:
            pass  # that loop has closed: nobody waits any more


def _settle(done, ok, result):
    if not done.cancelled():
        if ok:
            done.set_result(result)
        elif isinstance(result, StopIteration):  # a future refuses it
            done.set_exception(RuntimeError('StopIteration: %s' % result))
        else:
            done.set_exception(result)
