"""How a case talks to the target, and the evidence it keeps.

Every exchange is kept: the raw request, the response head and body (a few
KB), and how the connection ended (FIN, a reset, still open). Requests go
where the target can answer them: a contract route on a server of the
fixture contract, the target's own path (``carrier``) on a server with its
own application, which sets aside a case that needs a contract route
(``check_route``)::

    conn = exchanges.connect()
    conn.send(exchanges.request('GET', exchanges.path))
    reply = exchanges.read(conn)

Short waits last ``settle`` seconds (for bytes that must not come, or a
close right after a response): a multiple of the round trip the run
measured at its start, never less than ``SETTLE_FLOOR``, so that a board on
a slow WiFi link gets the time it needs and loopback runs stay quick. A
close the server owes may come later, after a staged close (RFC 9112 §9.6)
has read what the client still sent: ``close_wait`` allows for that. Both
stay below 80% of every timeout of the server's own that the run knows
(declared by the profile, or measured when the run started), so that what
a wait sees never depends on which of the two ends first.

``conformance.probe.Probe`` adds what a case expects of the replies.
"""
from urllib.parse import urlsplit

from conformance.relay import Relay
from conformance.rules import ANSWERS
from conformance.verdicts import HarnessError, Unsupported, Violation
from conformance.wire import Connection, build_request, show_bytes

# how the set-asides of a server with its own application read
NEEDS_CONTRACT = 'needs the fixture contract'
NEEDS_PROFILE = 'needs a profile of the server\'s own'
MISSING_PATH = '/no/such/resource'  # a path no server is asked to serve
SETTLE_FLOOR = 0.3  # seconds
SETTLE_ROUND_TRIPS = 10
CLOSE_FLOOR = 2.0  # seconds allowed for a staged close
# A short wait stays below this share of any timeout of the server's own,
# so that the server's timeout never decides what the wait sees
CLEAR_OF_TIMEOUT = 0.8


def profile_needed(what, profile):
    """Why a case is set aside on a server with its own application whose
    profile (``profile``, the default) declares nothing of it."""
    return ('%s: its %s (the %s profile holds the contract\'s figures and '
            'features, not those of a server with its own application: '
            'declare them in a profile of its own, --profile)' % (
                NEEDS_PROFILE, what, profile))


def settle_for(round_trip):
    """The wait for something due now, on a link of this round trip."""
    return max(SETTLE_FLOOR, SETTLE_ROUND_TRIPS * round_trip)


def longest_wait(profile, round_trip):
    """The longest of the short waits below, before they are kept clear of
    the server's timeouts: ``close_wait``'s."""
    return min(profile.read_timeout, max(settle_for(round_trip),
                                         CLOSE_FLOOR))


def short_window(seconds, timeouts):
    """``seconds``, or less: clear of each of the server's ``timeouts`` (a
    wait that ends before any of them can fire)."""
    for timeout in timeouts:
        seconds = min(seconds, CLEAR_OF_TIMEOUT * timeout)
    return seconds


class Exchanges:
    """A case's conversation with the target: requests made, connections
    opened, replies read, and each exchange kept as evidence."""

    def __init__(self, target, case, options=None):
        self.target = target
        self.case = case
        self.profile = target.profile
        self.options = options or {}
        self.timeout = target.profile.read_timeout
        self.evidence = []
        self._connections = []  # (connection, its last evidence entry)
        self._session = self._relay = None
        # Seconds to wait for something due now (a close, or bytes that
        # must not come), scaled from the target's round trip (measured
        # before the case does anything, if the run has not yet), and
        # clear of the server's own timeouts: an idle close is never taken
        # for a close the case waits for.
        timeouts = target.server_timeouts
        self.settle = short_window(min(self.timeout, settle_for(
            target.round_trip)), timeouts)
        self.close_wait = short_window(min(self.timeout, max(
            self.settle, CLOSE_FLOOR)), timeouts)

    # ----------------------------------------------------------- talking

    @property
    def path(self):
        """A path the target answers GET on with a 2xx (``--path``)."""
        return self.target.path

    @property
    def missing_path(self):
        """A path no server is expected to serve (the contract lists none
        such), for a response of whatever error a server gives it."""
        return MISSING_PATH

    def limit(self, name):
        """The profile's ``name`` limit (``line_limit``, ``body_limit``...)
        when it is the server's: a server that serves the contract sets the
        contract's limits, and a profile given with ``--profile`` declares
        them; the default profile of a server with its own application
        holds only the contract's, so the case is set aside."""
        if not self.target.limits_declared:
            raise Unsupported(profile_needed(name, self.profile.name))
        return getattr(self.profile, name)

    def carrier(self, method, path):
        """The method and path to send a request on when the route only
        carries it (a malformed line, a framing trick, a connection rule):
        the contract's ``path`` when the target serves the contract, else
        a GET (or HEAD) of the target's own ``self.path``, which is all a
        server with its own application is known to answer."""
        if self.target.contract:
            return method, path
        return (method if method in ('GET', 'HEAD') else 'GET'), self.path

    def request(self, method='GET', target='/', headers=(), body=b'',
                version='HTTP/1.1', host=True):
        """Request bytes with this target's Host (``host=False``: none)."""
        self.check_route(target)
        return build_request(method, target, headers, body, version,
                             self.target.host_header if host is True else
                             (host or None))

    def connect(self, slow=None):
        """A raw connection to the target, closed when the case ends;
        ``slow=(size, pause)`` makes it a slow reader (``Connection``)."""
        try:
            conn = Connection(self.target.host, self.target.port,
                              self.timeout, slow)
        except OSError as exc:
            raise HarnessError('cannot connect to %s:%s: %s' % (
                self.target.host, self.target.port, exc))
        self._connections.append([conn, None])
        return conn

    def read(self, conn, method='GET', timeout=None, silence_ok=False,
             simple_ok=False):
        """Read a reply on ``conn``, recording what was sent since the last
        read; a hang after a complete request, or a malformed reply, breaks
        a rule every case is held to (``conformance.rules``; ``silence_ok``:
        the request was not complete, or silence is an answer the case
        accepts). After a half-close
        (``conn.shutdown_write()``), silence breaks only RFC 9112 §9.5's
        SHOULD: a server should notice that the client closed.
        ``simple_ok``: the request had the shape of HTTP/0.9's, and an
        answer in that shape (bytes without a status line) is the case's to
        judge, not a malformed response."""
        reply = conn.read_reply(method, timeout)
        if simple_ok and reply.problem and \
                not reply.head.startswith(b'HTTP/'):
            reply.problem, reply.simple = None, True
        self.record(conn.sent, reply, conn=conn)
        conn.sent = b''
        self.received(reply, silence_ok, conn.write_closed)
        return reply

    def received(self, reply, silence_ok, half_closed):
        """What is owed of every reply (``Probe`` holds it to the rules)."""

    def exchange(self, data, method=None, linger=False, timeout=None,
                 silence_ok=False, simple_ok=False):
        """Send ``data`` on a new connection and read one reply; with
        ``linger``, wait up to ``close_wait`` seconds to see whether the
        server closes (``reply.closed``)."""
        conn = self.connect()
        conn.send(data)
        if method is None:
            method = data.split(b' ', 1)[0].decode('latin-1')
        reply = self.read(conn, method, timeout, silence_ok, simple_ok)
        if linger and not reply.closed and reply.status is not None:
            reply.closed = conn.wait_closed(self.close_wait) and \
                not conn.buffer
            reply.ended = conn.ended
        return reply

    def trailing(self, conn):
        """Bytes that arrive on ``conn`` within ``settle`` seconds, when
        none are due (after a complete response)."""
        return conn.unexpected_bytes(self.settle)

    def http(self, method, path, **kwargs):
        """A request made by ``requests``, where a normal client is the
        point. It goes through a recording relay, so the evidence holds the
        bytes as they crossed the wire, not as requests rebuilt them."""
        import requests
        self.check_route(path)
        if self._session is None:
            self._session = requests.Session()
            self._relay = Relay(self.target.host, self.target.port,
                                self.timeout)
        kwargs.setdefault('timeout', self.timeout)
        kwargs.setdefault('allow_redirects', False)
        headers = dict(kwargs.pop('headers', None) or {})
        headers.setdefault('Host', self.target.host_header)
        url = 'http://127.0.0.1:%d%s' % (self._relay.port, path)
        try:
            res = self._session.request(method, url, headers=headers,
                                        **kwargs)
        except requests.RequestException as exc:
            self._record_relayed('requests failed: %s' % exc)
            # judged at the case's level; a hang also breaks a rule
            raise Violation('an answer to %s %s' % (method, path),
                            'requests failed: %s' % exc,
                            rule=ANSWERS.id if isinstance(
                                exc, requests.Timeout) else None)
        self._record_relayed('made by requests')
        return res

    def _record_relayed(self, note):
        sent, received = self._relay.take()
        head, end, body = received.partition(b'\r\n\r\n')
        self.evidence.append({'request': show_bytes(sent),
                              'response_head': show_bytes(head + end),
                              'response_body': show_bytes(body),
                              'note': note})

    def check_route(self, target):
        """End the case with UNSUPPORTED when the route of ``target`` (a
        request-target) is not there to ask: the target serves its own
        application and the route is the fixture contract's (any path but
        ``target.path``; "*" and authority-form are no route), or its profile
        declares the route missing."""
        if isinstance(target, bytes):
            target = target.decode('latin-1')
        path = urlsplit(target).path if '://' in target else \
            target.split('?', 1)[0]
        if not self.target.contract and path.startswith('/') and \
                path not in (self.target.path, MISSING_PATH):
            raise Unsupported('%s: %s (the server serves its own '
                              'application)' % (NEEDS_CONTRACT, path))
        why = self.profile.missing_route(path)
        if why is not None:
            raise Unsupported('the %s profile declares no %s: %s' % (
                self.profile.name, path, why))

    def record(self, sent, reply, note=None, conn=None):
        self.keep(conn, {'request': show_bytes(sent),
                         'response_head': show_bytes(
                             b''.join(reply.interim) + reply.head),
                         'response_body': show_bytes(reply.body),
                         'note': note or reply.describe()})

    def keep(self, conn, entry):
        """Keep ``entry`` as evidence of an exchange on ``conn`` (made by
        another client, say: ``conformance.ws_wire``); how the connection
        ended is added to its last entry when the case ends."""
        self.evidence.append(entry)
        for pair in self._connections:
            if pair[0] is conn:
                pair[1] = entry

    def record_waiting(self, conn, note):
        """Evidence of what was sent on ``conn`` and what came back so far,
        for a case that stops waiting before a whole reply arrived."""
        self.keep(conn, {'request': show_bytes(conn.sent),
                         'response_head': show_bytes(conn.buffer),
                         'note': note})
        conn.sent = b''

    def close(self):
        for conn, entry in self._connections:
            if entry is not None:
                entry['close'] = _how_it_ended(conn)
            conn.close()
        if self._session is not None:
            self._session.close()
            self._relay.close()

def _how_it_ended(conn):
    if conn.send_error:
        sent = '; sending stopped (%s) with %d bytes unsent' % (
            conn.send_error, conn.unsent)
    else:
        sent = ''
    if conn.ended is None:
        return 'still open when the case ended' + sent
    if conn.ended == 'FIN':
        return 'closed by the server (FIN)' + sent
    return '%s by the server%s' % (
        'reset (RST)' if conn.ended == 'RST' else conn.ended, sent)
