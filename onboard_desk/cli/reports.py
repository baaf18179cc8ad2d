"""Report and export commands: what a team lead runs.

``report`` reads one or several databases read-only (``--db`` repeated, before or after
the command name, or ``--team-folder``); ``export`` writes the prospect list with the same
filters as ``list``. (``backup``, the snapshot a rep sends to the lead, is with the
database's other upkeep in :mod:`onboard_desk.cli.maintenance`.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onboard_desk.cli.common import (
    add_db_option,
    add_filter_arguments,
    db_arguments,
    filter_from_arguments,
    open_desk,
)

REPORT_FORMATS = ("xlsx", "pdf", "csv", "html", "json")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = subparsers.add_parser(
        "report",
        help="pipeline report (XLSX, PDF, CSV, HTML or JSON), for one or several databases",
        description=(
            "Funnel, stage durations, channels, owners, forecast, attention list and trend "
            "for the prospects created in a period, and the customers (NPS, engagement, "
            "purchases due, referrals and the viral coefficient). Several databases (--db "
            "repeated or --team-folder) are read side by side, read-only. "
            "Definitions: the README's Reports section."
        ),
    )
    add_db_option(report)
    report.add_argument("--team-folder", type=Path, help="read every snapshot in this folder")
    report.add_argument("--from", dest="date_from", metavar="DATE", help="first day, YYYY-MM-DD")
    report.add_argument("--to", dest="date_to", metavar="DATE", help="last day, YYYY-MM-DD")
    report.add_argument("--owner", help="one salesperson (default: the whole team)")
    report.add_argument("--format", choices=REPORT_FORMATS, required=True)
    report.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    report.add_argument("--bom", action="store_true", help="CSV: add a BOM for Excel")
    report.add_argument("--title", default="Pipeline report")
    report.set_defaults(handler=cmd_report)

    export = subparsers.add_parser(
        "export",
        help="export the prospect list (CSV or XLSX) with the same filters as 'list'",
    )
    add_db_option(export)
    export.add_argument("--format", choices=("csv", "xlsx"), required=True)
    export.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    add_filter_arguments(export)
    export.add_argument("--bom", action="store_true", help="CSV: add a BOM for Excel")
    export.set_defaults(handler=cmd_export)


def report_paths(args: argparse.Namespace) -> list[Path]:
    """Every database the report reads: --db (anywhere) and the team folder's files."""
    from onboard_desk.services.reports import team_folder_files
    from onboard_desk.storage.locations import resolve_db_path

    given = db_arguments(args)
    paths = [resolve_db_path(p) for p in given]
    if args.team_folder is not None:
        paths += team_folder_files(args.team_folder.expanduser())
    return paths or [resolve_db_path(None)]


def cmd_report(args: argparse.Namespace) -> int:
    from onboard_desk.services.reports import ReportFilter, parse_report_date, snapshot_basis

    flt = ReportFilter(
        date_from=parse_report_date(args.date_from) if args.date_from else None,
        date_to=parse_report_date(args.date_to) if args.date_to else None,
        owner=args.owner or None,
    )
    basis = snapshot_basis(report_paths(args))
    report = basis.build(flt, title=args.title)
    written = basis.export(report, args.format, args.output, bom=args.bom)
    names = ", ".join(str(p) for p in written[:3]) + (" ..." if len(written) > 3 else "")
    count = len(basis.names)
    print(
        f"Report on {report.total_prospects:,} prospects from {count} "
        f"database{'s' if count != 1 else ''} written to {names}",
        file=sys.stderr,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    flt = filter_from_arguments(args)
    with open_desk(args) as desk:
        count = desk.exports.prospects(flt, args.output, fmt=args.format, bom=args.bom)
    print(f"Exported {count:,} prospects to {args.output}", file=sys.stderr)
    return 0
