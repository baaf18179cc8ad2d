"""A lazy, SQL-backed table model: the paging machinery the prospect and customer tables
share.

The model never holds the whole list. It asks for one page at a time
(``canFetchMore``/``fetchMore``) on the thread pool through :meth:`AppContext.run`, while
sorting and filtering happen in SQL behind the services: a deep page over 100,000 prospects
can take longer than a frame, and the table must keep scrolling while it loads. Each
request carries a generation number so that a page which arrives after the query changed is
dropped instead of being mixed into the new list.

A subclass says only what differs: its columns, how a query becomes the work that fetches a
page and a count, which prospect a row is, and how its cells look. The work is handed the
:class:`~onboard_desk.services.desk.Desk` and calls its services (as an Anki operation is
handed the collection), so it never holds a session of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, Self, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from onboard_desk.ui.common.context import AppContext

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

#: Rows fetched per page; a page of this size renders well within a frame.
PAGE_SIZE = 200
#: The role under which every cell returns its row's prospect id.
ProspectIdRole = Qt.ItemDataRole.UserRole + 1
#: The role under which every cell returns a value to compare (tests, delegates).
SortValueRole = Qt.ItemDataRole.UserRole + 2

SortT = TypeVar("SortT")


@dataclass(frozen=True)
class Column(Generic[SortT]):
    """One column: its key, title, the SQL sort it maps to (None: not sortable), whether it
    is shown by default and whether it holds numbers (right-aligned)."""

    key: str
    title: str
    sort: SortT | None
    visible: bool = True
    numeric: bool = False


class SortableQuery(Protocol):
    """What a table's query must offer for header clicks to sort it in SQL."""

    @property
    def sort(self) -> Any: ...

    def sorted_by(self, sort: Any, *, descending: bool) -> Self: ...


RowT = TypeVar("RowT")
QueryT = TypeVar("QueryT", bound=SortableQuery)
PageT = TypeVar("PageT")


class PagedTableModel(QAbstractTableModel, Generic[RowT, QueryT, PageT]):
    """The rows a query asks for, loaded page by page as the view scrolls.

    ``RowT`` is what one row holds (plain values, safe to pass between threads), ``QueryT``
    what is listed and in which order, ``PageT`` what a page's work hands back.
    """

    #: The number of rows matching the query is known (or changed).
    sig_count_changed = Signal(int)
    #: A page arrived (the number of rows now loaded).
    sig_page_loaded = Signal(int)
    #: Loading started (True) or finished (False); the view shows a busy hint.
    sig_loading_changed = Signal(bool)

    #: The columns, in order (set by each subclass).
    columns: tuple[Column[Any], ...] = ()

    def __init__(
        self,
        context: AppContext,
        query: QueryT,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.page_size = page_size
        self._query = query
        self._rows: list[RowT] = []
        self._row_of_id: dict[int, int] = {}
        self._exhausted = False
        self._loading = False
        self._generation = 0
        self._count: int | None = None
        self._started = False

    # -- what a subclass supplies --------------------------------------------------------

    def _page_work(self, query: QueryT, offset: int, limit: int) -> Callable[[Desk], PageT]:
        """The work that fetches rows ``offset`` to ``offset + limit`` from the Desk it is
        handed (built on the GUI thread, so it may read settings there; run on the thread
        pool)."""
        raise NotImplementedError

    def _count_work(self, query: QueryT) -> Callable[[Desk], int]:
        """The work that counts the rows ``query`` matches (run on the thread pool)."""
        raise NotImplementedError

    def _take_page(self, page: PageT) -> Sequence[RowT]:
        """The rows of a page that arrived for the current query (and anything else the
        page carries that the cells need)."""
        raise NotImplementedError

    def _row_id(self, row: RowT) -> int:
        """The prospect a row shows."""
        raise NotImplementedError

    def _display(self, row: RowT, key: str) -> str:
        raise NotImplementedError

    def _sort_value(self, row: RowT, key: str) -> Any:
        raise NotImplementedError

    def _foreground(self, row: RowT, key: str) -> QBrush | None:
        return None

    def _tooltip(self, row: RowT, key: str) -> str | None:
        return None

    def _header_tip(self, column: Column[Any]) -> str | None:
        return self.tr("Not sortable") if column.sort is None else None

    # -- what is shown -------------------------------------------------------------------

    @property
    def query(self) -> QueryT:
        return self._query

    @property
    def total_count(self) -> int | None:
        """Rows matching the query, or None while they are being counted."""
        return self._count

    @property
    def is_loading(self) -> bool:
        return self._loading

    def set_query(self, query: QueryT) -> None:
        """List what ``query`` asks for, from the first page."""
        if query == self._query and self._started:
            return
        self._query = query
        self.reload()

    def reload(self, keep_loaded: bool = False) -> None:
        """Query again from the top; ``keep_loaded`` fetches as many rows as are shown now
        and swaps them in at once (an edit elsewhere keeps the user's place)."""
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
            return self._row_id(self._rows[row])
        return None

    def row_of(self, prospect_id: int) -> int | None:
        """The row showing ``prospect_id`` if it is loaded."""
        return self._row_of_id.get(prospect_id)

    def row_data(self, row: int) -> RowT:
        return self._rows[row]

    def column_key(self, column: int) -> str:
        return self.columns[column].key

    def column_index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)

    def sort_column(self) -> int:
        """The column the current sort is on, or -1 (an order no column shows)."""
        for index, column in enumerate(self.columns):
            if column.sort is not None and column.sort == self._query.sort:
                return index
        return -1

    # -- loading -------------------------------------------------------------------------

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.sig_loading_changed.emit(loading)

    def _run(
        self,
        work: Callable[[Desk], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        """Run a subclass's work on the thread pool, handing it the Desk."""
        desk = self.context.desk
        self.context.run(lambda: work(desk), on_success, on_failure)

    def _request_page(self, generation: int, offset: int, limit: int, *, replace: bool) -> None:
        self._set_loading(True)
        self._run(
            self._page_work(self._query, offset, limit),
            lambda page: self._page_arrived(generation, offset, limit, page, replace),
            lambda message: self._page_failed(generation, message),
        )

    def _request_count(self, generation: int) -> None:
        self._run(
            self._count_work(self._query),
            lambda count: self._count_arrived(generation, count),
        )

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
        self, generation: int, offset: int, limit: int, page: PageT, replace: bool
    ) -> None:
        if generation != self._generation:
            return  # the query changed while this page was on its way
        rows = self._take_page(page)
        if replace:
            self.beginResetModel()
            self._rows = list(rows)
            self._row_of_id = {self._row_id(r): i for i, r in enumerate(self._rows)}
            self.endResetModel()
        elif rows and offset == len(self._rows):
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            for index, row in enumerate(rows, start=first):
                self._row_of_id[self._row_id(row)] = index
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

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(column.title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tip(column)
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        key = column.key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == ProspectIdRole:
            return self._row_id(row)
        if role == SortValueRole:
            return self._sort_value(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; columns without a SQL sort are left as they are."""
        if not 0 <= column < len(self.columns):
            return
        sort = self.columns[column].sort
        if sort is None:
            return
        self.set_query(
            self._query.sorted_by(sort, descending=order == Qt.SortOrder.DescendingOrder)
        )
