"""Applications written as microdot 1.3.4's documentation shows them for a
WSGI server and an ASGI server (``apps/wsgi_hello.py`` behind wsgiref,
``apps/asgi_hello.py`` behind Uvicorn, both with Jinja2 templates) run
unchanged on microdot 1.3.4 and on the reference, on CPython, and are asked
the same requests over loopback sockets: status, the headers an application
decides and the bodies must agree, or differ for a reason listed here (an
RFC's sentence, ``rfc.py``). Each ends with ``GET /shutdown``: behind a
gateway server ``Microdot.shutdown()`` sends SIGTERM to the leader of the
process's group (here the server itself), on both."""
import os

import pytest

import rfc
from mpy_http_conformance.process import ServerProcess, free_port
from runner import command
from test_apps import APPS, SIGNIFICANT, _exits, _listening, exchange

JSON = {'Content-Type': 'application/json'}
REQUESTS = {
    'wsgi_hello': [
        ('GET', '/', {}, b''), ('HEAD', '/', {}, b''),
        ('GET', '/environ', {}, b''), ('POST', '/echo', JSON, b'{"a": [1]}'),
        ('GET', '/template?name=%3Cworld%3E', {}, b''),
        ('GET', '/stream', {}, b''), ('GET', '/file', {}, b''),
        ('GET', '/missing', {}, b''), ('POST', '/', {}, b'')],
    'asgi_hello': [
        ('GET', '/', {}, b''), ('HEAD', '/', {}, b''),
        ('GET', '/scope', {}, b''), ('POST', '/echo', JSON, b'{"a": [1]}'),
        ('GET', '/template?name=%3Cworld%3E', {}, b''),
        ('GET', '/stream', {}, b''), ('GET', '/file', {}, b''),
        ('GET', '/missing', {}, b''), ('POST', '/', {}, b'')],
}
# (Uvicorn drops what 1.3.4 sends after a HEAD's answer; wsgiref sends it)
DIFFERENCES = {
    ('wsgi_hello', 'HEAD', '/'): rfc.HEAD_CONTENT,
    ('wsgi_hello', 'POST', '/echo'): rfc.GATEWAY_FIELDS,
    ('wsgi_hello', 'GET', '/file'): rfc.CONTENT_LENGTH_KNOWN,
    ('wsgi_hello', 'POST', '/'): rfc.ALLOW_405,
    ('asgi_hello', 'GET', '/file'): rfc.CONTENT_LENGTH_KNOWN,
    ('asgi_hello', 'POST', '/'): rfc.ALLOW_405,
}
# What the gateway server decides is left out (Date, Server, the framing)
DECIDED = SIGNIFICANT + ('allow', 'content-length')


def serve_and_ask(app, implementation, tmp_path):
    port = free_port()
    argv, env = command(os.path.join(APPS, app + '.py'), implementation,
                        'cpython', [port])
    log = tmp_path / ('%s-%s.log' % (app, implementation))
    server = ServerProcess(argv, env, str(log), cwd=APPS)
    server.start(lambda: _listening(port), 30)
    try:
        answers = [exchange(port, *request, significant=DECIDED)
                   for request in REQUESTS[app]]
        shutdown = exchange(port, 'GET', '/shutdown', {}, b'',
                            significant=DECIDED)
        exited = _exits(server, 10) and server.process.returncode
    finally:
        server.stop()
    return answers, shutdown, exited


@pytest.mark.parametrize('app', sorted(REQUESTS))
def test_gateway_app_answers_alike(app, tmp_path):
    theirs, their_shutdown, their_exit = serve_and_ask(app, 'upstream',
                                                       tmp_path)
    ours, our_shutdown, our_exit = serve_and_ask(app, 'reference', tmp_path)
    problems = []
    for request, a, b in zip(REQUESTS[app], theirs, ours):
        listed = (app,) + request[:2] in DIFFERENCES
        if (a != b) != listed:
            problems.append('%s %s %s:\n  1.3.4:     %r\n  reference: %r' % (
                request[0], request[1], 'is listed as a difference but '
                'answers alike' if listed else 'differs', a, b))
    assert not problems, '\n'.join(problems)
    # ended by the SIGTERM shutdown() sent: wsgiref dies of it before the
    # answer is sent; Uvicorn sends it, stops, and raises the signal again
    assert our_shutdown == their_shutdown == (
        (None, {}, b'') if app == 'wsgi_hello' else
        (200, {'content-type': ['text/plain; charset=UTF-8'],
               'content-length': ['30']}, b'The server is shutting down...'))
    assert our_exit == their_exit == -15
