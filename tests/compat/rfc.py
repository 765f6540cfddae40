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

# microdot_wsgi and microdot_asgi (probes_gateway.py)
HEAD_CONTENT = ('RFC 9110 9.3.2: "The HEAD method is identical to GET except '
                'that the server MUST NOT send content in the response."; '
                '1.3.4\'s WSGI and ASGI extensions hand the gateway server '
                'the body of a HEAD\'s answer')
GATEWAY_FIELDS = ('RFC 3875 4.1.2 and 4.1.3 (CGI, whose meta-variables a '
                  'WSGI environ keeps: PEP 3333): a request\'s length and '
                  'type are in CONTENT_LENGTH and CONTENT_TYPE, never '
                  'HTTP_CONTENT_LENGTH (wsgiref.validate refuses it); 1.3.4 '
                  'reads only HTTP_ keys, so its application sees no '
                  'Content-Length (RFC 9110 8.6), no Content-Type (8.3), no '
                  'body and no 413 (15.5.14)')
GATEWAY_PATH = ('RFC 3986 2.4: the components of a URI "must be parsed and '
                'separated before the percent-encoded octets within those '
                'components can be safely decoded", and 2.5 (UTF-8): the '
                'reference routes the path as sent (ASGI\'s raw_path, or the '
                'gateway\'s decoded path encoded again) and decodes each '
                'argument once, as UTF-8, keeping request.path as on its '
                'own server (and as on 1.3.4\'s own server); 1.3.4\'s '
                'extensions route the path the gateway decoded (%2F splits '
                'a segment; WSGI\'s one character a byte makes caf\\u00c3'
                '\\u00a9 of caf\\u00e9)')
FIELD_LINES = ('RFC 9110 5.3: "A recipient MAY combine multiple field lines '
               'within a field section that have the same field name into '
               'one field line, without changing the semantics of the '
               'message, by appending each subsequent field line value to '
               'the initial field line value in order, separated by a comma"'
               '; 1.3.4 keeps the last line only, which changes them')
BYTES_BODY = ('not an RFC: the gateway interface\'s own specification; PEP '
              '3333: the iterable yields "bytestrings", ASGI: a body is a '
              '"byte string"; 1.3.4 hands over the str pieces a generator '
              'yields (wsgiref fails on them), the reference encodes them '
              'as its own server does (UTF-8)')
BODY_LOST = ('no RFC needed: a defect of 1.3.4\'s ASGI extension, not '
             'copied: its request stream for a body larger than '
             'max_body_length gives nothing to read() (and read(n) never '
             'returns), so the content the client sent (RFC 9110 6.4) '
             'never reaches the application')
CLOSED_UNSENT = ('no RFC needed: a defect of 1.3.4\'s ASGI extension, not '
                 'copied: when the client disconnects it stops sending and '
                 'leaves the file being sent open; the reference closes it, '
                 'as its own server does')
ASGI_WS_MESSAGE = ('not an RFC: ASGI\'s specification of websocket.receive: '
                   '"Exactly one of bytes or text must be non-None"; 1.3.4 '
                   'takes bytes when the key is there, and a text message '
                   'an ASGI server sends as both keys comes out as None, '
                   'which its echo sends back as an empty binary message')
WS_FAILED = ('RFC 6455 7.4.1: 1000 "indicates a normal closure, meaning that '
             'the purpose for which the connection was established has been '
             'fulfilled", 1011 "indicates that a server is terminating the '
             'connection because it encountered an unexpected condition that '
             'prevented it from fulfilling the request"; 1.3.4 sends no '
             'close when its handler raises, and the ASGI server ends the '
             'WebSocket as it chooses')
CLOSE_NOT_MESSAGE = ('RFC 6455 5.5: "Control frames are used to communicate '
                     'state about the WebSocket", 5.6: data frames carry '
                     'the messages; 1.3.4\'s test clients hand the payload '
                     'of the server\'s Close frame to the client as one more '
                     'message (b\'\'), the reference\'s hand over messages '
                     'only')
