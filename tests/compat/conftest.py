"""The differential tests run each implementation in a process of its own;
the few that look at the reference in-process find it on the path."""
import os
import sys

REFERENCE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'reference')
if REFERENCE not in sys.path:
    sys.path.insert(0, REFERENCE)
