# microdot 1.x's "Using an ASGI Web Server" application, with more of its
# documented API (request.asgi_scope, JSON, a Jinja template, streams, a
# file, errors, shutdown), served by Uvicorn on the port given (default
# 5000). Runs unchanged on microdot 1.3.4 and on the reference (CPython
# only).
import os
import sys

import uvicorn
from microdot_asgi import Microdot, send_file
from microdot_jinja import render_template

app = Microdot()


@app.route('/')
async def index(req):
    return 'Hello, World!'


@app.route('/scope')
async def scope(req):
    return {'type': req.asgi_scope['type'], 'path': req.asgi_scope['path']}


@app.post('/echo')
async def echo(req):
    return {'json': req.json, 'length': req.content_length}


@app.get('/template')
async def template(req):
    return render_template('hello.html', name=req.args.get('name'),
                           items=['a', '<b>']), {'Content-Type': 'text/html'}


@app.get('/stream')
async def stream(req):
    async def lines():
        for i in range(50):
            yield b'line %d\n' % i
    return lines()


@app.get('/file')
async def file(req):
    return send_file('static/style.css', max_age=60)


@app.errorhandler(404)
async def not_found(req):
    return {'error': 'not found'}, 404


@app.get('/shutdown')
async def shutdown(req):
    req.app.shutdown()
    return 'The server is shutting down...'


if __name__ == '__main__':
    # the server leads a process group of its own: shutdown() signals the
    # group's leader, and Uvicorn stops gracefully on SIGTERM
    os.setpgrp()
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    uvicorn.run(app, host='127.0.0.1', port=port, log_level='warning',
                lifespan='off')
