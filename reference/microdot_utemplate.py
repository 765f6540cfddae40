"""
microdot_utemplate: templates rendered by utemplate
===================================================

microdot 1.x's template extension, for the ``utemplate`` package (PyPI;
it runs on MicroPython and CPython)::

    from microdot_utemplate import render_template

    @app.get('/')
    def index(request):
        return render_template('index.html', name='world')

Templates are found in ``templates/`` unless ``init_templates`` says
otherwise; a template is compiled to Python once, and again when it changes
(utemplate's ``recompile.Loader``, unless another loader class is given).
``render_template`` gives the rendered pieces as an iterator: a response
body sent as it is made.
"""
from utemplate import recompile

_loader = None


def init_templates(template_dir='templates', loader_class=recompile.Loader):
    """Load templates from ``template_dir`` with ``loader_class``."""
    global _loader
    _loader = loader_class(None, template_dir)


def render_template(template, *args, **kwargs):
    """The pieces of ``template`` (a file name in the templates folder)
    rendered with the arguments given, as an iterator."""
    if _loader is None:
        init_templates()
    return _loader.load(template)(*args, **kwargs)
