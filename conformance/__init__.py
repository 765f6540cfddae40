"""A black-box HTTP/1.1 conformance suite for servers on microcontrollers.

It talks to a server over the network only. Each case (``conformance/cases``)
names its requirement, RFC section and level; ``run_case`` gives a verdict
with evidence; the pytest plugin (``conformance.plugin``) runs them against
a target and writes the reports.
"""
