"""
microdot_http: HTTP/1.1 messages (RFC 9112) without I/O
========================================================

Bytes in, events out; response values in, bytes out. The caller owns the
socket, the clock and every wait; this module holds no connection, awaits
nothing and reads no clock::

    cache = {}                            # one per server, shared
    p = Protocol(cache)                   # one per connection
    p.feed(data)                          # what was received; b'' at EOF
    head = p.head()                       # None: feed more
    method, target, version, headers = head
    while p.reading:                      # p.length: None when chunked
        data = p.body(1024)               # None: feed more; b'': the end
    frame = framing(200, 13, version)
    head = p.response_head(200, None, {}, frame, 13, version, True,
                           'Sun, 06 Nov 1994 08:49:37 GMT', 5)

The events: ``head()`` gives a request head (a tuple), None ("need more")
or CLOSED (the client closed between two requests); ``body(n)`` gives body
data, ``b''`` at the end of the body, or None. Every malformed input
raises ``HTTPError``, which carries the status to answer; a client that
closes in the middle of a body raises EOFError.

``cache`` is a dict the server owns: the protocols of its connections
remember there what repeats from one request to the next, so that it is
not parsed or checked again: a few short header lines (keyed by their
bytes), the last request line (key 0) and the last response head (key
None). A fresh dict forgets everything.

The methods of ``Protocol`` that read one piece of syntax (``request_line``,
``field``, ``head_fields``, ``target``, ``framing_of``) and ``field_line``
on the way out are seams: a subclass may change any of them, and the server
takes the class it is given. Chunked bodies are decoded by
``microdot_chunked``, loaded with the first one; rare status lines come from
``microdot_status``.

This module imports nothing from the framework; ``fields``, the mapping
that receives a head's fields, is the caller's choice (the server gives a
case-insensitive one).
"""
try:
    from micropython import const
except ImportError:
    const = int

# What request lines, fields and responses are checked against (RFC 9110
# 5.6.2 token, 7.2 uri-host; RFC 3986 3.2.2), with str.strip(), not
# regular expressions: MicroPython's re recurses once per character, and
# runs out of stack on a Host of a thousand.
TOKEN = "!#$%&'*+-.^_`|~0123456789" \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_REG_NAME = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" \
    "-._~!$&'()*+,;=%"
_IP_LITERAL = '0123456789abcdefABCDEF:.'
_DIGITS = '0123456789'
_MAX_EMPTY_LINES = const(8)  # skipped before a request line (RFC 9112 2.2)
_CACHED_LINE = const(128)  # longer request and header lines: never cached
_CACHED_LINES = const(10)
CLOSED = ()  # head(): the client closed the connection between messages

# How a response's body is delimited (RFC 9112 6.3): no content (1xx, 204,
# 304; a HEAD's answer says what its GET's would), Content-Length, chunked
# coding, or the close of the connection.
NONE = const(0)
LENGTH = const(1)
CHUNKED = const(2)
CLOSE = const(3)


class HTTPError(ValueError):
    """A request that cannot be served as sent; ``status`` is the code to
    answer (400, 408, 413, 414, 431, 501, 505). A ValueError, as microdot
    1.x's ``Request.create`` raised for a request it could not read."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def is_token(s):
    """True when ``s`` is an RFC 9110 token (a method, a field name)."""
    return bool(s) and not s.strip(TOKEN)


def valid_host(value):
    """Whether ``value`` is uri-host[:port]: ``example.test:8080``,
    ``[::1]``, an empty port (``host:``) allowed."""
    if value[:1] == '[':
        end = value.find(']')
        if end < 2 or value[1:end].strip(_IP_LITERAL):
            return False
        port = value[end + 1:]
        return not port or (port[0] == ':' and not port[1:].strip(_DIGITS))
    name, _, port = value.partition(':')
    return not name.strip(_REG_NAME) and not port.strip(_DIGITS)


def has_ctl(data):
    """True when bytes hold a control character other than HTAB."""
    if not data or (min(data) >= 32 and b'\x7f' not in data):
        return False
    for b in data:
        if (b < 32 and b != 9) or b == 127:
            return True
    return False


def keep_alive(version, connection):
    """Whether a client lets the connection stay open (RFC 9112 9.3), from
    its version and its Connection field (or None)."""
    if connection is None:
        return version != '1.0'
    wanted = 'keep-alive' if version == '1.0' else 'close'
    for token in connection.lower().split(','):
        if token.strip() == wanted:
            return version == '1.0'
    return version != '1.0'


def framing(status, length, version):
    """How a response's body is delimited (RFC 9112 6.3): NONE for 1xx, 204
    and 304, LENGTH when ``length`` is known (a 205 always: it has none),
    else CHUNKED for an HTTP/1.1 client, CLOSE for HTTP/1.0."""
    if status < 200 or status == 204 or status == 304:
        return NONE
    if length is not None or status == 205:
        return LENGTH
    return CHUNKED if version != '1.0' else CLOSE


def http_date(t):
    """A ``time.gmtime()`` tuple as an IMF-fixdate.

    >>> http_date((1994, 11, 6, 8, 49, 37, 6, 310))
    'Sun, 06 Nov 1994 08:49:37 GMT'
    """
    return '%s, %02d %s %04d %02d:%02d:%02d GMT' % (
        'MonTueWedThuFriSatSun'[3 * t[6]:3 * t[6] + 3], t[2],
        'JanFebMarAprMayJunJulAugSepOctNovDec'[3 * t[1] - 3:3 * t[1]],
        t[0], t[3], t[4], t[5])


def reason_phrase(status):
    """The reason phrase of a status code: 'OK', 'Not Found'..."""
    if status == 200:
        return 'OK'
    import microdot_status
    return microdot_status.reason_phrase(status)


class Protocol:
    """One connection's HTTP/1.1: request bytes in, events out (see the
    module's example); response values in, head bytes out.

    Limits: ``max_line`` bytes a request line (else 414) or header line
    (431), ``max_headers`` header lines (431), ``max_head`` bytes a head in
    all (431), ``max_body`` bytes a chunked body (413). ``fields`` makes the
    mapping a head's fields go into; ``cache`` is the server's (see the
    module's notes).
    """
    chunked_class = None  # the chunked decoder; None: microdot_chunked's

    def __init__(self, cache, fields=dict, max_line=2048, max_headers=32,
                 max_head=4096, max_body=16384):
        self.cache = cache
        self.fields = fields
        self.max_line = max_line
        self.max_headers = max_headers
        self.max_head = max_head
        self.max_body = max_body
        self.buf = b''  # received and not yet parsed
        self.eof = False  # the client has closed its side
        self.reading = False  # the body of the last head is not all read
        self.length = 0  # that body's length; None: chunked
        self.left = 0  # bytes of a Content-Length body still to come
        self.chunks = None  # the chunked decoder of the body being read

    def feed(self, data):
        """Add received bytes; ``b''`` says the client closed its side."""
        if data:
            self.buf = self.buf + data if self.buf else data
        else:
            self.eof = True

    # ------------------------------------------------------------ request

    def head(self):
        """The next request head, ``(method, target, version, fields)``,
        the target reduced to origin form; None when it is not all here;
        CLOSED when the client closed before beginning another. Sets
        ``length`` (None: chunked) and ``reading`` (a body follows)."""
        lines = self.head_lines()
        if lines is None:
            if self.eof:
                if self.buf:
                    raise HTTPError(400)  # half a request, then EOF
                return CLOSED
            return None
        method, target, version, headers = self.head_fields(lines)
        length = self.length = self.framing_of(headers, version)
        self.reading = length != 0
        self.left = length or 0
        self.chunks = None
        if length is None:
            if self.chunked_class is None:
                import microdot_chunked
                self.chunked_class = microdot_chunked.Chunked
            self.chunks = self.chunked_class(self)
        return method, target, version, headers

    def head_lines(self):
        """The lines of a whole head (without their line ends), taken from
        the buffer, or None. Up to _MAX_EMPTY_LINES empty lines before it
        are skipped (RFC 9112 2.2); a line may end in CRLF or a bare LF.
        An unfinished head is refused as soon as it cannot fit."""
        buf = self.buf
        count = 0
        while buf[:1] in (b'\r', b'\n') and buf:
            n = 2 if buf[:2] == b'\r\n' else 1 if buf[:1] == b'\n' else 0
            if not n:
                break  # a CR alone: the request line is malformed
            buf = self.buf = buf[n:]
            count += 1
            if count > _MAX_EMPTY_LINES:
                raise HTTPError(400)
        limit = self.max_line
        end = buf.find(b'\n\r\n')
        bare = buf.find(b'\n\n', 0, end + 1) if end >= 0 else \
            buf.find(b'\n\n')
        skip = 3
        if bare >= 0:
            end = bare
            skip = 2
        elif end < 0:
            first = buf.find(b'\n')
            if (len(buf) if first < 0 else first) > limit + 1:
                raise HTTPError(414)
            if len(buf) > self.max_head + 2 or \
                    len(buf) - buf.rfind(b'\n') > limit + 2:
                raise HTTPError(431)
            return None
        if end > self.max_head:
            raise HTTPError(431)
        self.buf = buf[end + skip:]
        head = buf[:end - 1] if buf[end - 1] == 13 else buf[:end]
        lines = head.split(b'\r\n')
        if len(lines) != head.count(b'\n') + 1:  # some line ends in LF only
            lines = [line[:-1] if line[-1:] == b'\r' else line
                     for line in head.split(b'\n')]
        if len(lines) > self.max_headers + 1:
            raise HTTPError(431)
        if end > limit:  # else no line can be too long
            if len(lines[0]) > limit:
                raise HTTPError(414)
            for line in lines:
                if len(line) > limit:
                    raise HTTPError(431)
        return lines

    def head_fields(self, lines):
        """Head lines -> ``(method, target, version, fields)``. 400 for an
        HTTP/1.1 request without a valid Host (RFC 9112 3.2)."""
        method, target, version = self.request_line(lines[0])
        headers = self.fields()
        for i in range(1, len(lines)):
            self.field(lines[i], headers)
        if version != '1.0' and 'Host' not in headers:
            raise HTTPError(400)
        if target[0] != '/':
            target = self.target(method, target, headers)
        return method, target, version, headers

    def request_line(self, line):
        """``b'GET / HTTP/1.1'`` -> ``('GET', '/', '1.1')``; 400 or 505."""
        last = self.cache.get(0)  # the last request line and its parts
        if last is not None and last[0] == line:
            return last[1]
        # no whitespace but the two single spaces, no control characters,
        # no non-ASCII: then the line is ASCII text, decoded once
        if not line or min(line) < 32 or max(line) >= 127:
            raise HTTPError(400)
        parts = line.decode().split(' ')
        if len(parts) != 3:
            raise HTTPError(400)
        method, target, version = parts
        # a fragment is no part of a request-target
        if not target or '#' in target or not is_token(method):
            raise HTTPError(400)
        if version != 'HTTP/1.1':
            if len(version) != 8 or version[:5] != 'HTTP/' or \
                    version[6] != '.' or version[5] not in _DIGITS or \
                    version[7] not in _DIGITS:
                raise HTTPError(400)
            if version[5] != '1':
                raise HTTPError(505)
        parts = method, target, version[5:]
        if len(line) <= _CACHED_LINE:
            self.cache[0] = line, parts
        return parts

    def field(self, line, headers):
        """Add one header line to ``headers``, joining a repeated field's
        values with ``, `` (``; `` for Cookie). 400 for obs-fold (a space in
        the name), a missing colon, a name that is not a token, a control
        character in the value, an invalid or second Host."""
        cache = self.cache
        parts = cache.get(line)  # header lines: by their bytes
        if parts is None:
            parts = field_parts(line)
            if len(line) <= _CACHED_LINE:
                if len(cache) >= _CACHED_LINES:
                    cache.clear()
                cache[line] = parts
        name, value = parts
        if name in headers:
            lower = name.lower()
            if lower == 'host':
                raise HTTPError(400)
            value = headers[name] + ('; ' if lower == 'cookie' else ', ') + \
                value
        headers[name] = value

    def target(self, method, target, headers):
        """The origin form of a target that is not one: an absolute-form
        one (``http://host/path``, RFC 9112 3.2.2), whose host takes the
        place of the Host field's, or ``*`` for OPTIONS; anything else is
        400 (501 for CONNECT)."""
        if target == '*' and method == 'OPTIONS':
            return target
        scheme, sep, rest = target.partition('://')
        if not sep or scheme.lower() not in ('http', 'https'):
            raise HTTPError(501 if method == 'CONNECT' else 400)
        end = len(rest)
        for c in '/?':
            i = rest.find(c)
            if 0 <= i < end:
                end = i
        host = rest[:end].rpartition('@')[2]  # without userinfo
        if not valid_host(host):
            raise HTTPError(400)
        headers['Host'] = host
        path = rest[end:]
        return path if path[:1] == '/' else '/' + path

    def framing_of(self, headers, version):
        """The length of a request's body; None means chunked (RFC 9112
        6.3). Content-Length and Transfer-Encoding together, chunked from
        HTTP/1.0, chunked not last, and an invalid or self-contradicting
        Content-Length are 400; a transfer coding other than chunked is
        501. The elements of a list are trimmed of SP and HTAB only
        ('chunked\\xa0' is not 'chunked'); empty ones are ignored (``,
        chunked`` is chunked: RFC 9110 5.6.1)."""
        length = headers.get('Content-Length')
        coding = headers.get('Transfer-Encoding')
        if coding is not None:
            # Both framings at once is how requests are smuggled: refuse it.
            if length is not None or version == '1.0':
                raise HTTPError(400)
            import microdot_chunked
            microdot_chunked.check_codings(coding)
            return None
        if length is None:
            return 0
        first = None
        for v in length.split(','):
            v = v.strip(' \t')
            # ASCII digits only: str.isdigit() also takes '\u00b2' or '\uff15'
            if not v or v.strip(_DIGITS) or len(v) > 15 or \
                    v != (first or v):
                raise HTTPError(400)
            first = v
        return int(first)

    def body(self, n):
        """Up to ``n`` bytes of the body, as they are received; ``b''`` at
        its end; None when nothing is buffered. EOFError if the client
        closed before the end, HTTPError for a malformed chunked body."""
        if self.chunks is not None:
            return self.chunks.data(n)
        left = self.left
        if not left:
            self.reading = False
            return b''
        buf = self.buf
        if not buf:
            if self.eof:
                raise EOFError('the client closed in the middle of a body')
            return None
        data = buf[:min(n, left)]
        self.buf = buf[len(data):]
        self.left = left - len(data)
        if not self.left:
            self.reading = False
        return data

    # ----------------------------------------------------------- response

    def response_head(self, status, reason, headers, frame, length, version,
                      keep, date, idle_timeout, content_type=None):
        """The status line and header section of a response as bytes.

        ``headers`` (the application's, left as they are) are written in
        their order, a list value as several lines, but for the framing
        fields, which follow ``frame`` (see ``framing``) and ``length``. A
        Content-Type is added when there is none and the response has
        content (``content_type``); Date when ``date`` is given and the
        application set none; ``Connection: close`` unless ``keep``, and for
        a kept connection ``Keep-Alive`` with ``idle_timeout`` (whole
        seconds, when at least 1); none of these on a 1xx. ValueError for a
        status, reason or field that would break the message (a CR or LF in
        a value, a name that is not a token)."""
        last = self.cache.get(None)  # the last head's parts
        if last is not None and last[0] == status and last[1] == reason and \
                last[2] == headers:
            block, dated, typed = last[3:]
        else:
            if not isinstance(status, int) or not 100 <= status <= 599:
                raise ValueError('invalid status code %r' % (status,))
            lines = [b'HTTP/1.1 %d %s' % (status, self.field_line(
                'reason', reason_phrase(status) if reason is None
                else reason))]
            dated = typed = False
            plain = True  # every value a str: then a copy compares equal
            for name, value in headers.items():
                lower = name.lower()
                if lower in ('content-length', 'transfer-encoding'):
                    continue  # framing decides
                dated = dated or lower == 'date'  # the application's own
                typed = typed or lower == 'content-type'
                for v in value if isinstance(value, list) else (value,):
                    plain = plain and isinstance(v, str) and v is value
                    lines.append(name.encode() + b': ' +
                                 self.field_line(name, v))
            lines.append(b'')
            block = b'\r\n'.join(lines)
            if plain:  # dict() of a dict subclass fails on MicroPython
                self.cache[None] = (status, reason, {
                    k: v for k, v in headers.items()}, block, dated, typed)
        out = [block]
        if frame == LENGTH:
            out.append(b'Content-Length: %d\r\n' % (
                0 if status == 205 else length))
        elif frame == CHUNKED:
            out.append(b'Transfer-Encoding: chunked\r\n')
        elif status == 304 and length is not None:  # the 200's length
            out.append(b'Content-Length: %d\r\n' % length)
        if not typed and frame != NONE and content_type:
            out.append(b'Content-Type: %s\r\n' % content_type.encode())
        # none on a 1xx: Date is a MAY there (RFC 9110 6.6.1), and a 101
        # hands the connection to another protocol
        if status >= 200:
            if date and not dated:
                out.append(b'Date: %s\r\n' % date.encode())
            if not keep:
                out.append(b'Connection: close\r\n')
            else:
                if version == '1.0':
                    out.append(b'Connection: keep-alive\r\n')
                if idle_timeout and idle_timeout >= 1:
                    out.append(b'Keep-Alive: timeout=%d\r\n' % idle_timeout)
        out.append(b'\r\n')
        return b''.join(out)

    def field_line(self, name, value):
        """A response field's value (or the reason phrase, ``name``
        'reason') as bytes, checked: ValueError for a name that is not a
        token or a control character but HTAB in the value."""
        if name != 'reason' and not is_token(name):
            raise ValueError('invalid header name %r' % name)
        value = (value if isinstance(value, str) else str(value)).encode()
        if has_ctl(value):
            raise ValueError('%s contains a control character' % name)
        return value


def field_parts(line):
    """``(name, value)`` of a header line; HTTPError(400) if it is
    malformed: obs-fold (a space in the name), no colon, a name that is not
    a token, a control character in the value, an invalid Host."""
    text = None
    if line and min(line) >= 32 and b'\x7f' not in line:  # no controls
        try:
            text = line.decode()
        except ValueError:
            pass  # obs-text that is not UTF-8
    if text is not None:
        name, colon, value = text.partition(':')
        if not colon or not is_token(name):
            raise HTTPError(400)
        value = value.strip(' ')
    else:
        name, colon, value = line.partition(b':')
        if not colon or min(name or b' ') <= 32 or max(name) >= 127 or \
                not is_token(name.decode()):
            raise HTTPError(400)
        name = name.decode()
        value = value.strip(b' \t')
        if has_ctl(value):
            raise HTTPError(400)
        try:
            value = value.decode()
        except ValueError:  # obs-text that is not UTF-8: a char per byte
            value = ''.join(map(chr, value))
    if len(name) == 4 and name.lower() == 'host' and not valid_host(value):
        raise HTTPError(400)
    return name, value
