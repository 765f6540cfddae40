"""A raw WebSocket client over loopback, for the reference's tests: the
handshake as bytes, frames built by ``conformance.ws_wire.frame`` and read
whole, every wait bounded."""
import base64
import os

from conformance.ws_wire import accept_for, parse_frame
from rawhttp import Client


def handshake(path, key, headers=()):
    lines = ['GET %s HTTP/1.1' % path, 'Host: localhost',
             'Upgrade: websocket', 'Connection: Upgrade',
             'Sec-WebSocket-Key: ' + key, 'Sec-WebSocket-Version: 13']
    return ('\r\n'.join(lines + list(headers)) + '\r\n\r\n').encode()


class WsClient(Client):
    """A client that opens a WebSocket on ``path`` (``reply`` is the answer
    to its handshake; ``after`` bytes go in the same send)."""

    def __init__(self, port, path, headers=(), after=b'', **kwargs):
        super().__init__(port, **kwargs)
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.send(handshake(path, self.key, headers) + after)
        self.reply = self.response(head=True)

    @property
    def accepted(self):
        return self.reply.status == 101 and \
            self.reply.headers.get('sec-websocket-accept') == \
            accept_for(self.key)

    def frame(self):
        """The next frame (a conformance.ws_wire.Frame)."""
        while True:
            parsed = parse_frame(self.buf)
            if parsed is not None:
                self.buf = self.buf[parsed[1]:]
                return parsed[0]
            self._more()
