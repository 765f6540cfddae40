"""Mutants for conformance/cases/decoding.py."""
import re
from urllib.parse import unquote, unquote_plus

import microdot
import microdot_server

from mutants.request_line import stall_on

BAD_ESCAPE = re.compile(r'%(?![0-9A-Fa-f]{2})')


def _patch_decoder(b, decode):
    # the server's routing holds its own name for the decoder
    b.attr(microdot, 'urldecode_path', decode)
    b.attr(microdot_server, 'urldecode_path', decode)


def path_as_latin1(b):
    _patch_decoder(b,
           lambda s: unquote(s, encoding='latin-1'))


def query_and_form_as_latin1(b):
    b.attr(microdot, 'urldecode_str',
           lambda s: unquote_plus(s, encoding='latin-1'))


def plus_kept_in_query(b):
    b.attr(microdot, 'urldecode_str', lambda s: microdot._unquote(s, False))


def plus_is_space_in_path(b):
    _patch_decoder(b, lambda s: microdot._unquote(s, True))


def decoded_before_split(b):
    original = microdot._parse_urlencoded
    b.attr(microdot, '_parse_urlencoded',
           lambda text: original(microdot._unquote(text, False)))


def invalid_escape_is_500(b):
    original = microdot.urldecode_path

    def decode(s):
        if BAD_ESCAPE.search(s):
            raise RuntimeError('invalid percent-escape')
        return original(s)
    _patch_decoder(b, decode)


def non_utf8_is_500(b):
    original = microdot.urldecode_path

    def decode(s):
        try:
            return original(s)
        except ValueError:
            raise RuntimeError('not UTF-8')  # escapes the 400 handling
    _patch_decoder(b, decode)


def _overlong_slash(decode):
    # A decoder that reads the two bytes C0 AF as the "/" they spell.
    return lambda s: decode(re.sub('(?i)%C0%AF', '%2F', s))


def overlong_slash_decoded(b):
    _patch_decoder(b, _overlong_slash(microdot.urldecode_path))
    b.attr(microdot, 'urldecode_str', _overlong_slash(microdot.urldecode_str))


MUTANTS = {
    'CONTRACT-path-utf8': path_as_latin1,
    'CONTRACT-query-utf8': query_and_form_as_latin1,
    'CONTRACT-form-utf8': query_and_form_as_latin1,
    'CONTRACT-plus-is-space': plus_kept_in_query,
    'CONTRACT-path-plus-literal': plus_is_space_in_path,
    'CONTRACT-query-encoded-delimiters': decoded_before_split,
    'RFC9112-3-invalid-pct-encoding': invalid_escape_is_500,
    'CONTRACT-non-utf8-octets': non_utf8_is_500,
    # a MAY: only a hang on the complete request can fail it
    'RFC3986-2.2-encoded-slash': stall_on(b'a%2Fb'),
    'RFC3629-3-overlong-utf8': overlong_slash_decoded,
}
