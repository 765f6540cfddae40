# A small application served by the reference server under MicroPython.
# Usage: micropython app.py PORT
import sys

from microdot import Microdot, Request

Request.socket_read_timeout = 3
app = Microdot()


@app.route('/')
def index(request):
    return 'Hello from ' + sys.implementation.name


@app.route('/form', methods=['POST'])
def form(request):
    return {'name': request.form['name'], 'tags': request.form.getlist('t')}


@app.route('/hello/<name>')
def hello(request, name):
    return 'Hello, ' + name


@app.route('/only-post', methods=['POST'])
def only_post(request):
    return 'posted'


@app.route('/echo', methods=['POST'])
def echo(request):
    return request.body


@app.route('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'bye'


app.run(host='127.0.0.1', port=int(sys.argv[1]))
