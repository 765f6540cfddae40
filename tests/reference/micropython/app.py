# A small application served by the reference server under MicroPython.
# Usage: micropython app.py PORT
import sys

from microdot import Microdot, Request, Response

Request.socket_read_timeout = 3
Request.idle_timeout = 3
Request.max_body_length = 4096  # larger bodies are left to the handler
Microdot.max_connections = 4
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


@app.route('/same-site')
def same_site(request):
    res = Response('cookie')
    res.set_cookie('s', '1', same_site='lax')
    return res


@app.route('/only-post', methods=['POST'])
def only_post(request):
    return 'posted'


@app.route('/echo', methods=['POST'])
def echo(request):
    return request.body


# async: a body these leave unread stays unread (MicroPython receives the
# body of a plain handler's request before the handler runs)
@app.route('/bytes/<int:n>', methods=['GET', 'POST'])
async def some_bytes(request, n):
    return b'x' * n


@app.route('/stream/<int:n>', methods=['GET', 'POST'])
async def stream(request, n):
    return (''.join('piece %d\n' % j for j in range(i, min(i + 100, n)))
            for i in range(0, n, 100))  # n lines, 100 to a chunk


@app.route('/upload', methods=['POST'])
def upload(request):
    # plain, reading the stream: MicroPython receives the body first
    stream = request.stream
    total = 0
    piece = stream.read(512)
    while piece:
        total += len(piece)
        piece = stream.read(512)
    return str(total)


@app.route('/hungry')
def hungry(request):
    return b'x' * (1 << 30)  # more than any heap: MemoryError


@app.route('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'bye'


app.run(host='127.0.0.1', port=int(sys.argv[1]))
