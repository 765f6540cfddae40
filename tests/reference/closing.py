"""Checks that the server closes connections cleanly (RFC 9112 9.6), shared
by test_server.py (CPython) and test_micropython.py (MicroPython).

Each takes the port of a server with these routes, GET and POST alike:
``/`` (small), ``/bytes/<n>`` (``n`` bytes, with Content-Length),
``/stream/<n>`` (``n`` lines 'piece i\\n', chunked, 100 lines to a chunk)
and ``/echo``; with ``Request.max_body_length = 4096`` and the default
``max_content_length`` (16 KB). A reset where a clean close is due fails
the check, saying how many bytes came first.
"""
import itertools
import time

from rawhttp import TIMEOUT, Client, Sender

LARGE = {'/bytes/350000': 350000,
         '/stream/35000': sum(len('piece %d\n' % i) for i in range(35000))}


def unread_body_then_large_response(port, method, path, size):
    """The handler leaves the body unread; a slow client gets the whole
    response, then a clean close."""
    c = Client(port, slow=True)
    c.send(b'%s %s HTTP/1.1\r\nHost: a\r\nContent-Length: %d\r\n\r\n'
           % (method.encode(), path.encode(), size) + b'b' * size)
    res = c.response_then_close()
    c.close()
    assert (res.status, res.headers['connection']) == (200, 'close')
    assert len(res.body) == LARGE[path]


def refused_while_sending(port, head, status, size):
    """``head`` and then ``size`` more bytes are sent in the background; the
    server refuses the request early with ``status``. The client reads the
    refusal whole, then a clean close, and all it sends goes out."""
    c = Client(port)
    sender = Sender(c, [head] + [b'a' * 4096] * (size // 4096))
    res = c.response_then_close()
    sent = sender.finish()
    c.close()
    assert (res.status, res.headers['connection']) == (status, 'close')
    assert sender.error is None, '%r after sending %d of %d bytes' % (
        sender.error, sent, len(head) + size)


def too_large_upload(port):
    size = 200 * 1024
    refused_while_sending(port, b'POST /echo HTTP/1.1\r\nHost: a\r\n'
                          b'Content-Length: %d\r\n\r\n' % size, 413, size)


def long_target(port):
    refused_while_sending(port, b'GET /', 414, 64 * 1024)


def long_field(port):
    refused_while_sending(port, b'GET / HTTP/1.1\r\nHost: a\r\nX: ', 431,
                          64 * 1024)


def endless_sender(port, bound):
    """A client refused with 413 sends on for ever, slowly: meanwhile
    another client is answered at once, and the server cuts the first off
    (with a reset, since input is left unread) within ``bound`` seconds."""
    c = Client(port)
    c.send(b'POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n'
           b'\r\n')
    sender = Sender(c, itertools.repeat(b'a' * 512), pause=0.01)
    assert c.response().status == 413
    started = time.monotonic()
    other = Client(port)
    other.get('/')
    assert other.response().status == 200
    other.close()
    assert time.monotonic() - started < 1
    sender.join(bound + TIMEOUT)
    waited = time.monotonic() - started
    cut = sender.error is not None
    sender.finish()
    c.close()
    assert cut, 'still connected after %.1f s' % waited
    assert waited < bound, 'cut off after %.1f s' % waited
