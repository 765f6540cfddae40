import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
for path in (HERE, os.path.join(ROOT, 'reference'),
             os.path.join(ROOT, 'fixtures')):
    if path not in sys.path:
        sys.path.insert(0, path)
