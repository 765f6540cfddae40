"""
microdot_status: the reason phrase of every status code
=======================================================

RFC 9110 section 15 and RFC 6585. ``microdot_http`` keeps the status lines
most answers use and loads this table for the others::

    >>> reason_phrase(405)
    'Method Not Allowed'
"""

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
    """The reason phrase of a status code; a code neither RFC defines gets
    the name of its class ('Client Error'), one outside 100-599
    'Unknown'."""
    if not 100 <= status_code <= 599:
        return 'Unknown'
    i = _REASONS.find('|%d' % status_code)
    if i < 0:
        return _CLASSES[status_code // 100 - 1]
    return _REASONS[i + 4:_REASONS.find('|', i + 1)]
