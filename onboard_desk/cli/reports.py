"""Report, export and backup commands: what a team lead runs.

``report`` reads one or several databases read-only (``--db`` repeated, before or after
the command name, or ``--team-folder``); ``export`` writes the prospect list with the same
filters as ``list``; ``backup`` writes a consistent snapshot a rep can send to the lead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from onboard_desk.cli.common import add_filter_arguments, db_path, filter_from_arguments
from onboard_desk.errors import UserError

REPORT_FORMATS = ("xlsx", "pdf", "csv", "html", "json")


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    # Its own destination: a subcommand's default must not overwrite the global --db.
    parser.add_argument(
        "--db",
        dest="command_db",
        metavar="PATH",
        action="append",
        help="database file (may also be given before the command)",
    )


def _all_db_args(args: argparse.Namespace) -> list[str]:
    return [*(args.db or []), *(getattr(args, "command_db", None) or [])]


def _single_db(args: argparse.Namespace) -> Path:
    paths = _all_db_args(args)
    return db_path(argparse.Namespace(db=paths[-1:] if paths else None))


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
    _add_db_option(report)
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
    _add_db_option(export)
    export.add_argument("--format", choices=("csv", "xlsx"), required=True)
    export.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    add_filter_arguments(export)
    export.add_argument("--bom", action="store_true", help="CSV: add a BOM for Excel")
    export.set_defaults(handler=cmd_export)

    backup = subparsers.add_parser(
        "backup",
        help="write a consistent snapshot of the database (safe while the app runs)",
    )
    _add_db_option(backup)
    backup.add_argument("-o", "--output", type=Path, required=True, help="snapshot file")
    backup.add_argument("--overwrite", action="store_true", help="replace an existing file")
    backup.set_defaults(handler=cmd_backup)


def report_paths(args: argparse.Namespace) -> list[Path]:
    """Every database the report reads: --db (anywhere) and the team folder's files."""
    from onboard_desk.reports import team_folder_files
    from onboard_desk.storage.db import resolve_db_path

    given = _all_db_args(args)
    paths = [resolve_db_path(p) for p in given]
    if args.team_folder is not None:
        paths += team_folder_files(args.team_folder.expanduser())
    return paths or [resolve_db_path(None)]


def cmd_report(args: argparse.Namespace) -> int:
    from onboard_desk.reports import ReportFilter, ReportSources, build_report
    from onboard_desk.reports.definitions import parse_report_date
    from onboard_desk.reports.exporters import export_report
    from onboard_desk.reports.prospect_rows import report_prospects
    from onboard_desk.reports.settings import read_report_settings

    flt = ReportFilter(
        date_from=parse_report_date(args.date_from) if args.date_from else None,
        date_to=parse_report_date(args.date_to) if args.date_to else None,
        owner=args.owner or None,
    )
    sources = ReportSources.of(report_paths(args))
    settings = read_report_settings(sources.paths[0])
    report = build_report(sources, flt, settings=settings, title=args.title)
    written = export_report(
        report,
        args.format,
        args.output,
        lambda: report_prospects(sources, flt, config=settings.config, now=report.generated_at),
        bom=args.bom,
    )
    names = ", ".join(str(p) for p in written[:3]) + (" ..." if len(written) > 3 else "")
    print(
        f"Report on {report.total_prospects:,} prospects from {len(sources.paths)} "
        f"database{'s' if len(sources.paths) != 1 else ''} written to {names}",
        file=sys.stderr,
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from onboard_desk.reports.prospect_rows import filtered_prospects
    from onboard_desk.storage import settings_store
    from onboard_desk.storage.db import open_database, session_scope

    flt = filter_from_arguments(args)
    path = _single_db(args)
    engine = open_database(path)
    try:
        with session_scope(engine) as session:
            config = settings_store.load_config(session)
            rows = filtered_prospects(session, flt, database=path.name, config=config)
            try:
                if args.format == "csv":
                    from onboard_desk.reports.export_csv import write_prospects_csv

                    count = write_prospects_csv(rows, args.output, bom=args.bom)
                else:
                    from onboard_desk.reports.export_xlsx import write_prospect_list_xlsx

                    count = write_prospect_list_xlsx(args.output, rows)
            except OSError as exc:
                raise UserError(f"Cannot write {args.output}: {exc.strerror or exc}.") from exc
    finally:
        engine.dispose()
    print(f"Exported {count:,} prospects to {args.output}", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from onboard_desk.services.encryption import back_up

    source = _single_db(args)
    target: Path = args.output.expanduser()
    if not source.is_file():
        raise UserError(f"There is no database at {source}.")
    if target.resolve() == source.resolve():
        raise UserError("The snapshot cannot replace the database itself; choose another file.")
    if target.exists() and not args.overwrite:
        raise UserError(f"{target} already exists; add --overwrite to replace it.")
    if not target.parent.is_dir():
        raise UserError(f"The folder {target.parent} does not exist.")
    try:
        back_up(source, target)
    except OSError as exc:
        raise UserError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    print(f"Snapshot of {source} written to {target}", file=sys.stderr)
    return 0
