"""Drive MicroPython boards over serial: provisioning, monitoring and an emulated board.

Run ``python -m device_runner --help`` for the command line; see
``device_runner.emulator`` for the emulated board and its Python API.
"""
