"""Repeat-purchase cadence and the nudge before the next purchase (plain Python).

The rules, as the README states them:

- A customer's **purchase days** are the distinct calendar days (UTC) with a purchase;
  several purchases on one day are one occasion.
- With at least :data:`MIN_PURCHASE_DAYS` purchase days, the **interval** is the median
  of the gaps in days between consecutive purchase days (the mean of the two middle gaps
  for an even count), so one unusually late or early purchase moves it little.
- The **expected next purchase** is the last purchase plus the interval; the **nudge**
  comes ``nudge_fraction`` of the interval after the last purchase (0.75 by default:
  buying every four months means a reminder at about three).
- **Contact cap**: a customer gets at most one retention contact per ``contact_cap_days``.
  A retention contact is a done call, email or meeting logged while the prospect was a
  customer (its activity's stage is Won). The nudge is therefore due no earlier than the
  cap after the last such contact; the cap moves the nudge, it never drops it.
- The nudge becomes the customer's next action only when that is empty or is an earlier
  nudge: a next action someone chose is never overwritten. A customer marked do-not-contact
  gets none.

The SQL in :mod:`onboard_desk.retention.purchases` computes the same figures for many
customers at once; tests check the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from onboard_desk.domain.timeutil import as_utc, format_local

#: Purchase days needed before there is an interval to speak of.
MIN_PURCHASE_DAYS = 2
#: Activity kinds that count as contacting the customer (a note is the salesperson's own).
RETENTION_CONTACT_KINDS: tuple[str, ...] = ("call", "email", "meeting")
#: How every nudge's text begins; how a nudge is told from a next action someone typed.
NUDGE_PREFIX = "Repeat purchase"


@dataclass(frozen=True)
class Cadence:
    """What a customer's purchase history says about the next purchase."""

    purchases: int
    purchase_days: int
    last_purchase: datetime | None
    interval_days: float | None
    expected_next: datetime | None
    nudge_at: datetime | None

    @property
    def known(self) -> bool:
        """True once there are enough purchase days for an interval."""
        return self.interval_days is not None


@dataclass(frozen=True)
class NudgePlan:
    """The reminder a cadence proposes: the next action's text and due time."""

    text: str
    due: datetime
    expected_next: datetime
    #: True when the contact cap moved the nudge later than the cadence alone would.
    capped: bool


def median(values: Sequence[float]) -> float:
    """The median (the mean of the two middle values for an even count); ValueError if empty."""
    if not values:
        raise ValueError("median of no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def purchase_days(moments: Iterable[datetime]) -> list[date]:
    """The distinct UTC calendar days of ``moments``, oldest first."""
    return sorted({as_utc(moment).date() for moment in moments})


def cadence_from(moments: Iterable[datetime], *, fraction: float) -> Cadence:
    """The cadence of a customer who bought at ``moments`` (any order)."""
    stamps = [as_utc(moment) for moment in moments]
    days = purchase_days(stamps)
    last = max(stamps) if stamps else None
    if len(days) < MIN_PURCHASE_DAYS or last is None:
        return Cadence(len(stamps), len(days), last, None, None, None)
    interval = median([float((later - earlier).days) for earlier, later in pairwise(days)])
    return cadence_with(
        last, interval, purchases=len(stamps), purchase_days=len(days), fraction=fraction
    )


def cadence_with(
    last: datetime, interval_days: float, *, purchases: int, purchase_days: int, fraction: float
) -> Cadence:
    """The cadence of a known last purchase and interval (what the SQL of many customers
    gives), with the expected next purchase and the nudge."""
    last = as_utc(last)
    return Cadence(
        purchases=purchases,
        purchase_days=purchase_days,
        last_purchase=last,
        interval_days=interval_days,
        expected_next=last + timedelta(days=interval_days),
        nudge_at=last + timedelta(days=interval_days * fraction),
    )


def next_contact_allowed(last_contact: datetime | None, cap_days: int) -> datetime | None:
    """The first moment the contact cap allows another retention contact (None: any time)."""
    if last_contact is None:
        return None
    return as_utc(last_contact) + timedelta(days=cap_days)


def plan_nudge(
    cadence: Cadence, *, last_contact: datetime | None, cap_days: int
) -> NudgePlan | None:
    """The nudge for ``cadence`` under the contact cap, or None while there is no cadence."""
    if cadence.nudge_at is None or cadence.expected_next is None:
        return None
    due = cadence.nudge_at
    allowed = next_contact_allowed(last_contact, cap_days)
    capped = allowed is not None and allowed > due
    if allowed is not None and capped:
        due = allowed
    return NudgePlan(nudge_text(cadence.expected_next), due, cadence.expected_next, capped)


def nudge_text(expected_next: datetime) -> str:
    """The next action a nudge sets ("Repeat purchase expected around 2027-03-14: check in")."""
    day = format_local(expected_next, with_time=False)
    return f"{NUDGE_PREFIX} expected around {day}: check in"


def is_nudge(next_action: str | None) -> bool:
    """True for a next action that a nudge set (and a later nudge may replace)."""
    return bool(next_action) and str(next_action).startswith(NUDGE_PREFIX)


def may_replace(next_action: str | None) -> bool:
    """Whether a nudge may take the place of ``next_action``: only nothing or a nudge."""
    return not next_action or is_nudge(next_action)
