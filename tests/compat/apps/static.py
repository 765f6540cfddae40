# Static files as microdot 1.x's documentation serves them: a route with a
# path argument and send_file, a cache duration, a pre-compressed file.
import sys

from microdot import Microdot, send_file

app = Microdot()
ROOT = __file__.rsplit('/', 1)[0] + '/static/' if '/' in __file__ \
    else 'static/'


@app.route('/')
def index(request):
    return send_file(ROOT + 'index.html')


@app.route('/static/<path:path>')
def static(request, path):
    if '..' in path:
        # directory traversal is not allowed
        return 'Not found', 404
    return send_file(ROOT + path, max_age=86400)


@app.route('/compressed/<name>')
def compressed(request, name):
    return send_file(ROOT + name, compressed=True, file_extension='.gz')


@app.get('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'The server is shutting down...'


app.run(host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1
        else 5000)
