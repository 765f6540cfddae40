"""
microdot_http: HTTP/1.1 message syntax (RFC 9112), with no I/O of its own
=========================================================================

The parser takes whole lines and blocks of bytes from a ``Reader``'s buffer
and says when it needs more; the server decides how to wait for them. Every
malformed input ends in ``HTTPException`` carrying the status to answer::

    reader = Reader(conn)
    lines = []
    while not take_head(reader, lines):
        await reader.fill()
    method, target, version, headers = parse_head(lines)

Responses go the other way: ``framing`` decides how a body is delimited and
``response_head`` writes the status line and header section.
"""
import re
import time

from microdot import HTTPException, NoCaseDict, Request

_VERSION = re.compile('^HTTP/[0-9][.][0-9]$')
_HOST = re.compile(
    "^([-A-Za-z0-9._~!$&'()*+,;=%]*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]*)?$")
_HEX = b'0123456789abcdefABCDEF'
_HEX_TEXT = '0123456789abcdefABCDEF'
_MAX_EMPTY_LINES = 8
# A board without a time source starts its clock in 2000 (or 1970); such a
# clock must not be published in a Date header (RFC 9110 section 6.6.1).
CLOCK_VALID_FROM = 2024

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
    # A loop, not a regex: MicroPython's re recurses once per character
    # matched, and a long method or field name would exhaust its stack.
    for c in s:
        if c not in _TOKEN_CHARACTERS:
            return False
    return bool(s)


def refuse_ctl(what, value):
    """Raise ValueError when a str holds a control character (CR, LF...)."""
    for c in value:
        if c < ' ' or c == '\x7f':
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


def take_head(reader, lines):
    """Move the lines of a request head from the buffer into ``lines``.

    True once the empty line that ends the head has been taken; False when
    the buffer ran out first. Empty lines before the request line are
    skipped (RFC 9112 section 2.2). Too long a request line is 414, too long
    or too many header lines 431.
    """
    while True:
        line = reader.line(Request.max_readline, 431 if lines else 414)
        if line is None:
            return False
        if line:
            lines.append(line)
            if len(lines) > Request.max_headers + 1:
                raise HTTPException(431)
        elif lines:
            return True
        else:
            reader.empty_lines += 1
            if reader.empty_lines > _MAX_EMPTY_LINES:
                raise HTTPException(400)


def parse_request_line(line):
    """``b'GET / HTTP/1.1'`` -> ``('GET', '/', '1.1')``; 400 or 505."""
    parts = line.split(b' ')
    if len(parts) != 3:
        raise HTTPException(400)
    for part in parts:
        # no whitespace, control characters or non-ASCII in any element
        if not part or min(part) <= 32 or max(part) >= 127:
            raise HTTPException(400)
    if b'#' in parts[1]:  # a fragment is no part of a request-target
        raise HTTPException(400)
    method, target, version = [p.decode() for p in parts]
    if not is_token(method) or _VERSION.match(version) is None:
        raise HTTPException(400)
    if version[5] != '1':
        raise HTTPException(505)
    return method, target, version[5:]


def _has_ctl(data):
    # True when bytes hold a control character other than HTAB.
    if not data or (min(data) >= 32 and 127 not in data):
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
    """Add one header line to ``headers``, joining repeated fields with
    ``, `` (``; `` for Cookie). 400 for obs-fold, a missing colon, a name
    that is not a token (space before the colon included), a control
    character in the value, or a second Host."""
    if line[:1] in (b' ', b'\t'):
        raise HTTPException(400)  # obs-fold (RFC 9112 section 5.2)
    name, colon, value = line.partition(b':')
    if not colon or not name or min(name) <= 32 or max(name) >= 127 or \
            not is_token(name.decode()):
        raise HTTPException(400)
    value = value.strip(b' \t')
    if _has_ctl(value):
        raise HTTPException(400)
    name = name.decode()
    value = _text(value)
    lower = name.lower()
    if name in headers:
        if lower == 'host':
            raise HTTPException(400)
        value = headers[name] + ('; ' if lower == 'cookie' else ', ') + value
    headers[name] = value


def parse_head(lines):
    """Request-head lines -> ``(method, target, version, headers)``, the
    target reduced to origin form. 400 for an HTTP/1.1 request without a
    valid Host (RFC 9112 section 3.2). The host of an absolute-form target
    takes the place of the Host field's (RFC 9112 section 3.2.2)."""
    method, target, version = parse_request_line(lines[0])
    headers = NoCaseDict()
    for line in lines[1:]:
        parse_field(line, headers)
    host = headers.get('Host')
    if (host is None and version != '1.0') or \
            (host is not None and _HOST.match(host) is None):
        raise HTTPException(400)
    absolute = _absolute_form(target)
    if absolute is not None:
        # the target's host names the resource, not the Host field (RFC 9112
        # 3.2.2); the application reads it where it always does
        host = absolute[0].rpartition('@')[2]  # without userinfo
        if _HOST.match(host) is None:
            raise HTTPException(400)
        headers['Host'] = host
    return method, origin_form(method, target), version, headers


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
    raise HTTPException(501 if method == 'CONNECT' else 400)


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
            raise HTTPException(400)
        codings = [c for c in _list_elements(coding.lower()) if c]
        if not codings or codings[-1] != 'chunked':
            raise HTTPException(400)
        if len(codings) > 1:
            raise HTTPException(501)
        return None
    if length is None:
        return 0
    values = _list_elements(length)
    for v in values:
        # ASCII digits only: str.isdigit() also takes '\u00b2' or '\uff15'
        if v != values[0] or not v or v.strip('0123456789') or len(v) > 15:
            raise HTTPException(400)
    return int(values[0])


def keep_alive(request):
    """Whether the client lets the connection stay open (RFC 9112 9.3)."""
    tokens = [t.strip().lower()
              for t in request.headers.get('Connection', '').split(',')]
    if request.http_version == '1.0':
        return 'keep-alive' in tokens
    return 'close' not in tokens


class Reader:
    """Bytes received on a connection and not yet parsed.

    ``line`` and ``take`` hand out what is buffered without waiting;
    ``fill`` (async) and ``fill_now`` (blocking) ask the connection for more
    and raise EOFError when the client has closed it.
    """

    def __init__(self, conn):
        self.conn = conn
        self.buf = b''
        self.empty_lines = 0

    def line(self, limit, status):
        """The next line without its CRLF (or bare LF), or None if no whole
        line is buffered; HTTPException(status) past ``limit`` bytes."""
        i = self.buf.find(b'\n')
        if i < 0:
            if len(self.buf) > limit + 1:
                raise HTTPException(status)
            return None
        line = self.buf[:i]
        self.buf = self.buf[i + 1:]
        if line[-1:] == b'\r':
            line = line[:-1]
        if len(line) > limit:
            raise HTTPException(status)
        return line

    def take(self, n):
        data = self.buf[:n]
        self.buf = self.buf[n:]
        return data

    def _add(self, data):
        if not data:
            raise EOFError('connection closed by the client')
        self.buf += data

    async def fill(self):
        self._add(await self.conn.recv(2048))

    def fill_now(self):
        self._add(self.conn.recv_now(2048))


_TCHARS = (b"!#$%&'*+-.^_`|~0123456789"
           b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


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
    """The body of one request, framed by Content-Length or chunked coding.

    ``read(n)`` (awaited) and ``read_now(n)`` (blocking) return ``n`` bytes,
    fewer only at the end of the body, then ``b''``; ``n`` < 0 reads it all.
    Chunked bodies are decoded; past ``Request.max_content_length`` reading
    raises HTTPException(413).
    """

    def __init__(self, reader, length):
        self.reader = reader
        self.chunked = length is None
        self.left = length or 0  # in the body, or in the current chunk
        self.state = 'size' if self.chunked else ('data' if length else '')
        self.total = 0
        self.prefix = b''  # bytes read ahead by the server, given back first

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
                    raise HTTPException(400)
            # 1*HEXDIG: leading zeros are allowed, eight digits are plenty
            if not size or len(size.lstrip(b'0')) > 8 or \
                    any(c not in _HEX for c in size):
                raise HTTPException(400)
            self.left = int(size, 16)
            if self.total + self.left > Request.max_content_length:
                raise HTTPException(413)
            self.state = 'data' if self.left else 'trailer'
        elif self.state == 'crlf':
            if line:
                raise HTTPException(400)
            self.state = 'size'
        elif not line:
            self.state = ''  # the empty line after the trailer section

    def _pull(self, n):
        # Up to n bytes from the buffer, b'' at the end, None if starved.
        while self.state and self.state != 'data':
            line = self.reader.line(Request.max_readline, 400)
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
        if self.prefix:
            out.append(self.prefix)
            self.prefix = b''
        have = sum(len(b) for b in out)
        while n < 0 or have < n:
            data = self._pull(4096 if n < 0 else n - have)
            if data is None:
                return False
            if not data:
                break
            out.append(data)
            have += len(data)
        data = b''.join(out)
        if 0 <= n < len(data):
            self.prefix = data[n:]
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

    def plain(self):
        """This body as a plain (non-async) handler reads it."""
        return PlainBody(self)


class PlainBody:
    """A request body whose ``read(n)`` blocks, for plain handlers."""

    def __init__(self, body):
        self.read = body.read_now


# -------------------------------------------------------------------- response

def date_header():
    """The Date header value, or None when the clock is not set."""
    t = time.gmtime()
    return http_date(t) if t[0] >= CLOCK_VALID_FROM else None


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
    if 'Content-Length' in res.headers:
        return 'length'
    if req is not None and req.http_version != '1.0':
        res.headers['Transfer-Encoding'] = 'chunked'
        return 'chunked'
    return 'close'


def response_head(res, req, keep):
    """The status line and header section of ``res`` as bytes, with Date
    (when the clock is set) and the Connection header ``keep`` calls for.
    ValueError for a status, reason or header that would break the message
    (a CR or LF in a value, a name that is not a token)."""
    status = res.status_code
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError('invalid status code %r' % (status,))
    reason = reason_phrase(status) if res.reason is None else res.reason
    refuse_ctl('reason', reason)
    lines = ['HTTP/1.1 %d %s' % (status, reason)]
    for name, value in res.headers.items():
        if not is_token(name):
            raise ValueError('invalid header name %r' % name)
        for v in value if isinstance(value, list) else [value]:
            v = str(v)
            refuse_ctl(name, v.replace('\t', ' '))
            lines.append(name + ': ' + v)
    date = date_header()
    if date and 'Date' not in res.headers:
        lines.append('Date: ' + date)
    if not keep:
        lines.append('Connection: close')
    elif req is not None and req.http_version == '1.0':
        lines.append('Connection: keep-alive')
    lines.append('\r\n')
    return '\r\n'.join(lines).encode()
