# WebSocket routes served by the reference server under MicroPython, plain
# and async. Usage: micropython ws_app.py PORT
import sys

from microdot import Microdot, Request
import microdot_asyncio_websocket
import microdot_websocket

Request.max_body_length = 4096
app = Microdot()


@app.route('/echo')
@microdot_websocket.with_websocket
def echo(request, ws):
    while True:
        ws.send(ws.receive())


@app.route('/aecho')
@microdot_asyncio_websocket.with_websocket
async def aecho(request, ws):
    while True:
        await ws.send(await ws.receive())


@app.route('/upgrade')
def upgrade(request):
    ws = microdot_websocket.websocket_upgrade(request)
    ws.send('upgraded')
    ws.close()


@app.route('/')
def index(request):
    return 'index'


@app.route('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'bye'


app.run(host='127.0.0.1', port=int(sys.argv[1]))
