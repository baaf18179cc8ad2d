"""The same numbers in JSON, CSV, XLSX, HTML and PDF; typed cells; formula injection."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import openpyxl
import pytest

from onboard_desk.reports import ReportFilter, ReportSources, build_report
from onboard_desk.reports.exporters import export_report
from onboard_desk.reports.model import Report
from onboard_desk.reports.prospect_rows import report_prospects
from onboard_desk.reports.safety import neutralise
from onboard_desk.reports.tables import format_value, report_tables
from onboard_desk.services import prospects as prospect_ops
from tests.reports.fixture import NOW


@pytest.fixture
def report(sources: ReportSources) -> Report:
    return build_report(sources, now=NOW)


def _export(report: Report, sources: ReportSources, fmt: str, path: Path, **kw: bool) -> list[Path]:
    return export_report(
        report, fmt, path, lambda: report_prospects(sources, ReportFilter(), now=NOW), **kw
    )


def test_json_holds_every_figure(report: Report, sources: ReportSources, tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    _export(report, sources, "json", path)
    data = json.loads(path.read_text())
    assert data["total_prospects"] == 12
    assert [(f["stage"], f["reached"], f["converted"]) for f in data["funnel"]][:3] == [
        ("outreach", 12, 9),
        ("first_call", 9, 6),
        ("follow_up", 6, 5),
    ]
    assert data["durations"][0]["median_days"] == pytest.approx(2.0)
    assert data["channels"][0]["channel"] in {"website", "cold_email", "referral"}
    assert data["forecast"][-1]["weighted_value"] == 2000.0
    assert data["trend"][0]["week_start"] == "2025-12-22"
    assert data["probabilities"]["payment"] == 0.8


def test_csv_sections_and_prospect_list(
    report: Report, sources: ReportSources, tmp_path: Path
) -> None:
    path = tmp_path / "r.csv"
    written = _export(report, sources, "csv", path, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    names = {p.name for p in written}
    assert {"r.csv", "r-funnel.csv", "r-durations.csv", "r-owners.csv", "r-trend.csv"} <= names
    with (tmp_path / "r-funnel.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["Reached"]) for r in rows] == [r.reached for r in report.funnel]
    assert float(rows[0]["Conversion"]) == pytest.approx(0.75)
    with path.open(encoding="utf-8-sig") as handle:
        prospects = list(csv.DictReader(handle))
    assert len(prospects) == 12
    assert {p["Name"] for p in prospects} >= {"P1", "P12"}


def test_csv_without_bom(report: Report, sources: ReportSources, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    _export(report, sources, "csv", path)
    assert path.read_bytes().startswith(b"Database,")


def test_xlsx_typed_cells_frozen_filtered_charts(
    report: Report, sources: ReportSources, tmp_path: Path
) -> None:
    path = tmp_path / "r.xlsx"
    _export(report, sources, "xlsx", path)
    book = openpyxl.load_workbook(path)
    titles = [t.sheet_name for t in report_tables(report)]
    assert book.sheetnames == [*titles, "Prospects"]
    funnel = book["Funnel"]
    header = [c.value for c in funnel[4]]
    assert header[:4] == ["Stage", "Reached", "Converted", "Conversion"]
    reached = [funnel.cell(row=5 + i, column=2).value for i in range(7)]
    assert reached == [r.reached for r in report.funnel]
    conversion = funnel.cell(row=5, column=4)
    assert conversion.value == pytest.approx(0.75)
    assert conversion.number_format == "0.0%"
    assert funnel.freeze_panes == "B5"
    assert funnel.auto_filter.ref == "A4:G11"
    assert len(funnel._charts) == 1
    assert len(book["Trend"]._charts) == 1
    trend = book["Trend"]
    assert isinstance(trend.cell(row=5, column=1).value, datetime)
    prospects = book["Prospects"]
    assert prospects.max_row == 13
    assert prospects.freeze_panes == "C2"
    created = prospects.cell(row=2, column=12).value
    assert isinstance(created, datetime)
    value = prospects.cell(row=2, column=10).value
    assert isinstance(value, float | int)


def test_html_is_self_contained(report: Report, sources: ReportSources, tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    _export(report, sources, "html", path)
    text = path.read_text()
    assert text.count("<svg") == 3
    assert "<script" not in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert "<link" not in text


def test_pdf_has_pages_and_numbers(report: Report, sources: ReportSources, tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    _export(report, sources, "pdf", path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type /Page\b", data))
    assert pages >= 2


def _html_cells(text: str, section: str) -> list[list[str]]:
    part = text.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows[1:]]


def test_same_numbers_in_every_format(
    report: Report, sources: ReportSources, tmp_path: Path
) -> None:
    """One figure per section read back from JSON, CSV, XLSX and HTML equals the Report."""
    for fmt in ("json", "csv", "xlsx", "html"):
        _export(report, sources, fmt, tmp_path / f"r.{fmt}")
    data = json.loads((tmp_path / "r.json").read_text())
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    html = (tmp_path / "r.html").read_text()
    for table in report_tables(report):
        if table.key == "summary":
            continue
        with (tmp_path / f"r-{table.key}.csv").open(encoding="utf-8") as handle:
            csv_rows = list(csv.reader(handle))[1:]
        sheet = book[table.sheet_name]
        html_rows = _html_cells(html, table.key)
        assert len(csv_rows) == len(table.rows) == len(html_rows), table.key
        for r, row in enumerate(table.rows):
            for c, value in enumerate(row):
                kind = table.kind_at(r, c)
                xlsx_value = sheet.cell(row=5 + r, column=c + 1).value
                if isinstance(value, int | float) and not isinstance(value, bool):
                    assert float(csv_rows[r][c]) == pytest.approx(value, abs=0.01), table.key
                    assert xlsx_value == pytest.approx(value), table.key
                elif value is None:
                    assert csv_rows[r][c] == "" and xlsx_value is None
                assert unescape(html_rows[r][c]) == format_value(value, kind), table.key
    assert [f["reached"] for f in data["funnel"]] == [r.reached for r in report.funnel]
    assert [o["moves"] for o in data["owners"]] == [o.moves for o in report.owners]


def test_neutralise() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+49 30 123") == "'+49 30 123"
    assert neutralise("-2") == "'-2"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("Acme = good") == "Acme = good"


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    from onboard_desk.storage.db import open_database, session_scope

    path = tmp_path / "hostile.sqlite3"
    engine = open_database(path)
    with session_scope(engine) as session:
        prospect_ops.create_prospect(
            session,
            fields={
                "name": '=HYPERLINK("http://evil.example","click")',
                "company": "@SUM(1+1)",
                "owner": "-Eve",
                "value_cents": 12_345,
            },
            by="+tester",
            now=datetime(2026, 1, 10, tzinfo=UTC),
        )
    engine.dispose()
    return path


def test_formula_injection_neutralised_in_csv_and_xlsx(hostile_db: Path, tmp_path: Path) -> None:
    sources = ReportSources.of([hostile_db])
    report = build_report(sources, now=NOW)
    for fmt in ("csv", "xlsx"):
        export_report(
            report, fmt, tmp_path / f"h.{fmt}", lambda: report_prospects(sources, ReportFilter())
        )
    with (tmp_path / "h.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["Name"].startswith("'=HYPERLINK")
    assert row["Company"] == "'@SUM(1+1)"
    assert row["Owner"] == "'-Eve"
    assert row["Value"] == "123.45"
    with (tmp_path / "h-owners.csv").open(encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["Owner"] == "'-Eve"
    book = openpyxl.load_workbook(tmp_path / "h.xlsx")
    sheet = book["Prospects"]
    # In XLSX the text stays exactly as stored, as a string with the quote-prefix style.
    for column, expected in ((3, "=HYPERLINK"), (4, "@SUM(1+1)")):
        cell = sheet.cell(row=2, column=column)
        assert cell.value.startswith(expected) and cell.data_type == "s"
        assert cell.quotePrefix, cell.coordinate
    assert not sheet.cell(row=1, column=3).quotePrefix
    assert sheet.cell(row=2, column=10).value == 123.45
    for ws in book.worksheets:
        for row_cells in ws.iter_rows():
            for cell in row_cells:
                assert cell.data_type != "f", (ws.title, cell.coordinate)


def test_negative_numbers_stay_numbers(tmp_path: Path) -> None:
    from onboard_desk.reports.export_csv import csv_value

    assert csv_value(-5, "int") == -5
    assert csv_value(-2.5, "days") == -2.5
    assert csv_value("-5", "text") == "'-5"
