"""The report as typed tables: what every exporter and the window lay out.

Each section becomes a :class:`Table` of columns with a kind (integer, money, percent,
days, date, text) and rows of raw values. Exporters decide how a kind looks (a percent
cell in XLSX, "41.2 %" in PDF), never what the value is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from onboard_desk.reports.model import Report

Kind = Literal["text", "int", "money", "percent", "days", "date", "datetime", "month"]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = "text"


SHEET_NAMES: dict[str, str] = {
    "dropoffs": "Drop-offs",
    "durations": "Stage durations",
    "forecast": "Forecast",
    "attention": "Attention",
    "trend": "Trend",
}


@dataclass(frozen=True)
class Table:
    """One section: ``key`` names files and sheets (``funnel``), ``title`` is shown."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""
    #: For a two-column figure/value table: the kind of each row's value.
    row_kinds: tuple[Kind, ...] = ()

    @property
    def sheet_name(self) -> str:
        """A short name for spreadsheet tabs (at most 31 characters)."""
        return SHEET_NAMES.get(self.key, self.title)[:31]

    def kind_at(self, row: int, column: int) -> Kind:
        """The kind of one cell (per row for figure/value tables, else per column)."""
        if self.row_kinds and column == len(self.columns) - 1:
            return self.row_kinds[row]
        return self.columns[column].kind

    def column(self, key: str) -> list[Any]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


def _reasons(row_reasons: Sequence[Any]) -> str:
    return "; ".join(f"{r.reason} ({r.prospects})" for r in row_reasons[:3])


def summary_table(report: Report) -> Table:
    rows: list[tuple[str, Any, Kind]] = [
        ("Period", report.period, "text"),
        ("Owner", report.owner_label, "text"),
        (
            "Generated at (UTC)",
            report.generated_at.replace(tzinfo=None, microsecond=0),
            "datetime",
        ),
        ("Databases", ", ".join(report.sources), "text"),
        ("Prospects (created in the period)", report.total_prospects, "int"),
        ("Won (paid)", report.won, "int"),
        ("Overall conversion to paid", report.overall_conversion, "percent"),
        (f"Value won ({report.currency})", report.value_won, "money"),
        (f"Open pipeline value ({report.currency})", report.open_value, "money"),
        (f"Weighted forecast ({report.currency})", report.weighted_value, "money"),
    ]
    return Table(
        "summary",
        "Summary",
        (Column("figure", "Figure"), Column("value", "Value")),
        tuple((name, value) for name, value, _kind in rows),
        row_kinds=tuple(kind for _name, _value, kind in rows),
    )


def report_tables(report: Report) -> list[Table]:
    """Every section of ``report`` as a table, in the order reports show them."""
    funnel = Table(
        "funnel",
        "Funnel",
        (
            Column("stage", "Stage"),
            Column("reached", "Reached", "int"),
            Column("converted", "Converted", "int"),
            Column("conversion", "Conversion", "percent"),
            Column("in_stage", "In stage now", "int"),
            Column("dropped", "Dropped off", "int"),
            Column("lost_reasons", "Top lost reasons"),
        ),
        tuple(
            (
                r.label,
                r.reached,
                r.converted,
                r.conversion,
                r.in_stage,
                r.dropped,
                _reasons(r.lost_reasons),
            )
            for r in report.funnel
        ),
        note="Reached: entered the stage or a later one. Conversion: reached the next stage.",
    )
    dropoffs = Table(
        "dropoffs",
        "Drop-offs by lost reason",
        (
            Column("stage", "Stage"),
            Column("reason", "Lost reason"),
            Column("prospects", "Prospects", "int"),
        ),
        tuple(
            (r.label, reason.reason, reason.prospects)
            for r in report.funnel
            for reason in r.lost_reasons
        ),
    )
    durations = Table(
        "durations",
        "Stage durations (days)",
        (
            Column("stage", "Stage"),
            Column("prospects", "Prospects", "int"),
            Column("median_days", "Median days", "days"),
            Column("p75_days", "75th percentile days", "days"),
        ),
        tuple((r.label, r.prospects, r.median_days, r.p75_days) for r in report.durations),
        note="Completed stays only; a reopened prospect's stays in a stage are added up.",
    )
    channels = Table(
        "channels",
        "Channels",
        (
            Column("channel", "Channel"),
            Column("prospects", "Prospects", "int"),
            Column("won", "Won", "int"),
            Column("conversion", "Conversion to paid", "percent"),
            Column("value_won", f"Value won ({report.currency})", "money"),
        ),
        tuple((r.label, r.prospects, r.won, r.conversion, r.value_won) for r in report.channels),
    )
    owners = Table(
        "owners",
        "Owners",
        (
            Column("owner", "Owner"),
            Column("prospects", "Prospects", "int"),
            Column("won", "Won", "int"),
            Column("lost", "Lost", "int"),
            Column("win_rate", "Win rate", "percent"),
            Column("prospects_worked", "Prospects worked", "int"),
            Column("activities", "Activities logged", "int"),
            Column("moves", "Moves", "int"),
        ),
        tuple(
            (
                r.owner or "(no owner)",
                r.prospects,
                r.won,
                r.lost,
                r.win_rate,
                r.prospects_worked,
                r.activities,
                r.moves,
            )
            for r in report.owners
        ),
    )
    forecast = Table(
        "forecast",
        "Forecast by month of expected close",
        (
            Column("month", "Month", "month"),
            Column("stage", "Stage"),
            Column("prospects", "Prospects", "int"),
            Column("open_value", f"Open value ({report.currency})", "money"),
            Column("probability", "Probability", "percent"),
            Column("weighted_value", f"Weighted value ({report.currency})", "money"),
        ),
        tuple(
            (r.month, r.label, r.prospects, r.open_value, r.probability, r.weighted_value)
            for r in report.forecast
        ),
        note="Open prospects; expected close is the month of the next action (overdue: now).",
    )
    attention = Table(
        "attention",
        "Attention list",
        (
            Column("owner", "Owner"),
            Column("overdue", "Overdue", "int"),
            Column("stale", "Stale", "int"),
            Column("no_next_action", "No next action", "int"),
            Column("needs_attention", "Needs attention", "int"),
        ),
        tuple(
            (r.owner or "(no owner)", r.overdue, r.stale, r.no_next_action, r.needs_attention)
            for r in report.attention
        ),
    )
    trend = Table(
        "trend",
        "Trend per week",
        (
            Column("week", "Week of", "date"),
            Column("new_prospects", "New prospects", "int"),
            Column("moves", "Moves", "int"),
            Column("wins", "Wins", "int"),
        ),
        tuple((r.week_start, r.new_prospects, r.moves, r.wins) for r in report.trend),
    )
    return [
        summary_table(report),
        funnel,
        dropoffs,
        durations,
        channels,
        owners,
        forecast,
        attention,
        trend,
    ]


def format_value(value: Any, kind: Kind) -> str:
    """How a value reads in text formats (PDF, HTML, the window): one place for all."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if kind == "percent":
        return f"{value * 100:.1f} %"
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "days":
        return f"{value:.1f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
