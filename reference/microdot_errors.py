"""
microdot_errors: the answers to errors
======================================

Loaded by ``microdot_server`` with the first error response: a request it
refuses (400, 408, 413...), a status a handler or ``abort`` asks for (404,
405...), or an exception a handler raises. The application's error
handlers come first (``Microdot.errorhandler``), then microdot 1.x's
wording.
"""
from microdot import Response, print_exception
import microdot_http
import microdot_server

# microdot 1.x's words for the errors it answered itself (its 405 said
# 'Not found' too).
_TEXTS = {400: 'Bad request', 404: 'Not found', 405: 'Not found',
          413: 'Payload too large', 500: 'Internal server error'}


def error_text(status_code):
    """The body of an error response that no handler produced: microdot
    1.x's wording where it had one ('Not found'), else the reason phrase."""
    return _TEXTS.get(status_code) or microdot_http.reason_phrase(status_code)


def refusal(exc):
    """The answer to a request the server refuses before any handler
    runs: an HTTPError (malformed input) or an HTTPException."""
    status = getattr(exc, 'status_code', None) or exc.status
    return Response(getattr(exc, 'reason', None) or error_text(status),
                    status)


async def error_response(app, req, status_code, reason=None):
    """The response for an error status: the application's handler for
    that status, else the status's text."""
    res = None
    if status_code in app.error_handlers:
        try:
            res = microdot_server.make_response(await microdot_server.invoke(
                app.error_handlers[status_code], req, None),
                app.response_class)
        except Exception as exc:
            print_exception(exc)
    if res is None:
        res = app.response_class(reason or error_text(status_code),
                                 status_code)
    if res.status_code == 405 and 'Allow' not in res.headers:
        res.headers['Allow'] = ', '.join(app.allowed_methods(req.path))
    return res


async def exception_response(app, req, exc):
    """The response for an exception a handler raised: the application's
    handler for its class (or the nearest base class, in ``mro`` order),
    else, or when that handler fails or returns None, 500."""
    if app.debug:
        print_exception(exc)
    else:
        print('%s %s: %s: %s' % (req.method, req.path,
                                 type(exc).__name__, exc))
    for cls in mro(type(exc)):
        if cls in app.error_handlers:
            try:
                res = await microdot_server.invoke(app.error_handlers[cls],
                                                   req, None, exc)
                if res is not None:
                    return microdot_server.make_response(
                        res, app.response_class)
            except Exception as exc2:
                print_exception(exc2)
            break
    return await error_response(app, req, 500)


def mro(cls):
    """A class and its bases, nearest first: the order in which error
    handlers for exception classes are looked up. CPython's ``__mro__``
    where there is one; on MicroPython, depth first, a base shared by
    several parents after all of them."""
    if hasattr(cls, 'mro'):
        return cls.__mro__
    order = [cls]
    for base in cls.__bases__:
        order += mro(base)
    return [c for i, c in enumerate(order) if c not in order[i + 1:]]
