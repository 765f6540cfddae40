"""Mutants for conformance/cases/cookies.py."""
import re

from microdot import Request, Response, abort
from microdot_http import Protocol

from breakage import fold_header
from mutants.request_line import stall_on
from mutants.robustness import naive_cookie_split


def _replace_in_head(old, new):
    def mutant(b):
        b.response_head(lambda head, res, req: head.replace(old, new))
    return mutant


def folded(b):
    b.response_head(lambda head, res, req: fold_header(head, 'Set-Cookie'))


def only_first_cookie_pair(b):
    # A parser that stops at the first ';' of the Cookie header.
    b.incoming(lambda data: re.sub(rb'(?im)^(Cookie:[^;\r\n]*)[^\r\n]*',
                                   rb'\1', data))


def strict_cookie_parser(b):
    # A pair without '=' or without a name makes the request a 400.
    def init(req, original, app, client_addr, method, url, version, headers,
             *args):
        for pair in headers.get('Cookie', '').split(';'):
            name, eq, value = pair.strip().partition('=')
            if pair.strip() and not (eq and name):
                raise ValueError('malformed cookie pair')
        original(app, client_addr, method, url, version, headers, *args)
    b.override(Request, '__init__', init)


def cookie_from_query(b, cookie_value):
    """/cookies/from-query served by a handler that writes its Set-Cookie
    line itself: ``cookie_value(value)`` is what follows 'echoed='."""
    def handler(request):
        res = Response('cookie from query')
        res.headers['Set-Cookie'] = [
            'echoed=%s; Path=/' % cookie_value(request.args.get('value', ''))]
        return res
    b.route('/cookies/from-query', handler)


def cookie_value_unchecked(b):
    # The value goes out as it came, and header values are not checked.
    cookie_from_query(b, lambda value: value)
    b.replace(Protocol, 'field_line',
              lambda protocol, name, value: str(value).encode())


def semicolon_in_value_kept(b):
    # Control characters refused, ';' let through.
    def cookie_value(value):
        if any(ord(c) < 32 for c in value):
            abort(400, 'the value cannot be sent in a cookie')
        return value
    cookie_from_query(b, cookie_value)


def bad_cookie_value_is_a_server_error(b):
    # set_cookie's refusal escapes the handler as an unexpected exception.
    def to_500(res, req):
        if req is not None and req.path == '/cookies/from-query' and \
                res.status_code == 400:
            res.status_code = 500
    b.before_send(to_500)


def cookies_without_path(b):
    # Cookies scoped to the path that set them, as before the contract
    # asked for Path=/: clients keep them to /cookies/.
    b.response_head(lambda head, res, req: re.sub(
        rb'(?m)^(Set-Cookie: [^\r]*); Path=/\r$', rb'\1\r', head))


def empty_cookie_values_dropped(b):
    # A pair is kept only when it has a value.
    def cookies(req):
        found = {}
        for pair in req.headers.get('Cookie', '').split(';'):
            name, _, value = pair.strip().partition('=')
            if name and value:
                found[name] = value
        return found
    b.replace(Request, 'cookies', property(cookies))


MUTANTS = {
    'CONTRACT-refused-cookie-value-400': bad_cookie_value_is_a_server_error,
    'CONTRACT-cookies-come-back': cookies_without_path,
    'RFC6265-3-set-cookie-not-folded': folded,
    'RFC6265-4.1.1-set-cookie-syntax': _replace_in_head(
        b'Set-Cookie: first=one', b'Set-Cookie: first=one, two'),
    'RFC6265-4.1.1-expires-date': _replace_in_head(
        b'Expires=Tue, 01 Jan 2030 00:00:00 GMT',
        b'Expires=Tuesday, 01-Jan-30 00:00:00 GMT'),
    'CONTRACT-cookie-attributes': _replace_in_head(b'; HttpOnly', b''),
    'CONTRACT-cookie-same-site': _replace_in_head(b'; SameSite=Strict', b''),
    'CONTRACT-cookie-pairs': only_first_cookie_pair,
    'CONTRACT-malformed-cookie-pair': strict_cookie_parser,
    'CONTRACT-cookie-empty-value': empty_cookie_values_dropped,
    # 'name=value' taken for granted: an empty Cookie line has no '='
    'CONTRACT-empty-cookie-header': naive_cookie_split,
    # a MAY: only a hang on the complete request can fail it
    'RFC6265-5.4-several-cookie-lines': stall_on(b'Cookie: b=2'),
    'RFC9110-5.5-cookie-value-crlf': cookie_value_unchecked,
    'RFC6265-4.1.1-cookie-value-semicolon': semicolon_in_value_kept,
}
