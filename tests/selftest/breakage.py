"""Ways to break the reference server on purpose, for mutants.

A mutant is a function of a ``Breakage``; what it patches is put back when
the test ends::

    def no_allow(breakage):
        breakage.response_head(lambda head, res, req:
                               drop_header(head, 'Allow'))
"""
import microdot_http
import microdot_server


class Breakage:
    def __init__(self):
        self._undo = []

    def attr(self, owner, name, value):
        """Replace ``owner.name`` (a module, class or object attribute)."""
        self._undo.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def response_head(self, rewrite):
        """Pass every response head through ``rewrite(head, res, req)``."""
        original = microdot_http.response_head

        def broken(res, req, keep, *args):
            return rewrite(original(res, req, keep, *args), res, req)
        self.attr(microdot_http, 'response_head', broken)

    def incoming(self, rewrite):
        """Pass the bytes the server receives through ``rewrite(data)``
        before it parses them (a request sent in one piece arrives in one
        piece on loopback)."""
        original = microdot_http.Reader._add

        def broken(reader, data):
            return original(reader, rewrite(data) if data else data)
        self.attr(microdot_http.Reader, '_add', broken)

    def before_send(self, change):
        """Let ``change(res, req)`` alter each response before it is sent."""
        original = microdot_server.send_response

        async def broken(conn, res, req, keep):
            change(res, req)
            return await original(conn, res, req, keep)
        self.attr(microdot_server, 'send_response', broken)

    def undo(self):
        while self._undo:
            owner, name, value = self._undo.pop()
            setattr(owner, name, value)
        # what a loosened check let in must not stay cached as valid
        microdot_http.clear_caches()


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
