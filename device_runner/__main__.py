"""Command line of device_runner: ``python -m device_runner SUBCOMMAND ...``.

Each subcommand registers itself in ``build_parser`` through an ``add_*_command``
function that sets ``func`` (called with the parsed arguments, returns the exit code).
"""

from __future__ import annotations

import argparse
import sys


def add_emulator_command(subparsers) -> None:
    from device_runner import emulator

    parser = subparsers.add_parser(
        "emulator",
        help="run an emulated board on a pseudo-terminal",
        description=emulator.__doc__.split("\n\n")[0],
    )
    emulator.add_arguments(parser)
    parser.set_defaults(func=emulator.main)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m device_runner")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    add_emulator_command(subparsers)
    from device_runner.commands import add_commands

    add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
