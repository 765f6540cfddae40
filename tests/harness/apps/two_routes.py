"""A user's own application, not the fixture contract: the two-route demo
a microdot user starts from (shared/reference-api.md), served on a port
given on the command line instead of after joining WiFi::

    PYTHONPATH=reference python tests/harness/apps/two_routes.py 8080
"""
import sys

from microdot import Microdot

app = Microdot()


@app.route('/users/active')
def active_users(request):
    return 'Active users: Susan, Joe, and Bob'


@app.route('/')
def index(request):
    return 'Hello, World Microdot!'


app.run(host='127.0.0.1', port=int(sys.argv[1]))
