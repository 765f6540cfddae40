"""Mutants for conformance/cases/decoding.py.

A decoder gone wrong is played through the bytes the server receives: the
request line (and a form's body) rewritten so that the reference's own
decoder finds what the broken one would have made of the original, or
through the answer it gives."""
import re
from urllib.parse import quote

from mutants.request_line import stall_on

BAD_ESCAPE = re.compile(r'%(?![0-9A-Fa-f]{2})')


def rewrite_request(data, path=None, query=None, form=None):
    """``data`` (one whole request) with its target's path, its query and
    its form body (application/x-www-form-urlencoded) passed through the
    given functions of bytes; Content-Length follows the body."""
    head, sep, body = data.partition(b'\r\n\r\n')
    line, _, fields = head.partition(b'\r\n')
    parts = line.split(b' ')
    if len(parts) != 3:
        return data
    target, q, query_string = parts[1].partition(b'?')
    if path:
        target = path(target)
    if query and q:
        query_string = query(query_string)
    if form and b'x-www-form-urlencoded' in fields.lower() and body:
        body = form(body)
        fields = re.sub(rb'(?im)^(Content-Length:) *[0-9]+',
                        b'Content-Length: %d' % len(body), fields)
    line = b' '.join((parts[0], target + q + query_string, parts[2]))
    return line + b'\r\n' + fields + sep + body


def latin1_as_utf8(text):
    # Each escaped octet decoded as Latin-1, the character sent as UTF-8:
    # what a Latin-1 decoder hands the application.
    return re.sub(rb'%([89A-Fa-f][0-9A-Fa-f])', lambda m: quote(
        chr(int(m.group(1), 16))).encode(), text)


def path_as_latin1(b):
    b.incoming(lambda data: rewrite_request(data, path=latin1_as_utf8))


def query_and_form_as_latin1(b):
    b.incoming(lambda data: rewrite_request(data, query=latin1_as_utf8,
                                            form=latin1_as_utf8))


def plus_kept_in_query(b):
    b.incoming(lambda data: rewrite_request(
        data, query=lambda q: q.replace(b'+', b'%2B'),
        form=lambda f: f.replace(b'+', b'%2B')))


def plus_is_space_in_path(b):
    b.incoming(lambda data: rewrite_request(
        data, path=lambda p: p.replace(b'+', b'%20')))


def decoded_before_split(b):
    # The escapes of "&" and "=" decoded before the pairs are split.
    def early(text):
        return text.replace(b'%26', b'&').replace(b'%3D', b'=')
    b.incoming(lambda data: rewrite_request(data, query=early, form=early))


def escapes_kept_in_query(b):
    # The query and form handed over as they came: every escape left as is.
    def kept(text):
        return text.replace(b'%', b'%25')
    b.incoming(lambda data: rewrite_request(data, query=kept, form=kept))


def server_error_for(condition):
    """A 500 where the reference refuses a path with 400, when
    ``condition(the request's url)``: a decoder's error that escapes."""
    def mutant(b):
        def to_500(res, req):
            if req is not None and res.status_code == 400 and \
                    condition(req.url):
                res.status_code = 500
        b.before_send(to_500)
    return mutant


def overlong_slash_decoded(b):
    # A decoder that reads the two bytes C0 AF as the "/" they spell.
    def overlong(text):
        return re.sub(rb'(?i)%C0%AF', b'%2F', text)
    b.incoming(lambda data: rewrite_request(data, path=overlong,
                                            query=overlong))


MUTANTS = {
    'CONTRACT-path-utf8': path_as_latin1,
    'CONTRACT-query-utf8': query_and_form_as_latin1,
    'CONTRACT-form-utf8': query_and_form_as_latin1,
    'CONTRACT-plus-is-space': plus_kept_in_query,
    'CONTRACT-path-plus-literal': plus_is_space_in_path,
    'CONTRACT-query-encoded-delimiters': decoded_before_split,
    'RFC9112-3-invalid-pct-encoding': server_error_for(
        lambda url: BAD_ESCAPE.search(url)),
    'CONTRACT-non-utf8-octets': server_error_for(lambda url: '%' in url),
    # a MAY: only a hang on the complete request can fail it
    'RFC3986-2.2-encoded-slash': stall_on(b'a%2Fb'),
    'RFC3629-3-overlong-utf8': overlong_slash_decoded,
}
