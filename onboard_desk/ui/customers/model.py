"""The customer table's item model: a lazy window over the customer list.

Like the prospect table, the model holds only the rows scrolled into view and asks for
more page by page, with the machinery of :class:`PagedTableModel`; sorting, paging and the
owner filter run in SQL behind the customer services
(:meth:`~onboard_desk.services.customers.CustomerService.page`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush

from onboard_desk.domain.contacts import format_money
from onboard_desk.domain.timeutil import as_utc, format_local, utcnow
from onboard_desk.retention.nps import NpsCategory
from onboard_desk.services.customers import CustomerPage, CustomerRow, CustomerSort
from onboard_desk.ui.common import paged_table_model
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.paged_table_model import Column, PagedTableModel
from onboard_desk.ui.common.status_colors import Kind, status_color

#: Shared by every paged table; importable from here as well.
PAGE_SIZE = paged_table_model.PAGE_SIZE
ProspectIdRole = paged_table_model.ProspectIdRole
SortValueRole = paged_table_model.SortValueRole

COLUMNS: tuple[Column[CustomerSort], ...] = (
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


class CustomerTableModel(PagedTableModel[CustomerRow, CustomerQuery, CustomerPage]):
    """The customers a :class:`CustomerQuery` asks for, loaded page by page."""

    columns = COLUMNS

    def __init__(
        self, context: AppContext, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(context, CustomerQuery(), parent, page_size=page_size)
        self._now = utcnow()
        self._due_soon = timedelta(days=30)

    # -- loading -------------------------------------------------------------------------

    # The shared paged model hands each piece of work a read session; the customer list
    # reads through its service, which opens its own, so the argument goes unused.

    def _page_work(
        self, query: CustomerQuery, offset: int, limit: int
    ) -> Callable[[object], CustomerPage]:
        customers = self.context.desk.customers

        def work(_session: object) -> CustomerPage:
            return customers.page(
                owner=query.owner,
                sort=query.sort,
                descending=query.descending,
                offset=offset,
                limit=limit,
                now=utcnow(),
            )

        return work

    def _count_work(self, query: CustomerQuery) -> Callable[[object], int]:
        customers = self.context.desk.customers
        owner = query.owner

        def work(_session: object) -> int:
            return customers.count(owner=owner)

        return work

    def _take_page(self, page: CustomerPage) -> list[CustomerRow]:
        """The page's rows; its moment and "due soon" setting decide the highlighting."""
        self._now = page.now
        self._due_soon = timedelta(days=page.due_soon_days)
        return page.rows

    def _row_id(self, row: CustomerRow) -> int:
        return row.prospect_id

    # -- cells ---------------------------------------------------------------------------

    def _header_tip(self, column: Column[Any]) -> str | None:
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
        return super()._header_tip(column)

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

    def _foreground(self, row: CustomerRow, key: str) -> QBrush | None:
        kind = self.highlight(row, key)
        return QBrush(status_color(kind)) if kind else None
