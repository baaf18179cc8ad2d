"""The prospect table's item model: a lazy window over the prospect list.

The model never holds every prospect: it pages through the list service
(:meth:`~onboard_desk.services.lists.ListService.rows`, offset paging) with the machinery of
:class:`PagedTableModel`, and filtering, sorting and full-text search all happen in SQL
behind it. What is particular to prospects lives here: the columns, the row a page is made
of, and edits made elsewhere in the window refreshing the rows already loaded in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QApplication

from onboard_desk.domain.contacts import format_money
from onboard_desk.domain.timeutil import format_local, utcnow
from onboard_desk.pipeline import (
    WORKING_STAGES,
    Flag,
    PipelineConfig,
    Stage,
    channel_label,
    flags_for,
    stage_label,
)
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.ui.common import paged_table_model
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.paged_table_model import Column, PagedTableModel
from onboard_desk.ui.common.status_colors import status_color

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

#: Shared by every paged table; importable from here as well.
PAGE_SIZE = paged_table_model.PAGE_SIZE
ProspectIdRole = paged_table_model.ProspectIdRole
SortValueRole = paged_table_model.SortValueRole

COLUMNS: tuple[Column[str], ...] = (
    Column("name", "Name", "name"),
    Column("company", "Company", "company"),
    Column("stage", "Stage", "stage"),
    Column("next_action", "Next action", "next_action"),
    Column("next_action_due", "Due", "next_action_due"),
    Column("flags", "Attention", None),
    Column("value", "Value", "value", numeric=True),
    Column("owner", "Owner", "owner"),
    Column("channel", "Channel", "channel", visible=False),
    Column("email", "Email", "email", visible=False),
    Column("phone", "Phone", "phone", visible=False),
    Column("title", "Title", "title", visible=False),
    Column("updated_at", "Updated", "updated_at", visible=False),
    Column("created_at", "Added", "created_at", visible=False),
)
COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)

_FLAG_ORDER = (Flag.OVERDUE, Flag.STALE, Flag.NO_NEXT_ACTION)
_OPEN_STAGE_VALUES = frozenset(s.value for s in WORKING_STAGES)


@dataclass(frozen=True)
class ProspectRow:
    """What one table row shows: plain values, safe to pass between threads."""

    id: int
    name: str
    company: str
    title: str
    email: str
    phone: str
    channel: str
    owner: str
    value_cents: int | None
    currency: str
    stage: str
    next_action: str
    next_action_due: datetime | None
    created_at: datetime
    updated_at: datetime
    flags: tuple[Flag, ...]

    @classmethod
    def of(cls, prospect: object, *, now: datetime, config: PipelineConfig) -> ProspectRow:
        """A row from a stored prospect (anything with the fields of :data:`ROW_FIELDS`)."""
        return cls.from_values(
            tuple(getattr(prospect, name) for name in ROW_FIELDS), now=now, config=config
        )

    @classmethod
    def from_values(
        cls, values: tuple[Any, ...], *, now: datetime, config: PipelineConfig
    ) -> ProspectRow:
        """A row from the values of :data:`ROW_FIELDS`, in that order."""
        (
            prospect_id,
            name,
            company,
            title,
            email,
            phone,
            channel,
            owner,
            value_cents,
            currency,
            stage,
            next_action,
            due,
            entered,
            created_at,
            updated_at,
        ) = values
        flags: tuple[Flag, ...] = ()
        if stage in _OPEN_STAGE_VALUES:  # only open prospects carry flags
            found = flags_for(
                stage=Stage(stage),
                next_action_due=due,
                stage_entered_at=entered,
                now=now,
                config=config,
            )
            flags = tuple(f for f in _FLAG_ORDER if f in found)
        return cls(
            int(prospect_id or 0),
            name,
            company,
            title,
            email,
            phone,
            channel,
            owner,
            value_cents,
            currency,
            stage,
            next_action or "",
            due,
            created_at,
            updated_at,
            flags,
        )


#: The fields a table row needs, read as plain values (cheaper than whole prospects).
ROW_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "company",
    "title",
    "email",
    "phone",
    "channel",
    "owner",
    "value_cents",
    "currency",
    "stage",
    "next_action",
    "next_action_due",
    "stage_entered_at",
    "created_at",
    "updated_at",
)


def fetch_page(
    desk: Desk, flt: ProspectFilter, offset: int, limit: int, config: PipelineConfig
) -> list[ProspectRow]:
    """One page of rows (runs on the thread pool)."""
    now = utcnow()
    rows = desk.lists.rows(ROW_FIELDS, flt, offset=offset, limit=limit, now=now)
    return [ProspectRow.from_values(values, now=now, config=config) for values in rows]


def fetch_rows_by_id(desk: Desk, ids: list[int], config: PipelineConfig) -> dict[int, ProspectRow]:
    """The rows of these prospects as they are now (deleted ones left out)."""
    now = utcnow()
    return {
        int(p.id or 0): ProspectRow.of(p, now=now, config=config) for p in desk.lists.by_ids(ids)
    }


class ProspectTableModel(PagedTableModel[ProspectRow, ProspectFilter, list[ProspectRow]]):
    """Prospects matching a :class:`ProspectFilter`, loaded page by page as the view scrolls."""

    columns = COLUMNS

    def __init__(
        self, context: AppContext, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(context, ProspectFilter(), parent, page_size=page_size)
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        # New idle limits change who is flagged; keep the user's place in the list.
        context.sig_settings_changed.connect(lambda: self.reload(keep_loaded=True))

    # -- what is shown -------------------------------------------------------------------

    @property
    def prospect_filter(self) -> ProspectFilter:
        return self._query

    def set_filter(self, flt: ProspectFilter) -> None:
        """Show the prospects matching ``flt`` (starting again from the first page)."""
        self.set_query(flt)

    # -- loading -------------------------------------------------------------------------

    def _page_work(
        self, query: ProspectFilter, offset: int, limit: int
    ) -> Callable[[Desk], list[ProspectRow]]:
        config = self.context.config

        def work(desk: Desk) -> list[ProspectRow]:
            return fetch_page(desk, query, offset, limit, config)

        return work

    def _count_work(self, query: ProspectFilter) -> Callable[[Desk], int]:
        def work(desk: Desk) -> int:
            return desk.lists.count(query)

        return work

    def _take_page(self, page: list[ProspectRow]) -> list[ProspectRow]:
        return page

    def _row_id(self, row: ProspectRow) -> int:
        return row.id

    def _on_prospects_changed(self, ids: list[int]) -> None:
        """Keep the rows in step with edits made anywhere in the window.

        Rows already loaded are refreshed in place (a prospect moved to another stage
        stays where the user is looking until the list is filtered again); anything else
        (a new or deleted prospect, a bulk change) re-runs the query, keeping as many
        rows loaded as before.
        """
        if not self._started:
            return
        known = [i for i in ids if i in self._row_of_id]
        if not ids or len(known) != len(ids):
            self.reload(keep_loaded=True)
            return
        generation = self._generation
        desk, config = self.context.desk, self.context.config
        self.context.run(
            lambda: fetch_rows_by_id(desk, known, config),
            lambda found: self._rows_refreshed(generation, known, found),
        )
        self._request_count(generation)

    def _rows_refreshed(
        self, generation: int, ids: list[int], found: dict[int, ProspectRow]
    ) -> None:
        if generation != self._generation:
            return
        if any(i not in found for i in ids):  # deleted meanwhile
            self.reload(keep_loaded=True)
            return
        last = self.columnCount() - 1
        for prospect_id, row in found.items():
            index = self._row_of_id.get(prospect_id)
            if index is None:
                continue
            self._rows[index] = row
            self.dataChanged.emit(self.index(index, 0), self.index(index, last))

    # -- cells -------------------------------------------------------------------------

    def _display(self, row: ProspectRow, key: str) -> str:
        if key == "stage":
            return stage_label(row.stage)
        if key == "channel":
            return channel_label(row.channel)
        if key == "value":
            return format_money(row.value_cents, row.currency)
        if key == "next_action_due":
            return format_local(row.next_action_due)
        if key in ("created_at", "updated_at"):
            return format_local(getattr(row, key), with_time=False)
        if key == "flags":
            return ", ".join(f.label for f in row.flags)
        return str(getattr(row, key) or "")

    @staticmethod
    def _sort_value(row: ProspectRow, key: str) -> Any:
        if key == "value":
            return row.value_cents
        if key == "flags":
            return tuple(f.value for f in row.flags)
        return getattr(row, key)

    @staticmethod
    def _foreground(row: ProspectRow, key: str) -> QBrush | None:
        if key in ("flags", "next_action_due") and Flag.OVERDUE in row.flags:
            return QBrush(status_color("error"))
        if key == "flags" and row.flags:
            return QBrush(status_color("warning"))
        if key == "stage" and row.stage == Stage.LOST.value:
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None

    def _tooltip(self, row: ProspectRow, key: str) -> str | None:
        if key == "flags" and row.flags:
            return "\n".join(f.label for f in row.flags)
        if key == "next_action" and row.next_action:
            return row.next_action
        if key == "name":
            return f"{row.name}\n{row.email}\n{row.phone}".strip()
        return None
