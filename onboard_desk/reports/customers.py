"""The report's Customers section, computed in SQL over every source database.

Per database a handful of statements (:mod:`onboard_desk.retention.sql` and
:func:`onboard_desk.retention.engagement.distribution_sql`) return counts and a few
rows; Python only adds the databases up. Period figures (purchases, survey answers and
NPS, referrals and the viral coefficient) follow the report's period and owner; the
customers, their engagement, the purchases due and the referral chains are as they stand
when the report is made, like the forecast. A database from before customers were kept
(schema 0007 or older) adds nothing. The statements take the sources' dialect.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from onboard_desk.reports.definitions import ReportFilter, ratio
from onboard_desk.reports.model import (
    CustomersSection,
    DuePurchaseRow,
    EngagementBand,
    ReferralChainRow,
)
from onboard_desk.reports.sources import ReportSources
from onboard_desk.retention import engagement
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.nps import NpsSummary
from onboard_desk.retention.sql import (
    cadences_sql,
    chains_sql,
    customers_at_sql,
    purchases_in_period_sql,
    referrals_in_period_sql,
    stored_time,
    team_nps_sql,
)

#: Rows of the "purchases due soon" and "referral chains" tables (soonest / largest first).
DUE_ROWS = 50
CHAIN_ROWS = 20
#: The status :func:`onboard_desk.retention.sql.cadences_sql` gives a customer.
DUE, LAPSED = 1, 2


def customers_section(
    sources: ReportSources,
    flt: ReportFilter,
    now: datetime,
    config: RetentionConfig,
) -> CustomersSection:
    """The Customers section of a report on ``sources`` (see the README's definitions)."""
    owner = bool(flt.owner)
    dialect = sources.dialect
    params: dict[str, Any] = {
        "start": dialect.timestamp_param(flt.start()),
        "end": dialect.timestamp_param(flt.end(now)),
        "horizon": dialect.timestamp_param(now + timedelta(days=config.due_soon_days)),
        "now": dialect.timestamp_param(now),
        **engagement.window_params(now, dialect=dialect),
    }
    if flt.owner:
        params["owner"] = flt.owner
    totals = dict.fromkeys(
        (
            "customers",
            "purchases",
            "value",
            "buying",
            "due",
            "lapsed",
            "cadence",
            "made",
            "converted",
            "credits",
            "at_start",
            "chains",
            "chain_referred",
        ),
        0,
    )
    longest = 0
    nps = NpsSummary()
    bands = [0] * len(engagement.BANDS)
    due: list[DuePurchaseRow] = []
    chains: list[ReferralChainRow] = []
    with sources.connect() as connection:
        for name, schema in zip(sources.names, sources.schemas, strict=True):
            if not dialect.has_table(connection, schema, "referral"):
                continue  # from before customers were kept
            prefix = f"{schema}."

            def row(statement: str) -> tuple[Any, ...]:
                return tuple(connection.execute(statement, params).fetchone())

            by_owner = " AND c.owner = :owner" if owner else ""
            (count,) = row(
                f"SELECT COUNT(*) FROM {prefix}prospect c WHERE c.stage = 'won'{by_owner}"
            )
            totals["customers"] += count
            bought, value, buying = row(purchases_in_period_sql(prefix, owner=owner))
            totals["purchases"] += bought
            totals["value"] += value
            totals["buying"] += buying
            nps += NpsSummary(*row(team_nps_sql(prefix, owner=owner)))
            made, converted, credits = row(referrals_in_period_sql(prefix, owner=owner))
            totals["made"] += made
            totals["converted"] += converted
            totals["credits"] += credits
            if flt.date_from is not None:  # all time starts before anyone was a customer
                totals["at_start"] += row(customers_at_sql(prefix, owner=owner))[0]
            for band, customers in connection.execute(
                engagement.distribution_sql(prefix, owner=owner, dialect=dialect), params
            ):
                bands[band] += customers
            soonest = 0
            for pid, who, company, owned, last, interval, count, status in connection.execute(
                cadences_sql(prefix, owner=owner, dialect=dialect), params
            ):
                totals["cadence"] += 1
                totals["lapsed"] += status == LAPSED
                if status != DUE:
                    continue
                totals["due"] += 1
                if soonest == DUE_ROWS:
                    continue  # counted; each database lists its soonest
                soonest += 1
                last_at = stored_time(last)
                assert last_at is not None
                due.append(
                    DuePurchaseRow(
                        database=name,
                        prospect_id=int(pid),
                        name=who,
                        company=company,
                        owner=owned,
                        purchases=int(count),
                        last_purchase=last_at.date(),
                        interval_days=float(interval),
                        expected_next=(last_at + timedelta(days=float(interval))).date(),
                    )
                )
            largest = 0
            for root, who, owned, referred_count, won, levels in connection.execute(
                chains_sql(prefix, owner=owner), params
            ):
                totals["chains"] += 1
                totals["chain_referred"] += referred_count
                longest = max(longest, levels)
                if largest < CHAIN_ROWS:  # largest first: each database lists its largest
                    largest += 1
                    chains.append(
                        ReferralChainRow(name, int(root), who, owned, referred_count, won, levels)
                    )
    customers = totals["customers"]
    return CustomersSection(
        customers=customers,
        purchases=totals["purchases"],
        purchase_value=round(totals["value"] / 100, 2),
        buying_customers=totals["buying"],
        with_cadence=totals["cadence"],
        due_soon=totals["due"],
        lapsed=totals["lapsed"],
        due_soon_days=config.due_soon_days,
        respondents=nps.respondents,
        promoters=nps.promoters,
        passives=nps.passives,
        detractors=nps.detractors,
        nps=nps.score,
        referrals_made=totals["made"],
        won_via_referral=totals["converted"],
        customers_at_start=totals["at_start"],
        viral_coefficient=ratio(totals["converted"], totals["at_start"]),
        credits_earned=round(totals["credits"] / 100, 2),
        chains=totals["chains"],
        chain_referred=totals["chain_referred"],
        longest_chain=longest,
        engagement=tuple(
            EngagementBand(label, low, high, bands[index], ratio(bands[index], customers))
            for index, (label, low, high) in enumerate(engagement.BANDS)
        ),
        due=tuple(sorted(due, key=lambda d: (d.expected_next, d.database, d.prospect_id)))[
            :DUE_ROWS
        ],
        referral_chains=tuple(
            sorted(chains, key=lambda c: (-c.referred, -c.levels, c.database, c.prospect_id))
        )[:CHAIN_ROWS],
    )
