"""
microdot_websocket_alt: microdot 1.x's other name for WebSocket routes
======================================================================

microdot 1.3.4 ships a second plain-handler WebSocket module, built on
MicroPython's ``websocket`` module to save the memory of its own framing.
An application written for it runs here unchanged::

    from microdot import Microdot
    from microdot_websocket_alt import with_websocket

    app = Microdot()

    @app.route('/echo')
    @with_websocket
    def echo(request, ws):
        while True:
            ws.send(ws.receive())

The names (``WebSocket``, ``websocket_upgrade``, ``with_websocket``) are
``microdot_websocket``'s: the reference has one WebSocket implementation,
which follows RFC 6455 where MicroPython's ``websocket`` module does not
(it answers a Close without the closing handshake, lets a client send
unmasked frames and does not check text as UTF-8), and costs no more
memory than this module would, since both load only when imported.
"""
from microdot_websocket import WebSocket, websocket_upgrade, \
    with_websocket  # noqa: F401
