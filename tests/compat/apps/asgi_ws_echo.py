# The WebSocket echo of microdot 1.3.4's documentation (docs/extensions.rst,
# "WebSocket Support") as an ASGI application (microdot_asgi with
# microdot_asgi_websocket), served by Uvicorn with wsproto on the port
# given. Runs unchanged on microdot 1.3.4 and on the reference (CPython
# only).
import sys

import uvicorn
from microdot_asgi import Microdot
from microdot_asgi_websocket import with_websocket

app = Microdot()


@app.route('/echo')
@with_websocket
async def echo(request, ws):
    while True:
        message = await ws.receive()
        await ws.send(message)


if __name__ == '__main__':
    uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[1]),
                log_level='warning', lifespan='off', ws='wsproto')
