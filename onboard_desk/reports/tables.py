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

Kind = Literal["text", "int", "money", "percent", "days", "date", "datetime", "month", "number"]


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
    "customers": "Customers",
    "engagement": "Engagement",
    "purchases_due": "Purchases due",
    "referral_chains": "Referral chains",
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
        *customer_tables(report),
    ]


def customer_tables(report: Report) -> list[Table]:
    """The Customers section: its figures, the engagement bands, the purchases due soon and
    the referral chains (see the README's definitions)."""
    c = report.customers
    money = report.currency
    rows: list[tuple[str, Any, Kind]] = [
        ("Customers now", c.customers, "int"),
        ("Purchases in the period", c.purchases, "int"),
        (f"Value of those purchases ({money})", c.purchase_value, "money"),
        ("Customers who bought in the period", c.buying_customers, "int"),
        ("Customers with a purchase cadence", c.with_cadence, "int"),
        (f"Purchases due within {c.due_soon_days} days or overdue", c.due_soon, "int"),
        ("Lapsed (a whole usual interval overdue)", c.lapsed, "int"),
        ("Survey respondents in the period", c.respondents, "int"),
        ("Promoters (9-10)", c.promoters, "int"),
        ("Passives (7-8)", c.passives, "int"),
        ("Detractors (0-6)", c.detractors, "int"),
        ("Team NPS (-100 to 100)", c.nps, "number"),
        ("Referrals made in the period", c.referrals_made, "int"),
        ("Customers won through a referral in the period", c.won_via_referral, "int"),
        ("Customers at the start of the period", c.customers_at_start, "int"),
        ("Viral coefficient", c.viral_coefficient, "number"),
        (f"Referral credits earned in the period ({money})", c.credits_earned, "money"),
        ("Referral chains", c.chains, "int"),
        ("Prospects referred along them", c.chain_referred, "int"),
        ("Longest chain (levels)", c.longest_chain, "int"),
    ]
    figures = Table(
        "customers",
        "Customers",
        (Column("figure", "Figure"), Column("value", "Value")),
        tuple((name, value) for name, value, _kind in rows),
        note=(
            "Customers are prospects in stage Won. NPS: latest answer per customer in the "
            "period. Viral coefficient: won through a referral in the period / customers at "
            "its start."
        ),
        row_kinds=tuple(kind for _name, _value, kind in rows),
    )
    engagement = Table(
        "engagement",
        "Customer engagement (now)",
        (
            Column("band", "Engagement score"),
            Column("customers", "Customers", "int"),
            Column("share", "Share", "percent"),
        ),
        tuple((b.label, b.customers, b.share) for b in c.engagement),
        note="0-100 from the last 90 days' calls, emails, meetings, purchases and surveys.",
    )
    due = Table(
        "purchases_due",
        "Purchases due soon",
        (
            Column("customer", "Customer"),
            Column("company", "Company"),
            Column("owner", "Owner"),
            Column("purchases", "Purchases", "int"),
            Column("last_purchase", "Last purchase", "date"),
            Column("interval", "Usual interval (days)", "days"),
            Column("expected_next", "Expected next purchase", "date"),
            Column("database", "Database"),
        ),
        tuple(
            (
                d.name,
                d.company,
                d.owner or "(no owner)",
                d.purchases,
                d.last_purchase,
                d.interval_days,
                d.expected_next,
                d.database,
            )
            for d in c.due
        ),
        note=(
            f"Expected within {c.due_soon_days} days, or overdue by less than the usual "
            f"interval; soonest first (the first {len(c.due)} of {c.due_soon})."
        ),
    )
    chains = Table(
        "referral_chains",
        "Referral chains",
        (
            Column("referrer", "First referrer"),
            Column("owner", "Owner"),
            Column("referred", "Referred", "int"),
            Column("won", "Won", "int"),
            Column("levels", "Levels", "int"),
            Column("database", "Database"),
        ),
        tuple(
            (r.referrer, r.owner or "(no owner)", r.referred, r.won, r.levels, r.database)
            for r in c.referral_chains
        ),
        note=(
            f"The largest of {c.chains} chains: prospects referred at every level below the "
            "first referrer, and those of them won."
        ),
    )
    return [figures, engagement, due, chains]


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
    if kind == "number":
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
