"""
microdot_session: user sessions in a signed cookie
==================================================

microdot 1.x's session extension: a session is a dict kept by the client
in a cookie named ``session``, as a JSON Web Token signed with HMAC-SHA256
(RFC 7519, RFC 7515 with ``alg`` HS256), the token microdot 1.3.4 makes
with PyJWT: a cookie made by either verifies on the other. The signature
is made here, with ``hashlib.sha256`` (MicroPython has no ``hmac``)::

    from microdot import Microdot, redirect
    from microdot_session import set_session_secret_key, with_session, \\
        update_session, delete_session

    app = Microdot()
    set_session_secret_key('top-secret')

    @app.route('/', methods=['GET', 'POST'])
    @with_session
    def index(req, session):
        if req.method == 'POST':
            update_session(req, {'username': req.form.get('username')})
            return redirect('/')
        return 'Logged in as ' + session.get('username', 'nobody')

The session is signed, not encrypted: the client can read it. A cookie
that does not verify (a wrong signature, another algorithm, an ``exp``
that has passed, an ``nbf`` to come) gives an empty session.
"""
import binascii
import hashlib
import json
import time

secret_key = None
_BLOCK = 64  # SHA-256's block size, in bytes (RFC 2104)


def set_session_secret_key(key):
    """Sign sessions with ``key`` (str or bytes); keep it secret: whoever
    has it can make any session."""
    global secret_key
    secret_key = key


def get_session(request):
    """The session of ``request`` as a dict: ``{}`` when the client sent
    none, or one that does not verify. ValueError if no secret key is
    set. The same dict for the whole request."""
    if not secret_key:
        raise ValueError('The session secret key is not configured')
    if hasattr(request.g, '_session'):
        return request.g._session
    token = request.cookies.get('session')
    session = {}
    if token is not None:
        try:
            session = decode(token, secret_key)
        except ValueError:
            pass  # not ours, or not valid any more
    request.g._session = session
    return session


def update_session(request, session):
    """Send ``session`` (a dict) to the client with the response to
    ``request``, as the ``session`` cookie (HttpOnly). ValueError if no
    secret key is set."""
    if not secret_key:
        raise ValueError('The session secret key is not configured')
    token = encode(session, secret_key)

    def save(request, response):
        response.set_cookie('session', token, http_only=True)
        return response
    request.after_request(save)


def delete_session(request):
    """Ask the client to drop its session cookie with the response to
    ``request``."""
    def forget(request, response):
        response.set_cookie('session', '', http_only=True,
                            expires='Thu, 01 Jan 1970 00:00:01 GMT')
        return response
    request.after_request(forget)


def with_session(f):
    """Decorator: the handler gets the session (see ``get_session``) after
    the request. An async handler gets an async wrapper, a plain one a
    plain wrapper, so that each still runs as what it is::

        @app.route('/')
        @with_session
        def index(request, session):
            return session.get('username', 'nobody')

    Changes to the session are not saved: call ``update_session``."""
    import microdot_server
    if microdot_server.is_async(f):
        async def wrapper(request, *args, **kwargs):
            return await f(request, get_session(request), *args, **kwargs)
    else:
        def wrapper(request, *args, **kwargs):
            return f(request, get_session(request), *args, **kwargs)
    for name in ('__name__', '__doc__', '__module__', '__qualname__'):
        try:
            setattr(wrapper, name, getattr(f, name))
        except AttributeError:
            pass  # MicroPython's functions take no attributes
    return wrapper


# ------------------------------------------------------------------ tokens

def encode(payload, key):
    """``payload`` (a dict) as a JWT signed with HS256, as PyJWT makes it:
    the header ``{"alg":"HS256","typ":"JWT"}`` and the payload as compact
    JSON, each in unpadded base64url, then the signature of both."""
    signed = b'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + _b64encode(
        json.dumps(payload, separators=(',', ':')).encode())
    return (signed + b'.' + _b64encode(hmac_sha256(_bytes(key), signed))
            ).decode()


def decode(token, key):
    """The payload of a JWT that ``key`` signed with HS256, as a dict;
    ValueError when it is not one, its signature differs, its header names
    another algorithm, or a registered claim makes it invalid now (the
    checks PyJWT makes without options: ``exp``, ``nbf``, ``iat``, ``aud``,
    ``sub``, ``jti``)."""
    parts = token.encode().split(b'.')
    if len(parts) != 3:
        raise ValueError('not a JWT')
    header = json.loads(_b64decode(parts[0]))
    payload = json.loads(_b64decode(parts[1]))
    if not isinstance(header, dict) or header.get('alg') != 'HS256' or \
            not isinstance(payload, dict):
        raise ValueError('not an HS256 JWT of a dict')
    expected = hmac_sha256(_bytes(key), parts[0] + b'.' + parts[1])
    if not _same(_b64decode(parts[2]), expected):
        raise ValueError('the signature does not verify')
    _check_claims(payload)
    return payload


def _check_claims(payload):
    now = time.time()
    for name in ('exp', 'nbf', 'iat'):
        if name in payload and not isinstance(payload[name], (int, float)):
            raise ValueError('%s is not a number' % name)
    if 'exp' in payload and payload['exp'] <= now:
        raise ValueError('expired')
    if 'nbf' in payload and payload['nbf'] > now:
        raise ValueError('not valid yet')
    if payload.get('aud'):  # an audience, which no one said to expect
        raise ValueError('an audience')
    for name in ('sub', 'jti'):
        if name in payload and not isinstance(payload[name], str):
            raise ValueError('%s is not a string' % name)


def hmac_sha256(key, message):
    """HMAC-SHA256 of ``message`` with ``key`` (RFC 2104), both bytes."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key + b'\x00' * (_BLOCK - len(key))
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    inner.update(message)
    outer = hashlib.sha256(bytes(b ^ 0x5c for b in key))
    outer.update(inner.digest())
    return outer.digest()


def _same(a, b):
    # compared in a time that does not tell where they differ
    if len(a) != len(b):
        return False
    diff = 0
    for x, y in zip(a, b):
        diff |= x ^ y
    return diff == 0


def _bytes(key):
    return key.encode() if isinstance(key, str) else key


def _b64encode(data):
    # base64url without padding (RFC 7515 section 2)
    return binascii.b2a_base64(data).rstrip(b'\n=').replace(
        b'+', b'-').replace(b'/', b'_')


def _b64decode(data):
    data = data.replace(b'-', b'+').replace(b'_', b'/')
    try:
        return binascii.a2b_base64(data + b'=' * (-len(data) % 4))
    except Exception:  # binascii.Error on CPython, ValueError on MicroPython
        raise ValueError('invalid base64url')
