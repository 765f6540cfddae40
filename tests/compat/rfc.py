"""Why the reference answers otherwise than microdot 1.3.4, where it does:
each reason is the RFC's own sentence (or the fixture contract's rule, said
so). The differential tests name one of these for every call that differs;
the README lists them."""

ALLOW_405 = ('RFC 9110 15.5.6: "The origin server MUST generate an Allow '
             'header field in a 405 response containing a list of the '
             'target resource\'s currently supported methods."')
METHOD_CASE = ('RFC 9110 9.1: "The method token is case-sensitive"; 1.3.4 '
               'upper-cases it, so "get" is served as GET')
METHOD_501 = ('RFC 9110 9.1: "An origin server that receives a request '
              'method that is unrecognized or not implemented SHOULD respond '
              'with the 501 (Not Implemented) status code."')
OPTIONS_404 = ('the fixture contract (CONTRACT-options-unknown-404), after '
               'RFC 9110 15.5.5: 404 "indicates that the origin server did '
               'not find a current representation for the target resource"; '
               '1.3.4 answers 200 with Allow: OPTIONS for any path')
HOST_400 = ('RFC 9112 3.2: "A server MUST respond with a 400 (Bad Request) '
            'status code to any HTTP/1.1 request message that lacks a Host '
            'header field"')
EMPTY_LINE = ('RFC 9112 2.2: "a server that is expecting to receive and '
              'parse a request-line SHOULD ignore at least one empty line '
              '(CRLF) received prior to the request-line"; 1.3.4 takes it '
              'for the end of the input (None)')
CONTENT_LENGTH = ('RFC 9110 8.6: "Content-Length = 1*DIGIT"; RFC 9112 6.3: '
                  'with an invalid Content-Length "the server MUST respond '
                  'with a 400 (Bad Request) status code"; 1.3.4 reads "1_0" '
                  'with int() as 10')
CHUNKED = ('RFC 9112 7.1: "A recipient MUST be able to parse and decode the '
           'chunked transfer coding."; 1.3.4 ignores Transfer-Encoding and '
           'reads no body')
NO_CL_204 = ('RFC 9110 8.6: "A server MUST NOT send a Content-Length header '
             'field in any response with a status code of 1xx '
             '(Informational) or 204 (No Content)."')
CRLF_FIELD = ('RFC 9110 5.5: a field value is "*field-content", which holds '
              'no CR or LF; 1.3.4 writes them as given, which ends the line '
              'and injects a field: the reference refuses (ValueError)')
VERSION = ('RFC 9110 6.2: "A server SHOULD send a response version equal to '
           'the highest version to which the server is conformant"; 1.3.4 '
           'writes HTTP/1.0')
REASON = ('RFC 9112 4: "The reason-phrase element exists for the sole '
          'purpose of providing a textual description associated with the '
          'numeric status code"; 1.3.4 writes "N/A" for every status but '
          '200, the reference the phrase RFC 9110 15 gives each')
CLOSE = ('RFC 9112 9.3: "A server that does not support persistent '
         'connections MUST send the \\"close\\" connection option in every '
         'response message that does not have a 1xx (Informational) status '
         'code."; a response written to a stream ends with the stream')
URL_DECODE = ('RFC 3986 2.4: the components of a URI "must be parsed and '
              'separated before the percent-encoded octets within those '
              'components can be safely decoded": the reference decodes each '
              'argument once the path is split (as UTF-8); 1.3.4 hands it '
              'over still encoded')
UTF8 = ('RFC 3986 2.5: text in a URI component "should first be encoded as '
        'octets according to the UTF-8 character encoding"; 1.3.4 decodes a '
        'query string\'s escapes one character per byte (Latin-1)')
ENCODE_ONCE = ('RFC 3986 2.4: "Implementations must not percent-encode or '
               'decode the same string more than once"; 1.3.4 encodes the % '
               'of its own %2B again (a+b becomes a%252Bb)')
URI_CHARS = ('RFC 3986 2: "A URI is composed from a limited set of '
             'characters consisting of digits, letters, and a few graphic '
             'symbols"; non-ASCII characters (as UTF-8) and " are '
             'percent-encoded, which 1.3.4 leaves as they are')
LOCATION = ('RFC 9110 10.2.2: "Location = URI-reference", whose characters '
            'RFC 3986 2 limits: a space or a non-ASCII character is sent '
            'percent-encoded')
COOKIE_OCTET = ('RFC 6265 4.1.1: "Servers SHOULD NOT send Set-Cookie '
                'headers that fail to conform to the following grammar" '
                '(a cookie-octet excludes CTLs, whitespace, DQUOTE, comma, '
                'semicolon and backslash); 1.3.4 sends a value with ";" as '
                'it is, the reference refuses it (ValueError)')
MAX_AGE_0 = ('RFC 6265 5.2.2: "If delta-seconds is less than or equal to '
             'zero (0), let expiry-time be the earliest representable date '
             'and time."; 1.3.4 drops max_age=0, so the cookie is kept')
COOKIE_PAIR = ('RFC 6265 4.2.1: "cookie-pair = cookie-name \\"=\\" '
               'cookie-value"; a pair without "=" is none: the reference '
               'leaves it out, 1.3.4 fails the whole request (ValueError)')
CONTENT_LENGTH_KNOWN = ('RFC 9110 8.6: "an origin server SHOULD send a '
                        'Content-Length header field when the content size '
                        'is known prior to sending the complete header '
                        'section"; send_file measures the file')
