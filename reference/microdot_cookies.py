"""
microdot_cookies: Set-Cookie values (RFC 6265 section 4.1)
==========================================================

Loaded by ``Response.set_cookie`` the first time an application sets a
cookie::

    >>> set_cookie_value('id', 'a3f', path='/', http_only=True)
    'id=a3f; Path=/; HttpOnly'
"""
import time

from microdot_http import http_date, is_token


def set_cookie_value(name, value, path=None, domain=None, expires=None,
                     max_age=None, secure=False, http_only=False,
                     same_site=None):
    """The value of a Set-Cookie field. ``expires`` is a string, a
    ``datetime`` or seconds since the epoch; ``same_site`` is ``'Strict'``,
    ``'Lax'`` or ``'None'``. A name that is not a token, or a control
    character or ``;`` in a value, raises ValueError."""
    if not is_token(name):
        raise ValueError('invalid cookie name')
    parts = [name + '=' + cookie_text(value)]
    if path:
        parts.append('Path=' + cookie_text(path))
    if domain:
        parts.append('Domain=' + cookie_text(domain))
    if expires is not None:
        if isinstance(expires, str):
            expires = cookie_text(expires)
        elif isinstance(expires, (int, float)):
            expires = http_date(time.gmtime(int(expires)))
        elif hasattr(expires, 'utctimetuple'):
            expires = http_date(expires.utctimetuple())
        else:
            expires = expires.strftime('%a, %d %b %Y %H:%M:%S GMT')
        parts.append('Expires=' + expires)
    if max_age is not None:
        parts.append('Max-Age=%d' % max_age)
    if secure:
        parts.append('Secure')
    if http_only:
        parts.append('HttpOnly')
    if same_site is not None:
        # str.capitalize(), which MicroPython lacks
        same_site = same_site[:1].upper() + same_site[1:].lower()
        if same_site not in ('Strict', 'Lax', 'None'):
            raise ValueError('same_site must be Strict, Lax or None')
        parts.append('SameSite=' + same_site)
    return '; '.join(parts)


def cookie_text(value):
    """A cookie's value or attribute as text; ValueError for a control
    character or a ``;``, which would end it early or break the line."""
    value = str(value)
    data = value.encode()
    if data and (min(data) < 32 or b'\x7f' in data):
        raise ValueError('a cookie holds a control character')
    if ';' in value:
        raise ValueError('";" in a cookie')
    return value
