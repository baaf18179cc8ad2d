"""The report's SQL: a handful of statements that do all the aggregating.

Every statement is written once per source database (``schema``) and returns a few
grouped rows, except the duration values (one narrow row per cohort prospect, for the
percentiles). The funnel, drop-offs, channels, owners and durations read each prospect's
kept journey (:mod:`onboard_desk.storage.journey`), not its history. The SQL is the same on
every dialect; the few pieces that are not (months, the unindexed dates, the scratch table
of weeks) come from the sources' dialect module, given as ``dialect``
(:class:`onboard_desk.storage.dialects.SqlDialect`).
"""

from __future__ import annotations

from collections.abc import Sequence

from onboard_desk.pipeline import WORKING_STAGES, Stage
from onboard_desk.reports.definitions import FUNNEL_STAGES
from onboard_desk.storage.dialects import SqlDialect

#: The duration figures, in the order of the journey's duration columns.
DURATION_KEYS: tuple[str, ...] = (*(s.value for s in WORKING_STAGES), "to_payment", "to_won")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def stage_order(expression: str) -> str:
    """SQL for the funnel position of a stage column (0 = Outreach .. 6 = Won, -1 other)."""
    whens = " ".join(f"WHEN {_quote(s.value)} THEN {i}" for i, s in enumerate(FUNNEL_STAGES))
    return f"CASE {expression} {whens} ELSE -1 END"


def cohort_condition(alias: str, *, owner: bool) -> str:
    """Prospects created in the period (and owned by ``:owner``)."""
    condition = f"{alias}.created_at >= :start AND {alias}.created_at < :end"
    return condition + (f" AND {alias}.owner = :owner" if owner else "")


def cohort_groups(schema: str, journeys: str | None, *, owner: bool, dialect: SqlDialect) -> str:
    """The cohort per owner, channel, current stage, lost reason and furthest stage:
    prospects and their value.

    With the kept journeys, the furthest stage is the prospect's own copy and the whole
    statement reads the index on (owner, channel, stage, lost_reason, furthest_stage,
    created_at, value_cents) in its own order: no sorting, no lookups. (The creation time
    is kept off the cohort index so the planner does not trade that for a range.) For a
    database from before journeys were kept, ``journeys`` names the computed ones.
    """
    furthest = "p.furthest_stage" if journeys is None else "j.furthest"
    join = "" if journeys is None else f" JOIN {journeys} j ON j.prospect_id = p.id"
    created = dialect.not_for_index("p.created_at")
    by_owner = " AND p.owner = :owner" if owner else ""
    return (
        f"SELECT {furthest}, p.stage, p.channel, p.owner, "
        "CASE WHEN p.stage = 'lost' THEN coalesce(p.lost_reason, '') END, "
        "COUNT(*), SUM(coalesce(p.value_cents, 0)) "
        f"FROM {schema}.prospect p{join} "
        f"WHERE {created} >= :start AND {created} < :end{by_owner} "
        f"GROUP BY p.owner, p.channel, p.stage, p.lost_reason, {furthest}"
    )


def _journey_cohort(journeys: str, column: str, *, owner: bool) -> str:
    by_owner = " AND j.owner = :owner" if owner else ""
    return (
        f"SELECT j.{column} AS days FROM {journeys} j WHERE j.{column} IS NOT NULL "
        f"AND j.created_at >= :start AND j.created_at < :end{by_owner}"
    )


def duration_count(journeys: Sequence[str], column: str, *, owner: bool) -> str:
    """How many cohort prospects (over every source) have a value of duration ``column``;
    each count is a range of that duration's index."""
    counts = " + ".join(
        f"(SELECT count(*) FROM ({_journey_cohort(j, column, owner=owner)}) cohort)"
        for j in journeys
    )
    return f"SELECT {counts}"


def duration_at_rank(journeys: Sequence[str], column: str, *, owner: bool) -> str:
    """The ``:rank``-th smallest value (from 0) of duration ``column`` over the cohort of
    every source: each source's index gives its values in order, the database merges them, and
    the rank is counted off without sorting anything."""
    union = " UNION ALL ".join(_journey_cohort(j, column, owner=owner) for j in journeys)
    return f"{union} ORDER BY 1 LIMIT 1 OFFSET :rank"


def week_ddl(dialect: SqlDialect) -> tuple[str, ...]:
    """The connection's scratch table of the trend's weeks: index, first instant, first
    instant after (clipped to the period)."""
    stamp = dialect.TIMESTAMP_TYPE
    return (
        f"DROP TABLE IF EXISTS {dialect.scratch_table('r_week')}",
        f"CREATE TEMP TABLE r_week (i INTEGER PRIMARY KEY, w0 {stamp}, w1 {stamp})",
    )


INSERT_WEEK = "INSERT INTO r_week (i, w0, w1) VALUES (:i, :w0, :w1)"


def first_events(schema: str, *, owner: bool) -> str:
    """When the period's data starts: the first new prospect and the first move."""
    by_owner = " AND sc.by = :owner" if owner else ""
    return (
        f"SELECT (SELECT MIN(p.created_at) FROM {schema}.prospect p "
        f"WHERE {cohort_condition('p', owner=owner)}), "
        f"(SELECT MIN(sc.at) FROM {schema}.stagechange sc WHERE sc.kind <> 'create' "
        f"AND sc.at >= :start AND sc.at < :end{by_owner})"
    )


def moves_by_week(schema: str, *, owner: bool) -> str:
    """Moves and wins per trend week: one index range per week, no sorting."""
    by_owner = " AND sc.by = :owner" if owner else ""
    return (
        "SELECT w.i, COUNT(*), SUM(CASE WHEN sc.to_stage = 'won' THEN 1 ELSE 0 END) "
        f"FROM r_week w JOIN {schema}.stagechange sc ON sc.at >= w.w0 AND sc.at < w.w1 "
        f"WHERE sc.kind <> 'create'{by_owner} GROUP BY w.i"
    )


def new_by_week(schema: str, *, owner: bool) -> str:
    """New prospects (the cohort) per trend week."""
    by_owner = " WHERE p.owner = :owner" if owner else ""
    return (
        "SELECT w.i, COUNT(*) FROM r_week w JOIN "
        f"{schema}.prospect p ON p.created_at >= w.w0 AND p.created_at < w.w1{by_owner} "
        "GROUP BY w.i"
    )


def moves_by_person(schema: str, *, owner: bool, dialect: SqlDialect) -> str:
    """Stage changes each person made in the period (creation not included), read from
    the covering index on (by, at, kind) in person order: no sorting. (The time is kept off
    the index by time, which would need every row sorted by person.)"""
    by_owner = " AND sc.by = :owner" if owner else ""
    at = dialect.not_for_index("sc.at")
    return (
        f"SELECT sc.by, COUNT(*) FROM {schema}.stagechange sc WHERE sc.kind <> 'create' "
        f"AND {at} >= :start AND {at} < :end{by_owner} GROUP BY sc.by"
    )


def work_by_person(schema: str, *, owner: bool, dialect: SqlDialect) -> str:
    """Per person: distinct prospects they logged activities on, and activities logged,
    read from the covering index on (status, by, prospect_id, occurred_at)."""
    by_owner = " AND a.by = :owner" if owner else ""
    when = dialect.not_for_index("a.occurred_at")
    return (
        "SELECT a.by, COUNT(DISTINCT a.prospect_id), COUNT(*) "
        f"FROM {schema}.activity a WHERE a.status = 'done' "
        f"AND {when} >= :start AND {when} < :end{by_owner} GROUP BY a.by"
    )


def open_prospects(
    schema: str, *, owner: bool, idle_params: dict[Stage, str], dialect: SqlDialect
) -> str:
    """Open prospects per owner, stage and month of the next action: counts, value and
    attention flags (mirrors :func:`onboard_desk.pipeline.flags_for`)."""
    stages = ", ".join(_quote(s.value) for s in WORKING_STAGES)
    cutoff = (
        "CASE p.stage "
        + " ".join(f"WHEN {_quote(s.value)} THEN :{name}" for s, name in idle_params.items())
        + " END"
    )
    overdue = "p.next_action_due < :now"
    missing = "p.next_action_due IS NULL"
    stale = f"p.stage_entered_at < {cutoff}"
    by_owner = " AND p.owner = :owner" if owner else ""
    return (
        f"SELECT p.owner, p.stage, {dialect.month_of('p.next_action_due')}, COUNT(*), "
        "SUM(coalesce(p.value_cents, 0)), "
        f"SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {stale} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {missing} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {overdue} OR {stale} OR {missing} THEN 1 ELSE 0 END) "
        f"FROM {schema}.prospect p WHERE p.stage IN ({stages}){by_owner} "
        "GROUP BY 1, 2, 3"
    )
