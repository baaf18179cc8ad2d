"""The report's SQL: a handful of statements that do all the aggregating.

Every statement is written once per attached database (``schema``) and returns either a
few grouped rows or fills the scratch table ``r_prospect`` (one narrow row per prospect of
the cohort) that the funnel, channels, owners and the duration percentiles are grouped
from. The only SQLite-specific pieces (day numbers, calendar days, months) come from
:mod:`onboard_desk.sqlite_specific`.
"""

from __future__ import annotations

from onboard_desk.pipeline import WORKING_STAGES, Stage
from onboard_desk.reports.definitions import FUNNEL_STAGES
from onboard_desk.sqlite_specific import day_number, month_of, not_for_index

#: Number of duration figures per prospect: six stages, then to Payment and to Won.
DURATION_KEYS: tuple[str, ...] = (*(s.value for s in WORKING_STAGES), "to_payment", "to_won")

SCRATCH_DDL: tuple[str, ...] = (
    "DROP TABLE IF EXISTS temp.r_prospect",
    "CREATE TEMP TABLE r_prospect (src INTEGER, pid INTEGER, owner TEXT, channel TEXT, "
    "stage TEXT, value_cents INTEGER, lost_reason TEXT, created TEXT, furthest INTEGER, "
    + ", ".join(f"d{i} REAL" for i in range(len(DURATION_KEYS)))
    + ")",
)


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


def id_bounds(schema: str) -> str:
    """Lowest and highest prospect id, to split the history pass into id ranges."""
    return f"SELECT MIN(id), MAX(id) FROM {schema}.prospect"


def fill_prospects(schema: str, *, owner: bool, restrict: bool) -> str:
    """One row per cohort prospect: furthest stage, completed days per stage, days to
    Payment and to Won.

    A single pass over the stage history, grouped by prospect in index order: every row
    is the exit from ``from_stage`` and the entry into ``to_stage``, so the completed
    time in a stage is (sum of exits) - (sum of entries) + (the running entry, for the
    current stage). ``restrict`` limits the pass to the cohort when a filter is narrow;
    ``:low`` and ``:high`` bound the prospect ids (half-open) so that two connections can
    each take a part of the history at the same time.
    """
    j = day_number("sc.at")
    parts = [
        f"MAX({stage_order('sc.to_stage')}) AS furthest",
        f"MIN(CASE WHEN sc.to_stage = 'payment' THEN {j} END) AS jpay",
        f"MIN(CASE WHEN sc.to_stage = 'won' THEN {j} END) AS jwon",
    ]
    for i, stage in enumerate(WORKING_STAGES):
        q = _quote(stage.value)
        parts.append(
            f"SUM(CASE WHEN sc.from_stage = {q} THEN {j} "
            f"WHEN sc.to_stage = {q} THEN -{j} END) AS r{i}"
        )
        parts.append(f"SUM(CASE WHEN sc.from_stage = {q} THEN 1 ELSE 0 END) AS n{i}")
    where = " WHERE sc.prospect_id >= :low AND sc.prospect_id < :high"
    if restrict:
        where += (
            f" AND sc.prospect_id IN (SELECT p0.id FROM {schema}.prospect p0 "
            f"WHERE {cohort_condition('p0', owner=owner)})"
        )
    history = (
        f"SELECT sc.prospect_id AS pid, {', '.join(parts)} "
        f"FROM {schema}.stagechange sc{where} GROUP BY sc.prospect_id"
    )
    entered = day_number("p.stage_entered_at")
    created = day_number("p.created_at")
    durations = [
        f"CASE WHEN h.n{i} > 0 THEN h.r{i} + "
        f"CASE WHEN p.stage = {_quote(stage.value)} THEN {entered} ELSE 0 END END"
        for i, stage in enumerate(WORKING_STAGES)
    ]
    durations.append(f"h.jpay - {created}")
    durations.append(f"h.jwon - {created}")
    return (
        "INSERT INTO r_prospect "
        f"SELECT :src, p.id, p.owner, p.channel, p.stage, p.value_cents, p.lost_reason, "
        f"p.created_at, h.furthest, {', '.join(durations)} "
        f"FROM {schema}.prospect p JOIN ({history}) h ON h.pid = p.id "
        f"WHERE {cohort_condition('p', owner=owner)}"
    )


#: The cohort grouped by everything the funnel, drop-offs, channels and owners need.
COHORT_GROUPS = (
    "SELECT furthest, stage, channel, owner, "
    "CASE WHEN stage = 'lost' THEN coalesce(lost_reason, '') END, "
    "COUNT(*), SUM(coalesce(value_cents, 0)) "
    "FROM r_prospect GROUP BY 1, 2, 3, 4, 5"
)


def duration_values(index: int) -> str:
    """The completed values of duration figure ``index`` (sorted by the caller)."""
    return f"SELECT d{index} FROM r_prospect WHERE d{index} IS NOT NULL"


#: The weeks of the trend: index, first instant, first instant after (clipped to the period).
WEEK_DDL: tuple[str, ...] = (
    "DROP TABLE IF EXISTS temp.r_week",
    "CREATE TEMP TABLE r_week (i INTEGER PRIMARY KEY, w0 TEXT, w1 TEXT)",
)
INSERT_WEEK = "INSERT INTO r_week (i, w0, w1) VALUES (?, ?, ?)"


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


def moves_by_person(schema: str, *, owner: bool) -> str:
    """Stage changes each person made in the period (creation not included)."""
    by_owner = " AND sc.by = :owner" if owner else ""
    return (
        f"SELECT sc.by, COUNT(*) FROM {schema}.stagechange sc WHERE sc.kind <> 'create' "
        f"AND sc.at >= :start AND sc.at < :end{by_owner} GROUP BY sc.by"
    )


def work_by_person(schema: str, *, owner: bool) -> str:
    """Per person: distinct prospects they logged activities on, and activities logged,
    read from the covering index on (status, by, prospect_id, occurred_at)."""
    by_owner = " AND a.by = :owner" if owner else ""
    when = not_for_index("a.occurred_at")
    return (
        "SELECT a.by, COUNT(DISTINCT a.prospect_id), COUNT(*) "
        f"FROM {schema}.activity a WHERE a.status = 'done' "
        f"AND {when} >= :start AND {when} < :end{by_owner} GROUP BY a.by"
    )


def open_prospects(schema: str, *, owner: bool, idle_params: dict[Stage, str]) -> str:
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
        f"SELECT p.owner, p.stage, {month_of('p.next_action_due')}, COUNT(*), "
        "SUM(coalesce(p.value_cents, 0)), "
        f"SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {stale} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {missing} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {overdue} OR {stale} OR {missing} THEN 1 ELSE 0 END) "
        f"FROM {schema}.prospect p WHERE p.stage IN ({stages}){by_owner} "
        "GROUP BY 1, 2, 3"
    )
