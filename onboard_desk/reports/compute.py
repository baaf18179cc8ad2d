"""Compute a :class:`~onboard_desk.reports.model.Report` from one or several databases.

SQL does the aggregating (see :mod:`onboard_desk.reports.sql`); Python only folds a few
hundred grouped rows into sections; percentiles read the one or two values they need
from an index in value order.
The cohort sections read each prospect's kept journey (:mod:`onboard_desk.storage.journey`), not
its history. The activity count and the other statements about people's work run on
read-only connections of their own while the cohort is built, so a report uses both
processor cores. The connections, schemas and dialect come from the
:class:`~onboard_desk.reports.sources.ReportSources`, so the same code reports on snapshot
files or on a server database.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import (
    WORKING_STAGES,
    PipelineConfig,
    Stage,
    channel_label,
    stage_label,
)
from onboard_desk.reports import sql
from onboard_desk.reports.definitions import (
    DEFAULT_STAGE_PROBABILITIES,
    FUNNEL_STAGES,
    ReportFilter,
    percentile_at,
    ratio,
)
from onboard_desk.reports.model import (
    AttentionRow,
    ChannelRow,
    DurationRow,
    ForecastRow,
    FunnelRow,
    LostReasonCount,
    OwnerRow,
    Report,
    TrendRow,
)
from onboard_desk.reports.sources import ReportSources
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.sql import stored_time
from onboard_desk.storage import journey
from onboard_desk.storage.dialects import ReportConnection, SqlDialect

DURATION_LABELS: Mapping[str, str] = {
    **{s.value: s.label for s in WORKING_STAGES},
    "to_payment": "Outreach to Payment",
    "to_won": "Outreach to paid (Won)",
}


@dataclass(frozen=True)
class ReportSettings:
    """What a report needs besides the data: flags' idle limits, forecast probabilities."""

    config: PipelineConfig = field(default_factory=PipelineConfig)
    probabilities: Mapping[Stage, float] = field(
        default_factory=lambda: dict(DEFAULT_STAGE_PROBABILITIES)
    )
    currency: str = "USD"
    retention: RetentionConfig = field(default_factory=RetentionConfig)


def _params(flt: ReportFilter, now: datetime, dialect: SqlDialect) -> dict[str, Any]:
    params: dict[str, Any] = {
        "start": dialect.timestamp_param(flt.start()),
        "end": dialect.timestamp_param(flt.end(now)),
        "now": dialect.timestamp_param(now),
    }
    if flt.owner:
        params["owner"] = flt.owner
    return params


def _idle_params(
    config: PipelineConfig, now: datetime, dialect: SqlDialect
) -> tuple[dict[Stage, str], dict[str, Any]]:
    names: dict[Stage, str] = {}
    values: dict[str, Any] = {}
    for stage in WORKING_STAGES:
        limit = config.idle_limit(stage)
        if limit is None:
            continue
        names[stage] = f"idle_{stage.value}"
        values[names[stage]] = dialect.timestamp_param(now - timedelta(days=limit))
    return names, values


@dataclass
class _Cohort:
    """Results of the cohort half of the report."""

    #: (furthest, stage, channel, owner, lost reason, prospects, value) groups.
    groups: list[tuple[Any, ...]] = field(default_factory=list)
    #: Per duration figure: prospects with a value, median, 75th percentile.
    durations: list[tuple[int, float | None, float | None]] = field(default_factory=list)


@dataclass
class _Work:
    """Results of the people half of the report."""

    weeks: list[date] = field(default_factory=list)
    new_weeks: list[tuple[int, int]] = field(default_factory=list)
    move_weeks: list[tuple[int, int, int]] = field(default_factory=list)
    person_moves: list[tuple[str, int]] = field(default_factory=list)
    people: list[tuple[str, int, int]] = field(default_factory=list)
    open_rows: list[tuple[Any, ...]] = field(default_factory=list)


def _journeys(
    connection: ReportConnection, dialect: SqlDialect, schema: str, index: int
) -> str | None:
    """None when the source keeps journeys; else (a database from before they were kept)
    the temporary table they were just computed into from its history."""
    if dialect.has_table(connection, schema, journey.TABLE):
        return None
    target = f"r_journey{index}"
    for statement in journey.scratch_sql(schema, target, dialect=dialect):
        connection.execute(statement)
    return dialect.scratch_table(target)


def _cohort_half(sources: ReportSources, flt: ReportFilter, now: datetime) -> _Cohort:
    """The cohort grouped for the funnel, channels and owners, and its duration figures."""
    dialect = sources.dialect
    params = _params(flt, now, dialect)
    owner = bool(flt.owner)
    cohort = _Cohort()
    with sources.connect() as connection:
        journeys: list[str] = []
        for index, schema in enumerate(sources.schemas):
            computed = _journeys(connection, dialect, schema, index)
            statement = sql.cohort_groups(schema, computed, owner=owner, dialect=dialect)
            cohort.groups += connection.execute(statement, params)
            journeys.append(computed or f"{schema}.{journey.TABLE}")
        for column in journey.DURATION_COLUMNS:
            count = connection.execute(
                sql.duration_count(journeys, column, owner=owner), params
            ).fetchone()[0]
            at_rank = sql.duration_at_rank(journeys, column, owner=owner)

            def value_at(rank: int, statement: str = at_rank) -> float:
                row = connection.execute(statement, {**params, "rank": rank}).fetchone()
                return float(row[0])

            cohort.durations.append(
                (count, percentile_at(count, value_at, 0.5), percentile_at(count, value_at, 0.75))
            )
    return cohort


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _trend_weeks(
    connection: ReportConnection,
    sources: ReportSources,
    flt: ReportFilter,
    now: datetime,
    params: dict[str, Any],
) -> list[date]:
    """The Mondays of the trend: from the period's start (or its first data) to its end."""
    if flt.date_from is not None:
        first: date | None = _monday(flt.date_from)
    else:
        moments: list[datetime] = []
        for schema in sources.schemas:
            statement = sql.first_events(schema, owner=bool(flt.owner))
            row = connection.execute(statement, params).fetchone()
            moments += [moment for moment in map(stored_time, row) if moment is not None]
        first = _monday(min(moments).date()) if moments else None
    if first is None:
        return []
    last = _monday(flt.date_to if flt.date_to else now.date())
    return [first + timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]


def _work_half(
    sources: ReportSources, flt: ReportFilter, now: datetime, config: PipelineConfig
) -> _Work:
    dialect = sources.dialect
    params = _params(flt, now, dialect)
    idle_names, idle_values = _idle_params(config, now, dialect)
    owner = bool(flt.owner)
    work = _Work()
    with sources.connect() as connection:
        work.weeks = _trend_weeks(connection, sources, flt, now, params)
        for statement in sql.week_ddl(dialect):
            connection.execute(statement)
        start, end = as_utc(flt.start()), as_utc(flt.end(now))
        connection.executemany(
            sql.INSERT_WEEK,
            [
                {
                    "i": index,
                    "w0": dialect.timestamp_param(
                        max(start, datetime.combine(week, time_of_day.min, UTC))
                    ),
                    "w1": dialect.timestamp_param(
                        min(end, datetime.combine(week + timedelta(days=7), time_of_day.min, UTC))
                    ),
                }
                for index, week in enumerate(work.weeks)
            ],
        )
        for schema in sources.schemas:
            work.new_weeks += connection.execute(sql.new_by_week(schema, owner=owner), params)
            work.move_weeks += connection.execute(sql.moves_by_week(schema, owner=owner), params)
            work.person_moves += connection.execute(
                sql.moves_by_person(schema, owner=owner, dialect=dialect), params
            )
            statement = sql.open_prospects(
                schema, owner=owner, idle_params=idle_names, dialect=dialect
            )
            work.open_rows += connection.execute(statement, {**params, **idle_values})
    return work


def _activities(sources: ReportSources, flt: ReportFilter, now: datetime) -> list[Any]:
    """Activities and prospects worked per person: the largest scan (every activity of the
    period), so it has a connection of its own."""
    dialect = sources.dialect
    params = _params(flt, now, dialect)
    rows: list[Any] = []
    with sources.connect() as connection:
        for schema in sources.schemas:
            statement = sql.work_by_person(schema, owner=bool(flt.owner), dialect=dialect)
            rows += connection.execute(statement, params)
    return rows


def build_report(
    sources: ReportSources,
    flt: ReportFilter | None = None,
    *,
    settings: ReportSettings | None = None,
    now: datetime | None = None,
    title: str = "Pipeline report",
) -> Report:
    """Compute every section of the report for ``flt`` over ``sources``."""
    started = time.perf_counter()
    flt = flt or ReportFilter()
    settings = settings or ReportSettings()
    now = now or utcnow()
    # Read-only connections at once: the cohort, the activities, the rest of the people
    # half, and the customers. The driver releases the GIL while the database works, so
    # they share the cores.
    from onboard_desk.reports.customers import customers_section

    with ThreadPoolExecutor(max_workers=2) as pool:
        # The customers first: on a narrow report they take longest.
        customers_future = pool.submit(customers_section, sources, flt, now, settings.retention)
        activities_future = pool.submit(_activities, sources, flt, now)
        work_future = pool.submit(_work_half, sources, flt, now, settings.config)
        cohort = _cohort_half(sources, flt, now)
        work = work_future.result()
        work.people = activities_future.result()
        customers = customers_future.result()
    report = replace(
        _assemble(cohort, work, sources, flt, settings, now, title), customers=customers
    )
    return _with_seconds(report, time.perf_counter() - started)


def _with_seconds(report: Report, seconds: float) -> Report:
    return replace(report, seconds=seconds)


def _money(cents: int | float) -> float:
    return round(cents / 100, 2)


def _assemble(
    cohort: _Cohort,
    work: _Work,
    sources: ReportSources,
    flt: ReportFilter,
    settings: ReportSettings,
    now: datetime,
    title: str,
) -> Report:
    won_index = FUNNEL_STAGES.index(Stage.WON)
    furthest_counts: dict[int, int] = defaultdict(int)
    in_stage: dict[str, int] = defaultdict(int)
    dropped: dict[int, int] = defaultdict(int)
    reasons: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    channel_total: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    owner_total: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    total = 0
    won_value = 0
    for furthest, stage, channel, owner, reason, count, value in cohort.groups:
        total += count
        furthest_counts[furthest] += count
        is_won = furthest == won_index
        is_lost = stage == Stage.LOST.value
        if stage in {s.value for s in WORKING_STAGES}:
            in_stage[stage] += count
        if is_lost and not is_won:
            dropped[furthest] += count
            reasons[furthest][reason or "(no reason)"] += count
        channel_row = channel_total[channel]
        channel_row[0] += count
        owner_row = owner_total[owner]
        owner_row[0] += count
        if is_won:
            channel_row[1] += count
            channel_row[2] += value
            owner_row[1] += count
            won_value += value
        elif is_lost:
            owner_row[2] += count

    funnel: list[FunnelRow] = []
    for index, stage in enumerate(FUNNEL_STAGES):
        reached = sum(n for f, n in furthest_counts.items() if f >= index)
        converted = (
            sum(n for f, n in furthest_counts.items() if f > index) if index < won_index else None
        )
        funnel.append(
            FunnelRow(
                stage=stage.value,
                label=stage.label,
                reached=reached,
                converted=converted,
                conversion=None if converted is None else ratio(converted, reached),
                in_stage=in_stage.get(stage.value, 0),
                dropped=dropped.get(index, 0),
                lost_reasons=tuple(
                    LostReasonCount(reason, n)
                    for reason, n in sorted(
                        reasons.get(index, {}).items(), key=lambda item: (-item[1], item[0])
                    )
                ),
            )
        )
    won = funnel[won_index].reached

    durations = [
        DurationRow(key, DURATION_LABELS[key], count, median, p75)
        for key, (count, median, p75) in zip(sql.DURATION_KEYS, cohort.durations, strict=True)
    ]

    channels = [
        ChannelRow(
            channel=name,
            label=channel_label(name),
            prospects=row[0],
            won=row[1],
            conversion=ratio(row[1], row[0]),
            value_won=_money(row[2]),
        )
        for name, row in sorted(channel_total.items(), key=lambda item: (-item[1][0], item[0]))
    ]

    people: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for who, worked, activities in work.people:
        row = people[who]
        row[0] += worked
        row[1] += activities or 0
    for who, moves in work.person_moves:
        people[who][2] += moves
    owner_names = sorted(set(owner_total) | set(people), key=lambda n: (n == "", n.lower()))
    owners = []
    for name in owner_names:
        total_row = owner_total.get(name, [0, 0, 0])
        person = people.get(name, [0, 0, 0])
        owners.append(
            OwnerRow(
                owner=name,
                prospects=total_row[0],
                won=total_row[1],
                lost=total_row[2],
                win_rate=ratio(total_row[1], total_row[1] + total_row[2]),
                prospects_worked=person[0],
                activities=person[1],
                moves=person[2],
            )
        )

    current_month = now.strftime("%Y-%m")
    forecast_cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    attention: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    open_cents = 0
    for owner, stage, month, count, value, overdue, stale, missing, flagged in work.open_rows:
        month_key = month if month and month > current_month else current_month
        cell = forecast_cells[(month_key, stage)]
        cell[0] += count
        cell[1] += value
        open_cents += value
        row = attention[owner]
        row[0] += overdue
        row[1] += stale
        row[2] += missing
        row[3] += flagged
    order = {s.value: i for i, s in enumerate(WORKING_STAGES)}
    forecast = []
    weighted_cents = 0.0
    for (month, stage), (count, value) in sorted(
        forecast_cells.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99))
    ):
        probability = settings.probabilities.get(Stage(stage), 0.0)
        weighted_cents += value * probability
        forecast.append(
            ForecastRow(
                month=month,
                stage=stage,
                label=stage_label(stage),
                prospects=count,
                open_value=_money(value),
                probability=probability,
                weighted_value=_money(value * probability),
            )
        )
    attention_rows = [
        AttentionRow(owner, *values)
        for owner, values in sorted(attention.items(), key=lambda item: item[0].lower())
        if values[3]
    ]

    trend = _trend(work)
    return Report(
        title=title,
        generated_at=now,
        period=flt.describe_period(),
        date_from=flt.date_from,
        date_to=flt.date_to,
        owner=flt.owner,
        sources=sources.names,
        currency=settings.currency,
        total_prospects=total,
        won=won,
        overall_conversion=ratio(won, total),
        value_won=_money(won_value),
        open_value=_money(open_cents),
        weighted_value=_money(weighted_cents),
        funnel=tuple(funnel),
        durations=tuple(durations),
        channels=tuple(channels),
        owners=tuple(owners),
        forecast=tuple(forecast),
        attention=tuple(attention_rows),
        trend=trend,
        probabilities={s.value: p for s, p in settings.probabilities.items()},
    )


def _trend(work: _Work) -> tuple[TrendRow, ...]:
    counts = [[0, 0, 0] for _ in work.weeks]
    for index, new in work.new_weeks:
        counts[index][0] += new
    for index, moves, wins in work.move_weeks:
        counts[index][1] += moves
        counts[index][2] += wins or 0
    return tuple(TrendRow(week, *row) for week, row in zip(work.weeks, counts, strict=True))
