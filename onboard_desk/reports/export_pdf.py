"""PDF export (reportlab): a printable A4 report with tables, charts and page numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import (
    Table as PdfTable,
)

from onboard_desk.reports.model import Report
from onboard_desk.reports.tables import (
    Column,
    Table,
    format_value,
    report_tables,
)

BLUE = colors.HexColor("#4472C4")
ORANGE = colors.HexColor("#ED7D31")
GREEN = colors.HexColor("#70AD47")
HEADER_BG = colors.HexColor("#DCE6F1")
WIDTH = A4[0] - 30 * mm


def _bars(
    labels: list[str], series: list[tuple[str, list[float], Any]], title: str, fmt: str
) -> Drawing:
    height = 40 + 22 * len(labels) * max(1, len(series))
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 90, 20
    chart.width, chart.height = WIDTH - 150, height - 50
    chart.data = [values for _n, values, _c in series]
    for index, (_name, _values, color) in enumerate(series):
        chart.bars[index].fillColor = color
        chart.bars[index].strokeColor = None
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 8
    chart.barLabelFormat = fmt
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 12
    drawing.add(chart)
    drawing.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=11))
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = WIDTH - 150, height - 8
        legend.fontSize = 8
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.colorNamePairs = [(c, n) for n, _v, c in series]
        drawing.add(legend)
    return drawing


def _trend(report: Report) -> Drawing:
    height = 200
    drawing = Drawing(WIDTH, height)
    plot = LinePlot()
    plot.x, plot.y = 45, 30
    plot.width, plot.height = WIDTH - 60, height - 60
    series = [
        ("New prospects", [r.new_prospects for r in report.trend], BLUE),
        ("Moves", [r.moves for r in report.trend], ORANGE),
        ("Wins", [r.wins for r in report.trend], GREEN),
    ]
    plot.data = [list(enumerate(values)) for _n, values, _c in series]
    for index, (_n, _v, color) in enumerate(series):
        plot.lines[index].strokeColor = color
        plot.lines[index].strokeWidth = 1.5
    weeks = [r.week_start for r in report.trend]
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = max(len(weeks) - 1, 1)
    step = max(1, len(weeks) // 8)
    plot.xValueAxis.valueSteps = list(range(0, len(weeks), step))
    plot.xValueAxis.labelTextFormat = lambda i: (
        weeks[int(i)].strftime("%d %b %y") if 0 <= int(i) < len(weeks) else ""
    )
    plot.xValueAxis.labels.fontSize = 7
    plot.yValueAxis.valueMin = 0
    plot.yValueAxis.labels.fontSize = 7
    drawing.add(plot)
    drawing.add(String(0, height - 12, "Trend per week", fontName="Helvetica-Bold", fontSize=11))
    legend = Legend()
    legend.x, legend.y = WIDTH - 240, height - 8
    legend.fontSize = 8
    legend.columnMaximum = 1
    legend.alignment = "right"
    legend.colorNamePairs = [(c, n) for n, _v, c in series]
    legend.deltax = 80
    legend.dxTextSpace = 4
    legend.dx = 8
    legend.dy = 8
    drawing.add(legend)
    return drawing


def _weight(column: Column) -> float:
    """A column's share of the page width: text wide, numbers narrow, but dates and a
    header's longest word (8 pt bold) never broken."""
    if column.header == "Top lost reasons":
        return 4.0
    if column.kind == "text":
        return 2.2
    longest = max(len(word) for word in column.header.split())
    return max(1.7 if column.kind in ("date", "datetime") else 1.0, longest / 5.5)


def _pdf_table(table: Table, styles: Any) -> list[Any]:
    body = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    header = [Paragraph(f"<b>{c.header}</b>", body) for c in table.columns]
    rows: list[list[Any]] = [header]
    numeric: list[int] = []
    for c, column in enumerate(table.columns):
        if column.kind not in ("text", "month"):
            numeric.append(c)
    for r, row in enumerate(table.rows):
        cells: list[Any] = []
        for c, value in enumerate(row):
            text = format_value(value, table.kind_at(r, c))
            cells.append(Paragraph(_escape(text), body) if c not in numeric else text)
        rows.append(cells)
    weights = [_weight(c) for c in table.columns]
    if table.row_kinds:
        weights = [2.0, 2.0]
    widths = [WIDTH * w / sum(weights) for w in weights]
    pdf_table = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F5F7FA")]),
    ]
    for c in numeric:
        style.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
    pdf_table.setStyle(TableStyle(style))
    flow: list[Any] = [Paragraph(table.title, styles["Heading2"])]
    if table.note:
        flow.append(Paragraph(_escape(table.note), styles["Italic"]))
    if not table.rows:
        flow.append(Paragraph("Nothing in this period.", styles["BodyText"]))
        return [KeepTogether(flow)]
    return [KeepTogether([*flow, pdf_table]), Spacer(1, 6 * mm)]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_pdf(report: Report, path: Path) -> None:
    styles = getSampleStyleSheet()
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(15 * mm, 10 * mm, f"{report.title} · {report.period}")
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=report.title,
        author="Onboard Desk",
    )
    story: list[Any] = [
        Paragraph(_escape(report.title), styles["Title"]),
        Paragraph(
            f"<b>Period:</b> {_escape(report.period)} &nbsp; "
            f"<b>Owner:</b> {_escape(report.owner_label)} &nbsp; "
            f"<b>Generated:</b> {generated}<br/>"
            f"<b>Databases:</b> {_escape(', '.join(report.sources))}",
            styles["BodyText"],
        ),
        Spacer(1, 4 * mm),
    ]
    tables = {t.key: t for t in report_tables(report)}
    story += _pdf_table(tables["summary"], styles)
    story.append(
        _bars(
            [r.label for r in report.funnel],
            [("Reached", [r.reached for r in report.funnel], BLUE)],
            "Funnel: prospects reaching each stage",
            "%d",
        )
    )
    story += _pdf_table(tables["funnel"], styles)
    story += _pdf_table(tables["dropoffs"], styles)
    story.append(
        _bars(
            [r.label for r in report.durations],
            [
                ("Median", [r.median_days or 0 for r in report.durations], BLUE),
                ("75th percentile", [r.p75_days or 0 for r in report.durations], ORANGE),
            ],
            "Stage durations (days)",
            "%.1f",
        )
    )
    for key in ("durations", "channels", "owners", "forecast", "attention"):
        story += _pdf_table(tables[key], styles)
    if report.trend:
        story.append(_trend(report))
    story += _pdf_table(tables["trend"], styles)
    story += _pdf_table(tables["customers"], styles)
    bands = report.customers.engagement
    if any(b.customers for b in bands):
        story.append(
            _bars(
                [b.label for b in bands],
                [("Customers", [b.customers for b in bands], GREEN)],
                "Customer engagement (now)",
                "%d",
            )
        )
    for key in ("engagement", "purchases_due", "referral_chains"):
        story += _pdf_table(tables[key], styles)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
