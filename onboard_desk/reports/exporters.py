"""Write a report in any format: the one entry point the command line and window use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from onboard_desk.reports.definitions import ReportError
from onboard_desk.reports.model import Report
from onboard_desk.reports.prospect_rows import ProspectTuple

FORMATS: tuple[str, ...] = ("xlsx", "pdf", "csv", "html", "json")


def export_report(
    report: Report,
    fmt: str,
    path: Path,
    prospects: Callable[[], Iterable[ProspectTuple]] | None = None,
    *,
    bom: bool = False,
) -> list[Path]:
    """Write ``report`` as ``fmt`` to ``path``; returns every file written.

    ``prospects`` yields the prospect list (XLSX and CSV include it); it is only called
    for the formats that need it.
    """
    rows: Iterable[ProspectTuple] = prospects() if prospects and fmt in ("xlsx", "csv") else ()
    try:
        if fmt == "xlsx":
            from onboard_desk.reports.export_xlsx import write_xlsx

            write_xlsx(report, path, rows)
            return [path]
        if fmt == "csv":
            from onboard_desk.reports.export_csv import write_csv

            return write_csv(report, path, rows, bom=bom)
        if fmt == "pdf":
            from onboard_desk.reports.export_pdf import write_pdf

            write_pdf(report, path)
            return [path]
        if fmt == "html":
            from onboard_desk.reports.export_html import write_html

            write_html(report, path)
            return [path]
        if fmt == "json":
            from onboard_desk.reports.export_json import write_json

            write_json(report, path)
            return [path]
    except OSError as exc:
        raise ReportError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    raise ReportError(f"Unknown format {fmt!r}; use one of: {', '.join(FORMATS)}.")
