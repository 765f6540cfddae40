"""PyJWT, installed from PyPI into a folder of its own (``runner.package``),
imported into the test process to check the tokens the sessions make."""
import sys


def load(folder):
    if folder not in sys.path:
        sys.path.append(folder)
    import jwt
    return jwt
