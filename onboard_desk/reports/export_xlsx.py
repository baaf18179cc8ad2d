"""XLSX export (XlsxWriter): one sheet per section plus the prospect list.

Cells are typed (numbers, dates, percentages), header rows frozen, filters on, columns
sized, and the funnel and trend get native charts. The workbook is written in
``constant_memory`` mode, row by row, so a 100,000-row prospect list stays small in
memory. Text is always written as a string, never parsed as a formula; text that a
spreadsheet would take for a formula once edited (``=``, ``+``, ``-``, ``@``...) also gets
the "quote prefix" cell style, so it shows exactly as stored (a phone number stays
``+49 30 1234567``) and stays text when someone edits the cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xlsxwriter

from onboard_desk.reports.model import Report
from onboard_desk.reports.prospect_rows import PROSPECT_COLUMNS, ProspectTuple
from onboard_desk.reports.safety import FORMULA_PREFIXES
from onboard_desk.reports.tables import (
    Column,
    Kind,
    Table,
    report_tables,
)

#: Column widths (characters) by kind, and for text columns by header.
WIDTHS: dict[str, float] = {
    "int": 12,
    "money": 15,
    "percent": 12,
    "days": 12,
    "date": 12,
    "datetime": 17,
    "month": 10,
    "number": 12,
}
TEXT_WIDTHS: dict[str, float] = {
    "Name": 24,
    "Company": 24,
    "Email": 30,
    "Next action": 32,
    "Top lost reasons": 48,
    "Figure": 36,
    "Value": 30,
    "Lost reason": 22,
    "Database": 18,
    "Customer": 24,
    "First referrer": 24,
    "Engagement score": 22,
}


class _Formats:
    def __init__(self, book: Any) -> None:
        self.literal = book.add_format({"quote_prefix": True})
        self.header = book.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.by_kind: dict[str, Any] = {
            "int": book.add_format({"num_format": "#,##0"}),
            "money": book.add_format({"num_format": "#,##0.00"}),
            "percent": book.add_format({"num_format": "0.0%"}),
            "days": book.add_format({"num_format": "0.0"}),
            "number": book.add_format({"num_format": "#,##0.00"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "month": None,
            "text": None,
        }


def _write_cell(sheet: Any, row: int, col: int, value: Any, kind: Kind, fmt: _Formats) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None)
    elif kind in ("date", "datetime"):
        sheet.write_datetime(row, col, value, fmt.by_kind[kind])
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value, fmt.by_kind.get(kind))
    else:
        text = str(value)
        sheet.write_string(
            row, col, text, fmt.literal if text.startswith(FORMULA_PREFIXES) else None
        )


def _width(column: Column) -> float:
    if column.kind == "text":
        return TEXT_WIDTHS.get(column.header, max(12, len(column.header) + 2))
    return max(WIDTHS.get(column.kind, 12), len(column.header) * 0.9 + 2)


def _section_sheet(book: Any, table: Table, fmt: _Formats, report: Report) -> Any:
    sheet = book.add_worksheet(table.sheet_name)
    for index, column in enumerate(table.columns):
        sheet.set_column(index, index, _width(column))
    sheet.write_string(0, 0, table.title, fmt.title)
    subtitle = f"{report.period} · {report.owner_label}"
    sheet.write_string(1, 0, subtitle + (f" · {table.note}" if table.note else ""), fmt.note)
    header_row = 3
    for index, column in enumerate(table.columns):
        sheet.write_string(header_row, index, column.header, fmt.header)
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            _write_cell(sheet, header_row + 1 + r, c, value, table.kind_at(r, c), fmt)
    sheet.freeze_panes(header_row + 1, 1)
    if table.rows and not table.row_kinds:
        sheet.autofilter(header_row, 0, header_row + len(table.rows), len(table.columns) - 1)
    return sheet


def _funnel_chart(book: Any, sheet_name: str, rows: int) -> Any:
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "Reached",
            "categories": [sheet_name, 4, 0, 3 + rows, 0],
            "values": [sheet_name, 4, 1, 3 + rows, 1],
            "fill": {"color": "#4472C4"},
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": "Funnel: prospects reaching each stage"})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"none": True})
    chart.set_size({"width": 640, "height": 360})
    return chart


def _trend_chart(book: Any, sheet_name: str, rows: int) -> Any:
    chart = book.add_chart({"type": "line"})
    colors = {1: "#4472C4", 2: "#ED7D31", 3: "#70AD47"}
    for col, name in ((1, "New prospects"), (2, "Moves"), (3, "Wins")):
        chart.add_series(
            {
                "name": name,
                "categories": [sheet_name, 4, 0, 3 + rows, 0],
                "values": [sheet_name, 4, col, 3 + rows, col],
                "line": {"color": colors[col], "width": 2},
            }
        )
    chart.set_title({"name": "Trend per week"})
    chart.set_x_axis({"date_axis": True, "num_format": "yyyy-mm-dd"})
    chart.set_size({"width": 720, "height": 360})
    return chart


def _workbook(path: Path, **options: object) -> xlsxwriter.Workbook:
    """A workbook written row by row (memory flat in the rows), in which text stays text:
    no cell becomes a formula, a link or a number because of what it says."""
    return xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            **options,
        },
    )


def write_xlsx(
    report: Report,
    path: Path,
    prospects: Iterable[ProspectTuple] = (),
) -> int:
    """Write the workbook; returns the number of prospect rows written."""
    book = _workbook(path, default_date_format="yyyy-mm-dd")
    book.set_properties({"title": report.title, "comments": f"{report.period}"})
    fmt = _Formats(book)
    try:
        for table in report_tables(report):
            sheet = _section_sheet(book, table, fmt, report)
            if table.key == "funnel" and table.rows:
                sheet.insert_chart(
                    len(table.rows) + 6, 0, _funnel_chart(book, sheet.name, len(table.rows))
                )
            if table.key == "trend" and table.rows:
                sheet.insert_chart(3, 5, _trend_chart(book, sheet.name, len(table.rows)))
        count = _prospect_sheet(book, fmt, prospects)
    finally:
        book.close()
    return count


def _prospect_sheet(book: Any, fmt: _Formats, prospects: Iterable[ProspectTuple]) -> int:
    sheet = book.add_worksheet("Prospects")
    columns = PROSPECT_COLUMNS
    for index, column in enumerate(columns):
        sheet.set_column(index, index, _width(column))
        sheet.write_string(0, index, column.header, fmt.header)
    sheet.freeze_panes(1, 2)
    kinds = [c.kind for c in columns]
    money = fmt.by_kind["money"]
    stamp = fmt.by_kind["datetime"]
    literal = fmt.literal
    write_string = sheet.write_string
    write_number = sheet.write_number
    write_datetime = sheet.write_datetime
    row_index = 0
    for row_index, row in enumerate(prospects, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = kinds[col]
            if kind == "datetime":
                write_datetime(row_index, col, value, stamp)
            elif kind == "money":
                write_number(row_index, col, value, money)
            elif kind == "int":
                write_number(row_index, col, value)
            elif value.startswith(FORMULA_PREFIXES):
                write_string(row_index, col, value, literal)
            else:
                write_string(row_index, col, value)
    sheet.autofilter(0, 0, max(row_index, 1), len(columns) - 1)
    return row_index


def write_prospect_list_xlsx(path: Path, prospects: Iterable[ProspectTuple]) -> int:
    """A workbook holding only the prospect list (``onboard-desk export``)."""
    book = _workbook(path)
    try:
        return _prospect_sheet(book, _Formats(book), prospects)
    finally:
        book.close()
