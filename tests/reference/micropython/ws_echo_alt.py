# The WebSocket echo of microdot 1.3.4's documentation (docs/extensions.rst,
# "WebSocket Support") written for microdot_websocket_alt, served on the port
# given. microdot 1.3.4's module needs MicroPython's websocket module, so
# only MicroPython runs both.
import sys

from microdot import Microdot
from microdot_websocket_alt import with_websocket

app = Microdot()


@app.route('/echo')
@with_websocket
def echo(request, ws):
    while True:
        message = ws.receive()
        ws.send(message)


app.run(port=int(sys.argv[1]))
