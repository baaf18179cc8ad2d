"""The computed report: one immutable value that every exporter and the window read.

Keeping every figure in one :class:`Report` is what makes the numbers agree across the
screen, XLSX, PDF, CSV, HTML and JSON: nothing downstream recomputes anything.
Money is in currency units (floats from integer cents), shares are fractions (0..1),
durations are days.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class LostReasonCount:
    reason: str
    prospects: int


@dataclass(frozen=True)
class FunnelRow:
    """One stage of the funnel (see the definitions of reached, converted, drop-off)."""

    stage: str
    label: str
    reached: int
    converted: int | None
    conversion: float | None
    in_stage: int
    dropped: int
    lost_reasons: tuple[LostReasonCount, ...] = ()


@dataclass(frozen=True)
class DurationRow:
    """Median and 75th-percentile days of a stage (or a span), over ``prospects`` values."""

    key: str
    label: str
    prospects: int
    median_days: float | None
    p75_days: float | None


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    label: str
    prospects: int
    won: int
    conversion: float | None
    value_won: float


@dataclass(frozen=True)
class OwnerRow:
    owner: str
    prospects: int
    won: int
    lost: int
    win_rate: float | None
    prospects_worked: int
    activities: int
    moves: int


@dataclass(frozen=True)
class ForecastRow:
    """Open value of one stage expected to close in ``month`` (``YYYY-MM``)."""

    month: str
    stage: str
    label: str
    prospects: int
    open_value: float
    probability: float
    weighted_value: float


@dataclass(frozen=True)
class AttentionRow:
    owner: str
    overdue: int
    stale: int
    no_next_action: int
    needs_attention: int


@dataclass(frozen=True)
class TrendRow:
    """One ISO week (``week_start`` is its Monday)."""

    week_start: date
    new_prospects: int
    moves: int
    wins: int


@dataclass(frozen=True)
class EngagementBand:
    """Customers whose engagement score falls in ``low``..``high`` (see the definitions)."""

    label: str
    low: int
    high: int
    customers: int
    share: float | None


@dataclass(frozen=True)
class DuePurchaseRow:
    """A customer whose next purchase is expected soon (or is overdue)."""

    database: str
    prospect_id: int
    name: str
    company: str
    owner: str
    purchases: int
    last_purchase: date
    interval_days: float
    expected_next: date


@dataclass(frozen=True)
class ReferralChainRow:
    """One referral chain: its first referrer, the prospects referred along it, those of
    them won through it, and how many levels deep it goes."""

    database: str
    prospect_id: int
    referrer: str
    owner: str
    referred: int
    won: int
    levels: int


@dataclass(frozen=True)
class CustomersSection:
    """Keeping customers: what the period brought (purchases, survey answers, referrals)
    and where the customers stand now (engagement, purchases due). Money in currency
    units; the NPS from -100 to 100; the viral coefficient a ratio."""

    customers: int = 0
    purchases: int = 0
    purchase_value: float = 0.0
    buying_customers: int = 0
    with_cadence: int = 0
    due_soon: int = 0
    lapsed: int = 0
    due_soon_days: int = 30
    respondents: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    nps: float | None = None
    referrals_made: int = 0
    won_via_referral: int = 0
    customers_at_start: int = 0
    viral_coefficient: float | None = None
    credits_earned: float = 0.0
    chains: int = 0
    chain_referred: int = 0
    longest_chain: int = 0
    engagement: tuple[EngagementBand, ...] = ()
    due: tuple[DuePurchaseRow, ...] = ()
    referral_chains: tuple[ReferralChainRow, ...] = ()


@dataclass(frozen=True)
class Report:
    """Every figure of one pipeline report, with what it is about."""

    title: str
    generated_at: datetime
    period: str
    date_from: date | None
    date_to: date | None
    owner: str | None
    sources: tuple[str, ...]
    currency: str
    total_prospects: int
    won: int
    overall_conversion: float | None
    value_won: float
    open_value: float
    weighted_value: float
    funnel: tuple[FunnelRow, ...]
    durations: tuple[DurationRow, ...]
    channels: tuple[ChannelRow, ...]
    owners: tuple[OwnerRow, ...]
    forecast: tuple[ForecastRow, ...]
    attention: tuple[AttentionRow, ...]
    trend: tuple[TrendRow, ...]
    probabilities: dict[str, float] = field(default_factory=dict)
    customers: CustomersSection = field(default_factory=CustomersSection)
    seconds: float = 0.0

    @property
    def owner_label(self) -> str:
        return self.owner or "Whole team"

    def to_dict(self) -> dict[str, Any]:
        """Every figure as JSON-ready data (dates as ISO text), for scripts."""

        def convert(value: Any) -> Any:
            if isinstance(value, datetime | date):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [convert(v) for v in value]
            return value

        data = convert(asdict(self))
        assert isinstance(data, dict)
        data.pop("seconds", None)
        return data
