"""
microdot_http: HTTP/1.1 message syntax (RFC 9112), with no I/O of its own
=========================================================================

The parser takes a whole request head and blocks of bytes from a
``Reader``'s buffer and says when it needs more; the server decides how to
wait for them. Its limits are arguments, and every malformed input ends in
``HTTPError``, which carries the status to answer::

    reader = Reader(conn, max_line=2048, max_headers=32, max_head=4096)
    lines = reader.take_head()
    while lines is None:
        await reader.fill()
        lines = reader.take_head()
    headers = {}  # any mapping; the server gives a case-insensitive one
    method, target, version = parse_head(lines, headers)

Responses go the other way: ``framing`` decides how a body is delimited and
``response_head`` writes the status line and header section.

This module imports nothing from the framework, so the parser can be tested
and reused on its own.
"""
import re
import time

_VERSION = re.compile('^HTTP/[0-9][.][0-9]$')
# uri-host (a reg-name, an IPv4 address or an IP literal) and an optional
# port (RFC 9110 section 7.2; RFC 3986 section 3.2.2). Checked with strip(),
# not a regular expression: MicroPython's re recurses once a character, and
# runs out of stack on a Host of a thousand.
_REG_NAME = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" \
    "-._~!$&'()*+,;=%"
_IP_LITERAL = '0123456789abcdefABCDEF:.'
_DIGITS = '0123456789'
_HEX_TEXT = '0123456789abcdefABCDEF'
_HEX = _HEX_TEXT.encode()
_MAX_EMPTY_LINES = 8
# A board without a time source starts its clock in 2000 (or 1970); such a
# clock must not be published in a Date header (RFC 9110 section 6.6.1).
CLOCK_VALID_FROM = 2024


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


class HTTPError(Exception):
    """A request that cannot be served as sent; ``status`` is the code to
    answer (400, 408, 413, 414, 431, 501, 505)."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


# ---------------------------------------------------------------- field syntax

_REASONS = (
    '|100Continue|101Switching Protocols|200OK|201Created|202Accepted'
    '|203Non-Authoritative Information|204No Content|205Reset Content'
    '|206Partial Content|300Multiple Choices|301Moved Permanently|302Found'
    '|303See Other|304Not Modified|305Use Proxy|307Temporary Redirect'
    '|308Permanent Redirect|400Bad Request|401Unauthorized'
    '|402Payment Required|403Forbidden|404Not Found|405Method Not Allowed'
    '|406Not Acceptable|407Proxy Authentication Required'
    '|408Request Timeout|409Conflict|410Gone|411Length Required'
    '|412Precondition Failed|413Content Too Large|414URI Too Long'
    '|415Unsupported Media Type|416Range Not Satisfiable'
    '|417Expectation Failed|418I\'m a teapot|421Misdirected Request'
    '|422Unprocessable Content|426Upgrade Required'
    '|428Precondition Required|429Too Many Requests'
    '|431Request Header Fields Too Large|500Internal Server Error'
    '|501Not Implemented|502Bad Gateway|503Service Unavailable'
    '|504Gateway Timeout|505HTTP Version Not Supported'
    '|511Network Authentication Required|')
_CLASSES = ('Informational', 'Success', 'Redirection', 'Client Error',
            'Server Error')


def reason_phrase(status_code):
    """The reason phrase of a status code (RFC 9110 section 15, RFC 6585).

    >>> reason_phrase(405)
    'Method Not Allowed'

    A code neither defines gets the name of its class ('Client Error').
    """
    i = _REASONS.find('|%d' % status_code)
    if i < 0:
        return _CLASSES[status_code // 100 - 1] \
            if 100 <= status_code <= 599 else 'Unknown'
    return _REASONS[i + 4:_REASONS.find('|', i + 1)]


_ERROR_TEXTS = {400: 'Bad request', 404: 'Not found',
                413: 'Payload too large', 500: 'Internal server error'}


def error_text(status_code):
    """The body of an error response that no handler produced: microdot
    1.x's wording where it had one ('Not found'), else the reason phrase."""
    return _ERROR_TEXTS.get(status_code) or reason_phrase(status_code)


_DAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
_MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep',
           'Oct', 'Nov', 'Dec')


def http_date(t=None):
    """Format a ``time.gmtime()`` tuple (default: now) as an IMF-fixdate.

    >>> http_date((1994, 11, 6, 8, 49, 37, 6, 310))
    'Sun, 06 Nov 1994 08:49:37 GMT'
    """
    if t is None:
        t = time.gmtime()
    return '%s, %02d %s %04d %02d:%02d:%02d GMT' % (
        _DAYS[t[6]], t[2], _MONTHS[t[1] - 1], t[0], t[3], t[4], t[5])


_TOKEN_CHARACTERS = ("!#$%&'*+-.^_`|~0123456789"
                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def is_token(s):
    """True when ``s`` is an RFC 9110 token (a method, a field name)."""
    # Not a regex: MicroPython's re recurses once per character matched,
    # and a long method or field name would exhaust its stack.
    return bool(s) and not s.strip(_TOKEN_CHARACTERS)


def refuse_ctl(what, value):
    """Raise ValueError when a str holds a control character (CR, LF...)."""
    data = value.encode()
    if data and (min(data) < 32 or b'\x7f' in data):
        raise ValueError('%s contains a control character' % what)


_URI_CHARACTERS = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789-._~:/?#[]@!$&'()*+,;=")


def uri_reference(text):
    """``text`` as a URI-reference (RFC 3986 §4.1), for a Location: what
    may not appear in one is percent-encoded as UTF-8; escapes stay.

    >>> uri_reference('/café menu?q=%41')
    '/caf%C3%A9%20menu?q=%41'
    """
    out = []
    data = text.encode()
    for i, byte in enumerate(data):
        c = chr(byte)
        if c in _URI_CHARACTERS or (c == '%' and len(data) > i + 2 and
                                    chr(data[i + 1]) in _HEX_TEXT and
                                    chr(data[i + 2]) in _HEX_TEXT):
            out.append(c)
        else:
            out.append('%%%02X' % byte)
    return ''.join(out)


def set_cookie_value(name, value, path=None, domain=None, expires=None,
                     max_age=None, secure=False, http_only=False,
                     same_site=None):
    """The value of a Set-Cookie field (RFC 6265 section 4.1).

    >>> set_cookie_value('id', 'a3f', path='/', http_only=True)
    'id=a3f; Path=/; HttpOnly'

    ``expires`` is a string, a ``datetime`` or seconds since the epoch;
    ``same_site`` is ``'Strict'``, ``'Lax'`` or ``'None'``. A name that is not
    a token, or CR, LF or ``;`` in a value, raises ValueError.
    """
    if not is_token(name):
        raise ValueError('invalid cookie name')
    parts = [name + '=' + _cookie_value(value)]
    if path:
        parts.append('Path=' + _cookie_value(path))
    if domain:
        parts.append('Domain=' + _cookie_value(domain))
    if expires is not None:
        parts.append('Expires=' + _cookie_date(expires))
    if max_age is not None:
        parts.append('Max-Age=%d' % max_age)
    if secure:
        parts.append('Secure')
    if http_only:
        parts.append('HttpOnly')
    if same_site is not None:
        # str.capitalize(), which MicroPython lacks
        same_site = same_site[:1].upper() + same_site[1:].lower()
        if same_site not in ('Strict', 'Lax', 'None'):
            raise ValueError('same_site must be Strict, Lax or None')
        parts.append('SameSite=' + same_site)
    return '; '.join(parts)


def _cookie_value(value):
    value = str(value)
    refuse_ctl('cookie', value)
    if ';' in value:
        raise ValueError('";" in a cookie')
    return value


def _cookie_date(expires):
    if isinstance(expires, str):
        return _cookie_value(expires)
    if isinstance(expires, (int, float)):
        return http_date(time.gmtime(int(expires)))
    if hasattr(expires, 'utctimetuple'):
        return http_date(expires.utctimetuple())
    return expires.strftime('%a, %d %b %Y %H:%M:%S GMT')


# ---------------------------------------------------------------- request head

# The methods and field names most messages use, known to be tokens: a
# lookup costs less than a regular expression on MicroPython. These sets are
# fixed at import: caches that grew as clients come would scatter long-lived
# objects over a small heap and split it into pieces too small for a body.
_COMMON = ('Host', 'User-Agent', 'Accept', 'Accept-Encoding',
           'Accept-Language', 'Connection', 'Content-Length', 'Content-Type',
           'Cookie', 'Transfer-Encoding', 'Expect', 'Cache-Control', 'Origin',
           'Referer', 'Authorization', 'If-None-Match', 'If-Modified-Since',
           'Range', 'Upgrade', 'Date', 'Keep-Alive', 'Location', 'Set-Cookie',
           'Allow', 'Retry-After', 'Content-Encoding', 'Vary', 'ETag',
           'Last-Modified', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH',
           'OPTIONS')
_TOKENS = set(_COMMON)
# Clients repeat their request lines and most of their header lines (Host
# among them) from one request to the next: the parts of short ones are
# kept, so that a line seen before is not checked again. A few hundred
# bytes at most.
_CACHED_LINE = 128  # longer lines are parsed every time
_CACHED_FIELDS = 8
_last_line = [None, None]  # the last request line and its parts
_fields = {}  # header lines seen lately -> (name, value)


def _known(data):
    # data (a method or field name) as str if it is a token, else None
    if min(data) <= 32 or max(data) >= 127:
        return None
    name = data.decode()
    return name if name in _TOKENS or is_token(name) else None


def parse_request_line(line):
    """``b'GET / HTTP/1.1'`` -> ``('GET', '/', '1.1')``; 400 or 505."""
    if line != _last_line[0]:
        parts = _request_line_parts(line)
        if len(line) > _CACHED_LINE:
            return parts
        _last_line[:] = line, parts
    return _last_line[1]


def _request_line_parts(line):
    # no whitespace but the two single spaces, no control characters, no
    # non-ASCII: then the line is ASCII text, decoded once
    if not line or min(line) < 32 or max(line) >= 127:
        raise HTTPError(400)
    parts = line.decode().split(' ')
    if len(parts) != 3:
        raise HTTPError(400)
    method, target, version = parts
    if not target or not (method in _TOKENS or is_token(method)):
        raise HTTPError(400)
    if '#' in target:  # a fragment is no part of a request-target
        raise HTTPError(400)
    if version == 'HTTP/1.1':
        return method, target, '1.1'
    if _VERSION.match(version) is None:
        raise HTTPError(400)
    if version[5] != '1':
        raise HTTPError(505)
    return method, target, version[5:]


def _has_ctl(data):
    # True when bytes hold a control character other than HTAB.
    if not data or (min(data) >= 32 and b'\x7f' not in data):
        return False
    return any((b < 32 and b != 9) or b == 127 for b in data)


def _text(data):
    # Field values are usually ASCII; obs-text bytes that are not UTF-8 are
    # kept one character per byte rather than refused.
    try:
        return data.decode()
    except ValueError:
        return ''.join([chr(b) for b in data])


def parse_field(line, headers):
    """Add one header line to ``headers`` (a case-insensitive mapping),
    joining repeated fields with ``, `` (``; `` for Cookie). 400 for
    obs-fold, a missing colon, a name that is not a token (space before the
    colon included), a control character in the value, or a second Host."""
    parts = _fields.get(line)
    if parts is None:
        parts = _field_parts(line)
        if len(line) <= _CACHED_LINE:
            if len(_fields) >= _CACHED_FIELDS:
                _fields.clear()
            _fields[line] = parts
    name, value = parts
    if name in headers:
        lower = name.lower()
        if lower == 'host':
            raise HTTPError(400)
        value = headers[name] + ('; ' if lower == 'cookie' else ', ') + value
    headers[name] = value


def _field_parts(line):
    # (name, value) of a header line, or HTTPError(400)
    text = None
    if line and min(line) >= 32 and b'\x7f' not in line:  # no controls
        try:
            text = line.decode()
        except ValueError:
            pass  # obs-text that is not UTF-8
    if text is not None:
        name, colon, value = text.partition(':')
        if not colon or not (name in _TOKENS or is_token(name)):
            raise HTTPError(400)  # obs-fold (RFC 9112 5.2): a space in name
        value = value.strip(' ')
    else:
        name, colon, value = line.partition(b':')
        if not colon or not name:
            raise HTTPError(400)
        name = _known(name)
        if name is None:
            raise HTTPError(400)
        value = value.strip(b' \t')
        if _has_ctl(value):
            raise HTTPError(400)
        value = _text(value)
    if len(name) == 4 and name.lower() == 'host' and not valid_host(value):
        raise HTTPError(400)
    return name, value


def parse_head(lines, headers):
    """Request-head lines -> ``(method, target, version)``, the target
    reduced to origin form, the fields added to ``headers``. 400 for an
    HTTP/1.1 request without a valid Host (RFC 9112 section 3.2). The host
    of an absolute-form target takes the place of the Host field's (RFC 9112
    section 3.2.2)."""
    method, target, version = parse_request_line(lines[0])
    for i in range(1, len(lines)):
        parse_field(lines[i], headers)
    if version != '1.0' and 'Host' not in headers:
        raise HTTPError(400)
    if target[0] != '/':
        absolute = _absolute_form(target)
        if absolute is not None:
            # the target's host names the resource, not the Host field; the
            # application reads it where it always does
            host = absolute[0].rpartition('@')[2]  # without userinfo
            if not valid_host(host):
                raise HTTPError(400)
            headers['Host'] = host
        target = origin_form(method, target)
    return method, target, version


def _absolute_form(target):
    """``(authority, path and query)`` of an http(s) absolute-form target
    (``path`` at least ``/``), else None."""
    scheme, sep, rest = target.partition('://')
    if not sep or scheme.lower() not in ('http', 'https'):
        return None
    ends = [i for i in (rest.find('/'), rest.find('?')) if i >= 0]
    end = min(ends) if ends else len(rest)
    path = rest[end:]
    return rest[:end], path if path[:1] == '/' else '/' + path


def origin_form(method, target):
    """The path and query of a request target. An absolute-form target
    (``http://host/path``) is accepted (RFC 9112 section 3.2.2) and ``*``
    only for OPTIONS; anything else is 400 (501 for CONNECT)."""
    if target[0] == '/' or (target == '*' and method == 'OPTIONS'):
        return target
    absolute = _absolute_form(target)
    if absolute is not None:
        return absolute[1]
    raise HTTPError(501 if method == 'CONNECT' else 400)


def _list_elements(value):
    # The elements of a comma-separated list, trimmed of OWS (SP and HTAB
    # only: CPython's str.strip() would also take away NBSP or U+3000, and
    # 'chunked\xa0' is not 'chunked').
    return [v.strip(' \t') for v in value.split(',')]


def body_length(headers, version):
    """The length of the request body; None means chunked (RFC 9112 6.3).

    Content-Length and Transfer-Encoding together, chunked from HTTP/1.0,
    chunked not last, and an invalid or self-contradicting Content-Length are
    400; a transfer coding other than chunked is 501. Empty elements of the
    coding list are ignored (``, chunked`` is chunked: RFC 9110 5.6.1).
    """
    coding = headers.get('Transfer-Encoding')
    length = headers.get('Content-Length')
    if coding is not None:
        # Both framings at once is how requests are smuggled: refuse it.
        if length is not None or version == '1.0':
            raise HTTPError(400)
        codings = [c for c in _list_elements(coding.lower()) if c]
        if not codings or codings[-1] != 'chunked':
            raise HTTPError(400)
        if len(codings) > 1:
            raise HTTPError(501)
        return None
    if length is None:
        return 0
    values = _list_elements(length)
    for v in values:
        # ASCII digits only: str.isdigit() also takes '\u00b2' or '\uff15'
        if v != values[0] or not v or v.strip(_DIGITS) or len(v) > 15:
            raise HTTPError(400)
    return int(values[0])


def keep_alive(request):
    """Whether the client lets the connection stay open (RFC 9112 9.3)."""
    value = request.headers.get('Connection')
    if value is None:
        return request.http_version != '1.0'
    tokens = [t.strip().lower() for t in value.split(',')]
    if request.http_version == '1.0':
        return 'keep-alive' in tokens
    return 'close' not in tokens


class Reader:
    """Bytes received on a connection and not yet parsed, and the limits
    of a request head: ``max_line`` bytes a line (414 for the request line,
    431 for a header line), ``max_headers`` header lines (431) and
    ``max_head`` bytes in all (431).

    ``take_head``, ``line`` and ``take`` hand out what is buffered without
    waiting; ``fill`` (async) and ``fill_now`` (blocking) ask the connection
    for more and raise EOFError when the client has closed it.
    """

    def __init__(self, conn, max_line=2048, max_headers=32, max_head=4096):
        self.conn = conn
        self.buf = b''
        self.max_line = max_line
        self.max_headers = max_headers
        self.max_head = max_head

    def take_head(self):
        """The lines of a whole request head (without their line ends),
        taken from the buffer; None when the head is not all here yet.
        Empty lines before the request line are skipped (RFC 9112 2.2);
        a line may end with CRLF or a bare LF."""
        buf = self.buf
        if not buf:
            return None
        if buf[0] in (13, 10):  # CR, LF
            buf = self._skip_empty_lines(buf)
        end = buf.find(b'\n\r\n')
        bare = buf.find(b'\n\n', 0, end + 1) if end >= 0 else \
            buf.find(b'\n\n')
        skip = 3
        if bare >= 0:
            end = bare
            skip = 2
        elif end < 0:
            self._check_partial(buf)
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
        limit = self.max_line
        if end > limit:  # else no line can be too long
            if len(lines[0]) > limit:
                raise HTTPError(414)
            for line in lines:
                if len(line) > limit:
                    raise HTTPError(431)
        return lines

    def _skip_empty_lines(self, buf):
        count = 0
        while buf[:1] in (b'\r', b'\n'):
            n = 2 if buf[:2] == b'\r\n' else 1 if buf[:1] == b'\n' else 0
            if not n:
                break  # a CR alone: the request line is malformed
            buf = buf[n:]
            count += 1
            if count > _MAX_EMPTY_LINES:
                raise HTTPError(400)
        self.buf = buf
        return buf

    def _check_partial(self, buf):
        # The head is not complete: refuse it as soon as it is too long.
        first = buf.find(b'\n')
        if first < 0:
            if len(buf) > self.max_line + 1:
                raise HTTPError(414)
        elif first > self.max_line + 1:
            raise HTTPError(414)
        if len(buf) > self.max_head + 2:
            raise HTTPError(431)
        last = buf.rfind(b'\n')
        if len(buf) - last > self.max_line + 2:
            raise HTTPError(431)

    def line(self, limit, status):
        """The next line without its CRLF (or bare LF), or None if no whole
        line is buffered; HTTPError(status) past ``limit`` bytes."""
        i = self.buf.find(b'\n')
        if i < 0:
            if len(self.buf) > limit + 1:
                raise HTTPError(status)
            return None
        line = self.buf[:i]
        self.buf = self.buf[i + 1:]
        if line[-1:] == b'\r':
            line = line[:-1]
        if len(line) > limit:
            raise HTTPError(status)
        return line

    def take(self, n):
        data = self.buf[:n]
        self.buf = self.buf[n:]
        return data

    def _add(self, data):
        if not data:
            raise EOFError('connection closed by the client')
        self.buf = self.buf + data if self.buf else data

    async def fill(self):
        self._add(await self.conn.recv(2048))

    def fill_now(self):
        self._add(self.conn.recv_now(2048))


_TCHARS = _TOKEN_CHARACTERS.encode()


def _skip(data, i, chars):
    # The index of the first byte from i on that is not one of ``chars``.
    while i < len(data) and data[i] in chars:
        i += 1
    return i


def _quoted_end(data, i):
    # The index after the quoted-string that starts at data[i], or -1.
    i += 1
    while i < len(data):
        c = data[i]
        if c == 34:  # the closing '"'
            return i + 1
        if c == 92:  # a quoted-pair: '\' and the byte it quotes
            i += 1
            if i == len(data):
                return -1
            c = data[i]
        if (c < 32 and c != 9) or c == 127:
            return -1
        i += 1
    return -1


def chunk_ext_valid(ext):
    """True when ``ext`` (a chunk-size line from its first ``;``) is a valid
    list of chunk extensions (RFC 9112 section 7.1.1), each
    ``BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ]``.

    >>> chunk_ext_valid(b';name=value ; q="a;b"'), chunk_ext_valid(b';')
    (True, False)
    """
    i = 0
    while i < len(ext):
        i = _skip(ext, i, b' \t')
        if i == len(ext) or ext[i] != 59:  # ';'
            return False
        start = _skip(ext, i + 1, b' \t')
        i = _skip(ext, start, _TCHARS)
        if i == start:
            return False  # no name: a bare ';' or a byte a token cannot hold
        after = _skip(ext, i, b' \t')
        if after < len(ext) and ext[after] == 61:  # '='
            start = _skip(ext, after + 1, b' \t')
            if ext[start:start + 1] == b'"':
                i = _quoted_end(ext, start)
            else:
                i = _skip(ext, start, _TCHARS)
                if i == start:
                    return False
            if i < 0:
                return False
    return True


class Body:
    """The body of one request, framed by Content-Length (``length``) or
    chunked coding (``length`` None), at most ``limit`` bytes.

    ``read(n)`` (awaited) and ``read_now(n)`` (blocking) return ``n`` bytes,
    fewer only at the end of the body, then ``b''``; ``n`` < 0 reads it all.
    Chunked bodies are decoded; past ``limit`` reading raises
    HTTPError(413).
    """

    def __init__(self, reader, length, limit=16 * 1024):
        self.reader = reader
        self.chunked = length is None
        self.left = length or 0  # in the body, or in the current chunk
        self.state = 'size' if self.chunked else ('data' if length else '')
        self.total = 0
        self.limit = limit
        self.ahead = []  # pieces received ahead of reads, given back first

    @property
    def done(self):
        """True once the whole body has been received from the client."""
        return not self.state

    def _chunk_line(self, line):
        if self.state == 'size':
            semicolon = line.find(b';')
            size = line
            if semicolon >= 0:
                size = line[:semicolon].rstrip(b' \t')  # BWS before ';'
                if not chunk_ext_valid(line[semicolon:]):
                    raise HTTPError(400)
            # 1*HEXDIG: leading zeros are allowed, eight digits are plenty
            if not size or len(size.lstrip(b'0')) > 8 or \
                    any(c not in _HEX for c in size):
                raise HTTPError(400)
            self.left = int(size, 16)
            if self.total + self.left > self.limit:
                raise HTTPError(413)
            self.state = 'data' if self.left else 'trailer'
        elif self.state == 'crlf':
            if line:
                raise HTTPError(400)
            self.state = 'size'
        elif not line:
            self.state = ''  # the empty line after the trailer section

    def _pull(self, n):
        # Up to n bytes from the buffer, b'' at the end, None if starved.
        while self.state and self.state != 'data':
            line = self.reader.line(self.reader.max_line, 400)
            if line is None:
                return None
            self._chunk_line(line)
        if not self.state:
            return b''
        data = self.reader.take(min(n, self.left))
        if not data:
            return None
        self.left -= len(data)
        self.total += len(data)
        if not self.left:
            self.state = 'crlf' if self.chunked else ''
        return data

    def _gather(self, n, out):
        # Move bytes into out until n are there (all if n < 0) or the body
        # ends; False when the buffer ran dry first.
        have = sum(len(b) for b in out)
        ahead = self.ahead
        while ahead and (n < 0 or have < n):
            out.append(ahead.pop(0))
            have += len(out[-1])
        while n < 0 or have < n:
            data = self._pull(4096 if n < 0 else n - have)
            if data is None:
                return False
            if not data:
                break
            out.append(data)
            have += len(data)
        data = out[0] if len(out) == 1 else b''.join(out)
        if 0 <= n < len(data):
            ahead.insert(0, data[n:])
            data = data[:n]
        out[:] = [data]
        return True

    async def read(self, n=-1):
        out = []
        while not self._gather(n, out):
            await self.reader.fill()
        return out[0]

    def read_now(self, n=-1):
        out = []
        while not self._gather(n, out):
            self.reader.fill_now()
        return out[0]

    async def read_ahead(self, piece=1024):
        """Receive the rest of the body now and keep it, in pieces of at
        most ``piece`` bytes (no large block of memory), for later reads:
        reading it then never waits for the client."""
        while True:
            data = self._pull(piece)
            if data is None:
                await self.reader.fill()
            elif data:
                self.ahead.append(data)
            else:
                return

    def plain(self):
        """This body as a plain (non-async) handler reads it."""
        return PlainBody(self)


EMPTY_BODY = Body(None, 0)  # the body of every request that has none


class PlainBody:
    """A request body whose ``read(n)`` blocks, for plain handlers."""

    def __init__(self, body):
        self.read = body.read_now


# -------------------------------------------------------------------- response

# The second a Date value was made for, the value, and its header line.
_date = [None, None, b'']


def date_header():
    """The Date header value, or None when the clock is not set."""
    second = int(time.time())
    if second != _date[0]:
        t = time.gmtime(second)
        value = http_date(t) if t[0] >= CLOCK_VALID_FROM else None
        _date[:] = second, value, \
            ('Date: %s\r\n' % value).encode() if value else b''
    return _date[1]


def framing(res, req):
    """How the body of ``res`` is delimited (RFC 9112 section 6.3), with
    the headers that say so: ``'none'`` (1xx, 204, 304), ``'length'``
    (a 205 always: its content, if any, is dropped), ``'chunked'`` (length
    unknown, HTTP/1.1 client) or ``'close'``."""
    status = res.status_code
    if status < 200 or status in (204, 304):
        if status != 304:  # a 304 may state the length of the 200
            res.headers.pop('Content-Length')
            res.headers.pop('Transfer-Encoding')
        return 'none'
    if status == 205:  # no content (RFC 9110 15.3.6): Content-Length: 0
        if hasattr(res.body, 'close'):
            res.body.close()
        res.body = b''
        res.headers.pop('Transfer-Encoding')
    res.complete()
    if isinstance(res.body, bytes) or 'Content-Length' in res.headers:
        return 'length'  # complete() gave bytes their length
    if req is not None and req.http_version != '1.0':
        res.headers['Transfer-Encoding'] = 'chunked'
        return 'chunked'
    return 'close'


_VALUES = set(('application/json; charset=UTF-8', 'text/plain; charset=UTF-8',
               'text/html; charset=UTF-8'))  # free of control characters
_STATUS_LINES = {}  # status code -> its status line, for the usual ones


def _status_line(status):
    line = _STATUS_LINES.get(status)
    return line if line is not None else \
        'HTTP/1.1 %d %s' % (status, reason_phrase(status))


def _field_line(name, value):
    if name not in _TOKENS and not is_token(name):
        raise ValueError('invalid header name %r' % name)
    if not isinstance(value, str):
        value = str(value)
    if value not in _VALUES and not value.isdigit():
        refuse_ctl(name, value.replace('\t', ' '))
    return name + ': ' + value


_keep_alive = [None, b'']  # the last idle timeout and its Keep-Alive line


def _keep_alive_line(idle_timeout):
    if idle_timeout != _keep_alive[0]:
        _keep_alive[:] = idle_timeout, \
            b'Keep-Alive: timeout=%d\r\n' % idle_timeout
    return _keep_alive[1]


# The last response's status, reason and headers (a plain copy), its status
# and header lines as bytes, and whether it had its own Date: most responses
# repeat the one before, and then its lines are not made again.
_last = [None, None, None, b'', False]


def _head_lines(res, status):
    # The status line and the response's own header lines, as bytes, and
    # whether they include Date.
    headers = res.headers
    if status == _last[0] and res.reason == _last[1] and _last[2] == headers:
        return _last[3], _last[4]
    reason = res.reason
    if reason is None:
        lines = [_status_line(status)]
    else:
        refuse_ctl('reason', reason)
        lines = ['HTTP/1.1 %d %s' % (status, reason)]
    dated = False
    plain = True  # every value a str: the next response compares equal
    for name, value in headers.items():  # only if it is the same
        if isinstance(value, list):
            plain = False
            for v in value:
                lines.append(_field_line(name, v))
        else:
            plain = plain and isinstance(value, str)
            lines.append(_field_line(name, value))
        if len(name) == 4 and name.lower() == 'date':
            dated = True  # the application's own
    lines.append('')
    block = '\r\n'.join(lines).encode()
    if plain:
        _last[:] = status, reason, {k: v for k, v in headers.items()}, \
            block, dated
    return block, dated


def response_head(res, req, keep, idle_timeout=None):
    """The status line and header section of ``res`` as bytes, with Date
    (when the clock is set) and the Connection header ``keep`` calls for;
    a kept connection's ``idle_timeout`` (whole seconds) is announced in
    ``Keep-Alive``. ValueError for a status, reason or header that would
    break the message (a CR or LF in a value, a name that is not a token)."""
    status = res.status_code
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError('invalid status code %r' % (status,))
    block, dated = _head_lines(res, status)
    head = [block]
    if not dated:
        date_header()
        head.append(_date[2])
    if not keep:
        head.append(b'Connection: close\r\n')
    else:
        if req is not None and req.http_version == '1.0':
            head.append(b'Connection: keep-alive\r\n')
        if idle_timeout and idle_timeout >= 1:
            head.append(_keep_alive_line(idle_timeout))
    head.append(b'\r\n')
    return b''.join(head)


def clear_caches():
    """Forget the request and header lines seen (their checks included),
    the last response's header lines and the last Date (for tests that
    loosen the checks or change the clock)."""
    _date[:] = None, None, b''
    _last_line[:] = None, None
    _fields.clear()
    _last[:] = None, None, None, b'', False


for _name in (200, 204, 304, 400, 404, 500):
    _STATUS_LINES[_name] = 'HTTP/1.1 %d %s' % (_name, reason_phrase(_name))
del _name
