"""Mutants for conformance/cases/decoding.py."""
import re
from urllib.parse import unquote, unquote_plus

import microdot
import microdot_http

BAD_ESCAPE = re.compile(r'%(?![0-9A-Fa-f]{2})')


def path_as_latin1(b):
    b.attr(microdot, 'urldecode_path',
           lambda s: unquote(s, encoding='latin-1'))


def query_and_form_as_latin1(b):
    b.attr(microdot, 'urldecode_str',
           lambda s: unquote_plus(s, encoding='latin-1'))


def plus_kept_in_query(b):
    b.attr(microdot, 'urldecode_str', lambda s: microdot._unquote(s, False))


def plus_is_space_in_path(b):
    b.attr(microdot, 'urldecode_path', lambda s: microdot._unquote(s, True))


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
    b.attr(microdot, 'urldecode_path', decode)


def non_utf8_is_500(b):
    original = microdot.urldecode_path

    def decode(s):
        try:
            return original(s)
        except ValueError:
            raise RuntimeError('not UTF-8')  # escapes the 400 handling
    b.attr(microdot, 'urldecode_path', decode)


def encoded_slash_drops_connection(b):
    original = microdot_http.parse_head

    def parse_head(lines):
        if b'%2f' in lines[0].lower():
            raise RuntimeError('encoded slash')
        return original(lines)
    b.attr(microdot_http, 'parse_head', parse_head)


MUTANTS = {
    'RFC3986-2.5-path-utf8': path_as_latin1,
    'RFC3986-2.5-query-utf8': query_and_form_as_latin1,
    'WHATWG-URL-5.1-form-utf8': query_and_form_as_latin1,
    'WHATWG-URL-5.1-plus-is-space': plus_kept_in_query,
    'RFC3986-2.2-path-plus-literal': plus_is_space_in_path,
    'RFC3986-2.4-query-encoded-delimiters': decoded_before_split,
    'RFC9112-3-invalid-pct-encoding': invalid_escape_is_500,
    'RFC3986-2.5-non-utf8-octets': non_utf8_is_500,
    'RFC3986-2.2-encoded-slash': encoded_slash_drops_connection,
}
