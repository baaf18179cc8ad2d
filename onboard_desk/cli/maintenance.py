"""Database maintenance commands: demo data."""

from __future__ import annotations

import argparse

from onboard_desk.cli.common import db_path, open_engine, require_positive


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    from onboard_desk.demo.fill import fill_demo

    started = time.perf_counter()
    with open_engine(args) as engine:
        summary = fill_demo(engine, prospects=args.prospects, seed=args.seed)
    elapsed = time.perf_counter() - started
    print(
        f"Added {summary.prospects:,} prospects, {summary.stage_changes:,} stage changes, "
        f"{summary.activities:,} activities, {summary.purchases:,} purchases, "
        f"{summary.survey_answers:,} survey answers and {summary.referrals:,} referrals to "
        f"{db_path(args)} in {elapsed:.1f} s."
    )
    return 0
