"""
microdot_chunked: chunked request bodies (RFC 9112 section 7.1), decoded
========================================================================

Loaded by ``microdot_http`` with the first request that has a
Transfer-Encoding (``check_codings``), so that a server that never gets
one does not hold this code. The decoder reads from its
``Protocol``'s buffer and hands out the chunks' data; the protocol's
``body(n)`` asks it::

    data = protocol.body(1024)    # None: feed more; b'': the end

Chunk-size lines and trailer lines are at most the protocol's ``max_line``
bytes, the data at most its ``max_body`` bytes in all (else 413); chunk
extensions are checked and ignored, trailer fields are read and dropped.
The methods that read one line (``size_line``, ``after_data``,
``trailer_line``) and ``line`` are seams a subclass may change.
"""
from microdot_http import TOKEN, HTTPError

SIZE, DATA, CRLF, TRAILER, DONE = 0, 1, 2, 3, 4
_HEX = b'0123456789abcdefABCDEF'
_TCHARS = TOKEN.encode()


class Chunked:
    """The chunked body a ``Protocol`` is reading."""

    def __init__(self, protocol):
        self.protocol = protocol
        self.state = SIZE
        self.left = 0  # bytes of the current chunk still to come
        self.total = 0  # data bytes so far

    def data(self, n):
        """Up to ``n`` bytes of data; ``b''`` at the end; None if starved."""
        p = self.protocol
        while self.state != DATA:
            if self.state == DONE:
                p.reading = False
                return b''
            line = self.line()
            if line is None:
                if p.eof:
                    raise EOFError('the client closed in the middle of a body')
                return None
            if self.state == SIZE:
                self.left = self.size_line(line)
                if self.total + self.left > p.max_body:
                    raise HTTPError(413)
                self.state = DATA if self.left else TRAILER
            elif self.state == CRLF:
                self.after_data(line)
                self.state = SIZE
            elif self.trailer_line(line):
                self.state = DONE
        buf = p.buf
        if not buf:
            if p.eof:
                raise EOFError('the client closed in the middle of a body')
            return None
        data = buf[:min(n, self.left)]
        p.buf = buf[len(data):]
        self.left -= len(data)
        self.total += len(data)
        if not self.left:
            self.state = CRLF
        return data

    def line(self):
        """The next line without its CRLF (or bare LF), or None if no whole
        line is buffered; 400 past the protocol's ``max_line`` bytes."""
        p = self.protocol
        buf = p.buf
        limit = p.max_line
        i = buf.find(b'\n')
        if i < 0:
            if len(buf) > limit + 1:
                raise HTTPError(400)
            return None
        p.buf = buf[i + 1:]
        line = buf[:i - 1] if buf[i - 1:i] == b'\r' else buf[:i]
        if len(line) > limit:
            raise HTTPError(400)
        return line

    def size_line(self, line):
        """The size a chunk-size line gives: 1*HEXDIG (leading zeros
        allowed, eight digits are plenty), then valid chunk extensions."""
        semicolon = line.find(b';')
        size = line
        if semicolon >= 0:
            size = line[:semicolon].rstrip(b' \t')  # BWS before ';'
            if not extensions_valid(line[semicolon:]):
                raise HTTPError(400)
        if not size or len(size.lstrip(b'0')) > 8 or \
                any(c not in _HEX for c in size):
            raise HTTPError(400)
        return int(size, 16)

    def after_data(self, line):
        """The line ending a chunk's data must be empty (its CRLF)."""
        if line:
            raise HTTPError(400)

    def trailer_line(self, line):
        """A trailer line, dropped; True for the empty one that ends the
        body."""
        return not line


def check_codings(coding):
    """A request's Transfer-Encoding: chunked must be its only coding, and
    last (else 400); another coding before it is not implemented (501). The
    elements are trimmed of SP and HTAB only ('chunked\\xa0' is not
    'chunked'); empty ones are ignored (``, chunked`` is chunked: RFC 9110
    5.6.1)."""
    codings = []
    for c in coding.lower().split(','):
        c = c.strip(' \t')
        if c:
            codings.append(c)
    if not codings or codings[-1] != 'chunked':
        raise HTTPError(400)
    if len(codings) > 1:
        raise HTTPError(501)


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


def extensions_valid(ext):
    """True when ``ext`` (a chunk-size line from its first ``;``) is a valid
    list of chunk extensions (RFC 9112 section 7.1.1), each
    ``BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ]``.

    >>> extensions_valid(b';name=value ; q="a;b"'), extensions_valid(b';')
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
