"""Import commands: import a file, list imports, undo one, manage saved mappings."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.cli.common import NO_NAME_NOTE, open_desk, require_positive
from onboard_desk.cli.output import RowWriter
from onboard_desk.pipeline import Channel, Stage

if TYPE_CHECKING:
    from onboard_desk.services.importing import ImportResult

#: Rejected rows printed on the terminal (all of them go to --rejects).
SHOWN_REJECTS = 20


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = subparsers.add_parser(
        "import",
        help="import prospects from CSV, Excel (.xlsx) or vCard (.vcf)",
        description=(
            "Imports prospects from a CSV or other delimited text file (encoding, delimiter "
            "and header row are detected), an Excel workbook or a vCard file, in one "
            "transaction. Columns are mapped from their header names unless --mapping is "
            "given. Invalid rows are reported with their line number and skipped; "
            "duplicates (same email, same phone, or a close name at the same company) "
            "follow --on-duplicate. Exits non-zero only when nothing could be read."
        ),
    )
    imp.add_argument("file", type=Path, help=".csv, .tsv, .txt, .xlsx or .vcf")
    imp.add_argument("--mapping", metavar="NAME|FILE.json", help="saved mapping or JSON file")
    imp.add_argument(
        "--channel",
        help=(
            f"outreach channel for every row: {', '.join(c.value for c in Channel)} "
            "(default: a mapped source column, else other)"
        ),
    )
    imp.add_argument(
        "--owner",
        help="owner of every row (default: a mapped owner column, else the database's user)",
    )
    imp.add_argument(
        "--stage",
        default="outreach",
        help="starting stage (default outreach; any stage but lost)",
    )
    imp.add_argument("--tags", default="", help="comma-separated tags added to every row")
    imp.add_argument(
        "--on-duplicate",
        choices=("skip", "update", "create"),
        default="skip",
        help="what to do with a row that matches a prospect (default: skip)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="report what would happen; write nothing"
    )
    imp.add_argument("--rejects", type=Path, metavar="PATH", help="write rejected rows to this CSV")
    imp.add_argument("--sheet", metavar="NAME", help="workbook sheet (default: the first)")
    imp.add_argument(
        "--region",
        metavar="CODE",
        help="two-letter region of this file's phone numbers written without +country "
        "(default: the database's phone region; 'none' keeps them as written)",
    )
    imp.add_argument("--save-mapping", metavar="NAME", help="save the mapping used under NAME")
    imp.add_argument(
        "--show-mapping", action="store_true", help="print the column mapping used, as JSON"
    )
    imp.set_defaults(handler=cmd_import, changes_data=True)

    undo = subparsers.add_parser(
        "import-undo",
        help="undo an import as a whole",
        description=(
            "Deletes the prospects an import created (with their history) and restores "
            "the fields it changed on existing prospects."
        ),
    )
    undo.add_argument("batch", type=int, help="the import's number (see import-batches)")
    undo.set_defaults(handler=cmd_import_undo, changes_data=True)

    batches = subparsers.add_parser("import-batches", help="list past imports, newest first")
    batches.add_argument("--limit", type=require_positive, default=50)
    batches.add_argument("--format", choices=("table", "csv", "json"), default="table")
    batches.set_defaults(handler=cmd_import_batches)

    mappings = subparsers.add_parser(
        "import-mappings", help="list, show or delete saved column mappings"
    )
    group = mappings.add_mutually_exclusive_group()
    group.add_argument("--show", metavar="NAME", help="print a saved mapping as JSON")
    group.add_argument("--delete", metavar="NAME", help="delete a saved mapping")
    mappings.set_defaults(handler=cmd_import_mappings)


def _describe_source(result: ImportResult) -> str:
    parts = [result.file_format.upper()]
    if result.encoding:
        from onboard_desk.importing.sources.text import describe_encoding

        parts.append(describe_encoding(result.encoding))
    if result.delimiter:
        names = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
        parts.append(f"{names.get(result.delimiter, result.delimiter)}-separated")
    if result.sheet:
        parts.append(f"sheet {result.sheet!r}")
    return ", ".join(parts)


def _region_argument(value: str | None) -> str | None:
    """``--region``: None (the database's region), "" for 'none', else the code."""
    if value is None:
        return None
    return "" if value.strip().lower() in ("none", "") else value.strip()


def cmd_import(args: argparse.Namespace) -> int:
    from onboard_desk.pipeline import parse_channel, parse_stage
    from onboard_desk.services.importing import DuplicateAction, ImportOptions, file_mapping

    stage = parse_stage(args.stage)
    channel = parse_channel(args.channel) if args.channel else None
    action = DuplicateAction(args.on_duplicate)
    with open_desk(args) as desk:
        service = desk.importing
        mapping = service.resolve_mapping(args.mapping) if args.mapping else None
        if mapping is None or args.save_mapping or args.show_mapping:
            mapping = file_mapping(args.file, sheet=args.sheet, saved=mapping)
        # The owner, the pipeline rules, the currency and (without --region) the phone
        # region come from the database: the service fills them in, as for the window.
        options = ImportOptions(
            mapping=mapping,
            channel=channel,
            owner=args.owner,
            tags=args.tags,
            stage=stage,
            on_duplicate=action,
            sheet=args.sheet,
            region=_region_argument(args.region),
        )
        if args.show_mapping:
            print(
                json.dumps({h: f.value for h, f in mapping.items()}, indent=2, ensure_ascii=False)
            )
        result = service.run(args.file, options, dry_run=args.dry_run, rejects_path=args.rejects)
        if not args.owner and not desk.user and result.created:
            print(NO_NAME_NOTE, file=sys.stderr)
        if args.save_mapping:
            service.save_mapping(args.save_mapping, mapping)
    _report(result, args)
    return 0


def _report(result: ImportResult, args: argparse.Namespace) -> None:
    print(f"Read {result.rows_read:,} rows from {args.file.name} ({_describe_source(result)}).")
    prefix = "Dry run, nothing written: would have " if result.dry_run else ""
    counts = (
        f"created {result.created:,}, updated {result.updated:,}, "
        f"skipped {result.skipped:,}, rejected {result.rejected:,}"
    )
    print(f"{prefix}{counts}." if prefix else counts[0].upper() + counts[1:] + ".")
    if result.duplicate_count:
        print(f"Duplicates found: {result.duplicate_count:,} (--on-duplicate {args.on_duplicate}).")
    if result.ragged_rows:
        print(f"{result.ragged_rows:,} rows had more cells than the header; extras kept.")
    if result.referrals_linked or result.referral_codes_unmatched:
        print(
            f"Referral codes: {result.referrals_linked:,} linked to their customer, "
            f"{result.referral_codes_unmatched:,} without one (imported without a referral)."
        )
    for reject in result.rejects[:SHOWN_REJECTS]:
        print(f"  line {reject.line}: {reject.reason}", file=sys.stderr)
    if result.rejected > SHOWN_REJECTS:
        print(f"  ... and {result.rejected - SHOWN_REJECTS:,} more rejected rows", file=sys.stderr)
    if result.rejected and result.rejects_path:
        print(f"Rejected rows written to {result.rejects_path} (fix them and import that file).")
    elif result.rejected:
        print("Add --rejects PATH to save the rejected rows as a CSV to fix and re-import.")
    if result.batch_id is not None:
        print(
            f"Import #{result.batch_id} done in {result.seconds:.1f} s; "
            f"undo it with: onboard-desk import-undo {result.batch_id}"
        )


def cmd_import_undo(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        outcome = desk.importing.undo(args.batch)
    print(
        f"Undid import #{outcome.batch_id}: deleted {outcome.deleted:,} prospects, "
        f"restored {outcome.restored:,}."
    )
    if outcome.changed_since:
        print(f"{outcome.changed_since:,} of the deleted prospects had been changed since.")
    return 0


def cmd_import_batches(args: argparse.Namespace) -> int:
    from onboard_desk.domain.timeutil import format_local

    columns = ("id", "imported_at", "source", "created", "updated", "skipped", "rejected", "undone")
    with open_desk(args) as desk:
        batches = desk.importing.batches(limit=args.limit)
    writer = RowWriter(sys.stdout, args.format, columns)
    for batch in batches:
        writer.write(
            {
                "id": batch.id,
                "imported_at": format_local(batch.created_at),
                "source": batch.source if args.format != "table" else Path(batch.source).name,
                "created": batch.created_count,
                "updated": batch.updated_count,
                "skipped": batch.skipped_count,
                "rejected": batch.rejected_count,
                "undone": format_local(batch.undone_at) if batch.undone_at else "",
            }
        )
    writer.close()
    return 0


def cmd_import_mappings(args: argparse.Namespace) -> int:
    with open_desk(args) as desk:
        service = desk.importing
        if args.show:
            mapping = service.mapping(args.show)
            print(
                json.dumps({h: f.value for h, f in mapping.items()}, indent=2, ensure_ascii=False)
            )
        elif args.delete:
            service.delete_mapping(args.delete)
            print(f"Deleted the mapping {args.delete!r}.")
        else:
            names = service.mapping_names()
            if not names:
                print("No saved mappings yet; save one with: import FILE --save-mapping NAME")
            else:
                print("\n".join(names))
    return 0


__all__ = ["Stage", "register"]
