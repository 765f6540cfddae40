"""The floor under every framework: an asyncio loop that answers each request
with the same JSON bytes, and keeps the connection open unless asked not to.

    python bench/bare_server.py 8080
    micropython bench/bare_server.py 8080

It runs unchanged on CPython and MicroPython. It reads a request head line by
line and ignores it, except for ``Connection: close`` (and HTTP/1.0 without
``Connection: keep-alive``), after which it closes. No routing, no parsing
of the target, no body: what is left is asyncio and the socket.
"""
import asyncio
import sys

BODY = b'{"message": "Hello, World!"}'
RESPONSE = (b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n'
            b'Content-Length: %d\r\n\r\n' % len(BODY)) + BODY
CLOSING = RESPONSE.replace(b'\r\n\r\n', b'\r\nConnection: close\r\n\r\n', 1)


async def read_head(reader):
    """Whether the client wants the connection kept open; None at EOF."""
    line = await reader.readline()
    if not line:
        return None
    keep_open = not line.rstrip().endswith(b'HTTP/1.0')
    while True:
        line = await reader.readline()
        if not line:
            return None
        if line in (b'\r\n', b'\n'):
            return keep_open
        name, _, value = line.partition(b':')
        if name.strip().lower() == b'connection':
            keep_open = value.strip().lower() == b'keep-alive'


async def serve(reader, writer):
    try:
        while True:
            keep_open = await read_head(reader)
            if keep_open is None:
                break
            writer.write(RESPONSE if keep_open else CLOSING)
            await writer.drain()
            if not keep_open:
                break
    except OSError:  # reset by the client: nothing left to answer
        pass
    writer.close()
    try:
        await writer.wait_closed()  # MicroPython closes the socket here
    except OSError:
        pass


async def main(port):
    await asyncio.start_server(serve, '127.0.0.1', port)
    while True:
        await asyncio.sleep(3600)


if __name__ == '__main__':
    asyncio.run(main(int(sys.argv[1])))
