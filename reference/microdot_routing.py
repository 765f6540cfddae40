"""
microdot_routing: URL patterns with arguments, and the rarer routing
=====================================================================

``microdot.URLPattern`` compares a static pattern itself, and hands a
pattern with ``<arguments>`` to this module (loaded with the first one);
``Microdot`` hands it what routing few requests need: the methods a path
allows (OPTIONS, 405) and mounting a sub-application::

    >>> from microdot import URLPattern
    >>> URLPattern('/files/<path:name>').match('/files/a/b%20c.txt')
    {'name': 'a/b c.txt'}

MicroPython's ``re`` recurses once per character it matches, so that a long
path segment would exhaust its stack: the built-in types (``string``,
``int``, ``path`` as the last segment) are matched segment by segment, and
only a pattern that needs one (``re:`` or ``path`` before the end) gets a
compiled regular expression (it also costs heap).
"""
from microdot import HTTPException, URLPattern, load

_TYPES = {'string': '[^/]+', 'int': '-?[0-9]+', 'path': '.+'}


def compile(pattern):
    """Fill in ``pattern`` (a URLPattern): ``args``, a list of (name, type,
    regex group); ``segments``, the literal strings and, for each argument,
    its type as a 1-tuple; ``regex``, when one is needed. ValueError for an
    invalid pattern."""
    url_pattern = pattern.url_pattern
    pattern.args = []
    segments = pattern.segments = []
    pattern.regex = None
    regex = ''
    group = 1
    needs_regex = False
    for segment in url_pattern.lstrip('/').split('/'):
        regex += '/'
        if segments and segments[-1] == ('path',):
            needs_regex = True  # a path argument before the end
        if segment[:1] != '<':
            segments.append(segment)
            for c in segment:  # a literal, even if it looks like a regex
                regex += '\\' + c if c in '.^$*+?{}[]|()\\' else c
            continue
        type_, _, name = segment[1:-1].rpartition(':')
        type_ = type_ or 'string'
        sub = type_[3:] if type_[:3] == 're:' else _TYPES.get(type_)
        if segment[-1] != '>' or not name or not sub:
            raise ValueError('invalid URL pattern ' + url_pattern)
        needs_regex = needs_regex or type_[:3] == 're:'
        pattern.args.append((name, type_, group))
        segments.append((type_,))
        # a custom regex may hold groups of its own
        group += 1 + sub.count('(') - sub.count('\\(') - sub.count('(?')
        regex += '(' + sub + ')'
    if needs_regex:
        import re
        pattern.segments = None
        try:
            pattern.regex = re.compile('^' + regex + '$')
        except Exception:  # CPython's re.error is not a ValueError
            raise ValueError('invalid URL pattern ' + url_pattern)


def match(pattern, path):
    """The arguments of ``pattern`` found in ``path`` as a dict, or None;
    HTTPException(400) for one whose percent-encoding is invalid."""
    if pattern.segments is None:
        g = pattern.regex.match(path)
        if g is None:
            return None
        found = [g.group(group) for _, _, group in pattern.args]
    else:
        found = split(pattern.segments, path)
        if found is None:
            return None
    decode = load('microdot_forms').urldecode_path
    args = {}
    for (name, type_, _), raw in zip(pattern.args, found):
        try:
            value = decode(raw)
        except ValueError:
            raise HTTPException(400, 'Invalid percent-encoding')
        args[name] = int(value) if type_ == 'int' else value
    return args


def split(segments, path):
    """The raw arguments in ``path`` as a list, or None: what the pattern's
    regex would find, segment by segment."""
    parts = path.split('/')
    last = len(segments)
    if parts[0] or len(parts) <= last:
        return None
    if segments[-1] == ('path',):
        parts[last] = '/'.join(parts[last:])
    elif len(parts) > last + 1:
        return None
    found = []
    for segment, part in zip(segments, parts[1:]):
        if not isinstance(segment, tuple):
            if part != segment:
                return None
        elif not part:
            return None
        else:
            if segment == ('int',):  # what "-?[0-9]+" matches
                digits = part[1:] if part[:1] == '-' else part
                if not digits or digits.strip('0123456789'):
                    return None
            found.append(part)
    return found


def allowed_methods(app, path):
    """``Microdot.allowed_methods``: the methods the routes matching
    ``path`` (all routes for ``*``) allow, with HEAD beside GET and
    OPTIONS; empty when none match."""
    allow = []
    for methods, pattern, _ in app.url_map:
        if path == '*' or pattern.match(path) is not None:
            for m in methods:
                if m not in allow:
                    allow.append(m)
    if allow:
        if 'GET' in allow and 'HEAD' not in allow:
            allow.append('HEAD')
        allow.append('OPTIONS')
    return allow


def mount(app, subapp, url_prefix):
    """``Microdot.mount``: a sub-application's routes (under
    ``url_prefix``), hooks and error handlers added to ``app``'s."""
    for methods, pattern, handler in subapp.url_map:
        app.url_map.append(
            (methods, URLPattern(url_prefix + pattern.url_pattern), handler))
    app.before_request_handlers += subapp.before_request_handlers
    app.after_request_handlers += subapp.after_request_handlers
    app.after_error_request_handlers += subapp.after_error_request_handlers
    app.error_handlers.update(subapp.error_handlers)
