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


def fill_prospects(schema: str, *, owner: bool, ranged: bool = True) -> str:
    """One row per cohort prospect: furthest stage, completed days per stage, days to
    Payment and to Won.

    A single pass: each cohort prospect (by id, ``:low`` <= id < ``:high`` so that two
    connections can share the work) with its stage history from the covering index,
    grouped by prospect with no sorting. Every history row is the exit from ``from_stage``
    and the entry into ``to_stage``, so the completed time in a stage is (sum of exits) -
    (sum of entries), plus the running entry for the prospect's current stage; a current
    stage entered only once has no completed stay yet. Without ``ranged`` (one owner's
    report) the id bounds are left out so the cohort is found through its index.
    """
    j = day_number("sc.at")
    parts = [
        f"MAX({stage_order('sc.to_stage')}) AS furthest",
        f"MIN(CASE WHEN sc.to_stage = 'payment' THEN {j} END) AS jpay",
        f"MIN(CASE WHEN sc.to_stage = 'won' THEN {j} END) AS jwon",
        "SUM(CASE WHEN sc.to_stage = p.stage THEN 1 ELSE 0 END) AS entries",
    ]
    for i, stage in enumerate(WORKING_STAGES):
        q = _quote(stage.value)
        parts.append(
            f"SUM(CASE WHEN sc.from_stage = {q} THEN {j} "
            f"WHEN sc.to_stage = {q} THEN -{j} END) AS r{i}"
        )
    history = (
        "SELECT p.id AS pid, p.owner AS owner, p.channel AS channel, p.stage AS stage, "
        "p.value_cents AS value_cents, p.lost_reason AS lost_reason, "
        "p.created_at AS created_at, p.stage_entered_at AS entered, "
        f"{', '.join(parts)} "
        f"FROM {schema}.prospect p JOIN {schema}.stagechange sc ON sc.prospect_id = p.id "
        f"WHERE {cohort_condition('p', owner=owner)}"
        + (" AND p.id >= :low AND p.id < :high" if ranged else "")
        + " GROUP BY p.id"
    )
    entered = day_number("h.entered")
    created = day_number("h.created_at")
    durations = [
        f"CASE WHEN h.stage = {_quote(stage.value)} "
        f"THEN CASE WHEN h.entries > 1 THEN h.r{i} + {entered} END ELSE h.r{i} END"
        for i, stage in enumerate(WORKING_STAGES)
    ]
    durations.append(f"h.jpay - {created}")
    durations.append(f"h.jwon - {created}")
    return (
        "INSERT INTO r_prospect "
        "SELECT :src, h.pid, h.owner, h.channel, h.stage, h.value_cents, h.lost_reason, "
        f"h.created_at, h.furthest, {', '.join(durations)} FROM ({history}) h"
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
