"""Helpers every subcommand uses: finding and opening the database, and printing rows.

Commands open the database with :func:`open_desk` and work through its services; they
never hold a session or an engine of their own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk
    from onboard_desk.services.lists import ProspectFilter


#: Said (on stderr) when a command adds prospects to a database without a chosen name.
NO_NAME_NOTE = (
    "onboard-desk: note: this database has no name chosen, so the prospects added have no "
    'owner; set yours with: onboard-desk settings set name "Your Name"'
)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """``--db`` after the command's name as well as before it."""
    # Its own destination: a subcommand's default must not overwrite the global --db.
    parser.add_argument(
        "--db",
        dest="command_db",
        metavar="PATH",
        action="append",
        help="database file (may also be given before the command)",
    )


def db_arguments(args: argparse.Namespace) -> list[str]:
    """Every ``--db`` given, before the command's name and after it, in order."""
    return [*(args.db or []), *(getattr(args, "command_db", None) or [])]


def db_path(args: argparse.Namespace) -> Path:
    """The one database a command works on (the last ``--db`` if several were given)."""
    from onboard_desk.storage.locations import resolve_db_path

    paths = db_arguments(args)
    return resolve_db_path(paths[-1] if paths else None)


def db_paths(args: argparse.Namespace) -> list[Path]:
    """Every ``--db`` given (for commands that read several databases), else the default."""
    from onboard_desk.storage.locations import resolve_db_path

    paths = db_arguments(args)
    return [resolve_db_path(p) for p in paths] if paths else [resolve_db_path(None)]


@contextmanager
def open_desk(args: argparse.Namespace) -> Iterator[Desk]:
    """The command's database and its services (closed afterwards)."""
    from onboard_desk.services.desk import Desk

    desk = Desk.open(db_path(args))
    try:
        announce_new_database(desk)
        yield desk
    finally:
        desk.close()


def announce_new_database(desk: Desk) -> None:
    """Say on stderr that the command created the database, and whether it is encrypted
    (and if so, how to save its recovery key; if not, why not)."""
    if not desk.created:
        return
    from onboard_desk.services import encryption

    if desk.created_encrypted:
        print(
            f"onboard-desk: created {desk.path}, encrypted with a key kept in your system "
            "keyring. Save its recovery key now: onboard-desk encryption recovery-key "
            f"--db {desk.path}",
            file=sys.stderr,
        )
        return
    import os

    if os.environ.get(encryption.ENCRYPT_NEW_ENV_VAR, "").strip() == "0":
        return
    status = encryption.keyring_status()
    if not status.available:
        print(f"onboard-desk: created {desk.path}. {status.message}", file=sys.stderr)


def refresh_calendar_feed(args: argparse.Namespace) -> None:
    """Rewrite the kept-up-to-date calendar file after a command changed data.

    The command has committed by now: whatever goes wrong here (the folder is gone, the
    disk is full, the database is busy, Ctrl+C) is a warning on stderr, never a failed
    command, or a script would retry a change that was saved. The window writes the file
    again at its next change or start.
    """
    try:
        with open_desk(args) as desk:
            desk.outreach.refresh_feed()
    except UserError as exc:
        _feed_warning(str(exc))
    except KeyboardInterrupt:
        _feed_warning("interrupted.")
    except Exception as exc:  # unexpected, so name it, but the change is saved all the same
        _feed_warning(f"{type(exc).__name__}: {exc}")


def _feed_warning(reason: str) -> None:
    print(
        f"onboard-desk: warning: the calendar file was not updated: {reason} "
        "The change itself is saved.",
        file=sys.stderr,
    )


def add_format_argument(parser: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    parser.add_argument("--format", choices=list(choices), default=choices[0], help="output format")


def print_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    out: TextIO | None = None,
) -> None:
    """Print dictionaries as an aligned table, CSV or a JSON array."""
    from onboard_desk.cli.output import RowWriter

    writer = RowWriter(out or sys.stdout, fmt, columns)
    for row in rows:
        writer.write(row)
    writer.close()


def require_positive(value: str) -> int:
    """argparse type for counts and limits."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return number


def fail(message: str) -> UserError:
    """A UserError to raise from a command (reads well at the raise site)."""
    return UserError(message)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The list filters, shared by ``list`` and ``export`` so both select the same rows."""
    from onboard_desk.pipeline import Channel, Flag, Stage

    parser.add_argument(
        "--stage", choices=[s.value for s in Stage], action="append", help="repeat for several"
    )
    parser.add_argument("--owner")
    parser.add_argument("--channel", choices=[c.value for c in Channel])
    parser.add_argument("--search", default="", help="full-text: name, company, email, notes")
    parser.add_argument("--flag", choices=[f.value for f in Flag])
    parser.add_argument("--tag")
    parser.add_argument("--sort", default="", help="name, company, value, next_action_due, ...")
    parser.add_argument("--desc", action="store_true", help="sort descending")


def filter_from_arguments(args: argparse.Namespace) -> ProspectFilter:
    """The :class:`~onboard_desk.services.lists.ProspectFilter` the filter arguments ask for."""
    from onboard_desk.pipeline import Flag, Stage
    from onboard_desk.services.lists import ProspectFilter, sortable

    if args.sort and args.sort not in sortable():
        known = ", ".join(sorted(sortable()))
        raise UserError(f"Cannot sort by {args.sort!r}; use one of: {known}.")
    return ProspectFilter(
        stages=tuple(Stage(s) for s in args.stage or ()),
        owner=args.owner,
        channel=args.channel,
        search=args.search,
        flag=Flag(args.flag) if args.flag else None,
        tag=args.tag,
        sort=args.sort,
        descending=args.desc,
    )
