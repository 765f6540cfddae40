# The conformance suite's options (--target, --base-url, ...) and reports.
pytest_plugins = ['conformance.plugin']
