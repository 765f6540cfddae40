"""Mutants for conformance/cases/redirects.py."""
import re
from urllib.parse import unquote_to_bytes

from microdot import Response
from microdot_http import Protocol

from breakage import drop_header


def no_location_on(code):
    def mutant(b):
        b.response_head(lambda head, res, req: drop_header(head, 'Location')
                        if res.status_code == code else head)
    return mutant


def location_line_broken_on(code):
    # The Location line ends with a bare LF: a malformed response.
    def mutant(b):
        b.response_head(lambda head, res, req: re.sub(
            rb'(?m)^(Location: .*?)\r\n', rb'\1\n', head)
            if res.status_code == code else head)
    return mutant


def redirect_checking(b, check):
    """/redirect/<code> served by a handler whose redirect checks the
    location with ``check`` only, and sends it as it is."""
    def handler(request, code):
        location = request.args.get('to', '/')
        check(location)
        return Response(status_code=code, headers={'Location': location})
    b.route('/redirect/<int:code>', handler)


def _unchecked(value):
    pass


def _crlf_pairs_only(value):
    if '\r\n' in value:
        raise ValueError('CRLF in a header value')


def crlf_reaches_the_wire(b):
    redirect_checking(b, _unchecked)
    b.replace(Protocol, 'field_line',
              lambda protocol, name, value: str(value).encode())


def only_crlf_pairs_refused(b):
    # A filter that looks for the pair and lets a lone CR, LF or NUL pass.
    def field_line(protocol, name, value):
        _crlf_pairs_only(str(value))
        return str(value).encode()
    redirect_checking(b, _crlf_pairs_only)
    b.replace(Protocol, 'field_line', field_line)


def raw_utf8_location(b):
    # Location written as the decoded text's UTF-8 bytes, spaces and all.
    def rewrite(head, res, req):
        return re.sub(rb'(?m)^(Location: )(.*?)\r$', lambda m: m.group(1) +
                      unquote_to_bytes(m.group(2)) + b'\r', head)
    b.response_head(rewrite)


MUTANTS = {
    'RFC9110-15.4.2-301-location': no_location_on(301),
    'RFC9110-15.4.3-302-location': no_location_on(302),
    'RFC9110-15.4.4-303-location': location_line_broken_on(303),
    'RFC9110-15.4.8-307-location': no_location_on(307),
    'RFC9110-15.4.9-308-location': no_location_on(308),
    'RFC9110-5.5-redirect-crlf': crlf_reaches_the_wire,
    'RFC9110-5.5-redirect-bare-ctl': only_crlf_pairs_refused,
    'RFC9110-10.2.2-location-uri-reference': raw_utf8_location,
}
