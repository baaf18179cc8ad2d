"""Database upkeep commands: a consistent backup, and demo data."""

from __future__ import annotations

import argparse
from pathlib import Path

from onboard_desk.cli.common import add_db_option, db_path, open_desk, require_positive


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="write a consistent snapshot of the database (safe while the app runs)",
    )
    add_db_option(backup)
    backup.add_argument("-o", "--output", type=Path, required=True, help="snapshot file")
    backup.add_argument("--overwrite", action="store_true", help="replace an existing file")
    backup.set_defaults(handler=cmd_backup)

    demo = subparsers.add_parser(
        "demo",
        help="fill the database with realistic sample data",
        description=(
            "Adds simulated prospects spread over every stage, with plausible stage "
            "durations, activities, lost reasons and next actions. Adds to what the "
            "database already holds."
        ),
    )
    demo.add_argument(
        "--prospects", type=require_positive, default=500, help="how many (default 500)"
    )
    demo.add_argument("--seed", type=int, default=1, help="random seed, for repeatable data")
    demo.set_defaults(handler=cmd_demo, changes_data=True)


def cmd_backup(args: argparse.Namespace) -> int:
    """The snapshot, without opening the database (a backup never creates or upgrades
    one)."""
    import sys

    from onboard_desk.errors import UserError
    from onboard_desk.services.maintenance import SnapshotExistsError, back_up_database

    source = db_path(args)
    target: Path = args.output.expanduser()
    try:
        back_up_database(source, target, overwrite=args.overwrite)
    except SnapshotExistsError as exc:
        raise UserError(f"{exc.target} already exists; add --overwrite to replace it.") from exc
    print(f"Snapshot of {source} written to {target}", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    started = time.perf_counter()
    with open_desk(args) as desk:
        summary = desk.maintenance.fill_demo(prospects=args.prospects, seed=args.seed)
    elapsed = time.perf_counter() - started
    print(
        f"Added {summary.prospects:,} prospects, {summary.stage_changes:,} stage changes, "
        f"{summary.activities:,} activities, {summary.purchases:,} purchases, "
        f"{summary.survey_answers:,} survey answers and {summary.referrals:,} referrals to "
        f"{db_path(args)} in {elapsed:.1f} s."
    )
    return 0
