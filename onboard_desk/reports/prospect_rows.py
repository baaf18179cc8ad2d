"""The prospect list that goes with a report, or on its own (``onboard-desk export``).

Rows are streamed as plain tuples (no ORM object per row) so that exporting 100,000
prospects stays fast and light; both sources yield the same columns.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import (
    WORKING_STAGES,
    Flag,
    PipelineConfig,
    Stage,
    flags_for,
)
from onboard_desk.reports import sql
from onboard_desk.reports.compute import _idle_params, _params
from onboard_desk.reports.definitions import ReportFilter
from onboard_desk.reports.sources import ReportSources
from onboard_desk.reports.tables import Column

if TYPE_CHECKING:
    from sqlmodel import Session

    from onboard_desk.storage.queries import ProspectFilter

PROSPECT_COLUMNS: tuple[Column, ...] = (
    Column("database", "Database"),
    Column("id", "ID", "int"),
    Column("name", "Name"),
    Column("company", "Company"),
    Column("email", "Email"),
    Column("phone", "Phone"),
    Column("channel", "Channel"),
    Column("owner", "Owner"),
    Column("stage", "Stage"),
    Column("value", "Value", "money"),
    Column("currency", "Currency"),
    Column("created_at", "Created (UTC)", "datetime"),
    Column("next_action", "Next action"),
    Column("next_action_due", "Next action due (UTC)", "datetime"),
    Column("flags", "Flags"),
    Column("lost_reason", "Lost reason"),
)

ProspectTuple = tuple[Any, ...]


def _stamp(value: str | datetime | None) -> datetime | None:
    """A timestamp read through the report's connection as a datetime: SQLite's driver
    returns the stored UTC text, a driver for a server database a datetime already.
    (Called twice per exported row, so the text case goes first and nothing else.)"""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _report_statement(schema: str, *, owner: bool, idle_names: dict[Stage, str]) -> str:
    open_stages = ", ".join("'" + s.value + "'" for s in WORKING_STAGES)
    cutoff = (
        "CASE p.stage "
        + " ".join(f"WHEN '{s.value}' THEN :{name}" for s, name in idle_names.items())
        + " END"
    )
    flags = (
        f"CASE WHEN p.stage IN ({open_stages}) THEN "
        f"(CASE WHEN p.next_action_due IS NULL THEN '{Flag.NO_NEXT_ACTION.value},' ELSE '' END"
        f" || CASE WHEN p.next_action_due < :now THEN '{Flag.OVERDUE.value},' ELSE '' END"
        f" || CASE WHEN p.stage_entered_at < {cutoff} THEN '{Flag.STALE.value},' ELSE '' END)"
        " ELSE '' END"
    )
    return (
        "SELECT p.id, p.name, p.company, p.email, p.phone, p.channel, p.owner, p.stage, "
        "p.value_cents, p.currency, p.created_at, p.next_action, p.next_action_due, "
        f"{flags}, p.lost_reason FROM {schema}.prospect p "
        f"WHERE {sql.cohort_condition('p', owner=owner)} ORDER BY p.created_at, p.id"
    )


def report_prospects(
    sources: ReportSources,
    flt: ReportFilter,
    *,
    config: PipelineConfig | None = None,
    now: datetime | None = None,
) -> Iterator[ProspectTuple]:
    """The report's cohort, database by database, oldest first."""
    now = now or utcnow()
    dialect = sources.dialect
    idle_names, idle_values = _idle_params(config or PipelineConfig(), now, dialect)
    params = {**_params(flt, now, dialect), **idle_values}
    with sources.connect() as connection:
        for name, schema in zip(sources.names, sources.schemas, strict=True):
            statement = _report_statement(schema, owner=bool(flt.owner), idle_names=idle_names)
            cursor = connection.execute(statement, params)
            while batch := cursor.fetchmany(2000):
                for row in batch:
                    yield _prospect_tuple(
                        name, row, _stamp(row[10]), _stamp(row[12]), row[13].rstrip(",")
                    )


def filtered_prospects(
    session: Session,
    flt: ProspectFilter,
    *,
    database: str,
    config: PipelineConfig | None = None,
    now: datetime | None = None,
) -> Iterator[ProspectTuple]:
    """The prospects a ``list`` with the same filters shows, in the same order."""
    from onboard_desk.storage import queries
    from onboard_desk.storage.models import Prospect

    now = now or utcnow()
    config = config or PipelineConfig()
    statement = queries.prospect_statement(flt, now=now, config=config).with_only_columns(
        Prospect.id,
        Prospect.name,
        Prospect.company,
        Prospect.email,
        Prospect.phone,
        Prospect.channel,
        Prospect.owner,
        Prospect.stage,
        Prospect.value_cents,
        Prospect.currency,
        Prospect.created_at,
        Prospect.next_action,
        Prospect.next_action_due,
        Prospect.stage_entered_at,
        Prospect.lost_reason,
    )
    result = session.connection().execute(statement.execution_options(yield_per=2000))
    for row in result:
        flags = flags_for(
            stage=Stage(row[7]),
            next_action_due=row[12],
            stage_entered_at=row[13],
            now=now,
            config=config,
        )
        yield _prospect_tuple(
            database,
            row,
            _naive(row[10]),
            _naive(row[12]),
            ",".join(sorted(f.value for f in flags)),
        )


def _prospect_tuple(database: str, row: Any, created: Any, due: Any, flags: str) -> ProspectTuple:
    """One prospect row in :data:`PROSPECT_COLUMNS` order, from a row selected in that
    order (id … lost reason), with its times and flags already converted."""
    return (
        database,
        *row[:8],
        None if row[8] is None else row[8] / 100,
        row[9],
        created,
        row[11],
        due,
        flags,
        row[14],
    )


def _naive(moment: datetime | None) -> datetime | None:
    """UTC without a zone: what spreadsheet cells and the report rows hold."""
    return None if moment is None else as_utc(moment).replace(tzinfo=None)
