# Measured on MicroPython by bench/heap.py (the reference only): a
# WebSocket echo with a plain handler (/echo, on a thread of its own on
# MicroPython) and one with an async handler (/aecho); /heap gives the
# heap in use while whatever WebSockets are open stay open.
import gc
import sys

from microdot import Microdot
from microdot_asyncio_websocket import with_websocket as with_async_websocket
from microdot_websocket import with_websocket

app = Microdot()


@app.route('/')
def index(request):
    return 'ready'


@app.route('/echo')
@with_websocket
def echo(request, ws):
    while True:
        ws.send(ws.receive())


@app.route('/aecho')
@with_async_websocket
async def aecho(request, ws):
    while True:
        await ws.send(await ws.receive())


@app.route('/heap')
def heap(request):
    gc.collect()
    return str(gc.mem_alloc())


app.run(host='127.0.0.1', port=int(sys.argv[1]))
