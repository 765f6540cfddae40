# microdot 1.x's "Getting Started" application, with the routes its
# documentation shows, written against its documented API. Serves on the
# port given (default 5000); runs unchanged on microdot 1.3.4 and on the
# reference, on CPython and MicroPython.
import sys

from microdot import Microdot

app = Microdot()


@app.route('/')
def index(request):
    return 'Hello, world!'


@app.route('/users/active')
def active_users(request):
    return 'Active users: Susan, Joe, and Bob'


@app.route('/invoices', methods=['GET', 'POST'])
def invoices(request):
    if request.method == 'GET':
        return 'get invoices'
    elif request.method == 'POST':
        return 'create an invoice'


@app.get('/users/<int:id>/<string:username>')
def get_user(request, id, username):
    return 'User: ' + username + ' (' + str(id) + ')'


@app.get('/tests/<path:path>')
def get_test(request, path):
    return 'Test: ' + path


@app.get('/names/<re:[a-zA-Z][a-zA-Z0-9]*:username>')
def get_name(request, username):
    return 'User: ' + username


@app.get('/json')
def json_response(request):
    return {'hello': 'world'}


@app.get('/html')
def html(request):
    return '<h1>Hello, World!</h1>', 202, {'Content-Type': 'text/html'}


@app.errorhandler(404)
def not_found(request):
    return {'error': 'resource not found'}, 404


@app.get('/shutdown')
def shutdown(request):
    request.app.shutdown()
    return 'The server is shutting down...'


app.run(host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1
        else 5000)
