"""The probe: how a case talks to the target and states what it expects.

Every exchange is kept as evidence (the raw request, the response head and
how the connection ended), and every reply is held to the rules that no
case can waive: an answer, or a close, within the target's timeout to a
complete request, and a well-formed message. A broken expectation raises
``Violation``; ``run_case`` turns it into a verdict::

    reply = probe.exchange(probe.request('GET', '/echo'))
    probe.expect_status(reply, 200)
    probe.expect_header(reply, 'Content-Type', 'application/json')

Short waits last ``probe.settle`` seconds (for bytes that must not come, or
a close right after a response): a multiple of the round trip the run
measured at its start, never less than ``SETTLE_FLOOR``, so that a board on
a slow WiFi link gets the time it needs and loopback runs stay quick. A close
the server owes may come later, after a staged close (RFC 9112 §9.6) has
read what the client still sent: ``probe.close_wait`` allows for that, but
stays below an idle timeout the profile declares, so that an idle close is
not taken for it.
"""
from urllib.parse import urlsplit

from conformance.case import (SHOULD, HarnessError, NotApplicable,
                              Unsupported, Violation)
from conformance.relay import Relay
from conformance.wire import Connection, build_request, quoted, show_bytes

SETTLE_FLOOR = 0.3  # seconds
SETTLE_ROUND_TRIPS = 10
CLOSE_FLOOR = 2.0  # seconds allowed for a staged close
IDLE_SHARE = 0.8  # of a declared idle timeout, at most, for a close


def header_text(reply, name):
    """'Name: value' of a reply's header, or 'no Name header'."""
    values = reply.header_values(name)
    if not values:
        return 'no %s header' % name
    return '; '.join('%s: %s' % (name, v) for v in values)


def status_in(status, statuses):
    """True when ``status`` is one of ``statuses`` (ints, or '4xx')."""
    for expected in statuses:
        if status is not None and (status == expected or (
                isinstance(expected, str) and str(status)[0] == expected[0])):
            return True
    return False


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
        self._connections = []  # (connection, its last evidence entry)
        self._session = self._relay = None
        # Seconds to wait for something due now (a close, or bytes that
        # must not come), scaled from the target's round trip (measured
        # before the case does anything, if the run has not yet).
        self.settle = min(self.timeout, max(
            SETTLE_FLOOR, SETTLE_ROUND_TRIPS * target.round_trip))
        self.close_wait = min(self.timeout, max(self.settle, CLOSE_FLOOR))
        if self.profile.idle_timeout:
            self.close_wait = max(self.settle, min(
                self.close_wait, IDLE_SHARE * self.profile.idle_timeout))

    # ----------------------------------------------------------- talking

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

    def read(self, conn, method='GET', timeout=None, silence_ok=False):
        """Read a reply on ``conn``, recording what was sent since the last
        read; a hang after a complete request, or a malformed reply, is a
        hard violation (``silence_ok``: the request was not complete, or
        silence is an answer the case accepts). After a half-close
        (``conn.shutdown_write()``), silence breaks only RFC 9112 §9.5's
        SHOULD: a server should notice that the client closed."""
        reply = conn.read_reply(method, timeout)
        self.record(conn.sent, reply, conn=conn)
        conn.sent = b''
        self.well_formed(reply, silence_ok, conn.write_closed)
        return reply

    def exchange(self, data, method=None, linger=False, timeout=None,
                 silence_ok=False):
        """Send ``data`` on a new connection and read one reply; with
        ``linger``, wait up to ``close_wait`` seconds to see whether the
        server closes (``reply.closed``)."""
        conn = self.connect()
        conn.send(data)
        if method is None:
            method = data.split(b' ', 1)[0].decode('latin-1')
        reply = self.read(conn, method, timeout, silence_ok)
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
            # a hang is a hard failure; a close or a bad answer is judged at
            # the case's level
            raise Violation('an answer to %s %s' % (method, path),
                            'requests failed: %s' % exc,
                            hard=isinstance(exc, requests.Timeout))
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
        """End the case with UNSUPPORTED when the profile declares the
        route of ``target`` (a request-target) missing."""
        if isinstance(target, bytes):
            target = target.decode('latin-1')
        path = urlsplit(target).path if '://' in target else \
            target.split('?', 1)[0]
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
        """Keep ``entry`` as evidence of an exchange on ``conn``; how the
        connection ended is added to its last entry when the case ends."""
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

    # ------------------------------------------------------ expectations

    def expect(self, ok, expected, observed, level=None):
        """An expectation at the case's level (or at ``level``, when it
        rests on a weaker requirement than the case's own)."""
        self.expected_text, self.observed_text = expected, str(observed)
        if not ok:
            raise Violation(expected, str(observed), level=level)

    def require(self, ok, expected, observed):
        """An expectation that fails the case whatever its level: only for
        the rules no case can waive, or a MUST the case stands on."""
        self.expected_text, self.observed_text = expected, str(observed)
        if not ok:
            raise Violation(expected, str(observed), hard=True)

    def observe(self, observed):
        """Record what was seen, for a case that has no pass or fail."""
        self.observed_text = str(observed)

    def not_applicable(self, why):
        """End the case with INFO: the server did not do what the
        requirement is about (e.g. it answered 404, so a rule about 405
        responses has nothing to judge)."""
        raise NotApplicable(why)

    def well_formed(self, reply, silence_ok=False, half_closed=False):
        if reply.problem:
            self.require(False, 'a well-formed HTTP/1.1 response '
                         '(RFC 9112)', reply.describe())
        if not reply.timed_out or silence_ok:
            return
        expected = 'an answer or a close within %.1f s' % self.timeout
        if half_closed:
            self.expect(False, expected + ', once the client had closed its '
                        'side (RFC 9112 §9.5: SHOULD monitor open connections'
                        ' for a closure)', reply.describe(), level=SHOULD)
        self.require(False, expected, reply.describe())

    def expect_status(self, reply, *statuses):
        """The reply's status is one of ``statuses`` (ints, or '4xx')."""
        self.expect(status_in(reply.status, statuses),
                    'status ' + ' or '.join(str(s) for s in statuses),
                    reply.describe())

    # A request the server must not act on may be answered with an error
    # status or by closing the connection without a response.
    @staticmethod
    def refused(reply, *statuses):
        """True when ``reply`` refuses the request: one of ``statuses``
        (any 4xx when none are given), or a close without a response."""
        return status_in(reply.status, statuses or ('4xx',)) or (
            reply.status is None and reply.closed)

    def expect_refused(self, reply, *statuses):
        self.expect(self.refused(reply, *statuses), _refusal(statuses),
                    reply.describe())

    def expect_each_refused(self, requests, *statuses):
        """Send each (label, bytes) on its own connection; each refused."""
        wrong = []
        for label, data in requests:
            reply = self.exchange(data, method='GET')
            if not self.refused(reply, *statuses):
                wrong.append('%s: %s' % (label, reply.describe()))
        self.expect(not wrong, '%s, for each of %s' % (
            _refusal(statuses), ', '.join(label for label, _ in requests)),
            '; '.join(wrong) or 'all refused')

    def expect_header(self, reply, name, value=None):
        """The reply carries ``name`` (with ``value``, when given)."""
        actual = reply.header(name)
        if value is None:
            self.expect(actual is not None, 'a %s header' % name,
                        'no %s header in: %s' % (name, reply.describe()))
        else:
            self.expect(actual == value, '%s: %s' % (name, value),
                        header_text(reply, name))

    def expect_closed(self, reply, expected='the connection closed after '
                      'the response'):
        """The server closed the connection right after ``reply`` (read
        with ``linger``)."""
        self.expect(reply.closed, expected, self.close_state(reply))

    def close_state(self, reply):
        """What became of the connection after ``reply``, for 'observed'."""
        if not reply.closed:
            after = 'still open %.1f s later' % self.close_wait
        else:
            after = 'reset (RST)' if reply.ended == 'RST' else 'closed'
        return '%s, then %s' % (reply.describe(), after)

    def expect_nothing_more(self, conn, reply, expected):
        """No bytes follow ``reply`` on ``conn`` within ``settle``."""
        extra = self.trailing(conn)
        self.expect(not extra, expected, '%s; %s' % (
            reply.describe(), extra_text(extra)))

    def expect_graceful_close(self, conn, reply):
        """After ``reply`` the server took every byte of the request and, if
        it closed, closed cleanly (FIN): a reset (RST) can destroy a
        response before the client reads it (RFC 9112 §9.6)."""
        if not conn.eof:
            conn.wait_closed(self.close_wait)
        trouble = []
        if conn.send_error:
            trouble.append('the request could not be sent whole: %s with '
                           '%d bytes unsent' % (conn.send_error, conn.unsent))
        if conn.ended == 'RST':
            trouble.append('the server reset the connection (RST)')
        self.expect(not trouble, 'the whole request taken, the whole '
                    'response sent, then a clean close (FIN) or an open '
                    'connection', '%s; %s' % (reply.describe(),
                                              '; '.join(trouble)))

    def json(self, reply):
        """The body of a reply (or of a ``requests`` response) as JSON; a
        violation at the case's level if it is not."""
        import json
        body = reply.content if hasattr(reply, 'content') else reply.body
        try:
            return json.loads(body.decode('utf-8'))
        except ValueError:
            self.expect(False, 'a JSON body (fixture contract)',
                        '%s with %s' % (_status_of(reply), quoted(body, 200)))

    def still_alive_after(self, what):
        """Hard check that the server answers a plain GET after ``what``."""
        problem = self.target.still_serving()
        self.require(problem is None, 'the server keeps serving after ' +
                     what, problem or 'it answered GET /')


def _status_of(reply):
    if hasattr(reply, 'status_code'):
        return 'status %d' % reply.status_code
    return reply.describe()


def extra_text(extra):
    """Bytes that came when none were due, for 'observed'."""
    if not extra:
        return 'nothing more came'
    return '%d more bytes: %s' % (len(extra), quoted(extra, 120))


def _refusal(statuses):
    return 'status %s, or a close without a response' % ' or '.join(
        str(s) for s in statuses or ('4xx',))


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
