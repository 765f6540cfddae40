"""Ways to break the reference server on purpose, for mutants.

A mutant is a function of a ``Breakage``: the one object through which it
breaks the reference, and only through the seams below, so that a refactor
that keeps the reference's behaviour keeps every mutant working. What a
mutant changes is put back when its test ends::

    def no_allow(breakage):
        breakage.response_head(lambda head, res, req:
                               drop_header(head, 'Allow'))

    def lenient_versions(breakage):
        def request_line(protocol, original, line):
            return original(line.replace(b'http/', b'HTTP/'))
        breakage.override(Protocol, 'request_line', request_line)

The seams (``SEAMS`` lists the methods; each is documented where it is
defined):

- the bytes the server receives: ``incoming(rewrite)``;
- a response's head as it goes out: ``response_head(rewrite)``;
- a response before it is sent: ``before_send(change)``;
- ``override(cls, name, replacement)`` and ``replace(cls, name, value)``:
  a method (or attribute) of a seam class, in the subclass the server is
  given (the reference's classes are never touched):

  * ``microdot_http.Protocol``, one connection's HTTP/1.1 syntax: request
    lines, fields, framing, heads, body data, response field values;
  * ``microdot_chunked.Chunked``, chunked request bodies: size lines,
    chunk ends, trailers;
  * ``microdot_server.Server``, the connection's loop: reading a request,
    sending a response (head, pieces), admission, the 503's bytes;
  * the server's connection class (``microdot_cpython.Connection`` on
    CPython, where the self-tests run): receiving, writing, closing;
  * ``microdot_body.Stream``, a request body as handlers read it;
  * ``microdot.Request``, as the application receives it (installed as
    the application's ``request_class``);
  * ``microdot_rfc6455.Protocol``, one WebSocket's protocol: the
    handshake's checks, frame heads, unmasking, messages, control frames,
    closing (installed as ``microdot_websocket.WebSocket.protocol_class``);
  * ``microdot_websocket.WebSocket``, a plain handler's WebSocket: the
    handshake's answer, ``receive``, ``send``, ``close`` (installed as the
    module's ``WebSocket``, which ``with_websocket`` and
    ``websocket_upgrade`` make);

- ``route(url_pattern, handler, methods)``: a route ahead of the
  application's own (in its public ``url_map``), for an application whose
  handler is broken;
- ``attr(owner, name, value)``: a public setting (a limit of ``Request``,
  ``Response.types_map``...); a private name is refused.
"""
import microdot
import microdot_body
import microdot_chunked
import microdot_cpython
import microdot_http
import microdot_rfc6455
import microdot_server
import microdot_websocket

SEAMS = {
    microdot_http.Protocol: (
        'feed', 'head', 'head_lines', 'head_fields', 'request_line',
        'field', 'target', 'framing_of', 'body', 'response_head',
        'field_line'),
    microdot_chunked.Chunked: ('data', 'line', 'size_line', 'after_data',
                               'trailer_line'),
    microdot_server.Server: ('read_request', 'head', 'send', 'send_pieces',
                             'admit', 'BUSY'),
    microdot_cpython.Connection: ('recv', 'receive', 'write', 'close'),
    microdot_body.Stream: ('read', 'read_now', 'read_ahead', 'plain', 'done'),
    microdot.Request: ('__init__', 'args', 'cookies', 'json', 'form'),
    microdot_rfc6455.Protocol: (
        '__init__', 'check_handshake', 'valid_key', 'accept_key',
        'receive_data', 'next_event', 'send_message', 'send_frame', 'close',
        'frame_head', 'parse_head', 'check_head', 'unmask', 'add_payload',
        'end_message', 'utf8_class', 'control', 'close_reason',
        'valid_close_code', 'fail', 'max_control'),
    microdot_websocket.WebSocket: ('accept', 'receive', 'send', 'close'),
}
# Where the server does not take a seam class as a parameter, the class
# the application uses is set for the test: (owner, name) of that setting.
INSTALLED = {
    microdot_rfc6455.Protocol: (microdot_websocket.WebSocket,
                                'protocol_class'),
    microdot_websocket.WebSocket: (microdot_websocket, 'WebSocket'),
}


class Breakage:
    def __init__(self, app):
        self.app = app  # the application served
        self._undo = []
        self._levels = {}  # seam class -> its subclass with the overrides

    # ------------------------------------------------------------ seams

    def incoming(self, rewrite):
        """Pass the bytes the server receives through ``rewrite(data)``
        before it parses them (a request sent in one piece arrives in one
        piece on loopback)."""
        self.override(microdot_http.Protocol, 'feed',
                      lambda protocol, original, data:
                      original(rewrite(data) if data else data))

    def response_head(self, rewrite):
        """Pass every response head through ``rewrite(head, res, req)``."""
        def head(server, original, conn, res, req, *args):
            return rewrite(original(conn, res, req, *args), res, req)
        self.override(microdot_server.Server, 'head', head)

    def before_send(self, change):
        """Let ``change(res, req)`` alter each response before it is sent
        (``req`` is None for a request refused before it was read)."""
        def send(server, original, conn, res, req, keep):
            change(res, req)
            return original(conn, res, req, keep)
        self.override(microdot_server.Server, 'send', send)

    def override(self, cls, name, replacement):
        """Change the seam method ``cls.name`` for this test:
        ``replacement(self, original, *args)`` is called instead, with
        ``original`` the method it replaces, bound (the reference's, or an
        earlier override's). ``replacement`` may be a coroutine function
        where the method is one."""
        def method(obj, *args, **kwargs):
            original = getattr(super(level, obj), name)
            return replacement(obj, original, *args, **kwargs)
        level = self._level(cls, name, method)

    def replace(self, cls, name, value):
        """Set the seam attribute ``cls.name`` (a property, a constant, a
        method that needs no original) to ``value`` for this test."""
        self._level(cls, name, value)

    def route(self, url_pattern, handler, methods=('GET',)):
        """Serve ``url_pattern`` with ``handler`` ahead of the application's
        own routes."""
        url_map = self.app.url_map
        entry = (list(methods), microdot.URLPattern(url_pattern), handler)
        url_map.insert(0, entry)
        self._undo.append(lambda: url_map.remove(entry))

    def attr(self, owner, name, value):
        """Set the public attribute ``owner.name`` (a class, module or
        object) to ``value`` for this test."""
        if name.startswith('_'):
            raise ValueError('%s is private: break it through a seam'
                             % name)
        old = getattr(owner, name)
        setattr(owner, name, value)
        self._undo.append(lambda: setattr(owner, name, old))

    # ------------------------------------------------------ for the test

    def server_class(self):
        """The Server class to serve with: the reference's, given the seam
        classes this breakage changed."""
        server = self._levels.get(microdot_server.Server,
                                  microdot_server.Server)
        protocol = self._levels.get(microdot_http.Protocol,
                                    microdot_http.Protocol)
        if microdot_chunked.Chunked in self._levels:
            protocol = type('Protocol', (protocol,), {
                'chunked_class': self._levels[microdot_chunked.Chunked]})
        return type('Server', (server,), {
            'protocol_class': protocol,
            'connection_class': self._levels.get(
                microdot_cpython.Connection, microdot_cpython.Connection),
            'stream_class': self._levels.get(microdot_body.Stream,
                                             microdot_body.Stream)})

    def undo(self):
        while self._undo:
            self._undo.pop()()
        self._levels.clear()

    def _level(self, cls, name, value):
        if name not in SEAMS.get(cls, ()):
            raise ValueError('%s.%s is not a seam (see breakage.SEAMS)'
                             % (cls.__name__, name))
        base = self._levels.get(cls, cls)
        level = type(cls.__name__, (base,), {name: value})
        self._levels[cls] = level
        if cls is microdot.Request:
            self.attr(self.app, 'request_class', level)
        elif cls in INSTALLED:
            self.attr(*INSTALLED[cls], level)
        return level


def _lines(head):
    return head[:-4].split(b'\r\n')


def _join(lines):
    return b'\r\n'.join(lines) + b'\r\n\r\n'


def drop_header(head, name):
    """The head without any ``name`` header line."""
    prefix = name.lower().encode() + b':'
    return _join([line for line in _lines(head)
                  if not line.lower().startswith(prefix)])


def add_header(head, line):
    """The head with one more header line (bytes, without CRLF)."""
    lines = _lines(head)
    return _join(lines + [line])


def replace_header(head, name, value):
    """The head with ``name``'s value(s) replaced by one line."""
    return add_header(drop_header(head, name), name.encode() + b': ' + value)


def replace_status_line(head, line):
    lines = _lines(head)
    return _join([line] + lines[1:])


def fold_header(head, name):
    """All ``name`` lines folded into one, values joined with ', '."""
    prefix = name.lower().encode() + b':'
    lines = _lines(head)
    values = [line.split(b':', 1)[1].strip() for line in lines
              if line.lower().startswith(prefix)]
    if len(values) < 2:
        return head
    return add_header(drop_header(head, name),
                      name.encode() + b': ' + b', '.join(values))
