# User sessions as microdot 1.x's session extension keeps them: a login
# form, the session read by with_session, updated and deleted.
import sys

from microdot import Microdot, redirect
from microdot_session import set_session_secret_key, with_session, \
    update_session, delete_session

app = Microdot()
set_session_secret_key('top-secret')


@app.route('/', methods=['GET', 'POST'])
@with_session
def index(req, session):
    username = session.get('username')
    if req.method == 'POST':
        username = req.form.get('username')
        update_session(req, {'username': username})
        return redirect('/')
    if username is None:
        return 'Not logged in'
    else:
        return 'Logged in as ' + username


@app.post('/logout')
def logout(req):
    delete_session(req)
    return redirect('/')


@app.get('/shutdown')
def shutdown(req):
    req.app.shutdown()
    return 'The server is shutting down...'


app.run(host='127.0.0.1', port=int(sys.argv[1]) if len(sys.argv) > 1
        else 5000)
