# microdot 2.7's WebSocket echo, as its documentation shows it
import sys
from microdot import Microdot
from microdot.websocket import with_websocket

app = Microdot()


@app.route('/echo')
@with_websocket
async def echo(request, ws):
    while True:
        message = await ws.receive()
        await ws.send(message)


app.run(port=int(sys.argv[1]))
