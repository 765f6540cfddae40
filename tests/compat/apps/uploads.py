# Uploads as microdot 1.x's documentation receives them: the request limits
# raised, a small body read from request.body and a large one from
# request.stream in pieces.
import sys

from microdot import Microdot, Request

Request.max_content_length = 1024 * 1024
Request.max_body_length = 8 * 1024

app = Microdot()


@app.post('/upload')
def upload(request):
    if request.content_length <= Request.max_body_length:
        data = request.body
        return {'size': len(data), 'from': 'body', 'head': data[:8].decode()}
    size = 0
    head = b''
    remaining = request.content_length
    while remaining:
        chunk = request.stream.read(min(1024, remaining))
        if not chunk:
            break
        if not head:
            head = chunk[:8]
        size += len(chunk)
        remaining -= len(chunk)
    return {'size': size, 'from': 'stream', 'head': head.decode()}


@app.post('/form')
def form(request):
    return 'Hello ' + request.form.get('name', 'Unknown')


@app.get('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'The server is shutting down...'


app.run(host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1
        else 5000)
