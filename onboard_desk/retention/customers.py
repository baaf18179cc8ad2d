"""The customer list: every customer with their code, purchases, cadence, engagement, latest
survey score and referrals, in one SQL statement (sorted and paged in SQL), and its count.

What the command line's ``customers`` prints and what a customer screen lists.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session

from onboard_desk.domain.referral_codes import display_code
from onboard_desk.errors import UserError
from onboard_desk.retention.engagement import (
    customer_condition,
    points_sql,
    score_sql,
    window_params,
)
from onboard_desk.retention.nps import NpsCategory, category
from onboard_desk.retention.sql import (
    cadence_ctes,
    customers_sql,
    expected_next_sql,
    latest_scores_sql,
    stored_time,
)


class CustomerSort(enum.StrEnum):
    """What the customer list can be sorted by (ties by id)."""

    NAME = "name"
    ENGAGEMENT = "engagement"
    NEXT_PURCHASE = "next_purchase"
    LAST_PURCHASE = "last_purchase"
    SCORE = "score"
    REFERRALS = "referrals"
    SINCE = "since"


#: The SQL each sort orders by (customers without a value last, whatever the direction).
_ORDER: dict[CustomerSort, str] = {
    CustomerSort.NAME: "lower(c.name)",
    CustomerSort.ENGAGEMENT: "engagement",
    CustomerSort.NEXT_PURCHASE: expected_next_sql(),
    CustomerSort.LAST_PURCHASE: "cad_total.last_at",
    CustomerSort.SCORE: "latest_score.score",
    CustomerSort.REFERRALS: "coalesce(made.referred, 0)",
    CustomerSort.SINCE: "c.stage_entered_at",
}


@dataclass(frozen=True)
class CustomerRow:
    """One customer as the list shows them. Money in minor units; times aware UTC."""

    prospect_id: int
    name: str
    company: str
    owner: str
    currency: str
    customer_since: datetime
    code: str | None
    purchases: int
    total_cents: int
    last_purchase: datetime | None
    interval_days: float | None
    engagement: int
    latest_score: int | None
    latest_score_at: datetime | None
    referred: int
    referred_won: int
    referred_by: int | None
    next_action: str | None
    next_action_due: datetime | None

    @property
    def expected_next(self) -> datetime | None:
        """The expected next purchase (last purchase + the usual interval)."""
        if self.last_purchase is None or self.interval_days is None:
            return None
        return self.last_purchase + timedelta(days=self.interval_days)

    @property
    def nps_category(self) -> NpsCategory | None:
        return category(self.latest_score) if self.latest_score is not None else None

    @property
    def display_code(self) -> str:
        return display_code(self.code) if self.code else ""


def customers_statement(
    *, owner: bool, sort: CustomerSort, descending: bool, limit: bool, offset: bool = False
) -> str:
    """The list's SELECT (parameters: the engagement window, ``:owner``, ``:limit``,
    ``:offset``; an offset only comes with a limit)."""
    customers = customers_sql(owner=owner)
    order = _ORDER[sort]
    direction = "DESC" if descending else "ASC"
    return (
        f"WITH {cadence_ctes('', customers, amounts=True)}, "
        f"{latest_scores_sql('', customers)}, "
        f"points AS ({points_sql(where=customer_condition(owner=owner))}), "
        "made AS (SELECT r.referrer_id AS pid, COUNT(*) AS referred, "
        "COUNT(r.converted_at) AS won FROM referral r "
        f"WHERE r.referrer_id IN ({customers}) GROUP BY r.referrer_id) "
        "SELECT c.id, c.name, c.company, c.owner, c.currency, c.stage_entered_at, rc.code, "
        "coalesce(cad_total.purchases, 0), coalesce(cad_total.total_cents, 0), "
        "cad_total.last_at, cad_median.interval_days, "
        f"{score_sql('coalesce(points.points, 0)')} AS engagement, "
        "latest_score.score, latest_score.answered_at, coalesce(made.referred, 0), "
        "coalesce(made.won, 0), came.referrer_id, c.next_action, c.next_action_due "
        f"FROM prospect c "
        "LEFT JOIN cad_total ON cad_total.pid = c.id "
        "LEFT JOIN cad_median ON cad_median.pid = c.id "
        "LEFT JOIN latest_score ON latest_score.pid = c.id "
        "LEFT JOIN points ON points.pid = c.id "
        "LEFT JOIN made ON made.pid = c.id "
        "LEFT JOIN referralcode rc ON rc.prospect_id = c.id "
        "LEFT JOIN referral came ON came.referred_id = c.id "
        f"WHERE c.id IN ({customers}) "
        f"ORDER BY {order} IS NULL, {order} {direction}, c.id {direction}"
        + (" LIMIT :limit" if limit else "")
        + (" OFFSET :offset" if limit and offset else "")
    )


def list_customers(
    session: Session,
    *,
    now: datetime,
    owner: str | None = None,
    sort: CustomerSort | str = CustomerSort.NAME,
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[CustomerRow]:
    """Every current customer (stage Won), of ``owner`` if given; engagement as of ``now``.

    ``limit`` and ``offset`` give one page of the sorted list: SQL still aggregates every
    customer to sort them, but only the page's rows come back to Python.
    """
    if offset and limit is None:
        raise ValueError("An offset needs a limit.")
    try:
        order = CustomerSort(sort)
    except ValueError:
        known = ", ".join(s.value for s in CustomerSort)
        raise UserError(f"Cannot sort customers by {sort!r}; use one of: {known}.") from None
    params: dict[str, object] = dict(window_params(now))
    if owner is not None:
        params["owner"] = owner
    if limit is not None:
        params["limit"] = limit
    if offset:
        params["offset"] = offset
    statement = customers_statement(
        owner=owner is not None,
        sort=order,
        descending=descending,
        limit=limit is not None,
        offset=bool(offset),
    )
    rows = []
    for row in session.execute(text(statement), params):
        since = stored_time(row[5])
        assert since is not None
        rows.append(
            CustomerRow(
                prospect_id=int(row[0]),
                name=row[1],
                company=row[2],
                owner=row[3],
                currency=row[4],
                customer_since=since,
                code=row[6],
                purchases=int(row[7]),
                total_cents=int(row[8]),
                last_purchase=stored_time(row[9]),
                interval_days=None if row[10] is None else float(row[10]),
                engagement=int(row[11]),
                latest_score=None if row[12] is None else int(row[12]),
                latest_score_at=stored_time(row[13]),
                referred=int(row[14]),
                referred_won=int(row[15]),
                referred_by=None if row[16] is None else int(row[16]),
                next_action=row[17],
                next_action_due=stored_time(row[18]),
            )
        )
    return rows


def count_customers(session: Session, *, owner: str | None = None) -> int:
    """How many customers (of ``owner``) there are: one count over the (stage, name) index."""
    params = {"owner": owner} if owner is not None else {}
    statement = f"SELECT COUNT(*) FROM ({customers_sql(owner=owner is not None)}) ids"
    return int(session.execute(text(statement), params).scalar_one())
