"""Mutants for conformance/cases/cookies.py."""
import re

import microdot
import microdot_http

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
    original = microdot.Request.__init__

    def init(req, app, client_addr, method, url, version, headers, *args,
             **kwargs):
        for pair in headers.get('Cookie', '').split(';'):
            name, eq, value = pair.strip().partition('=')
            if pair.strip() and not (eq and name):
                raise ValueError('malformed cookie pair')
        original(req, app, client_addr, method, url, version, headers,
                 *args, **kwargs)
    b.attr(microdot.Request, '__init__', init)


def cookie_value_unchecked(b):
    b.attr(microdot_http, 'refuse_ctl', lambda what, value: None)


def semicolon_in_value_kept(b):
    def cookie_value(value):
        value = str(value)
        microdot_http.refuse_ctl('cookie', value)
        return value
    b.attr(microdot_http, '_cookie_value', cookie_value)


def bad_cookie_value_is_a_server_error(b):
    # set_cookie's refusal escapes the handler as an unexpected exception.
    original = microdot.Response.set_cookie

    def set_cookie(res, *args, **kwargs):
        try:
            return original(res, *args, **kwargs)
        except ValueError as exc:
            raise RuntimeError(str(exc))
    b.attr(microdot.Response, 'set_cookie', set_cookie)


def cookies_without_path(b):
    # Cookies scoped to the path that set them, as before the contract
    # asked for Path=/: clients keep them to /cookies/.
    original = microdot.Response.set_cookie

    def set_cookie(res, cookie, value, path=None, **kwargs):
        return original(res, cookie, value, **kwargs)
    b.attr(microdot.Response, 'set_cookie', set_cookie)


def empty_cookie_values_dropped(b):
    # A pair is kept only when it has a value.
    original = microdot.Request.cookies.fget
    b.attr(microdot.Request, 'cookies', property(
        lambda req: {k: v for k, v in original(req).items() if v}))


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
