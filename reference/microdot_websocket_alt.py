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
by RFC 6455, and it loads only when imported. 1.3.4's module, on the
MicroPython unix port, echoes a binary message as a text frame, joins
messages that arrive together into one and answers no Ping
(``tests/reference/test_websocket_differential.py`` measures both).
"""
from microdot_websocket import WebSocket, websocket_upgrade, \
    with_websocket  # noqa: F401
