"""CSV export: the prospect list, and each report section as its own file.

UTF-8, with an optional byte-order mark so Excel on Windows reads accents correctly.
Numbers are plain numbers (fractions for percentages, days with two decimals), dates
ISO 8601; text that would run as a spreadsheet formula is neutralised.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from onboard_desk.reports.model import Report
from onboard_desk.reports.prospect_rows import PROSPECT_COLUMNS, ProspectTuple
from onboard_desk.reports.safety import safe_cell
from onboard_desk.reports.tables import Kind, Table, report_tables


def csv_value(value: Any, kind: Kind) -> Any:
    """A cell as CSV text: rounded where the format says so, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if kind == "percent":
            return round(value, 4)
        if kind == "money":
            return f"{value:.2f}"
        if kind in ("days", "number"):
            return round(value, 2)
    return safe_cell(value)


def write_table_csv(table: Table, path: Path, *, bom: bool = False) -> None:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in table.columns])
        for r, row in enumerate(table.rows):
            writer.writerow([csv_value(v, table.kind_at(r, c)) for c, v in enumerate(row)])


def write_prospects_csv(
    prospects: Iterable[ProspectTuple], path: Path, *, bom: bool = False
) -> int:
    """Write the prospect list; returns the number of rows."""
    kinds = [c.kind for c in PROSPECT_COLUMNS]
    count = 0
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in PROSPECT_COLUMNS])
        for row in prospects:
            writer.writerow([csv_value(v, kinds[i]) for i, v in enumerate(row)])
            count += 1
    return count


def section_path(path: Path, key: str) -> Path:
    """Where a section goes beside the prospect list: ``report.csv`` -> ``report-funnel.csv``."""
    return path.with_name(f"{path.stem}-{key}{path.suffix or '.csv'}")


def write_csv(
    report: Report, path: Path, prospects: Iterable[ProspectTuple] = (), *, bom: bool = False
) -> list[Path]:
    """The prospect list at ``path`` and every section beside it; returns the files."""
    written = [path]
    write_prospects_csv(prospects, path, bom=bom)
    for table in report_tables(report):
        target = section_path(path, table.key)
        write_table_csv(table, target, bom=bom)
        written.append(target)
    return written
