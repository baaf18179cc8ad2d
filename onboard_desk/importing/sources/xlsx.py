"""Excel workbooks (.xlsx) through openpyxl in read-only mode, one sheet at a time.

Read-only mode streams rows from the zipped XML instead of building the whole workbook,
so memory stays flat for large sheets. Cell values become text the way a user sees them:
whole numbers without ".0", dates as ISO dates.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from onboard_desk.importing.fields import is_known_header
from onboard_desk.importing.sources.base import (
    HEADER_SEARCH_ROWS,
    ImportFileError,
    Table,
    clean_headers,
    find_header,
    fit_row,
)


def cell_text(value: Any) -> str:
    """A cell value as the text a user sees in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(" ", "minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def open_xlsx(path: Path, *, sheet: str | None = None) -> Table:
    """Open the first (or the named) sheet of a workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            f"{path.name} cannot be read as an Excel workbook ({exc}). "
            "Open it in Excel or LibreOffice and save it again as .xlsx or CSV."
        ) from None
    names = list(workbook.sheetnames)
    if sheet is not None and sheet not in names:
        workbook.close()
        raise ImportFileError(
            f"{path.name} has no sheet named {sheet!r}; its sheets are: {', '.join(names)}."
        )
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    total = max(int(worksheet.max_row or 0), 1)
    raw_rows = worksheet.iter_rows(values_only=True)
    head: list[list[str]] = []
    for values in raw_rows:
        head.append([cell_text(v) for v in values])
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    while head and not any(c for c in head[-1]):
        head.pop()
    if not head:
        workbook.close()
        raise ImportFileError(
            f"{path.name}: the sheet {worksheet.title!r} is empty; there is nothing to import."
        )
    header_index = find_header(head, is_known_header)
    headers = clean_headers(head[header_index])
    while headers and headers[-1].startswith("Column ") and not head[header_index][-1]:
        headers.pop()
        head[header_index].pop()
    position = [header_index + 1]
    table = Table(
        path_name=path.name,
        file_format="xlsx",
        headers=headers,
        rows=iter(()),
        progress=lambda: min(position[0] / total, 1.0),
        close=workbook.close,
        sheet=str(worksheet.title),
        sheets=names,
    )

    def rows() -> Iterator[tuple[int, list[str]]]:
        width = len(headers)
        pending = head[header_index + 1 :]
        number = header_index + 1
        for record in pending:
            number += 1
            position[0] = number
            if any(record):
                cells, ragged = fit_row(record, width)
                table.ragged_rows += ragged
                yield number, cells
        for values in raw_rows:
            number += 1
            position[0] = number
            record = [cell_text(v) for v in values]
            if any(record):
                cells, ragged = fit_row(record, width)
                table.ragged_rows += ragged
                yield number, cells

    table.rows = rows()
    return table
