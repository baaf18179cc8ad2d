"""Read-only lists: pages of prospects, board columns, stage totals, Today, reminders.

Filtering, sorting, counting and paging happen in SQL (:mod:`onboard_desk.storage.queries`);
this service runs those queries in a read session of their own, with the database's
pipeline configuration, and hands back plain records. The value types a front end builds
or receives (:class:`ProspectFilter`, :class:`BoardCard`, ...) are re-exported here, so a
front end never imports the storage layer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from onboard_desk.domain.agenda import Agenda
from onboard_desk.storage import queries
from onboard_desk.storage.models import Prospect
from onboard_desk.storage.queries import (
    SORT_COLUMNS,
    BoardCard,
    DueReminder,
    ProspectFilter,
    StageTotal,
)

if TYPE_CHECKING:
    from onboard_desk.pipeline import Stage
    from onboard_desk.services.desk import Desk

__all__ = [
    "SORT_COLUMNS",
    "BoardCard",
    "DueReminder",
    "ListService",
    "ProspectFilter",
    "StageTotal",
    "sortable",
]


def sortable() -> frozenset[str]:
    """The names a list can be sorted by (``ProspectFilter.sort``)."""
    return frozenset({*SORT_COLUMNS, "stage"})


def _columns(names: Sequence[str]) -> list[Any]:
    """Prospect columns by field name; a name that is not a column is a programming error."""
    try:
        return [getattr(Prospect, name) for name in names]
    except AttributeError as exc:
        raise ValueError(f"A prospect has no column {exc.name!r}.") from None


class ListService:
    """The read-only lists of one database."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def prospects(
        self,
        flt: ProspectFilter | None = None,
        *,
        offset: int = 0,
        limit: int | None = 200,
        now: datetime | None = None,
    ) -> list[Prospect]:
        """One page of prospects matching ``flt``, in the asked order."""
        with self._desk.reading() as session:
            return queries.list_prospects(
                session,
                flt=flt or ProspectFilter(),
                offset=offset,
                limit=limit,
                now=now,
                config=self._desk.config,
            )

    def rows(
        self,
        fields: Sequence[str],
        flt: ProspectFilter | None = None,
        *,
        offset: int = 0,
        limit: int | None = 200,
        now: datetime | None = None,
    ) -> list[tuple[Any, ...]]:
        """Like :meth:`prospects`, but only the named fields, as tuples (cheaper per row)."""
        with self._desk.reading() as session:
            return queries.list_prospect_columns(
                session,
                _columns(fields),
                flt=flt or ProspectFilter(),
                offset=offset,
                limit=limit,
                now=now,
                config=self._desk.config,
            )

    def stream(
        self,
        flt: ProspectFilter | None = None,
        *,
        limit: int | None = None,
        now: datetime | None = None,
        batch: int = 1000,
    ) -> Iterator[Prospect]:
        """Every prospect matching ``flt``, in the list's order, fetched ``batch`` at a time
        (for exports of any size: memory stays flat). Consume it fully or close it."""
        statement = queries.prospect_statement(
            flt or ProspectFilter(), now=now, config=self._desk.config
        )
        if limit is not None:
            statement = statement.limit(limit)
        with self._desk.reading() as session:
            yield from session.exec(statement.execution_options(yield_per=batch))

    def count(self, flt: ProspectFilter | None = None, *, now: datetime | None = None) -> int:
        with self._desk.reading() as session:
            return queries.count_prospects(
                session, flt=flt or ProspectFilter(), now=now, config=self._desk.config
            )

    def ids(
        self,
        flt: ProspectFilter | None = None,
        *,
        limit: int | None = None,
        now: datetime | None = None,
    ) -> list[int]:
        """The ids matching ``flt``, in the list's order (to act on a whole filtered list)."""
        with self._desk.reading() as session:
            return queries.prospect_ids(
                session, flt=flt or ProspectFilter(), limit=limit, now=now, config=self._desk.config
            )

    def by_ids(self, ids: Sequence[int]) -> list[Prospect]:
        """The prospects with these ids, in this order (missing ones left out)."""
        with self._desk.reading() as session:
            return queries.prospects_by_ids(session, ids)

    def board_page(
        self,
        stage: Stage,
        *,
        after: tuple[str, int] | None = None,
        limit: int = 200,
        owner: str | None = None,
    ) -> list[BoardCard]:
        """One page of a board column, by name, after the card ``after`` (keyset paging)."""
        with self._desk.reading() as session:
            return queries.board_page(session, stage=stage, after=after, limit=limit, owner=owner)

    def stage_totals(self, *, owner: str | None = None) -> list[StageTotal]:
        with self._desk.reading() as session:
            return queries.stage_totals(session, owner=owner)

    def owners(self) -> list[str]:
        """Every owner name in use, alphabetically."""
        with self._desk.reading() as session:
            return queries.owners(session)

    def today(
        self,
        *,
        now: datetime | None = None,
        owner: str | None = None,
        limit: int = 300,
        zone: tzinfo | None = None,
    ) -> Agenda:
        """The Today screen's groups (see :func:`onboard_desk.storage.queries.today_agenda`)."""
        with self._desk.reading() as session:
            return queries.today_agenda(
                session, now=now, config=self._desk.config, owner=owner, limit=limit, zone=zone
            )

    def due_between(self, start: datetime, end: datetime, *, limit: int = 50) -> list[DueReminder]:
        """Open prospects whose next action falls due in ``(start, end]``, earliest first."""
        with self._desk.reading() as session:
            return queries.due_between(session, start=start, end=end, limit=limit)

    def has_prospects(self) -> bool:
        """Whether the database holds any prospect at all (a new user's empty database)."""
        with self._desk.reading() as session:
            return queries.has_prospects(session)
