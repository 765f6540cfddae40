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
    """Fill in ``pattern`` (a URLPattern with ``<`` in it): ``args``, a
    ``{'type': ..., 'name': ...}`` per argument, and how to match them:
    segment by segment, or with a regular expression when one is needed.
    ValueError for an invalid pattern (re's error for an invalid regex,
    as microdot 1.x raised it). A pattern without arguments
    (``/a<b``) stays static."""
    url_pattern = pattern.url_pattern
    segments = []
    groups = []
    group = 1
    needs_regex = False
    for segment in url_pattern.lstrip('/').split('/'):
        if segments and segments[-1] == ('path',):
            needs_regex = True  # a path argument before the end
        if segment[:1] != '<':
            segments.append(segment)  # a literal, even if it looks like one
            continue
        type_, _, name = segment[1:-1].rpartition(':')
        type_ = type_ or 'string'
        sub = _sub(type_)
        if segment[-1] != '>' or not name or not sub:
            raise ValueError('invalid URL pattern ' + url_pattern)
        needs_regex = needs_regex or type_[:3] == 're:'
        pattern.args.append({'type': type_, 'name': name})
        segments.append((type_,))
        groups.append(group)
        # a custom regex may hold groups of its own
        group += 1 + sub.count('(') - sub.count('\\(') - sub.count('(?')
    if not groups:
        return
    del pattern.pattern  # now the regex, made when asked for
    pattern._route = segments, groups, None
    if needs_regex:
        pattern._route = None, groups, regex(pattern)


def _sub(type_):
    return type_[3:] if type_[:3] == 're:' else _TYPES.get(type_)


def regex(pattern):
    """The compiled regular expression of a pattern with arguments."""
    import re
    text = '^'
    for segment in pattern.url_pattern.lstrip('/').split('/'):
        text += '/'
        if segment[:1] == '<':
            text += '(' + _sub(segment[1:-1].rpartition(':')[0] or
                               'string') + ')'
        else:
            for c in segment:
                text += '\\' + c if c in '.^$*+?{}[]|()\\' else c
    return re.compile(text + '$')  # re's own error for an invalid regex


def match(pattern, path):
    """The arguments of ``pattern`` found in ``path`` as a dict, or None;
    HTTPException(400) for one whose percent-encoding is invalid."""
    segments, groups, compiled = pattern._route
    if segments is None:
        g = compiled.match(path)
        if g is None:
            return None
        found = [g.group(group) for group in groups]
    else:
        found = split(segments, path)
        if found is None:
            return None
    decode = load('microdot_forms').urldecode_path
    args = {}
    for arg, raw in zip(pattern.args, found):
        try:
            value = decode(raw)
        except ValueError:
            raise HTTPException(400, 'Invalid percent-encoding')
        args[arg['name']] = int(value) if arg['type'] == 'int' else value
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
    """``Microdot.allowed_methods``: the methods of the routes matching
    ``path`` (all routes for ``*``), as microdot 1.x lists them in Allow:
    each route's in their order, then HEAD when GET is among them, then
    OPTIONS; empty when none match."""
    allow = []
    for methods, pattern, _ in app.url_map:
        if path == '*' or pattern.match(path) is not None:
            allow += methods
    if allow:
        if 'GET' in allow:
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
