"""
microdot_cors: Cross-Origin Resource Sharing headers
====================================================

microdot 1.x's CORS extension: the headers a browser needs to let pages
from other origins use the application's responses (the Fetch standard's
``Access-Control-*`` fields), on every response and on preflight
(``OPTIONS``) requests::

    from microdot import Microdot
    from microdot_cors import CORS

    app = Microdot()
    cors = CORS(app, allowed_origins=['https://example.com'],
                allow_credentials=True)

``allowed_origins`` is a list of origins, or ``'*'`` for any; the methods
and request headers a preflight may ask for are all allowed unless
``allowed_methods`` or ``allowed_headers`` list them; ``expose_headers``
lists the response headers a page may read; ``max_age`` is how long a
browser may keep a preflight's answer. With ``handle_cors=False`` nothing
is added by itself: ``get_cors_headers(request)`` gives the headers.
"""


class CORS:
    """The CORS policy of an application (see the module's notes)."""

    def __init__(self, app=None, allowed_origins=None,
                 allow_credentials=False, allowed_methods=None,
                 expose_headers=None, allowed_headers=None, max_age=None,
                 handle_cors=True):
        self.allowed_origins = allowed_origins
        self.allow_credentials = allow_credentials
        self.allowed_methods = allowed_methods
        self.expose_headers = expose_headers
        # compared without regard to case
        self.allowed_headers = None if allowed_headers is None else \
            [name.lower() for name in allowed_headers]
        self.max_age = max_age
        if app is not None:
            self.initialize(app, handle_cors)

    def initialize(self, app, handle_cors=True):
        """Apply the policy to ``app``: its OPTIONS answers and every
        response (successful or not) get the CORS headers, unless
        ``handle_cors`` is False."""
        self.default_options_handler = app.options_handler
        if handle_cors:
            app.options_handler = self.options_handler
            app.after_request(self.after_request)
            app.after_error_request(self.after_request)

    def options_handler(self, request):
        """The application's own OPTIONS headers, and the CORS ones; a
        status (404: no route for the path) is left as it is, and its
        answer gets the CORS headers as any error does."""
        headers = self.default_options_handler(request)
        if isinstance(headers, dict):
            headers.update(self.get_cors_headers(request))
        return headers

    def get_cors_headers(self, request):
        """The CORS headers for ``request``, as a dict."""
        out = {}
        origin = request.headers.get('Origin')
        if self.allowed_origins == '*':
            out['Access-Control-Allow-Origin'] = origin or '*'
            if origin:
                out['Vary'] = 'Origin'  # the answer depends on it
        elif origin is not None and origin in (self.allowed_origins or ()):
            out['Access-Control-Allow-Origin'] = origin
            out['Vary'] = 'Origin'
        if self.allow_credentials and 'Access-Control-Allow-Origin' in out:
            out['Access-Control-Allow-Credentials'] = 'true'
        if self.expose_headers:
            out['Access-Control-Expose-Headers'] = ', '.join(
                self.expose_headers)
        if request.method == 'OPTIONS':
            self._preflight(request, out)
        return out

    def _preflight(self, request, out):
        # What a preflight asks for: the method and the headers the real
        # request will have.
        if self.max_age:
            out['Access-Control-Max-Age'] = str(self.max_age)
        method = request.headers.get('Access-Control-Request-Method')
        if method:
            method = method.upper()
            if self.allowed_methods is None or \
                    method in self.allowed_methods:
                out['Access-Control-Allow-Methods'] = method
        asked = request.headers.get('Access-Control-Request-Headers')
        if asked:
            if self.allowed_headers is None:
                out['Access-Control-Allow-Headers'] = asked
            else:
                out['Access-Control-Allow-Headers'] = ', '.join(
                    name for name in (n.strip() for n in asked.split(','))
                    if name.lower() in self.allowed_headers)

    def after_request(self, request, response):
        """Add the CORS headers to ``response``, keeping a Vary it has."""
        vary = response.headers.get('Vary')
        response.headers.update(self.get_cors_headers(request))
        if vary and vary != response.headers.get('Vary'):
            response.headers['Vary'] = vary + ', ' + response.headers['Vary']
