# The emulated board's socket module: the unix port's own (usocket), except
# that the board's ports are mapped onto host ports. A board has a network
# stack of its own; emulated boards share the host's, so two of them serving
# port 80 (as the usual demo does) would collide without the map.
from usocket import *  # noqa: F401,F403
import usocket as _host

_port_map = {}


def _configure(settings):
    for board_port, host_port in settings.get("port_map", {}).items():
        _port_map[int(board_port)] = host_port


def getaddrinfo(host, port, *args):
    return _host.getaddrinfo(host, _port_map.get(port, port), *args)
