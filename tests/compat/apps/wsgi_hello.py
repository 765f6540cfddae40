# microdot 1.x's "Using a WSGI Web Server" application, with more of its
# documented API (request.environ, JSON, a Jinja template, a stream, a
# file, errors, shutdown), served by wsgiref, the standard library's WSGI
# server, on the port given (default 5000). Runs unchanged on microdot 1.3.4
# and on the reference (CPython only).
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from microdot_jinja import render_template
from microdot_wsgi import Microdot, send_file

app = Microdot()


@app.route('/')
def index(req):
    return 'Hello, World!'


@app.route('/environ')
def environ(req):
    return {'method': req.environ['REQUEST_METHOD'],
            'path': req.environ['PATH_INFO']}


@app.post('/echo')
def echo(req):
    return {'json': req.json, 'length': req.content_length}


@app.get('/template')
def template(req):
    return render_template('hello.html', name=req.args.get('name'),
                           items=['a', '<b>']), {'Content-Type': 'text/html'}


@app.get('/stream')
def stream(req):
    def lines():
        for i in range(50):
            yield b'line %d\n' % i
    return lines()


@app.get('/file')
def file(req):
    return send_file('static/style.css', max_age=60)


@app.errorhandler(404)
def not_found(req):
    return {'error': 'not found'}, 404


@app.get('/shutdown')
def shutdown(req):
    req.app.shutdown()
    return 'The server is shutting down...'


class Quiet(WSGIRequestHandler):
    def log_request(self, *args):
        pass


if __name__ == '__main__':
    # the server leads a process group of its own, as a WSGI server's
    # master process does: shutdown() signals the group's leader
    os.setpgrp()
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    make_server('127.0.0.1', port, app, handler_class=Quiet).serve_forever()
