"""The retention SQL that works on many customers at once, shared by the services and the report.

Each builder returns the text of one statement with named parameters (``:owner``,
``:start``...), for a session's connection (``prefix=""``) or for a report database
under its schema (``prefix="src0."``). Timestamps are compared as stored, with parameters
from the dialect's ``timestamp_param``; the day arithmetic (day numbers, calendar days)
comes from the dialect module (:mod:`onboard_desk.storage.dialects`), given as
``dialect=``; without it, the embedded database's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from onboard_desk.pipeline import ORDERED_STAGES, Stage
from onboard_desk.retention.nps import DETRACTOR_MAX, PROMOTER_MIN
from onboard_desk.storage.dialects import SqlDialect, embedded

#: How deep a referral chain is followed (a guard; links are made so they cannot loop).
MAX_CHAIN_DEPTH = 100


def stored_time(value: str | datetime | None) -> datetime | None:
    """A timestamp read through raw SQL (UTC text without offset) as an aware datetime."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def owned_by(prefix: str, prospect_id: str) -> str:
    """A condition: the prospect ``prospect_id`` (a column) is ``:owner``'s. Written as a
    lookup by id, so a period's rows are found through their time index first."""
    return (
        f"EXISTS (SELECT 1 FROM {prefix}prospect o WHERE o.id = {prospect_id} AND o.owner = :owner)"
    )


def customers_sql(prefix: str = "", *, owner: bool = False) -> str:
    """The ids of the current customers (stage Won), of ``:owner`` when ``owner``; read
    from the index on (stage, name)."""
    by_owner = " AND c.owner = :owner" if owner else ""
    return f"SELECT c.id FROM {prefix}prospect c WHERE c.stage = 'won'{by_owner}"


# --- Purchases and cadence -------------------------------------------------------------------


def cadence_ctes(
    prefix: str, customers: str, *, amounts: bool = False, dialect: SqlDialect | None = None
) -> str:
    """Common table expressions with each customer's purchases and cadence, for the
    customers the subquery ``customers`` selects (ids):

    - ``cad_total(pid, purchases, last_at[, total_cents])``: every customer with a
      purchase (``total_cents`` with ``amounts``, which reads the purchase rows);
    - ``cad_median(pid, interval_days, purchase_days)``: those with at least two purchase
      days (UTC calendar days), the median of the gaps in days between consecutive
      purchase days (the mean of the middle two for an even count).

    The same rules as :func:`onboard_desk.retention.cadence.cadence_from`: the gaps
    between a customer's consecutive purchases in time order, in calendar days, leaving
    out the zero gaps of purchases on the same day, are exactly the gaps between
    consecutive purchase days. The purchases are read in the order of the index on
    (prospect, time), so only the gaps are sorted (for the median).
    """
    d = dialect or embedded()
    previous = "LAG(u.purchased_at) OVER (PARTITION BY u.prospect_id ORDER BY u.purchased_at)"
    gap = f"{d.day_number(d.day_of('u.purchased_at'))} - {d.day_number(d.day_of(previous))}"
    total = ", SUM(coalesce(u.amount_cents, 0)) AS total_cents" if amounts else ""
    return (
        f"cad_gaps AS (SELECT u.prospect_id AS pid, {gap} AS gap "
        f"FROM {prefix}purchase u WHERE u.prospect_id IN ({customers})), "
        "cad_ranked AS (SELECT pid, gap, "
        "ROW_NUMBER() OVER (PARTITION BY pid ORDER BY gap) AS rn, "
        "COUNT(*) OVER (PARTITION BY pid) AS n FROM cad_gaps WHERE gap > 0), "
        "cad_median AS (SELECT pid, AVG(gap) AS interval_days, MAX(n) + 1 AS purchase_days "
        "FROM cad_ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY pid), "
        "cad_total AS (SELECT u.prospect_id AS pid, COUNT(*) AS purchases, "
        f"MAX(u.purchased_at) AS last_at{total} "
        f"FROM {prefix}purchase u WHERE u.prospect_id IN ({customers}) GROUP BY u.prospect_id)"
    )


def expected_next_sql(*, dialect: SqlDialect | None = None) -> str:
    """The day number of the expected next purchase, over :func:`cadence_ctes`."""
    last = (dialect or embedded()).day_number("cad_total.last_at")
    return f"({last} + cad_median.interval_days)"


def _lapsed(expected: str, dialect: SqlDialect) -> str:
    """A whole usual interval past the expected purchase at ``:now``: the customer lapsed."""
    return f"{expected} + cad_median.interval_days < {dialect.day_number(':now')}"


def due_soon_sql(
    prefix: str = "",
    *,
    owner: bool = False,
    limit: str | None = None,
    dialect: SqlDialect | None = None,
) -> str:
    """Customers whose next purchase is expected before ``:horizon``, overdue ones too
    unless they have lapsed (a whole interval overdue at ``:now``), soonest first: id, name,
    company, owner, last purchase, interval days, purchases; at most ``:<limit>`` rows when
    ``limit`` names a parameter."""
    d = dialect or embedded()
    customers = customers_sql(prefix, owner=owner)
    expected = expected_next_sql(dialect=d)
    return (
        f"WITH {cadence_ctes(prefix, customers, dialect=d)} "
        "SELECT p.id, p.name, p.company, p.owner, cad_total.last_at, "
        "cad_median.interval_days, cad_total.purchases "
        "FROM cad_median JOIN cad_total ON cad_total.pid = cad_median.pid "
        f"JOIN {prefix}prospect p ON p.id = cad_median.pid "
        f"WHERE {expected} < {d.day_number(':horizon')} AND NOT ({_lapsed(expected, d)}) "
        f"ORDER BY {expected}, p.id" + (f" LIMIT :{limit}" if limit else "")
    )


def cadences_sql(
    prefix: str = "", *, owner: bool = False, dialect: SqlDialect | None = None
) -> str:
    """Every customer with a cadence, soonest expected purchase first: id, name, company,
    owner, last purchase, interval days, purchases, and a status: 1 when the purchase is
    due soon (as :func:`due_soon_sql` selects), 2 when the customer lapsed, else 0. What
    the report counts and lists, in one pass."""
    d = dialect or embedded()
    customers = customers_sql(prefix, owner=owner)
    expected = expected_next_sql(dialect=d)
    return (
        f"WITH {cadence_ctes(prefix, customers, dialect=d)} "
        "SELECT p.id, p.name, p.company, p.owner, cad_total.last_at, "
        "cad_median.interval_days, cad_total.purchases, "
        f"CASE WHEN {_lapsed(expected, d)} THEN 2 "
        f"WHEN {expected} < {d.day_number(':horizon')} THEN 1 ELSE 0 END "
        "FROM cad_median JOIN cad_total ON cad_total.pid = cad_median.pid "
        f"JOIN {prefix}prospect p ON p.id = cad_median.pid ORDER BY {expected}, p.id"
    )


def purchases_in_period_sql(prefix: str = "", *, owner: bool = False) -> str:
    """Purchases made in [``:start``, ``:end``): how many, their amount, and by how many
    customers (read from the index on the purchase time)."""
    by_owner = f" AND {owned_by(prefix, 'u.prospect_id')}" if owner else ""
    return (
        "SELECT COUNT(*), coalesce(SUM(u.amount_cents), 0), COUNT(DISTINCT u.prospect_id) "
        f"FROM {prefix}purchase u "
        f"WHERE u.purchased_at >= :start AND u.purchased_at < :end{by_owner}"
    )


# --- Surveys and NPS -------------------------------------------------------------------------


def team_nps_sql(prefix: str = "", *, owner: bool = False) -> str:
    """Promoters, passives and detractors among the customers who answered in
    [``:start``, ``:end``), each counted once by their latest answer in that period."""
    by_owner = f" AND {owned_by(prefix, 's.prospect_id')}" if owner else ""
    latest = (
        "SELECT s.score AS score, ROW_NUMBER() OVER (PARTITION BY s.prospect_id "
        "ORDER BY s.answered_at DESC, s.id DESC) AS rn "
        f"FROM {prefix}surveyanswer s "
        f"WHERE s.answered_at >= :start AND s.answered_at < :end{by_owner}"
    )
    return (
        f"SELECT coalesce(SUM(CASE WHEN score >= {PROMOTER_MIN} THEN 1 ELSE 0 END), 0), "
        f"coalesce(SUM(CASE WHEN score > {DETRACTOR_MAX} AND score < {PROMOTER_MIN} "
        "THEN 1 ELSE 0 END), 0), "
        f"coalesce(SUM(CASE WHEN score <= {DETRACTOR_MAX} THEN 1 ELSE 0 END), 0) "
        f"FROM ({latest}) latest WHERE rn = 1"
    )


def latest_scores_sql(prefix: str, customers: str) -> str:
    """A CTE ``latest_score(pid, score, answered_at)``: each customer's latest answer."""
    return (
        "latest_score AS (SELECT pid, score, answered_at FROM (SELECT s.prospect_id AS pid, "
        "s.score AS score, s.answered_at AS answered_at, ROW_NUMBER() OVER "
        "(PARTITION BY s.prospect_id ORDER BY s.answered_at DESC, s.id DESC) AS rn "
        f"FROM {prefix}surveyanswer s WHERE s.prospect_id IN ({customers})) ranked "
        "WHERE rn = 1)"
    )


# --- Referrals -------------------------------------------------------------------------------


def chain_tree_cte(prefix: str = "", *, owner: bool = False) -> str:
    """A recursive CTE ``chain(root, pid, depth, won)``: every referred prospect with the
    first referrer of its chain (``root``: a referrer nobody referred; with ``owner``, one
    of ``:owner``'s), its depth (1 = referred by the root, 2 = referred by someone the
    root referred, ...) and whether its referral converted (1) or not (0)."""
    won = "CASE WHEN r.converted_at IS NULL THEN 0 ELSE 1 END"
    by_owner = f"AND {owned_by(prefix, 'r.referrer_id')} " if owner else ""
    return (
        "RECURSIVE chain(root, pid, depth, won) AS ("
        f"SELECT r.referrer_id, r.referred_id, 1, {won} FROM {prefix}referral r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {prefix}referral up "
        f"WHERE up.referred_id = r.referrer_id) {by_owner}"
        f"UNION ALL SELECT chain.root, r.referred_id, chain.depth + 1, {won} FROM chain "
        f"JOIN {prefix}referral r ON r.referrer_id = chain.pid "
        f"WHERE chain.depth < {MAX_CHAIN_DEPTH})"
    )


def chains_sql(prefix: str = "", *, owner: bool = False, limit: str | None = None) -> str:
    """Per chain (its first referrer): the referrer's id, name and owner, prospects
    referred along the chain, how many of them were won through it, and the deepest level;
    largest chains first (at most ``:<limit>``). With ``owner``: the chains whose first
    referrer is ``:owner``'s. Chains are summed up before their first referrers are read."""
    return (
        f"WITH {chain_tree_cte(prefix, owner=owner)} "
        "SELECT g.root, p.name, p.owner, g.referred, g.won, g.levels FROM (SELECT chain.root "
        "AS root, COUNT(*) AS referred, SUM(chain.won) AS won, MAX(chain.depth) AS levels "
        f"FROM chain GROUP BY chain.root) g JOIN {prefix}prospect p ON p.id = g.root "
        "ORDER BY g.referred DESC, g.levels DESC, g.root" + (f" LIMIT :{limit}" if limit else "")
    )


def referrals_in_period_sql(prefix: str = "", *, owner: bool = False) -> str:
    """Referrals made in [``:start``, ``:end``), referrals converted (the referred prospect
    won) in it, and the credits those conversions earned (minor units). ``owner`` filters
    on the referred prospect's owner."""
    by_owner = f" AND {owned_by(prefix, 'r.referred_id')}" if owner else ""
    made = (
        f"SELECT COUNT(*) FROM {prefix}referral r "
        f"WHERE r.created_at >= :start AND r.created_at < :end{by_owner}"
    )
    converted = (
        f"FROM {prefix}referral r "
        f"WHERE r.converted_at >= :start AND r.converted_at < :end{by_owner}"
    )
    return (
        f"SELECT ({made}), (SELECT COUNT(*) {converted}), "
        f"(SELECT coalesce(SUM(r.credit_cents), 0) {converted})"
    )


def customers_at_sql(prefix: str = "", *, owner: bool = False) -> str:
    """How many prospects were customers (in stage Won) at the instant ``:start``: those
    whose last recorded move before it was into Won.

    Only prospects that ever reached Won (their furthest stage, kept on the prospect) can be;
    those in Won since before the start are counted from the prospect row, and for the
    others (won since, or gone from Won) the history before the start is read.
    """
    by_owner = " AND p.owner = :owner" if owner else ""
    last_move = (
        f"(SELECT s2.to_stage FROM {prefix}stagechange s2 WHERE s2.prospect_id = p.id "
        "AND s2.at < :start ORDER BY s2.at DESC, s2.id DESC LIMIT 1)"
    )
    return (
        f"SELECT COUNT(*) FROM {prefix}prospect p WHERE p.furthest_stage = "
        f"{ORDERED_STAGES.index(Stage.WON)}{by_owner} AND ((p.stage = 'won' AND "
        f"p.stage_entered_at < :start) OR {last_move} = 'won')"
    )
