"""
microdot_forms: what a request carries besides its head line
============================================================

Query strings and form bodies (``MultiDict``), JSON bodies, the cookies a
client sends, and percent-coding as UTF-8. ``microdot`` loads this module
the first time a request has a query string or a handler asks for
``request.form``, ``request.json``, ``request.cookies`` or a URL argument;
its public names are also ``microdot``'s (``from microdot import
MultiDict, urlencode``).
"""
import json

from microdot import HTTPException

_HEX = '0123456789abcdefABCDEF'
_UNRESERVED = ('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
               '0123456789-._~')
# What a URI-reference may hold as it is (RFC 3986 section 4.1)
_URI = _UNRESERVED + ":/?#[]@!$&'()*+,;="
# What a query's value may hold as it is: a URI's query characters (RFC
# 3986 section 3.4) but its delimiters &, =, + (and ? and #)
_QUERY_VALUE = _UNRESERVED + ":/@!$'()*,;"


class MultiDict(dict):
    """A ``dict`` that can hold several values per key, as query strings and
    forms do. Assigning appends; reading gives the first value.

    >>> d = MultiDict()
    >>> d['sort'] = 'name'
    >>> d['sort'] = 'email'
    >>> d['sort'], d.getlist('sort')
    ('name', ['name', 'email'])
    """

    def __init__(self, initial_dict=None):
        super().__init__()
        if initial_dict:
            for key, value in initial_dict.items():
                self[key] = value

    def __setitem__(self, key, value):
        if key not in self:
            super().__setitem__(key, [])
        super().__getitem__(key).append(value)

    def __getitem__(self, key):
        return super().__getitem__(key)[0]

    def get(self, key, default=None, type=None):
        """The first value of ``key`` (converted by ``type``), or ``default``."""
        if key not in self:
            return default
        return self[key] if type is None else type(self[key])

    def getlist(self, key, type=None):
        """All the values of ``key`` (each converted by ``type``)."""
        values = super().get(key, [])
        return values if type is None else [type(v) for v in values]


def unquote(s, plus):
    """Percent-escapes as bytes, the whole read as UTF-8 (``'%C3%B6'`` is
    one character); with ``plus``, ``+`` is a space. A ``%`` not followed
    by two hex digits, or bytes that are not UTF-8, raise ValueError."""
    if plus:
        s = s.replace('+', ' ')
    if '%' not in s:
        return s
    parts = s.split('%')
    out = [parts[0].encode()]
    for part in parts[1:]:
        if len(part) < 2 or part[0] not in _HEX or part[1] not in _HEX:
            raise ValueError('invalid percent-encoding')
        out.append(bytes((int(part[:2], 16),)) + part[2:].encode())
    return b''.join(out).decode()


def urldecode_str(s):
    """Decode a query-string or form component given as ``str``.

    >>> urldecode_str('J%C3%B6rg+M')
    'Jörg M'
    """
    return unquote(s, True)


def urldecode_bytes(s):
    """Decode a query-string or form component given as ``bytes``, to ``str``."""
    return unquote(s.decode(), True)


def urldecode_path(s):
    """Decode a path segment: like ``urldecode_str``, but ``+`` stays ``+``."""
    return unquote(s, False)


def _encode(text, keep, space):
    out = []
    for byte in text.encode():
        c = chr(byte)
        out.append(c if c in keep else space if c == ' ' and space else
                   '%%%02X' % byte)
    return ''.join(out)


def urlencode(s):
    """Percent-encode a string for a query string or form (space as ``+``):
    what would end or split a value there (``&``, ``=``, ``+``, ``#``,
    ``?``, ``%``), and what a URI cannot hold (non-ASCII characters, as
    UTF-8; controls; ``"<>\\^`{|}``); the rest stays, ``/`` and ``:``
    among it, as microdot 1.x left them.

    >>> urlencode('a b&c=Jörg/x')
    'a+b%26c%3DJ%C3%B6rg/x'
    """
    return _encode(s, _QUERY_VALUE, '+')


def uri_reference(text):
    """``text`` as a URI-reference (RFC 3986 section 4.1), for a Location:
    what may not appear in one is percent-encoded as UTF-8; escapes stay.

    >>> uri_reference('/café menu?q=%41')
    '/caf%C3%A9%20menu?q=%41'
    """
    parts = text.split('%')
    out = [_encode(parts[0], _URI, None)]
    for part in parts[1:]:
        if len(part) >= 2 and part[0] in _HEX and part[1] in _HEX:
            out.append('%' + _encode(part, _URI, None))
        else:
            out.append('%25' + _encode(part, _URI, None))
    return ''.join(out)


def parse_urlencoded(text):
    """A query string or form body as a MultiDict; ValueError if a part is
    not percent-encoded UTF-8."""
    data = MultiDict()
    for pair in text.split('&'):
        if pair:
            name, _, value = pair.partition('=')
            data[urldecode_str(name)] = urldecode_str(value)
    return data


def parse_cookies(text):
    """The pairs of a Cookie field as a dict; malformed pairs are ignored
    (RFC 6265 section 5.2)."""
    cookies = {}
    for pair in text.split(';'):
        name, eq, value = pair.strip().partition('=')
        if eq and name:
            cookies[name] = value
    return cookies


class BytesStream:
    """A body already in memory (or none), read as the server's streams
    are: ``await read(n)`` in async code, ``plain().read(n)`` in plain
    functions."""
    done = True

    def __init__(self, data):
        import io
        self.data = io.BytesIO(data)

    async def read(self, n=-1):
        return self.data.read(n)

    def plain(self):
        return self.data


def request_attribute(request, name):
    """What ``request.args``, ``.cookies``, ``.json`` or ``.form`` holds
    (see ``microdot.Request``), made when first asked for and kept; and
    ``body_used`` and ``stream_used``. AttributeError for another name."""
    if name in ('body_used', 'stream_used'):
        return request._used == name[:-5]  # not kept: it changes
    if name == 'args':
        value = MultiDict()
    elif name == 'cookies':
        value = parse_cookies(request.headers.get('Cookie', ''))
    elif name in ('json', 'form'):
        value = parsed_body(request, 'application/json' if name == 'json'
                            else 'application/x-www-form-urlencoded')
    else:
        raise AttributeError(name)
    setattr(request, name, value)
    return value


_PARSERS = {'application/json': json.loads,
            'application/x-www-form-urlencoded': parse_urlencoded}


def parsed_body(request, mime_type):
    """A request's body parsed as ``mime_type`` when its Content-Type says
    so, else None; 400 when it does not parse."""
    if (request.content_type or '').split(';')[0].strip().lower() != \
            mime_type:
        return None
    try:
        return _PARSERS[mime_type](request.body.decode())
    except ValueError:
        raise HTTPException(400, 'Invalid %s body' % mime_type)
    except RuntimeError:  # nested deeper than the parser's recursion
        raise HTTPException(400, 'Too deeply nested %s body' % mime_type)
