"""List queries the window, the command line and the exports share.

Filtering, searching, sorting and counting all happen in SQL so that a list over 100,000
prospects costs one indexed query per page. Search goes through the database's search
index (:mod:`onboard_desk.storage.dialects.constructs`, written by the dialect module of the
connection), ranked best first unless another sort is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from onboard_desk.domain.agenda import (
    Agenda,
    AgendaGroup,
    AgendaItem,
    GroupKind,
    today_bounds,
)
from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import (
    ORDERED_STAGES,
    WORKING_STAGES,
    Flag,
    PipelineConfig,
    Stage,
)
from onboard_desk.storage.dialects import constructs
from onboard_desk.storage.models import Prospect

#: Any run of characters, in a folded match (:func:`constructs.matches_folded`).
ANY = constructs.ANY_TEXT

#: Columns a list can be sorted by (public name -> column).
SORT_COLUMNS: dict[str, Any] = {
    "name": Prospect.name,
    # Case-insensitive ("acme" beside "Acme"), in the order of ix_prospect_company_lower.
    "company": func.lower(Prospect.company),
    "title": Prospect.title,
    "email": Prospect.email,
    "channel": Prospect.channel,
    "owner": Prospect.owner,
    "value": Prospect.value_cents,
    "next_action_due": Prospect.next_action_due,
    "stage_entered_at": Prospect.stage_entered_at,
    "created_at": Prospect.created_at,
    "updated_at": Prospect.updated_at,
    "id": Prospect.id,
    # The prospect table's other sortable columns.
    "phone": Prospect.phone,
    "next_action": Prospect.next_action,
}


@dataclass(frozen=True)
class ProspectFilter:
    """What a list shows: every criterion is optional and they combine with AND."""

    stages: tuple[Stage, ...] = ()
    owner: str | None = None
    channel: str | None = None
    search: str = ""
    flag: Flag | None = None
    tag: str | None = None
    import_batch_id: int | None = None
    #: "name", "value", ..., or "stage" (pipeline order) or "" for rank/name order.
    sort: str = ""
    descending: bool = False

    def sorted_by(self, sort: str, descending: bool = False) -> ProspectFilter:
        return replace(self, sort=sort, descending=descending)


def _working() -> list[str]:
    return [s.value for s in WORKING_STAGES]


def _open_stage() -> ColumnElement[bool]:
    """Prospects still being worked on: only these are flagged."""
    return col(Prospect.stage).in_(_working())


def _on_today() -> ColumnElement[bool]:
    """Who Today lists: open prospects, and customers (stage Won), whose next actions (the
    thank-you after the sale, the nudge before a repeat purchase) are work too. Customers
    are never stale and need no next action, so they only appear when one is due."""
    return col(Prospect.stage).in_([*_working(), Stage.WON.value])


def _due_between(*, before: datetime, start: datetime | None = None) -> ColumnElement[bool]:
    """A next action due before ``before`` (and not before ``start``).

    Among open prospects, the overdue flag is "due before now", and the Today screen's
    first two groups are "due before today" and "due today": one test for all three keeps
    them in step. Times are compared as stored (UTC text), so they are turned to UTC first.
    """
    due = col(Prospect.next_action_due)
    if start is None:
        return due < as_utc(before)
    return and_(due >= as_utc(start), due < as_utc(before))


def _without_next_action() -> ColumnElement[bool]:
    return col(Prospect.next_action_due).is_(None)


def _stale(*, now: datetime, config: PipelineConfig) -> ColumnElement[bool]:
    """In the stage longer than its idle limit; only open stages have one."""
    per_stage = []
    for stage in WORKING_STAGES:
        limit = config.idle_limit(stage)
        if limit is not None:
            per_stage.append(
                and_(
                    col(Prospect.stage) == stage.value,
                    col(Prospect.stage_entered_at) < as_utc(now) - timedelta(days=limit),
                )
            )
    return or_(*per_stage)


def flag_condition(flag: Flag, *, now: datetime, config: PipelineConfig) -> ColumnElement[bool]:
    """SQL for one attention flag; mirrors :func:`onboard_desk.pipeline.flags_for`."""
    if flag is Flag.NO_NEXT_ACTION:
        return and_(_open_stage(), _without_next_action())
    if flag is Flag.OVERDUE:
        return and_(_open_stage(), _due_between(before=now))
    return _stale(now=now, config=config)


def split_search(text: str) -> tuple[list[str], list[str]]:
    """Words long enough for the search index, and shorter ones matched by prefix."""
    words = text.split()
    long_words = [w for w in words if len(w) >= constructs.MIN_SEARCH_WORD]
    short_words = [w for w in words if len(w) < constructs.MIN_SEARCH_WORD]
    return long_words, short_words


def _conditions(
    flt: ProspectFilter, *, now: datetime, config: PipelineConfig
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.stages:
        conditions.append(col(Prospect.stage).in_([s.value for s in flt.stages]))
    if flt.owner:
        conditions.append(col(Prospect.owner) == flt.owner)
    if flt.channel:
        conditions.append(col(Prospect.channel) == flt.channel)
    if flt.flag is not None:
        conditions.append(flag_condition(flt.flag, now=now, config=config))
    if flt.tag:
        # Tags are stored "a,b"; a tag matches with accents and case folded ("événement"
        # finds "Événement").
        conditions.append(
            constructs.matches_folded(
                "," + col(Prospect.tags) + ",", ANY, f",{flt.tag.strip()},", ANY
            )
        )
    if flt.import_batch_id is not None:
        conditions.append(col(Prospect.import_batch_id) == flt.import_batch_id)
    _long_words, short_words = split_search(flt.search)
    for word in short_words:
        # Too short for the search index: the start of the name, of a word in it, of the
        # company or of the email, with accents and case folded as the index folds them
        # ("zoe mu" finds "Zoë Müller").
        conditions.append(
            or_(
                constructs.matches_folded(col(Prospect.name), word, ANY),
                constructs.matches_folded(col(Prospect.name), ANY, " ", word, ANY),
                constructs.matches_folded(col(Prospect.company), word, ANY),
                constructs.matches_folded(col(Prospect.email), word, ANY),
            )
        )
    return conditions


def stage_order_expression() -> ColumnElement[int]:
    """The pipeline position of ``prospect.stage`` (lost sorts last)."""
    order = {stage.value: index for index, stage in enumerate((*ORDERED_STAGES, Stage.LOST))}
    return case(order, value=col(Prospect.stage), else_=len(order))


def prospect_statement(
    flt: ProspectFilter,
    *,
    now: datetime | None = None,
    config: PipelineConfig | None = None,
) -> Any:
    """The SELECT (not yet paged) behind a list; exports stream it, views page it."""
    now = now or utcnow()
    config = config or PipelineConfig()
    long_words, _short = split_search(flt.search)
    statement = select(Prospect)
    ranked = None
    if long_words:
        ranked = constructs.search_ranks(long_words, "fts")
        statement = statement.join(ranked, ranked.c.id == Prospect.id)
    conditions = _conditions(flt, now=now, config=config)
    if conditions:
        statement = statement.where(and_(*conditions))
    if flt.sort == "stage":
        key: Any = stage_order_expression()
    elif flt.sort in SORT_COLUMNS:
        key = SORT_COLUMNS[flt.sort]
    elif ranked is not None:
        key = ranked.c.rank
    else:
        key = Prospect.name
    direction = key.desc() if flt.descending else key.asc()
    if flt.sort == "next_action_due":  # "no date" belongs at the end either way
        direction = direction.nulls_last()
    return statement.order_by(direction, col(Prospect.id).asc())


def list_prospects(
    session: Session,
    *,
    flt: ProspectFilter = ProspectFilter(),
    offset: int = 0,
    limit: int | None = 200,
    now: datetime | None = None,
    config: PipelineConfig | None = None,
) -> list[Prospect]:
    """One page of prospects matching ``flt``, in the asked order."""
    statement = prospect_statement(flt, now=now, config=config)
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement).all())


def count_prospects(
    session: Session,
    *,
    flt: ProspectFilter = ProspectFilter(),
    now: datetime | None = None,
    config: PipelineConfig | None = None,
) -> int:
    """How many prospects match ``flt`` (for "1,234 prospects" and scroll bars)."""
    now = now or utcnow()
    config = config or PipelineConfig()
    long_words, _short = split_search(flt.search)
    statement = select(func.count()).select_from(Prospect)
    conditions = _conditions(flt, now=now, config=config)
    if long_words:
        conditions.append(constructs.search_match_clause(col(Prospect.id), long_words))
    if conditions:
        statement = statement.where(and_(*conditions))
    return int(session.exec(statement).one() or 0)


@dataclass(frozen=True)
class StageTotal:
    """Count and deal value of one stage, for the board's column headers."""

    stage: Stage
    count: int
    value_cents: int


def stage_totals(session: Session, *, owner: str | None = None) -> list[StageTotal]:
    """Per-stage count and total value, every stage present (zeros included)."""
    statement = select(
        Prospect.stage, func.count(), func.coalesce(func.sum(Prospect.value_cents), 0)
    ).group_by(Prospect.stage)
    if owner:
        statement = statement.where(col(Prospect.owner) == owner)
    found = {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in session.exec(statement)}
    return [
        StageTotal(stage, *found.get(stage.value, (0, 0)))
        for stage in (*ORDERED_STAGES, Stage.LOST)
    ]


def owners(session: Session) -> list[str]:
    """Every owner name in use, alphabetically (for filters)."""
    statement = (
        select(Prospect.owner).where(Prospect.owner != "").distinct().order_by(Prospect.owner)
    )
    return [str(name) for name in session.exec(statement)]


def prospects_by_ids(session: Session, ids: Sequence[int]) -> list[Prospect]:
    if not ids:
        return []
    rows = session.exec(select(Prospect).where(col(Prospect.id).in_(list(ids))))
    by_id = {p.id: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


# --- Window: Today agenda, board columns, reminders --------------------------------------


def _agenda_columns() -> tuple[Any, ...]:
    # Times come back as text and are parsed with datetime.fromisoformat, several times
    # faster than the DATETIME type's own conversion.
    return (
        Prospect.id,
        Prospect.name,
        Prospect.company,
        Prospect.stage,
        Prospect.next_action,
        cast(Prospect.next_action_due, String),
        cast(Prospect.stage_entered_at, String),
        Prospect.value_cents,
        Prospect.currency,
    )


def parse_stored_time(text: str | None) -> datetime | None:
    """A stored timestamp read as text (UTC; SQLite keeps no offset) as an aware datetime."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_STAGE_BY_VALUE: dict[str, Stage] = {stage.value: stage for stage in Stage}


def _agenda_item(row: Any) -> AgendaItem:
    entered = parse_stored_time(row[6])
    assert entered is not None
    return AgendaItem(
        prospect_id=int(row[0]),
        name=str(row[1]),
        company=str(row[2] or ""),
        stage=_STAGE_BY_VALUE[row[3]],
        next_action=row[4],
        due=parse_stored_time(row[5]),
        stage_entered_at=entered,
        value_cents=row[7],
        currency=str(row[8] or "USD"),
    )


def agenda_group_tests(
    *, now: datetime, config: PipelineConfig, zone: tzinfo | None = None
) -> dict[GroupKind, ColumnElement[bool]]:
    """What puts a prospect in each Today group, as SQL (among those :func:`_on_today`
    selects: customers only reach the first two).

    Overdue and due today split the next actions at local midnight
    (:func:`onboard_desk.domain.agenda.today_bounds`); stale and no next action are the tests of
    the list's flag filters (:func:`flag_condition`), so a group and the list filtered by
    its flag always agree.
    """
    today, tomorrow = today_bounds(now, zone)
    return {
        GroupKind.OVERDUE: _due_between(before=today),
        GroupKind.TODAY: _due_between(start=today, before=tomorrow),
        GroupKind.STALE: _stale(now=now, config=config),
        GroupKind.NO_NEXT_ACTION: and_(_open_stage(), _without_next_action()),
    }


@dataclass(frozen=True)
class _GroupPlan:
    """How SQLite answers one Today group.

    ``order`` is the time the group lists oldest first (then by id); ``in_index_order``
    says whether the chosen index returns rows in that order; ``hidden`` are the prospect
    columns kept out of SQLite's index choice (:func:`constructs.not_for_index_columns`).
    """

    order: Any
    in_index_order: bool
    hidden: tuple[str, ...]


#: Overdue and due today walk ``ix_prospect_next_action_due`` in due order and stop after
#: ``limit`` rows (no sorting; stage and owner are checked on the rows read). Stale and no
#: next action are listed by the time the stage was entered, which no index leads with:
#: they read ``ix_prospect_report_open`` (stage, owner, due, entered) per open stage, an
#: index that holds every column they test, and sort only its matching entries.
_GROUP_PLANS: dict[GroupKind, _GroupPlan] = {
    GroupKind.OVERDUE: _GroupPlan(Prospect.next_action_due, True, ("stage", "owner")),
    GroupKind.TODAY: _GroupPlan(Prospect.next_action_due, True, ("stage", "owner")),
    GroupKind.STALE: _GroupPlan(Prospect.stage_entered_at, False, ("owner",)),
    GroupKind.NO_NEXT_ACTION: _GroupPlan(
        Prospect.stage_entered_at, False, ("owner", "next_action_due")
    ),
}


def agenda_group_statement(kind: GroupKind, condition: ColumnElement[bool], *, limit: int) -> Any:
    """The SELECT of one Today group's first ``limit`` rows, oldest first.

    Where the index gives the rows in order (overdue, due today) the statement reads them
    in that order and stops. Otherwise the ids are picked first from the covering index
    (sorting index entries only) and just those ``limit`` rows are read.
    """
    plan = _GROUP_PLANS[kind]
    steered = constructs.not_for_index_columns(condition, "prospect", plan.hidden)
    order = (col(plan.order), col(Prospect.id))
    if plan.in_index_order:
        return select(*_agenda_columns()).where(steered).order_by(*order).limit(limit)
    first = select(col(Prospect.id)).where(steered).order_by(*order).limit(limit).subquery()
    return select(*_agenda_columns()).join(first, first.c.id == Prospect.id).order_by(*order)


def today_agenda(
    session: Session,
    *,
    now: datetime | None = None,
    config: PipelineConfig | None = None,
    owner: str | None = None,
    limit: int = 300,
    zone: tzinfo | None = None,
) -> Agenda:
    """The Today screen: overdue and due-today next actions (oldest first; customers'
    too), then stale prospects and prospects without a next action, at most ``limit`` rows
    per group.

    One query per group, ordered and capped in SQL (:func:`agenda_group_statement`), and
    one that counts every group in a pass over the open prospects' covering index: tens of
    thousands of open prospects cost about ``limit`` rows read per group, not all of them.
    ``zone`` is where "today" is (the local zone by default).
    """
    now = now or utcnow()
    config = config or PipelineConfig()
    tests = agenda_group_tests(now=now, config=config, zone=zone)
    scope = [_on_today(), *_conditions(ProspectFilter(owner=owner), now=now, config=config)]
    counted = select(*(func.count().filter(test) for test in tests.values())).where(*scope)
    totals = dict(zip(tests, session.execute(counted).one(), strict=True))
    groups = []
    for kind, test in tests.items():
        statement = agenda_group_statement(kind, and_(*scope, test), limit=limit)
        items = tuple(_agenda_item(row) for row in session.exec(statement))
        groups.append(AgendaGroup(kind, items, int(totals[kind] or 0)))
    return Agenda(groups=tuple(groups), now=now)


@dataclass(frozen=True)
class BoardCard:
    """What one card on the pipeline board shows (and the keyset it pages by)."""

    prospect_id: int
    name: str
    company: str
    stage: Stage
    lost_from: Stage | None
    value_cents: int | None
    currency: str
    next_action: str | None
    next_action_due: datetime | None
    stage_entered_at: datetime


def board_page(
    session: Session,
    *,
    stage: Stage,
    after: tuple[str, int] | None = None,
    limit: int = 200,
    owner: str | None = None,
) -> list[BoardCard]:
    """One page of a board column, by name: keyset paging on (name, id) after ``after``,
    so page 50 costs the same as page 1 (index ``ix_prospect_stage_name``)."""
    columns: tuple[Any, ...] = (
        Prospect.id,
        Prospect.name,
        Prospect.company,
        Prospect.stage,
        Prospect.lost_from,
        Prospect.value_cents,
        Prospect.currency,
        Prospect.next_action,
        Prospect.next_action_due,
        Prospect.stage_entered_at,
    )
    statement = select(*columns).where(col(Prospect.stage) == stage.value)
    if owner:
        statement = statement.where(col(Prospect.owner) == owner)
    if after is not None:
        name, last_id = after
        statement = statement.where(
            or_(
                col(Prospect.name) > name,
                and_(col(Prospect.name) == name, col(Prospect.id) > last_id),
            )
        )
    rows = session.exec(statement.order_by(col(Prospect.name), col(Prospect.id)).limit(limit))
    return [
        BoardCard(
            prospect_id=int(r[0]),
            name=str(r[1]),
            company=str(r[2] or ""),
            stage=Stage(r[3]),
            lost_from=Stage(r[4]) if r[4] else None,
            value_cents=r[5],
            currency=str(r[6] or "USD"),
            next_action=r[7],
            next_action_due=r[8],
            stage_entered_at=r[9],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class DueReminder:
    """A next action that has just come due, for a desktop notification."""

    prospect_id: int
    name: str
    next_action: str
    due: datetime


def due_between(
    session: Session, *, start: datetime, end: datetime, limit: int = 50
) -> list[DueReminder]:
    """Open prospects whose next action falls due in ``(start, end]``, earliest first."""
    due = col(Prospect.next_action_due)
    columns: tuple[Any, ...] = (
        Prospect.id,
        Prospect.name,
        Prospect.next_action,
        Prospect.next_action_due,
    )
    rows: Sequence[Any] = session.exec(
        select(*columns)
        .where(_open_stage(), due > start, due <= end)
        .order_by(due, col(Prospect.id))
        .limit(limit)
    ).all()
    return [DueReminder(int(r[0]), str(r[1]), str(r[2] or ""), r[3]) for r in rows]


def list_prospect_columns(
    session: Session,
    columns: Sequence[Any],
    *,
    flt: ProspectFilter = ProspectFilter(),
    offset: int = 0,
    limit: int | None = 200,
    now: datetime | None = None,
    config: PipelineConfig | None = None,
) -> list[tuple[Any, ...]]:
    """Like :func:`list_prospects`, but only ``columns`` (of ``Prospect``) as plain tuples.

    Lists that show a few fields skip building ORM objects, which costs more than the
    query itself for a page of a few hundred rows.
    """
    statement = prospect_statement(flt, now=now, config=config).with_only_columns(*columns)
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return [tuple(row) for row in session.execute(statement).all()]


def prospect_ids(
    session: Session,
    *,
    flt: ProspectFilter = ProspectFilter(),
    limit: int | None = None,
    now: datetime | None = None,
    config: PipelineConfig | None = None,
) -> list[int]:
    """The ids matching ``flt``, in the list's order (for acting on a whole filtered list)."""
    statement = prospect_statement(flt, now=now, config=config).with_only_columns(col(Prospect.id))
    if limit is not None:
        statement = statement.limit(limit)
    return [int(i) for i in session.exec(statement).all()]


def has_prospects(session: Session) -> bool:
    """Whether the database holds any prospect at all (a new user's empty database)."""
    return session.exec(select(Prospect.id).limit(1)).first() is not None
