"""The same calls of microdot 1.x's session extension against whichever
microdot is on the path (microdot 1.3.4's needs PyJWT on the path too, so
it runs on CPython only). The tokens below were made by PyJWT 2.10.1, as
microdot 1.3.4 makes them, with the key ``top-secret``: each
implementation must read them alike. The tokens an implementation makes
are printed under ``made:`` ids; ``test_differential.py`` checks them with
PyJWT."""
import asyncio
import io
import sys

import microdot
import microdot_session
from microdot_session import (delete_session, get_session,
                              set_session_secret_key, update_session,
                              with_session)
from probing import print_probes, probe

TOKENS = {
    'valid': 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImJvYiIs'
             'Im4iOjN9.y2tVmj4_ja73dCqUNazp0ZisuEDduetD0eB4nLeOztc',
    'expired': 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6Im9sZC'
               'IsImV4cCI6MTAwMH0.94McB11HADgIZEOFiOS8DmZtJCO4c83K2xAk0CDbw1A',
    'not yet': 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImxhdG'
               'VyIiwibmJmIjo0MTAyNDQ0ODAwfQ.lomUXfb2So1EaHsD_pBSDGewIdTKapm'
               'qQOC4TogzJcM',
    'audience': 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoieCIsImF1Z'
                'CI6InNvbWVvbmUifQ.4d0mw5ZW9Rm1Lc8nxqJm6QsP002ypLwmK8rMxz_eohk',
    'non-ASCII': 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoiSlx1MDBm'
                 'NnJnIiwibGlzdCI6WzEsbnVsbCx0cnVlXX0.yoWmwPYzsfmDVLVEJuHNaEy'
                 'mLJXb9Pvo6IfY9p5YLf8',
    'other key': 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImJv'
                 'YiJ9.R3DX2CpbDrApVfHhVCspG8LbOuXNk3WPLKLzK76q5UA',
    'HS384': 'eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImJvYiJ9'
             '.1Zq0MWsLJmTIEvidWcZpMOAP9HJaQ5SQXbNKXRQOJ3urCGkoohWoV7a91Cb1Us'
             'Qn',
    'tampered': 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VybmFtZSI6ImFsa'
                'WNlIiwibiI6M30.y2tVmj4_ja73dCqUNazp0ZisuEDduetD0eB4nLeOztc',
    'garbage': 'not-a-token',
}
ADDR = ('10.0.0.3', 1)


def _request(app, path, cookie=None, method='GET', body=b'', ctype=None):
    head = method.encode() + b' ' + path.encode() + b' HTTP/1.1\r\nHost: h\r\n'
    if cookie is not None:
        head += b'Cookie: session=' + cookie.encode() + b'\r\n'
    if ctype:
        head += b'Content-Type: ' + ctype.encode() + b'\r\n'
    if body:
        head += b'Content-Length: %d\r\n' % len(body)
    return microdot.Request.create(app, io.BytesIO(head + b'\r\n' + body),
                                   ADDR)


def _read(name):
    return get_session(_request(None, '/', TOKENS[name]))


for _name in sorted(TOKENS):
    probe('get_session(%s token)' % _name, _read, _name)
probe('get_session(no cookie)', lambda: get_session(_request(None, '/')))
probe('get_session kept for the request', lambda: (lambda r: get_session(r)
                                                   is get_session(r))(
    _request(None, '/', TOKENS['valid'])))


def app_with_sessions():
    app = microdot.Microdot()

    @app.route('/', methods=['GET', 'POST'])
    @with_session
    def index(req, session):
        if req.method == 'POST':
            update_session(req, {'username': req.form.get('username')})
            return microdot.redirect('/')
        return 'Logged in as ' + session['username'] if 'username' in \
            session else 'Not logged in'

    @app.post('/logout')
    def logout(req):
        delete_session(req)
        return microdot.redirect('/')

    @app.route('/args/<int:n>')
    @with_session
    def args(req, session, n):
        return 'n=%d user=%s' % (n, session.get('username'))
    return app


APP = app_with_sessions()


def _served(path, cookie=None, method='GET', body=b'', ctype=None):
    req = _request(APP, path, cookie, method, body, ctype)
    res = APP.dispatch_request(req)
    return [res.status_code, sorted(res.headers.items()),
            [p for p in res.body_iter()]]


probe('session app GET / logged in', _served, '/', TOKENS['valid'])
probe('session app GET / tampered', _served, '/', TOKENS['tampered'])
probe('session app GET / anonymous', _served, '/')
probe('session app POST /logout', _served, '/logout', TOKENS['valid'], 'POST')
probe('session app with_session and URL arguments', _served, '/args/7',
      TOKENS['valid'])


def _made(username):
    res = APP.dispatch_request(_request(
        APP, '/', None, 'POST', b'username=' + username.encode(),
        'application/x-www-form-urlencoded'))
    cookie = res.headers['Set-Cookie'][0]
    token = cookie.split(';')[0].split('=', 1)[1]
    # the token the implementation made, read back by it
    return [res.status_code, cookie.split(';')[1:], token,
            get_session(_request(None, '/', token))]


for _user in ('susan', 'J\u00f6rg'):
    probe('made: update_session(%d chars)' % len(_user), _made, _user)


def _async_with_session():
    try:
        import microdot_asyncio
    except ImportError:
        return 'no microdot_asyncio'
    app = microdot_asyncio.Microdot()

    @app.route('/')
    @with_session
    async def index(req, session):
        return {'async': session.get('username')}

    async def go():
        req = await microdot_asyncio.Request.create(
            app, _Reader(b'GET / HTTP/1.1\r\nHost: h\r\nCookie: session=' +
                         TOKENS['valid'].encode() + b'\r\n\r\n'), None, ADDR)
        res = await app.dispatch_request(req)
        return res.body
    return asyncio.run(go())


class _Reader:
    def __init__(self, data):
        self.data = io.BytesIO(data)

    async def readline(self):
        return self.data.readline()

    async def read(self, n=-1):
        return self.data.read(n)

    async def readexactly(self, n):
        return self.data.read(n)


probe('with_session on an async handler', _async_with_session)


def _no_key():
    saved = microdot_session.secret_key
    set_session_secret_key(None)
    try:
        return [_try(lambda: get_session(_request(None, '/'))),
                _try(lambda: update_session(_request(None, '/'), {}))]
    finally:
        set_session_secret_key(saved)


def _try(f):
    try:
        f()
        return 'no error'
    except ValueError:
        return 'ValueError'


probe('no secret key', _no_key)


def main():
    set_session_secret_key('top-secret')
    print_probes()


if __name__ == '__main__':
    main()
    sys.exit(0)
