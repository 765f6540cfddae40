"""Mutants for conformance/cases/framing.py: lenient or defective framing."""
import re

import microdot_cpython
from microdot import Request
from microdot_http import HTTPError, Protocol, has_ctl

HUGE = 1 << 40


def patch_body_length(b, broken):
    """Frame bodies with ``broken(headers, version, original)``."""
    b.override(Protocol, 'framing_of',
               lambda protocol, original, headers, version:
               broken(headers, version, original))


def patch_field(b, broken):
    """Parse header lines with ``broken(line, headers, original)``."""
    b.override(Protocol, 'field',
               lambda protocol, original, line, headers:
               broken(line, headers, original))


def patch_head(b, broken):
    """Parse a head's lines with ``broken(lines, original)``."""
    b.override(Protocol, 'head_fields',
               lambda protocol, original, lines: broken(lines, original))


def lenient_length(convert):
    """A Content-Length parser that takes whatever ``convert`` makes of the
    value (and passes the number on as the header, as a lenient parser
    that normalises would)."""
    def broken(headers, version, original):
        value = headers.get('Content-Length')
        if value is None or 'Transfer-Encoding' in headers:
            return original(headers, version)
        length = convert(value)
        headers['Content-Length'] = str(length)
        return length

    def mutant(b):
        patch_body_length(b, broken)
    return mutant


def _digits_or_zero(value):
    return int(value) if value.strip().isdigit() else 0


def _last_non_empty(value):
    return int([v for v in value.split(',') if v.strip()][-1])


def _c_strtol(value):
    # strtol(s, NULL, 0): a leading 0 means octal
    return int(value, 8) if value[:1] == '0' and len(value) > 1 \
        else int(value)


def chokes_on_lists(b):
    # int('5, 5') raises ValueError: the connection drops with no answer.
    def broken(headers, version, original):
        if ',' in headers.get('Content-Length', ''):
            return int(headers['Content-Length'])
        return original(headers, version)
    patch_body_length(b, broken)


def strips_unicode_spaces(b):
    # str.strip() on CPython: NBSP and U+3000 are trimmed away like SP.
    def broken(headers, version, original):
        for name in ('Content-Length', 'Transfer-Encoding'):
            if name in headers:
                headers[name] = ','.join(v.strip()
                                         for v in headers[name].split(','))
        return original(headers, version)
    patch_body_length(b, broken)


def post_without_length_waits(b):
    # A POST without framing headers is taken to have a chunked body (on
    # POST only, so that the liveness GET is still answered).
    def broken(lines, original):
        method, url, version, headers = original(lines)
        if method == 'POST' and 'Content-Length' not in headers and \
                'Transfer-Encoding' not in headers:
            headers['Transfer-Encoding'] = 'chunked'
        return method, url, version, headers
    patch_head(b, broken)


def length_beats_chunked(b):
    # Content-Length wins over Transfer-Encoding: the smuggling classic.
    def broken(headers, version, original):
        if 'Content-Length' in headers:
            return int(headers['Content-Length'])
        return original(headers, version)
    patch_body_length(b, broken)


def chunked_beats_length(b):
    # Transfer-Encoding wins over Content-Length (as RFC 9112 §6.1 allows),
    # but the connection is kept, so what follows the chunks is a request.
    def broken(headers, version, original):
        if 'Transfer-Encoding' in headers:
            headers.pop('Content-Length')
        return original(headers, version)
    patch_body_length(b, broken)


def last_framing_field_wins(b):
    # Whichever of Content-Length and Transfer-Encoding came last frames the
    # body (the head's dict keeps the order the fields came in).
    def broken(headers, version, original):
        names = [n.lower() for n in headers
                 if n.lower() in ('content-length', 'transfer-encoding')]
        if len(names) == 2:
            headers.pop(names[0])
        return original(headers, version)
    patch_body_length(b, broken)


def unknown_coding_ignored(b):
    # 'chunked, gzip': no chunked at the end, so Content-Length (none) rules.
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding', '')
        if coding and not coding.lower().rstrip().endswith('chunked'):
            return int(headers.get('Content-Length', '0'))
        return original(headers, version)
    patch_body_length(b, broken)


def coding_not_chunked_dropped(b):
    # A Transfer-Encoding other than exactly "chunked" is not understood,
    # and so not used: no Content-Length, no body.
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding')
        if coding is not None and coding.strip().lower() != 'chunked':
            headers.pop('Transfer-Encoding')
        return original(headers, version)
    patch_body_length(b, broken)


def identity_dropped(b):
    # "identity" (the absence of a coding) is taken out of the list.
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding')
        if coding is not None:
            headers['Transfer-Encoding'] = ', '.join(
                c for c in coding.split(',')
                if c.strip().lower() != 'identity')
        return original(headers, version)
    patch_body_length(b, broken)


def first_coding_line_wins(b):
    # A repeated Transfer-Encoding line is dropped, the first one kept, and
    # Transfer-Encoding then wins over Content-Length on a kept connection.
    def broken(line, headers, original):
        if line.lower().startswith(b'transfer-encoding:') and \
                'Transfer-Encoding' in headers:
            return
        original(line, headers)
    patch_field(b, broken)
    chunked_beats_length(b)


def controls_stripped(b):
    # bytes.strip() trims VT and FF (and CR, LF) with SP and HTAB.
    def broken(line, headers, original):
        name, colon, value = line.partition(b':')
        original(name + colon + b' ' + value.strip(), headers)
    patch_field(b, broken)


def fields_with_controls_ignored(b):
    # A header line holding a control character is skipped, not refused.
    def broken(line, headers, original):
        if not has_ctl(line.partition(b':')[2]):
            original(line, headers)
    patch_field(b, broken)


def empty_codings_refused(b):
    # ", chunked": the empty element is taken for an unknown coding.
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding', 'chunked')
        if any(not c.strip() for c in coding.split(',')):
            raise HTTPError(501)
        return original(headers, version)
    patch_body_length(b, broken)


def case_sensitive_codings(b):
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding')
        if coding is not None and 'chunked' not in coding:
            raise HTTPError(501)
        return original(headers, version)
    patch_body_length(b, broken)


def coding_parameters_ignored(b):
    # "chunked;ext=val" is not understood, and so not used: no body.
    def broken(headers, version, original):
        if ';' in headers.get('Transfer-Encoding', ''):
            headers.pop('Transfer-Encoding')
        return original(headers, version)
    patch_body_length(b, broken)


def folded_field_dropped(b):
    # A field continued on the next line (obs-fold) is dropped whole.
    def broken(lines, original):
        kept = lines[:1]
        for i, line in enumerate(lines[1:], 1):
            if line[:1] in (b' ', b'\t'):
                if lines[i - 1][:1] not in (b' ', b'\t'):
                    kept.pop()
                continue
            kept.append(line)
        return original(kept)
    patch_head(b, broken)


def underscore_is_dash(b):
    # Field names mapped to variables (CGI, WSGI): '_' and '-' are one.
    def broken(line, headers, original):
        name, colon, value = line.partition(b':')
        original(name.replace(b'_', b'-') + colon + value, headers)
    patch_field(b, broken)


def extra_codings_ignored(b):
    # 'gzip, chunked' decoded as plain chunked; the gzip left on the body.
    def broken(headers, version, original):
        coding = headers.get('Transfer-Encoding', '')
        if coding.lower().rstrip().endswith('chunked'):
            return None
        return original(headers, version)
    patch_body_length(b, broken)


def value_as_sent(b, name):
    """``name``'s value taken as its line holds it after ": ", whitespace
    and all (a parser that splits on colon-space and trims nothing)."""
    def broken(line, headers, original):
        original(line, headers)
        field, _, value = line.partition(b':')
        if field.decode().lower() == name.lower():
            headers[name] = (value[1:] if value[:1] == b' ' else
                             value).decode()
    patch_field(b, broken)


def padded_length_refused(b):
    # "5 " or "\t5" is not all digits: refused.
    value_as_sent(b, 'Content-Length')

    def broken(headers, version, original):
        if not headers.get('Content-Length', '0').isdigit():
            raise HTTPError(400)
        return original(headers, version)
    patch_body_length(b, broken)


def padded_coding_ignored(b):
    # "chunked " is not "chunked": a coding it does not know, dropped, so
    # the Content-Length frames the body, on a kept connection.
    value_as_sent(b, 'Transfer-Encoding')

    def broken(headers, version, original):
        if headers.get('Transfer-Encoding', 'chunked') != 'chunked':
            headers.pop('Transfer-Encoding')
        return original(headers, version)
    patch_body_length(b, broken)


def canonical_names_only(b):
    # Fields looked up by their usual spelling: "TRANSFER-ENCODING" is
    # missed, and the Content-Length frames the body.
    def broken(line, headers, original):
        name = line.partition(b':')[0]
        if name.lower() != b'transfer-encoding' or \
                name == b'Transfer-Encoding':
            original(line, headers)
    patch_field(b, broken)


def underscore_is_dash_last_wins(b):
    # Field names mapped to variables (CGI, WSGI): "Content_Length" is
    # Content-Length, and the later line replaces the earlier one.
    def broken(line, headers, original):
        name, colon, value = line.partition(b':')
        name = name.replace(b'_', b'-')
        if name.lower() == b'content-length':
            headers.pop('Content-Length')
        original(name + colon + value, headers)
    patch_field(b, broken)


def body_sent_with_expect_dropped(b):
    # After "Expect: 100-continue" the body is awaited after the 100: what
    # came with the head is thrown away, and the body read from what
    # follows.
    def rewrite(data):
        head, end, rest = data.partition(b'\r\n\r\n')
        length = re.search(rb'Content-Length: ([0-9]+)', head)
        if not end or b'Expect: 100-continue' not in head or not length:
            return data
        return head + end + rest[int(length.group(1)):]
    b.incoming(rewrite)


def chunked_in_http10(b):
    patch_body_length(b, lambda headers, version, original:
                      original(headers, '1.1'))


def no_body_limit(b):
    b.attr(Request, 'max_content_length', HUGE)


def never_continue(b):
    def write(conn, original, data):
        if not data.startswith(b'HTTP/1.1 100 '):
            original(data)
    b.override(microdot_cpython.Connection, 'write', write)


MUTANTS = {
    'RFC9112-6.3-cl-alpha': lenient_length(_digits_or_zero),
    'RFC9112-6.3-cl-plus': lenient_length(int),
    'RFC9112-6.3-cl-negative': lenient_length(lambda v: max(int(v), 0)),
    'RFC9112-6.3-cl-empty': lenient_length(lambda v: int(v or '0')),
    'RFC9112-6.3-cl-hex': lenient_length(lambda v: int(v, 0)),
    'RFC9112-6.3-cl-underscore': lenient_length(int),
    'RFC9112-6.3-cl-internal-space': lenient_length(
        lambda v: int(v.replace(' ', ''))),
    'RFC9112-6.3-cl-octal-prefix': lenient_length(lambda v: int(v, 0)),
    'RFC9112-6.3-cl-list-different': lenient_length(
        lambda v: int(v.split(',')[0])),
    'RFC9112-6.3-cl-negative-zero': lenient_length(lambda v: abs(int(v))),
    'RFC9112-6.3-cl-fullwidth-digit': lenient_length(int),
    'RFC9112-6.3-cl-arabic-indic-digit': lenient_length(int),
    'RFC9112-6.3-cl-nbsp': strips_unicode_spaces,
    'RFC9112-6.3-cl-empty-beside-valid': lenient_length(_last_non_empty),
    'RFC9112-6.3-cl-conflicting': lenient_length(
        lambda v: int(v.split(',')[0])),
    'RFC9112-6.3-cl-identical-list': chokes_on_lists,
    'RFC9112-6.3-cl-identical-triple': chokes_on_lists,
    'RFC9112-6.3-cl-leading-zero': lenient_length(_c_strtol),
    'RFC9110-8.6-cl-20-digits': lenient_length(lambda v: int(v) % (1 << 64)),
    'RFC9112-6.3-no-length-no-body': post_without_length_waits,
    'RFC9110-5.5-cl-trailing-space': padded_length_refused,
    'RFC9110-5.5-cl-leading-spaces': padded_length_refused,
    'RFC9110-5.5-cl-tab': padded_length_refused,
    'RFC9112-6.3-cl-underscore-name': underscore_is_dash_last_wins,
    'RFC9112-6.1-te-and-cl': length_beats_chunked,
    'RFC9112-6.1-te-and-cl-trailing-space': padded_coding_ignored,
    'RFC9112-6.1-te-and-cl-tab': padded_coding_ignored,
    'RFC9112-6.1-te-and-cl-upper-case-name': canonical_names_only,
    'RFC9112-6.1-te-chunked-twice': coding_not_chunked_dropped,
    'RFC9112-6.1-te-before-cl': last_framing_field_wins,
    'RFC9112-6.3-chunked-not-final': unknown_coding_ignored,
    'RFC9112-6.3-te-chunked-identity': identity_dropped,
    'RFC9112-6.3-te-xchunked': coding_not_chunked_dropped,
    'RFC9112-6.3-te-gzip': coding_not_chunked_dropped,
    'RFC9112-6.3-te-identity': coding_not_chunked_dropped,
    'RFC9112-6.3-te-empty': coding_not_chunked_dropped,
    'RFC9112-6.3-te-two-lines': first_coding_line_wins,
    'RFC9112-6.3-te-vt': controls_stripped,
    'RFC9112-6.3-te-ff': controls_stripped,
    'RFC9112-6.3-te-nbsp': strips_unicode_spaces,
    'RFC9112-6.3-te-nul': fields_with_controls_ignored,
    'RFC9110-5.6.1-te-leading-comma': empty_codings_refused,
    'RFC9110-5.6.1-te-trailing-comma': empty_codings_refused,
    'RFC9112-7-te-case-insensitive': case_sensitive_codings,
    'RFC9112-7-te-chunked-parameter': coding_parameters_ignored,
    'RFC9112-5.2-te-obs-fold': folded_field_dropped,
    'RFC9112-6.3-te-underscore-name': underscore_is_dash,
    'RFC9112-6.1-te-trailing-space-then-cl': length_beats_chunked,
    'RFC9112-6.1-te-capitalised-then-cl': length_beats_chunked,
    'RFC9112-6.1-te-leading-comma-then-cl': length_beats_chunked,
    'RFC9112-6.1-te-trailing-comma-then-cl': length_beats_chunked,
    'RFC9112-6.1-te-tab-then-cl': length_beats_chunked,
    'RFC9112-6.1-te-chunked-twice-then-cl': length_beats_chunked,
    'RFC9112-6.1-te-parameter-then-cl': length_beats_chunked,
    # the field holding a NUL skipped: the Content-Length alone frames it
    'RFC9112-6.1-te-nul-then-cl': fields_with_controls_ignored,
    'RFC9112-6.3-te-xchunked-then-cl': length_beats_chunked,
    'RFC9112-6.3-te-identity-then-cl': length_beats_chunked,
    'RFC9112-6.3-te-empty-then-cl': length_beats_chunked,
    'RFC9112-6.3-te-vt-then-cl': fields_with_controls_ignored,
    'RFC9112-6.3-te-ff-then-cl': fields_with_controls_ignored,
    'RFC9112-6.1-unknown-coding-501': extra_codings_ignored,
    'RFC9112-6.1-te-in-http10': chunked_in_http10,
    'CONTRACT-413-content-length': no_body_limit,
    'CONTRACT-413-chunked': no_body_limit,
    'RFC9110-10.1.1-100-continue': never_continue,
    'RFC9110-10.1.1-100-continue-body-at-once': body_sent_with_expect_dropped,
}
