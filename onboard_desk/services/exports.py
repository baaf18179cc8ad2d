"""The prospect list as a file (CSV or XLSX), as the list shows it.

File > Export prospects in the window and ``onboard-desk export`` write the same rows: the
prospects a filter selects, in the list's order, with their attention flags, streamed so
that 100,000 prospects never sit in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from onboard_desk.errors import UserError

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk
    from onboard_desk.services.lists import ProspectFilter

#: The formats a prospect list is written in.
EXPORT_FORMATS = ("csv", "xlsx")

__all__ = ["EXPORT_FORMATS", "ExportService"]


class ExportService:
    """Exports of one open database."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def prospects(
        self, flt: ProspectFilter | None, target: Path, *, fmt: str, bom: bool = False
    ) -> int:
        """Write the prospects ``flt`` selects to ``target`` as ``fmt`` (``csv``, with a BOM
        for Excel if ``bom``, or ``xlsx``); returns how many were written."""
        from onboard_desk.reports.prospect_rows import filtered_prospects
        from onboard_desk.services.lists import ProspectFilter

        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r}")
        desk = self._desk
        with desk.reading() as session:
            rows = filtered_prospects(
                session, flt or ProspectFilter(), database=desk.path.name, config=desk.config
            )
            try:
                if fmt == "csv":
                    from onboard_desk.reports.export_csv import write_prospects_csv

                    return int(write_prospects_csv(rows, target, bom=bom))
                from onboard_desk.reports.export_xlsx import write_prospect_list_xlsx

                return int(write_prospect_list_xlsx(target, rows))
            except OSError as exc:
                raise UserError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
