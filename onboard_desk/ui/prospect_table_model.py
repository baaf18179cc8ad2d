"""The prospect table's item model: a lazy window over a SQL query.

The model never holds every prospect. It asks the store for one page at a time
(``canFetchMore``/``fetchMore``, offset paging over :func:`queries.list_prospects`), and
filtering, sorting and full-text search all happen in SQL. Pages and counts are fetched
on the thread pool through :meth:`AppContext.run_task`: a ranked search or a deep page at
100,000 prospects can take longer than a frame, and the table must keep scrolling while
it loads. Each request carries a generation number so that a page which arrives after
the filter changed is dropped instead of being mixed into the new list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication
from sqlmodel import Session

from onboard_desk import queries
from onboard_desk.contacts import format_money
from onboard_desk.models import Prospect
from onboard_desk.pipeline import (
    CHANNEL_LABELS,
    WORKING_STAGES,
    Channel,
    Flag,
    PipelineConfig,
    Stage,
    flags_for,
)
from onboard_desk.queries import ProspectFilter
from onboard_desk.timeutil import format_local, utcnow
from onboard_desk.ui.context import AppContext
from onboard_desk.ui.status_colors import status_color

#: Rows fetched per page; a page of this size renders well within a frame.
PAGE_SIZE = 200
#: The role under which every cell returns its row's prospect id.
ProspectIdRole = Qt.ItemDataRole.UserRole + 1
#: The role under which every cell returns a value to compare (for tests and delegates).
SortValueRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    """One column the table can show: its key, title, SQL sort key and default visibility."""

    key: str
    title: str
    sort: str | None
    visible: bool = True
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
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
    def of(cls, prospect: Prospect, *, now: datetime, config: PipelineConfig) -> ProspectRow:
        return cls.from_values(
            tuple(getattr(prospect, c.key) for c in ROW_COLUMNS), now=now, config=config
        )

    @classmethod
    def from_values(
        cls, values: tuple[Any, ...], *, now: datetime, config: PipelineConfig
    ) -> ProspectRow:
        """A row from the values of :data:`ROW_COLUMNS`, in that order."""
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


#: The columns a table row needs, read straight from SQL (no ORM objects).
ROW_COLUMNS: tuple[Any, ...] = (
    Prospect.id,
    Prospect.name,
    Prospect.company,
    Prospect.title,
    Prospect.email,
    Prospect.phone,
    Prospect.channel,
    Prospect.owner,
    Prospect.value_cents,
    Prospect.currency,
    Prospect.stage,
    Prospect.next_action,
    Prospect.next_action_due,
    Prospect.stage_entered_at,
    Prospect.created_at,
    Prospect.updated_at,
)


def fetch_page(
    session: Session, flt: ProspectFilter, offset: int, limit: int, config: PipelineConfig
) -> list[ProspectRow]:
    """One page of rows (runs on the thread pool)."""
    now = utcnow()
    rows = queries.list_prospect_columns(
        session, ROW_COLUMNS, flt=flt, offset=offset, limit=limit, now=now, config=config
    )
    return [ProspectRow.from_values(values, now=now, config=config) for values in rows]


def fetch_rows_by_id(
    session: Session, ids: list[int], config: PipelineConfig
) -> dict[int, ProspectRow]:
    now = utcnow()
    return {
        int(p.id or 0): ProspectRow.of(p, now=now, config=config)
        for p in queries.prospects_by_ids(session, ids)
    }


def _stage_label(value: str) -> str:
    try:
        return Stage(value).label
    except ValueError:
        return value


def _channel_label(value: str) -> str:
    try:
        return CHANNEL_LABELS[Channel(value)]
    except ValueError:
        return value


class ProspectTableModel(QAbstractTableModel):
    """Prospects matching a :class:`ProspectFilter`, loaded page by page as the view scrolls."""

    #: The number of prospects matching the filter is known (or changed).
    sig_count_changed = Signal(int)
    #: A page arrived (the number of rows now loaded).
    sig_page_loaded = Signal(int)
    #: Loading started (True) or finished (False); the view shows a busy hint.
    sig_loading_changed = Signal(bool)

    def __init__(
        self, context: AppContext, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.page_size = page_size
        self._filter = ProspectFilter()
        self._rows: list[ProspectRow] = []
        self._row_of_id: dict[int, int] = {}
        self._exhausted = False
        self._loading = False
        self._generation = 0
        self._count: int | None = None
        self._started = False
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        # New idle limits change who is flagged; keep the user's place in the list.
        context.sig_settings_changed.connect(lambda: self.reload(keep_loaded=True))

    # -- what is shown -------------------------------------------------------------------

    @property
    def prospect_filter(self) -> ProspectFilter:
        return self._filter

    @property
    def total_count(self) -> int | None:
        """Prospects matching the filter, or None while it is being counted."""
        return self._count

    @property
    def is_loading(self) -> bool:
        return self._loading

    def set_filter(self, flt: ProspectFilter) -> None:
        """Show the prospects matching ``flt`` (starting again from the first page)."""
        if flt == self._filter and self._started:
            return
        self._filter = flt
        self.reload()

    def reload(self, keep_loaded: bool = False) -> None:
        """Query again from the top; ``keep_loaded`` fetches as many rows as are shown now."""
        self._started = True
        self._generation += 1
        generation = self._generation
        wanted = max(self.page_size, len(self._rows)) if keep_loaded else self.page_size
        if not keep_loaded:
            self.beginResetModel()
            self._rows = []
            self._row_of_id = {}
            self._exhausted = False
            self.endResetModel()
        self._count = None
        self._request_count(generation)
        self._request_page(generation, 0, wanted, replace=keep_loaded)

    def prospect_id(self, row: int) -> int | None:
        if 0 <= row < len(self._rows):
            return self._rows[row].id
        return None

    def row_of(self, prospect_id: int) -> int | None:
        """The row showing ``prospect_id`` if it is loaded."""
        return self._row_of_id.get(prospect_id)

    def row_data(self, row: int) -> ProspectRow:
        return self._rows[row]

    def column_key(self, column: int) -> str:
        return COLUMNS[column].key

    def column_index(self, key: str) -> int:
        return COLUMN_KEYS.index(key)

    # -- loading -------------------------------------------------------------------------

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.sig_loading_changed.emit(loading)

    def _request_page(self, generation: int, offset: int, limit: int, *, replace: bool) -> None:
        self._set_loading(True)
        flt = self._filter
        config = self.context.config

        def work(session: Session) -> list[ProspectRow]:
            return fetch_page(session, flt, offset, limit, config)

        self.context.run_task(
            work,
            lambda rows: self._page_arrived(generation, offset, limit, rows, replace),
            lambda message: self._page_failed(generation, message),
        )

    def _request_count(self, generation: int) -> None:
        flt = self._filter
        config = self.context.config

        def work(session: Session) -> int:
            return queries.count_prospects(session, flt=flt, config=config)

        self.context.run_task(work, lambda count: self._count_arrived(generation, count))

    def _count_arrived(self, generation: int, count: int) -> None:
        if generation != self._generation:
            return
        self._count = int(count)
        self.sig_count_changed.emit(self._count)

    def _page_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._exhausted = True
        self._set_loading(False)
        self.context.sig_error.emit(message)

    def _page_arrived(
        self, generation: int, offset: int, limit: int, rows: list[ProspectRow], replace: bool
    ) -> None:
        if generation != self._generation:
            return  # the filter changed while this page was on its way
        if replace:
            self.beginResetModel()
            self._rows = list(rows)
            self._row_of_id = {r.id: i for i, r in enumerate(self._rows)}
            self.endResetModel()
        elif rows and offset == len(self._rows):
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            for index, row in enumerate(rows, start=first):
                self._row_of_id[row.id] = index
            self.endInsertRows()
        self._exhausted = len(rows) < limit
        self._set_loading(False)
        self.sig_page_loaded.emit(len(self._rows))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return self._started and not self._exhausted and not self._loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._request_page(self._generation, len(self._rows), self.page_size, replace=False)

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
        config = self.context.config

        def work(session: Session) -> dict[int, ProspectRow]:
            return fetch_rows_by_id(session, known, config)

        self.context.run_task(work, lambda found: self._rows_refreshed(generation, known, found))
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

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(column.title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.sort is None:
            return self.tr("Not sortable")
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == ProspectIdRole:
            return row.id
        if role == SortValueRole:
            return self._sort_value(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, key)
        if role == Qt.ItemDataRole.FontRole and key == "name":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, key)
        return None

    def _display(self, row: ProspectRow, key: str) -> str:
        if key == "stage":
            return _stage_label(row.stage)
        if key == "channel":
            return _channel_label(row.channel)
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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; columns without a SQL sort key are left as they are."""
        if not 0 <= column < len(COLUMNS) or COLUMNS[column].sort is None:
            return
        key = COLUMNS[column].sort
        assert key is not None
        self.set_filter(
            self._filter.sorted_by(key, descending=order == Qt.SortOrder.DescendingOrder)
        )

    def sort_column(self) -> int:
        """The column the current sort is on, or -1 (rank or name order)."""
        for index, column in enumerate(COLUMNS):
            if column.sort and column.sort == self._filter.sort:
                return index
        return -1
