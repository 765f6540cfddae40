"""The probe: how a case talks to the target and states what it expects.

Every exchange is kept as evidence (the raw request and the response head),
and every reply is held to the rules that no case can waive: an answer, or a
close, within the target's timeout, and a well-formed message. A broken
expectation raises ``Violation``; ``run_case`` turns it into a verdict::

    reply = probe.exchange(probe.request('GET', '/echo'))
    probe.expect_status(reply, 200)
    probe.expect_header(reply, 'Content-Type', 'application/json')
"""
from conformance.case import HarnessError, Violation
from conformance.wire import Connection, build_request

MAX_SHOWN = 4096


def show_bytes(data):
    """Bytes as readable text, with CR, LF and other controls escaped."""
    if data is None:
        return ''
    shown = data[:MAX_SHOWN]
    out = []
    for byte in shown:
        c = chr(byte)
        if c == '\n':
            out.append('\\n\n')
        elif c == '\r':
            out.append('\\r')
        elif c == '\\':
            out.append('\\\\')
        elif 32 <= byte < 127:
            out.append(c)
        else:
            out.append('\\x%02x' % byte)
    if len(data) > MAX_SHOWN:
        out.append('... (%d more bytes)' % (len(data) - MAX_SHOWN))
    return ''.join(out)


class Probe:
    def __init__(self, target, case, options=None):
        self.target = target
        self.case = case
        self.profile = target.profile
        self.options = options or {}
        self.timeout = target.profile.read_timeout
        self.evidence = []
        self.expected_text = ''
        self.observed_text = ''
        self._connections = []
        self._session = None

    # ----------------------------------------------------------- talking

    def request(self, method='GET', target='/', headers=(), body=b'',
                version='HTTP/1.1', host=True):
        """Request bytes with this target's Host (``host=False``: none)."""
        return build_request(method, target, headers, body, version,
                             self.target.host_header if host is True else
                             (host or None))

    def connect(self):
        """A raw connection to the target, closed when the case ends."""
        try:
            conn = Connection(self.target.host, self.target.port,
                              self.timeout)
        except OSError as exc:
            raise HarnessError('cannot connect to %s:%s: %s' % (
                self.target.host, self.target.port, exc))
        self._connections.append(conn)
        return conn

    def read(self, conn, method='GET', timeout=None, silence_ok=False):
        """Read a reply on ``conn``, recording what was sent since the last
        read; a hang or a malformed reply is a hard violation."""
        reply = conn.read_reply(method, timeout)
        self.record(conn.sent, reply)
        conn.sent = b''
        self.well_formed(reply, silence_ok)
        return reply

    def exchange(self, data, method=None, linger=0.0, timeout=None,
                 silence_ok=False):
        """Send ``data`` on a new connection and read one reply; with
        ``linger``, wait that long to see whether the server closes."""
        conn = self.connect()
        conn.send(data)
        if method is None:
            method = data.split(b' ', 1)[0].decode('latin-1')
        reply = self.read(conn, method, timeout, silence_ok)
        if linger and not reply.closed and reply.status is not None:
            reply.closed = conn.wait_closed(linger) and not conn.buffer
        return reply

    def http(self, method, path, **kwargs):
        """A request made by ``requests``, where a normal client is the
        point; the exchange is recorded as requests saw it."""
        import requests
        if self._session is None:
            self._session = requests.Session()
        kwargs.setdefault('timeout', self.timeout)
        kwargs.setdefault('allow_redirects', False)
        try:
            res = self._session.request(method, self.target.base_url + path,
                                        **kwargs)
        except requests.RequestException as exc:
            self.evidence.append({'request': '%s %s' % (method, path),
                                  'response_head': '',
                                  'note': 'requests failed: %s' % exc})
            raise Violation('an answer to %s %s' % (method, path),
                            'requests failed: %s' % exc, hard=True)
        self.evidence.append({'request': show_bytes(_request_bytes(res)),
                              'response_head': show_bytes(_head_bytes(res)),
                              'note': 'as seen by requests'})
        return res

    def record(self, sent, reply, note=None):
        self.evidence.append({'request': show_bytes(sent),
                              'response_head': show_bytes(
                                  b''.join(reply.interim) + reply.head),
                              'note': note or reply.describe()})

    def close(self):
        for conn in self._connections:
            conn.close()
        if self._session is not None:
            self._session.close()

    # ------------------------------------------------------ expectations

    def expect(self, ok, expected, observed):
        """An expectation at the case's level."""
        self.expected_text, self.observed_text = expected, str(observed)
        if not ok:
            raise Violation(expected, str(observed))

    def require(self, ok, expected, observed):
        """An expectation that fails the case whatever its level."""
        self.expected_text, self.observed_text = expected, str(observed)
        if not ok:
            raise Violation(expected, str(observed), hard=True)

    def observe(self, observed):
        """Record what was seen, for a case that has no pass or fail."""
        self.observed_text = str(observed)

    def well_formed(self, reply, silence_ok=False):
        if reply.problem:
            self.require(False, 'a well-formed HTTP/1.1 response '
                         '(RFC 9112)', reply.describe())
        if reply.timed_out and not silence_ok:
            self.require(False, 'an answer or a close within %.1f s' %
                         self.timeout, reply.describe())

    def expect_status(self, reply, *statuses):
        """The reply's status is one of ``statuses`` (ints, or '4xx')."""
        self.expect(_status_in(reply.status, statuses),
                    'status ' + ' or '.join(str(s) for s in statuses),
                    reply.describe())

    def expect_refused(self, reply, *statuses):
        """A request the server must not act on: one of ``statuses`` (any
        4xx when none are given), or a close without a response."""
        statuses = statuses or ('4xx',)
        ok = _status_in(reply.status, statuses) or (
            reply.status is None and reply.closed)
        self.expect(ok, 'status %s, or a close without a response' %
                    ' or '.join(str(s) for s in statuses), reply.describe())

    def expect_header(self, reply, name, value=None):
        """The reply carries ``name`` (with ``value``, when given)."""
        actual = reply.header(name)
        if value is None:
            self.expect(actual is not None, 'a %s header' % name,
                        'no %s header in: %s' % (name, reply.describe()))
        else:
            self.expect(actual == value, '%s: %s' % (name, value),
                        '%s: %s' % (name, actual) if actual is not None
                        else 'no %s header' % name)

    def json(self, reply):
        """The body of a reply (or of a ``requests`` response) as JSON; a
        hard violation if it is not."""
        import json
        body = reply.content if hasattr(reply, 'content') else reply.body
        try:
            return json.loads(body.decode('utf-8'))
        except ValueError:
            self.require(False, 'a JSON body (fixture contract)',
                         show_bytes(body[:200]))

    def still_alive_after(self, what):
        """Hard check that the server answers a plain GET after ``what``."""
        problem = self.target.still_serving()
        self.require(problem is None, 'the server keeps serving after ' +
                     what, problem or 'it answered GET /')


def _status_in(status, statuses):
    for expected in statuses:
        if status is not None and (status == expected or (
                isinstance(expected, str) and str(status)[0] == expected[0])):
            return True
    return False


def _request_bytes(res):
    req = res.request
    lines = ['%s %s HTTP/1.1' % (req.method, req.path_url)]
    lines += ['%s: %s' % item for item in req.headers.items()]
    body = req.body or b''
    if isinstance(body, str):
        body = body.encode('utf-8')
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1',
                                                     'replace') + body


def _head_bytes(res):
    version = {10: 'HTTP/1.0', 11: 'HTTP/1.1'}.get(res.raw.version, '?')
    lines = ['%s %d %s' % (version, res.status_code, res.reason or '')]
    lines += ['%s: %s' % item for item in res.raw.headers.items()]
    return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1', 'replace')

