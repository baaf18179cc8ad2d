"""HTML export: one self-contained file (inline CSS and SVG charts, no scripts)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from onboard_desk.reports import svg_charts
from onboard_desk.reports.model import Report
from onboard_desk.reports.tables import Table, format_value, report_tables

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: 0.2em; } .meta { color: #555; margin-bottom: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; }
th { background: #dce6f1; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; font-size: 13px; } section { break-inside: avoid; }
.charts svg { display: block; margin: 1em 0; }
"""


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{escape(c.header)}</th>" for c in table.columns)
    body = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, value in enumerate(row):
            kind = table.kind_at(r, c)
            css = ' class="n"' if kind not in ("text", "month") else ""
            cells.append(f"<td{css}>{escape(format_value(value, kind))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    return (
        f'<section id="{table.key}"><h2>{escape(table.title)}</h2>{note}'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>"
    )


def report_html(report: Report) -> str:
    funnel = svg_charts.horizontal_bars(
        [r.label for r in report.funnel],
        [("Reached", [r.reached for r in report.funnel])],
        title="Funnel: prospects reaching each stage",
    )
    durations = svg_charts.horizontal_bars(
        [r.label for r in report.durations],
        [
            ("Median days", [r.median_days for r in report.durations]),
            ("75th percentile days", [r.p75_days for r in report.durations]),
        ],
        title="Stage durations (days)",
        value_format="{:.1f}",
    )
    trend = svg_charts.lines(
        [r.week_start.isoformat() for r in report.trend],
        [
            ("New prospects", [r.new_prospects for r in report.trend]),
            ("Moves", [r.moves for r in report.trend]),
            ("Wins", [r.wins for r in report.trend]),
        ],
        title="Trend per week",
    )
    generated = report.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    meta = (
        f"Period: {escape(report.period)} · Owner: {escape(report.owner_label)} · "
        f"Generated {generated} · Databases: {escape(', '.join(report.sources))}"
    )
    tables = "".join(_table_html(t) for t in report_tables(report))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{escape(report.title)}</h1><p class="meta">{meta}</p>'
        f'<div class="charts">{funnel}{durations}{trend}</div>{tables}</body></html>'
    )


def write_html(report: Report, path: Path) -> None:
    path.write_text(report_html(report), encoding="utf-8")
