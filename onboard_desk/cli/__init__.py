"""The ``onboard-desk`` command: the window with no arguments, the command line otherwise.

Each group of subcommands lives in its own module with a ``register(subparsers)``
function; the modules are imported only to build the parser, and each command imports
what it needs when it runs, so ``--help`` and quick commands start fast.

A command that changes prospects or their activities says so with
``set_defaults(changes_data=True)``; after it succeeds, the kept-up-to-date calendar
file is rewritten (when that option is on), as the window does after its own changes.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from onboard_desk import __version__
from onboard_desk.errors import UserError

#: Modules that add subcommands, in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "onboard_desk.cli.prospects",
    "onboard_desk.cli.retention",
    "onboard_desk.cli.importing",
    "onboard_desk.cli.outreach",
    "onboard_desk.cli.reports",
    "onboard_desk.cli.maintenance",
    "onboard_desk.cli.settings",
    "onboard_desk.cli.encryption",
    "onboard_desk.cli.launcher",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onboard-desk",
        description=(
            "Onboard Desk: walk prospects from first contact to paying customer. "
            "Without a command, the window opens."
        ),
        epilog=(
            "The database is --db PATH if given, else $ONBOARD_DESK_DB, else the user data "
            "folder. Run 'onboard-desk COMMAND --help' for a command's options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        action="append",
        help="database file (reports accept several --db to read a team's snapshots)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from onboard_desk.ui.app import run_gui

        return int(run_gui(db=args.db[-1] if args.db else None))
    try:
        result: int = args.handler(args)
    except UserError as exc:
        print(f"onboard-desk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("onboard-desk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `onboard-desk list | head`
        return 0
    if result == 0 and getattr(args, "changes_data", False) and not getattr(args, "dry_run", False):
        from onboard_desk.cli.common import refresh_calendar_feed

        refresh_calendar_feed(args)
    return result
