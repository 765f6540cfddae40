# The WebSocket echo of microdot 1.3.4's documentation (docs/extensions.rst,
# "WebSocket Support"), served on the port given: it runs unchanged on
# microdot 1.3.4 and on the reference, under CPython and MicroPython.
import sys

from microdot import Microdot
from microdot_websocket import with_websocket

app = Microdot()


@app.route('/echo')
@with_websocket
def echo(request, ws):
    while True:
        message = ws.receive()
        ws.send(message)


app.run(port=int(sys.argv[1]))
