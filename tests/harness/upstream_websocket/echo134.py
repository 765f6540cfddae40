# microdot 1.3.4's WebSocket echo, as its documentation shows it
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
