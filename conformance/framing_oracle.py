"""How many requests RFC 9112's framing finds in a stream of bytes, and so
how many answers a server may give to them.

A server that answers more requests than the bytes hold has read part of a
body as a request, or a request's end as the start of another: the server
and a proxy in front of it no longer agree where requests begin (request
smuggling). The oracle frames the bytes as RFC 9112 does and, where the RFC
lets a recipient choose, takes the choice that finds the most requests (a
bare LF ending a line, obs-fold unfolded, CR and NUL in a field value
replaced by SP, empty list elements ignored, a list of identical
Content-Length values, chunked after other codings), so that its count is
an upper bound::

    framing = frame(b'POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 23\\r\\n'
                    b'Transfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n'
                    b'GET / HTTP/1.1\\r\\n\\r\\n')
    framing.most_answers    # 1: both framings at once, then a close
    framing.level           # 'MUST': answering more breaks a MUST
    framing.reason          # why the count stops where it does

``most_answers`` is one answer per complete request, plus one for what ends
the stream early (an invalid or incomplete request may get an error
answer). ``level`` is the level of the rule that stops the count: after a
MUST (a close after Transfer-Encoding with Content-Length or "Connection:
close"; 400 and a close for an invalid Content-Length or a coding list that
does not end in chunked; an incomplete body) more answers break that MUST;
after a grammar error RFC 9112 §2.2 only says the server SHOULD answer 400
and close, so more answers break a SHOULD.
"""
import re

from conformance.verdicts import MUST, SHOULD
from conformance.wire import quoted

TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
QUOTED = rb'"(?:[\t !#-\[\]-~\x80-\xff]|\\[\t -~\x80-\xff])*"'
CHUNK_EXT = re.compile(rb'(?:[ \t]*;[ \t]*%s(?:[ \t]*=[ \t]*(?:%s|%s))?)*'
                       % (TOKEN, TOKEN, QUOTED))
HEX = re.compile(rb'[0-9A-Fa-f]+')
DIGITS = re.compile(rb'[0-9]+')
FIELD_NAME = re.compile(TOKEN)
VERSION = re.compile(rb'HTTP/([0-9])\.([0-9])')
# RFC 9112 §3: a recipient MAY split the request line on any of these
REQUEST_LINE_SPACE = re.compile(rb'[ \t\x0b\x0c\r]+')
OWS = b' \t'


class Framing:
    """The requests found in a stream, and what ended the count."""

    def __init__(self, requests=(), reason='every byte framed', level=MUST,
                 early=False):
        self.requests = list(requests)  # (method, start, end) of each
        self.reason = reason
        self.level = level
        self.early = early  # True when bytes remain that are no request

    @property
    def most_answers(self):
        return len(self.requests) + (1 if self.early else 0)

    def __repr__(self):
        return '<Framing %d answers at most (%s, %s)>' % (
            self.most_answers, self.level, self.reason)


def frame(data):
    """The framing that allows the most answers, over the choices RFC 9112
    leaves to a recipient about bare LF (in the head, in chunked coding).
    Its level is SHOULD if any choice ends on a SHOULD: a server that made
    that choice may answer more and break only that SHOULD."""
    framings = [_Framer(data, head_lf, chunk_lf).run()
                for head_lf in (True, False) for chunk_lf in (True, False)]
    best = max(framings, key=lambda f: (f.most_answers, len(f.requests)))
    if any(f.level == SHOULD for f in framings):
        best.level = SHOULD
    return best


def count_requests(data):
    """The number of complete requests RFC 9112's framing finds in data."""
    return len(frame(data).requests)


class _Stop(Exception):
    """The framing cannot go on: ``reason``, under a rule at ``level``."""

    def __init__(self, reason, level):
        super().__init__(reason)
        self.reason = reason
        self.level = level


class _Framer:
    """One pass over the bytes, with one choice about bare LF."""

    def __init__(self, data, head_lf, chunk_lf):
        self.data = data
        self.pos = 0
        self.head_lf = head_lf
        self.chunk_lf = chunk_lf

    def run(self):
        requests = []
        while True:
            start = self.pos
            self._skip_empty_lines()
            if self.pos == len(self.data):
                if self.pos > start:
                    return Framing(requests, 'only empty lines after the '
                                   'last request', SHOULD, early=True)
                return Framing(requests)
            try:
                method, closes = self._request()
            except _Stop as stop:
                return Framing(requests, stop.reason, stop.level, early=True)
            requests.append((method, start, self.pos))
            if closes:
                return Framing(requests, closes, MUST)

    # ------------------------------------------------------------ lines

    def _line(self, bare_lf):
        """The next line without its end; a bare LF ends one if
        ``bare_lf``. Incomplete at the end of the bytes."""
        end = self.data.find(b'\n' if bare_lf else b'\r\n', self.pos)
        if end < 0:
            raise _Stop('incomplete: no end of line before the bytes end',
                        MUST)
        line = self.data[self.pos:end]
        self.pos = end + (1 if bare_lf else 2)
        if bare_lf and line.endswith(b'\r'):
            line = line[:-1]
        return line

    def _skip_empty_lines(self):
        # RFC 9112 §2.2: empty lines before a request line may be ignored
        while True:
            for end in (b'\r\n', b'\n') if self.head_lf else (b'\r\n',):
                if self.data.startswith(end, self.pos):
                    self.pos += len(end)
                    break
            else:
                return

    # --------------------------------------------------------- the head

    def _request(self):
        """Frame one request: its method, and the reason the connection
        closes after it (None when it may go on)."""
        method, version = self._request_line(self._line(self.head_lf))
        fields = self._fields()
        closes = None
        if any(t.strip(OWS).lower() == b'close'
               for t in b','.join(fields.get(b'connection', [])).split(b',')):
            closes = '"Connection: close" (RFC 9112 §9.6: MUST NOT ' \
                     'process further requests)'
        coding = fields.get(b'transfer-encoding')
        length = fields.get(b'content-length')
        if coding is not None:
            closes = self._chunked_request(coding, length, version) or closes
        elif length is not None:
            self._take(self._content_length(length))
        return method, closes

    def _request_line(self, line):
        words = REQUEST_LINE_SPACE.split(line.strip(b' \t\x0b\x0c\r'))
        version = VERSION.fullmatch(words[-1])
        if len(words) != 3 or not FIELD_NAME.fullmatch(words[0]) or \
                not version:
            raise _Stop('an invalid request line (RFC 9112 §3, §2.2: 400 '
                        'and close)', SHOULD)
        if version.group(1) != b'1':
            raise _Stop('HTTP major version %s (RFC 9112 §2.3)' %
                        version.group(1).decode(), SHOULD)
        return words[0].decode('latin-1'), version.group(0)

    def _fields(self):
        """Field lines up to the empty line: {lowercased name: [values]}."""
        fields, last = {}, None
        while True:
            line = self._line(self.head_lf)
            if not line:
                return fields
            if line[:1] in (b' ', b'\t'):
                # obs-fold (RFC 9112 §5.2): unfolded with SP; before any
                # field, the line is ignored (RFC 9112 §2.2)
                if last is not None:
                    values = fields[last]
                    values[-1] = _value(values[-1] + b' ' + line)
                continue
            name, colon, value = line.partition(b':')
            if not colon or not FIELD_NAME.fullmatch(name):
                raise _Stop('an invalid field line %s (RFC 9112 §5, §2.2: '
                            '400 and close)' % quoted(line, 40), SHOULD)
            last = name.lower()
            fields.setdefault(last, []).append(_value(value))

    # --------------------------------------------------------- the body

    def _content_length(self, lines):
        values = [v.strip(OWS) for v in b','.join(lines).split(b',')]
        if not all(DIGITS.fullmatch(v) for v in values) or \
                len(set(int(v) for v in values)) != 1:
            raise _Stop('an invalid Content-Length %s (RFC 9112 §6.3: 400 '
                        'and close)' % quoted(b', '.join(lines)), MUST)
        return int(values[0])

    def _chunked_request(self, lines, length, version):
        """Frame a body by its Transfer-Encoding; the reason the connection
        must close after it, if one does."""
        names = [c.split(b';', 1)[0].strip(OWS).lower()
                 for c in b','.join(lines).split(b',') if c.strip(OWS)]
        if version == b'HTTP/1.0':
            raise _Stop('Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1: '
                        'faulty framing, close)', MUST)
        if not names or names[-1] != b'chunked':
            raise _Stop('a Transfer-Encoding that does not end in chunked '
                        '(RFC 9112 §6.3: 400 and close)', MUST)
        if length is None:
            self._chunked_body()
            return None
        try:
            self._chunked_body()
        except _Stop as stop:
            raise _Stop(stop.reason + ', in a request with Content-Length '
                        'too (RFC 9112 §6.1: close)', MUST)
        return 'Transfer-Encoding with Content-Length (RFC 9112 §6.1: MUST ' \
               'close after responding)'

    def _chunked_body(self):
        while True:
            line = self._line(self.chunk_lf).replace(b'\r', b' ')
            size, semicolon, ext = line.partition(b';')
            if semicolon:
                size = size.rstrip(OWS)
            if not HEX.fullmatch(size) or \
                    not CHUNK_EXT.fullmatch(semicolon + ext):
                raise _Stop('an invalid chunk line (RFC 9112 §7.1, §2.2: 400 '
                            'and close)', SHOULD)
            size = int(size, 16)
            if not size:
                break
            self._take(size)
            self._chunk_data_end()
        while self._line(self.chunk_lf):
            pass  # the trailer section: consumed, never merged

    def _chunk_data_end(self):
        for end in (b'\r\n', b'\n') if self.chunk_lf else (b'\r\n',):
            if self.data.startswith(end, self.pos):
                self.pos += len(end)
                return
        if len(self.data) - self.pos < 2 and \
                b'\r\n'.startswith(self.data[self.pos:]):
            raise _Stop('incomplete: the body ends before its framing '
                        'does', MUST)
        raise _Stop('chunk data not followed by CRLF (RFC 9112 §7.1, §2.2: '
                    '400 and close)', SHOULD)

    def _take(self, size):
        if len(self.data) - self.pos < size:
            raise _Stop('incomplete: the body ends before its framing does',
                        MUST)
        self.pos += size


def _value(raw):
    # RFC 9110 §5.5: CR, LF and NUL in a value may be replaced by SP
    for byte in (b'\r', b'\n', b'\x00'):
        raw = raw.replace(byte, b' ')
    return raw.strip(OWS)
