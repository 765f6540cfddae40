"""
microdot_jinja: templates rendered by Jinja2
============================================

microdot 1.x's Jinja2 extension (CPython only; the ``jinja2`` package from
PyPI)::

    from microdot_jinja import render_template

    @app.get('/')
    def index(request):
        return render_template('index.html', name='world'), \\
            {'Content-Type': 'text/html'}

Templates are found in ``templates/`` unless ``init_templates`` names
another folder; HTML and XML templates (``.html``, ``.htm``, ``.xml``) have
what they insert escaped, as Jinja2's ``select_autoescape()`` decides.
``render_template`` gives the rendered text whole, as a str.
"""
from jinja2 import Environment, FileSystemLoader, select_autoescape

_environment = None  # made by init_templates, on first use at the latest


def init_templates(template_dir='templates'):
    """Load templates from the folder ``template_dir``."""
    global _environment
    _environment = Environment(loader=FileSystemLoader(template_dir),
                               autoescape=select_autoescape())


def render_template(template, *args, **kwargs):
    """``template`` (a file name in the templates folder) rendered with the
    arguments given (Jinja2's ``Template.render``: a dict, keywords)."""
    if _environment is None:
        init_templates()
    return _environment.get_template(template).render(*args, **kwargs)
