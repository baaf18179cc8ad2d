"""What the Customers screen remembers between starts: the owner filter and the sort.

Kept in QSettings (:mod:`onboard_desk.ui.common.ui_state`), not in the database: it is
this window's view of the list, not data. A stored sort this version does not know
falls back to sorting by name.
"""

from __future__ import annotations

from onboard_desk.services.customers import CustomerSort
from onboard_desk.ui.common import ui_state
from onboard_desk.ui.customers.model import CustomerQuery


def remembered_query() -> CustomerQuery:
    """The query the screen showed last time (all customers by name at first)."""
    try:
        sort = CustomerSort(ui_state.CUSTOMERS_SORT.get())
    except ValueError:
        sort = CustomerSort.NAME
    owner = ui_state.CUSTOMERS_OWNER.get() or None
    return CustomerQuery(owner, sort, ui_state.CUSTOMERS_DESCENDING.get())


def remember_query(query: CustomerQuery) -> None:
    """Keep ``query`` for the next start."""
    ui_state.CUSTOMERS_SORT.set(query.sort.value)
    ui_state.CUSTOMERS_DESCENDING.set(query.descending)
    ui_state.CUSTOMERS_OWNER.set(query.owner or "")
