"""The customer table's item model: a lazy window over the customer list's SQL.

Like the prospect table, the model holds only the rows scrolled into view and asks for
more page by page (``canFetchMore``/``fetchMore``) on the thread pool; sorting and the
owner filter run in SQL (:func:`onboard_desk.retention.customers.list_customers`). Each
request carries a generation number so a page that arrives after the sort or filter
changed is dropped instead of being mixed into the new list.

``list_customers`` takes a limit but no offset: the statement aggregates every customer
to sort them anyway, so a page asks for the rows up to its end and keeps the last
``page_size`` of them (what the SQL costs is the aggregation, not handing back rows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont
from sqlalchemy import text
from sqlmodel import Session

from onboard_desk.contacts import format_money
from onboard_desk.retention.config import load_retention_config
from onboard_desk.retention.customers import CustomerRow, CustomerSort, list_customers
from onboard_desk.retention.nps import NpsCategory
from onboard_desk.retention.sql import customers_sql
from onboard_desk.timeutil import as_utc, format_local, utcnow
from onboard_desk.ui.context import AppContext
from onboard_desk.ui.status_colors import Kind, status_color

#: Rows fetched per page.
PAGE_SIZE = 200
#: The role under which every cell returns its row's prospect id.
ProspectIdRole = Qt.ItemDataRole.UserRole + 1
#: The role under which every cell returns a value to compare (tests, the engagement bar).
SortValueRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column:
    """One column: its key, title, the SQL sort it maps to (None: not sortable)."""

    key: str
    title: str
    sort: CustomerSort | None
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", CustomerSort.NAME),
    Column("company", "Company", None),
    Column("owner", "Owner", None),
    Column("code", "Referral code", None),
    Column("engagement", "Engagement", CustomerSort.ENGAGEMENT, numeric=True),
    Column("score", "Latest NPS", CustomerSort.SCORE, numeric=True),
    Column("last_purchase", "Last purchase", CustomerSort.LAST_PURCHASE),
    Column("next_purchase", "Next expected", CustomerSort.NEXT_PURCHASE),
    Column("purchases", "Purchases", None, numeric=True),
    Column("total", "Bought", None, numeric=True),
    Column("referrals", "Referrals", CustomerSort.REFERRALS, numeric=True),
    Column("since", "Won on", CustomerSort.SINCE),
)
COLUMN_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)

#: How each NPS category is coloured (passives are plain).
_CATEGORY_KIND: dict[NpsCategory, Kind] = {
    NpsCategory.PROMOTER: "success",
    NpsCategory.DETRACTOR: "error",
}


@dataclass(frozen=True)
class CustomerQuery:
    """What the table lists: whose customers, in which order."""

    owner: str | None = None
    sort: CustomerSort = CustomerSort.NAME
    descending: bool = False

    def sorted_by(self, sort: CustomerSort, *, descending: bool) -> CustomerQuery:
        return replace(self, sort=sort, descending=descending)


@dataclass(frozen=True)
class CustomerPage:
    """One page of rows, with the moment they were computed for and how far ahead a
    purchase counts as due soon (both decide the highlighting)."""

    rows: list[CustomerRow]
    now: datetime
    due_soon_days: int


def fetch_page(
    session: Session, query: CustomerQuery, offset: int, limit: int, *, now: datetime
) -> CustomerPage:
    """Rows ``offset`` to ``offset + limit`` of the sorted list (runs on the thread pool)."""
    rows = list_customers(
        session,
        now=now,
        owner=query.owner,
        sort=query.sort,
        descending=query.descending,
        limit=offset + limit,
    )
    config = load_retention_config(session)
    return CustomerPage(rows[offset:], now, config.due_soon_days)


def count_customers(session: Session, *, owner: str | None = None) -> int:
    """How many customers (of ``owner``) there are: one count over the (stage, name) index."""
    params = {"owner": owner} if owner is not None else {}
    statement = f"SELECT COUNT(*) FROM ({customers_sql(owner=owner is not None)}) ids"
    return int(session.execute(text(statement), params).scalar_one())


class CustomerTableModel(QAbstractTableModel):
    """The customers a :class:`CustomerQuery` asks for, loaded page by page."""

    #: The number of customers matching the query is known (or changed).
    sig_count_changed = Signal(int)
    #: A page arrived (the number of rows now loaded).
    sig_page_loaded = Signal(int)
    #: Loading started (True) or finished (False).
    sig_loading_changed = Signal(bool)

    def __init__(
        self, context: AppContext, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.page_size = page_size
        self._query = CustomerQuery()
        self._rows: list[CustomerRow] = []
        self._row_of_id: dict[int, int] = {}
        self._now = utcnow()
        self._due_soon = timedelta(days=30)
        self._exhausted = False
        self._loading = False
        self._generation = 0
        self._count: int | None = None
        self._started = False

    # -- what is shown -------------------------------------------------------------------

    @property
    def query(self) -> CustomerQuery:
        return self._query

    @property
    def total_count(self) -> int | None:
        """Customers matching the query, or None while they are being counted."""
        return self._count

    @property
    def is_loading(self) -> bool:
        return self._loading

    def set_query(self, query: CustomerQuery) -> None:
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
            return self._rows[row].prospect_id
        return None

    def row_of(self, prospect_id: int) -> int | None:
        """The row showing ``prospect_id`` if it is loaded."""
        return self._row_of_id.get(prospect_id)

    def row_data(self, row: int) -> CustomerRow:
        return self._rows[row]

    def column_index(self, key: str) -> int:
        return COLUMN_KEYS.index(key)

    def sort_column(self) -> int:
        """The column the current sort is on."""
        for index, column in enumerate(COLUMNS):
            if column.sort is self._query.sort:
                return index
        return -1

    # -- loading -------------------------------------------------------------------------

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.sig_loading_changed.emit(loading)

    def _request_page(self, generation: int, offset: int, limit: int, *, replace: bool) -> None:
        self._set_loading(True)
        query = self._query

        def work(session: Session) -> CustomerPage:
            return fetch_page(session, query, offset, limit, now=utcnow())

        self.context.run_task(
            work,
            lambda page: self._page_arrived(generation, offset, limit, page, replace),
            lambda message: self._page_failed(generation, message),
        )

    def _request_count(self, generation: int) -> None:
        owner = self._query.owner

        def work(session: Session) -> int:
            return count_customers(session, owner=owner)

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
        self, generation: int, offset: int, limit: int, page: CustomerPage, replace: bool
    ) -> None:
        if generation != self._generation:
            return  # the sort or filter changed while this page was on its way
        self._now = page.now
        self._due_soon = timedelta(days=page.due_soon_days)
        rows = page.rows
        if replace:
            self.beginResetModel()
            self._rows = list(rows)
            self._row_of_id = {r.prospect_id: i for i, r in enumerate(self._rows)}
            self.endResetModel()
        elif rows and offset == len(self._rows):
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            for index, row in enumerate(rows, start=first):
                self._row_of_id[row.prospect_id] = index
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
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tip(column)
        return None

    def _header_tip(self, column: Column) -> str | None:
        tips = {
            "engagement": self.tr(
                "0-100 from the last 90 days: purchases, surveys, calls, emails and meetings"
            ),
            "score": self.tr("The customer's latest survey answer: 9-10 promoter, 0-6 detractor"),
            "next_purchase": self.tr("Last purchase plus the usual interval between purchases"),
            "referrals": self.tr("Prospects this customer referred (how many were won)"),
        }
        if column.key in tips:
            return tips[column.key]
        return self.tr("Not sortable") if column.sort is None else None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        key = column.key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == ProspectIdRole:
            return row.prospect_id
        if role == SortValueRole:
            return self._sort_value(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            kind = self.highlight(row, key)
            return QBrush(status_color(kind)) if kind else None
        if role == Qt.ItemDataRole.FontRole and key == "name":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, key)
        return None

    def _display(self, row: CustomerRow, key: str) -> str:
        if key == "code":
            return row.display_code
        if key == "engagement":
            return str(row.engagement)
        if key == "score":
            category = row.nps_category
            if row.latest_score is None or category is None:
                return ""
            return f"{row.latest_score} · {self.tr(category.value)}"
        if key == "last_purchase":
            return format_local(row.last_purchase, with_time=False)
        if key == "next_purchase":
            return format_local(row.expected_next, with_time=False)
        if key == "purchases":
            return str(row.purchases) if row.purchases else ""
        if key == "total":
            return format_money(row.total_cents, row.currency) if row.total_cents else ""
        if key == "referrals":
            if not row.referred:
                return ""
            return self.tr("%d (%d won)") % (row.referred, row.referred_won)
        if key == "since":
            return format_local(row.customer_since, with_time=False)
        return str(getattr(row, key) or "")

    @staticmethod
    def _sort_value(row: CustomerRow, key: str) -> Any:
        values: dict[str, Any] = {
            "name": row.name,
            "company": row.company,
            "owner": row.owner,
            "code": row.code,
            "engagement": row.engagement,
            "score": row.latest_score,
            "last_purchase": row.last_purchase,
            "next_purchase": row.expected_next,
            "purchases": row.purchases,
            "total": row.total_cents,
            "referrals": row.referred,
            "since": row.customer_since,
        }
        return values[key]

    def highlight(self, row: CustomerRow, key: str) -> Kind | None:
        """The status colour of a cell: a next purchase overdue (error) or due within the
        "due soon" setting (warning); promoters and detractors in the NPS column."""
        if key == "next_purchase" and row.expected_next is not None:
            expected = as_utc(row.expected_next)
            if expected < self._now:
                return "error"
            if expected < self._now + self._due_soon:
                return "warning"
        if key == "score" and row.nps_category is not None:
            return _CATEGORY_KIND.get(row.nps_category)
        return None

    def _tooltip(self, row: CustomerRow, key: str) -> str | None:
        if key == "next_purchase" and row.expected_next is not None:
            kind = self.highlight(row, key)
            every = row.interval_days or 0
            text = self.tr("Buys about every %s days") % f"{every:g}"
            if kind == "error":
                return text + "; " + self.tr("the expected purchase is overdue")
            if kind == "warning":
                return text + "; " + self.tr("due soon")
            return text
        if key == "name" and row.next_action:
            return self.tr("Next action: %s") % row.next_action
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL; columns without a SQL sort are left as they are."""
        if not 0 <= column < len(COLUMNS):
            return
        sort = COLUMNS[column].sort
        if sort is None:
            return
        self.set_query(
            self._query.sorted_by(sort, descending=order == Qt.SortOrder.DescendingOrder)
        )
