# network module of the emulated board (device_runner.emulator); MicroPython code.
#
# WLAN(STA_IF) joins the one access point the emulator was started with: after
# connect(ssid, key) it reports STAT_CONNECTING for the configured delay, then
# STAT_GOT_IP with the loopback address (the host serves the board's sockets on
# 127.0.0.1), or STAT_WRONG_PASSWORD / STAT_NO_AP_FOUND and never connects.
# An access point started with an empty password is open: any key joins it.
#
# Numeric values are the ESP32 port's: interfaces and status codes from
# ports/esp32/modnetwork_globals.h, where the failure codes are ESP-IDF's
# wifi_err_reason_t values (esp_wifi_types.h). The ESP32 port has no name for
# STAT_CONNECT_FAIL; here it is WIFI_REASON_CONNECTION_FAIL (205), the code its
# status() returns for that failure.

import time

STA_IF = 0
AP_IF = 1

STAT_IDLE = 1000
STAT_CONNECTING = 1001
STAT_GOT_IP = 1010
STAT_BEACON_TIMEOUT = 200
STAT_NO_AP_FOUND = 201
STAT_WRONG_PASSWORD = 202
STAT_ASSOC_FAIL = 203
STAT_HANDSHAKE_TIMEOUT = 204
STAT_CONNECT_FAIL = 205

AUTH_OPEN = 0
AUTH_WEP = 1
AUTH_WPA_PSK = 2
AUTH_WPA2_PSK = 3
AUTH_WPA_WPA2_PSK = 4

PM_NONE = 0
PM_PERFORMANCE = 1
PM_POWERSAVE = 2

_NO_ADDRESS = ("0.0.0.0", "0.0.0.0", "0.0.0.0", "0.0.0.0")
_STA_ADDRESS = ("127.0.0.1", "255.0.0.0", "127.0.0.1", "127.0.0.1")
_AP_ADDRESS = ("192.168.4.1", "255.255.255.0", "192.168.4.1", "0.0.0.0")

# The access point the emulator pretends exists; filled by _configure().
_access_point = {"ssid": "", "key": "", "delay_ms": 1000}
_board = {"mac": b"\x02\x00\x00\x00\x00\x00", "hostname": "mpy-emulator", "country": "XX"}
_interfaces = {}


def _configure(settings):
    """Called by emulator_boot.py with the settings the emulator passed."""
    _access_point["ssid"] = settings["wifi_ssid"]
    _access_point["key"] = settings["wifi_password"]
    _access_point["delay_ms"] = settings["wifi_delay_ms"]
    mac = bytearray(bytes.fromhex(settings["unique_id"]))
    mac[0] = (mac[0] | 0x02) & 0xFE  # locally administered, unicast
    _board["mac"] = bytes(mac)


def _join_outcome(ssid, key):
    if ssid != _access_point["ssid"]:
        return STAT_NO_AP_FOUND
    if _access_point["key"] and key != _access_point["key"]:
        return STAT_WRONG_PASSWORD
    return STAT_GOT_IP


def hostname(name=None):
    if name is None:
        return _board["hostname"]
    _board["hostname"] = name


def country(code=None):
    if code is None:
        return _board["country"]
    _board["country"] = code


class WLAN:
    IF_STA = STA_IF
    IF_AP = AP_IF
    PM_NONE = PM_NONE
    PM_PERFORMANCE = PM_PERFORMANCE
    PM_POWERSAVE = PM_POWERSAVE

    def __new__(cls, interface=STA_IF):
        # one object per interface, as on a real board
        if interface not in (STA_IF, AP_IF):
            raise ValueError("invalid WLAN interface identifier")
        if interface not in _interfaces:
            wlan = object.__new__(cls)
            wlan._setup(interface)
            _interfaces[interface] = wlan
        return _interfaces[interface]

    def __init__(self, interface=STA_IF):
        pass

    def _setup(self, interface):
        self._interface = interface
        self._active = False
        self._joining = None  # (ssid, outcome, ticks_ms of connect())
        self._config = {
            "ssid": "",
            "channel": 1,
            "txpower": 20,
            "pm": PM_PERFORMANCE,
            "security": AUTH_OPEN,
        }
        self._static_address = None

    def active(self, is_active=None):
        if is_active is None:
            return self._active
        self._active = bool(is_active)
        if not self._active:
            self._joining = None

    def connect(self, ssid=None, key=None, *, bssid=None):
        if self._interface != STA_IF:
            raise OSError("AP interface cannot connect")
        # ESP32 firmware refuses connect() on an inactive interface; the
        # ESP8266 and Pico W ports bring it up. The emulator does the latter,
        # so that the usual demo (no active(True)) runs unchanged.
        self._active = True
        if ssid is None:
            ssid, key = self._config["ssid"], self._config.get("key")
        self._config["ssid"], self._config["key"] = ssid, key
        self._joining = (ssid, _join_outcome(ssid, key), time.ticks_ms())

    def disconnect(self):
        self._joining = None

    def status(self, param=None):
        if param == "rssi":
            if not self.isconnected():
                raise OSError("STA is not connected")
            return -42
        if param is not None:
            raise ValueError("unknown status param")
        if self._joining is None:
            return STAT_IDLE
        _, outcome, started = self._joining
        if time.ticks_diff(time.ticks_ms(), started) < _access_point["delay_ms"]:
            return STAT_CONNECTING
        return outcome

    def isconnected(self):
        if self._interface == AP_IF:
            return False
        return self.status() == STAT_GOT_IP

    def ifconfig(self, addresses=None):
        if addresses is not None:
            self._static_address = tuple(addresses)
            return None
        if self._interface == AP_IF:
            return _AP_ADDRESS if self._active else _NO_ADDRESS
        if not self.isconnected():
            return _NO_ADDRESS
        return self._static_address or _STA_ADDRESS

    def ipconfig(self, key=None, **settings):
        if key is None:
            return None  # settings are accepted and ignored
        address, netmask, gateway, _ = self.ifconfig()
        values = {
            "addr4": (address, netmask),
            "gw4": gateway,
            "dhcp4": True,
            "has_dhcp4": True,
            "addr6": [],
        }
        if key not in values:
            raise ValueError("unexpected key")
        return values[key]

    def config(self, *args, **settings):
        if settings:
            self._config.update(settings)
            return None
        if len(args) != 1:
            raise TypeError("can query only one param")
        return self._config_value(args[0])

    def _config_value(self, name):
        if name == "mac":
            return _board["mac"]
        if name == "hostname":
            return _board["hostname"]
        if name == "essid":
            name = "ssid"
        if name in ("key", "password"):
            raise ValueError("can't query password")
        if name not in self._config:
            raise ValueError("unknown config param")
        return self._config[name]

    def scan(self):
        if not self._active:
            raise OSError("Wifi Not Started")
        security = AUTH_WPA2_PSK if _access_point["key"] else AUTH_OPEN
        return [(_access_point["ssid"].encode(), _board["mac"], 1, -42, security, False)]
