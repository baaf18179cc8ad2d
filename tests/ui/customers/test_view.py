"""The Customers screen on a real database: listing, SQL sorting, paging, owner filter,
the code lookup, the empty state, and opening the card."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from onboard_desk.domain.referral_codes import display_code
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.services.customers import CustomerRow, CustomerService, CustomerSort
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.status_colors import status_color
from onboard_desk.ui.customers.model import CustomerQuery, CustomerTableModel
from onboard_desk.ui.customers.view import CustomersView
from tests.ui.conftest import add_prospect
from tests.ui.customers.helpers import code, make_customer


def make_view(qtbot: QtBot, context: AppContext, *, page_size: int | None = None) -> CustomersView:
    view = CustomersView(context)
    qtbot.addWidget(view)
    if page_size is not None:
        view.model.page_size = page_size
        view.model.reload()
    view.resize(1200, 600)
    view.show()
    qtbot.waitExposed(view)
    wait_loaded(qtbot, view)
    return view


def wait_loaded(qtbot: QtBot, view: CustomersView) -> None:
    qtbot.waitUntil(
        lambda: not view.model.is_loading and view.model.total_count is not None, timeout=5000
    )


def names(view: CustomersView) -> list[str]:
    return [view.model.row_data(row).name for row in range(view.model.rowCount())]


def click_header(qtbot: QtBot, view: CustomersView, key: str) -> None:
    header = view.table.horizontalHeader()
    column = view.model.column_index(key)
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    wait_loaded(qtbot, view)


@pytest.fixture
def customers(engine: Any) -> dict[str, int]:
    """Four customers of two owners with different histories, and a prospect still open."""
    add_prospect(engine, "Olive Open", stage=Stage.TRIAL)
    return {
        "Cara": make_customer(engine, "Cara Diaz", owner="Jamie", purchases=[(200, 5_000)]),
        "Abe": make_customer(
            engine, "Abe Stone", owner="Robin", purchases=[(120, 9_000), (60, 9_000)], survey=9
        ),
        "Bea": make_customer(engine, "Bea Long", owner="Jamie", survey=3),
        "Dan": make_customer(
            engine,
            "Dan Frost",
            owner="Robin",
            purchases=[(300, 1_000), (200, 1_000), (100, 1_000)],
        ),
    }


def test_lists_every_customer_by_name_with_their_figures(
    qtbot: QtBot, context: AppContext, customers: dict[str, int], engine: Any
) -> None:
    view = make_view(qtbot, context)
    assert names(view) == ["Abe Stone", "Bea Long", "Cara Diaz", "Dan Frost"]  # not Olive
    assert view.count_label.text() == "4 customers"
    assert not view.is_empty_state_shown()
    model = view.model
    abe = model.row_of(customers["Abe"])
    assert abe is not None

    def cell(key: str) -> str:
        return str(model.index(abe, model.column_index(key)).data())

    assert cell("code") == display_code(code(engine, customers["Abe"]))
    assert cell("purchases") == "3"  # the win and two more
    assert cell("score") == "9 · promoter"
    assert cell("owner") == "Robin"
    # Two purchases 60 days apart, then the win: the next one is expected in the future.
    assert model.row_data(abe).expected_next is not None


def test_clicking_headers_sorts_in_sql(
    qtbot: QtBot, context: AppContext, customers: dict[str, int]
) -> None:
    view = make_view(qtbot, context)
    click_header(qtbot, view, "referrals")
    click_header(qtbot, view, "purchases")  # not sortable: the order stays
    assert view.model.query.sort.value == "referrals"
    click_header(qtbot, view, "score")
    assert view.model.query.sort.value == "score"
    expected = [
        row.name
        for row in context.desk.customers.rows(sort="score", descending=view.model.query.descending)
    ]
    assert names(view) == expected
    # Customers without a score come last in either direction (the SQL says so).
    assert set(names(view)[-2:]) == {"Cara Diaz", "Dan Frost"}
    click_header(qtbot, view, "score")  # the other direction
    assert names(view)[:2] == (
        ["Abe Stone", "Bea Long"] if view.model.query.descending else ["Bea Long", "Abe Stone"]
    )
    assert view.table.horizontalHeader().sortIndicatorSection() == view.model.column_index("score")


def test_pages_load_as_the_list_scrolls_in_the_sorted_order(
    qtbot: QtBot, context: AppContext, customers: dict[str, int]
) -> None:
    model = CustomerTableModel(context, page_size=3)
    model.set_query(CustomerQuery(sort=CustomerSort.NAME, descending=True))
    qtbot.waitUntil(lambda: model.rowCount() == 3 and not model.is_loading, timeout=5000)
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 4 and not model.is_loading, timeout=5000)
    assert [model.row_data(r).name for r in range(4)] == [
        "Dan Frost",
        "Cara Diaz",
        "Bea Long",
        "Abe Stone",
    ]
    assert not model.canFetchMore()
    assert model.total_count == 4
    # A view fetches as many pages as it has room for.
    view = make_view(qtbot, context, page_size=3)
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=5000)


def test_owner_filter(qtbot: QtBot, context: AppContext, customers: dict[str, int]) -> None:
    view = make_view(qtbot, context)
    qtbot.waitUntil(lambda: view.owner_combo.findData("Robin") >= 0, timeout=5000)
    view.owner_combo.setCurrentIndex(view.owner_combo.findData("Robin"))
    wait_loaded(qtbot, view)
    assert names(view) == ["Abe Stone", "Dan Frost"]
    assert view.count_label.text() == "2 customers"
    # Remembered for the next start.
    again = make_view(qtbot, context)
    assert again.model.query.owner == "Robin"
    assert names(again) == ["Abe Stone", "Dan Frost"]


def test_an_overdue_purchase_is_highlighted(qtbot: QtBot, context: AppContext, engine: Any) -> None:
    """A customer entered straight into Won (no win purchase) who bought 400 and 300 days
    ago was expected 200 days ago: the date shows in the error colour."""
    now = utcnow()
    desk = context.desk
    late = desk.prospects.add({"name": "Lou Late"}, stage=Stage.WON).id
    assert late is not None
    for days in (400, 300):
        desk.customers.record_purchase(late, 1_000, purchased_at=now - timedelta(days=days))
    view = make_view(qtbot, context)
    row = view.model.row_of(late)
    assert row is not None
    index = view.model.index(row, view.model.column_index("next_purchase"))
    assert index.data() != ""
    brush = index.data(Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == status_color("error")
    assert "overdue" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_code_lookup_opens_the_customer_and_explains_a_miss(
    qtbot: QtBot, context: AppContext, customers: dict[str, int], engine: Any
) -> None:
    view = make_view(qtbot, context)
    opened: list[int] = []
    view.sig_open_prospect.connect(opened.append)
    typed = code(engine, customers["Dan"]).lower()
    view.code_edit.setText(f"{typed[:4]} {typed[4:]}")
    qtbot.keyClick(view.code_edit, Qt.Key.Key_Return)
    assert opened == [customers["Dan"]]
    assert view.selected_prospect_id() == customers["Dan"]
    view.code_edit.setText("ZZZZ-ZZZZ")
    qtbot.keyClick(view.code_edit, Qt.Key.Key_Return)
    assert opened == [customers["Dan"]]
    assert view.code_message.isVisible()
    assert "ZZZZ-ZZZZ" in view.code_message.text()
    view.code_edit.setText("hello")
    qtbot.keyClick(view.code_edit, Qt.Key.Key_Return)
    assert "not a referral code" in view.code_message.text()


def test_empty_state_until_a_prospect_is_won(
    qtbot: QtBot, context: AppContext, engine: Any
) -> None:
    payment = add_prospect(engine, "Pat Payment", stage=Stage.PAYMENT)
    view = make_view(qtbot, context)
    assert view.is_empty_state_shown()
    assert "Mark won" in view.empty_text.text()
    shown: list[bool] = []
    view.sig_show_pipeline.connect(lambda: shown.append(True))
    qtbot.mouseClick(view.empty_button, Qt.MouseButton.LeftButton)
    assert shown == [True]
    context.desk.prospects.move(payment, Stage.WON)
    context.prospects_changed([payment])
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    wait_loaded(qtbot, view)
    assert not view.is_empty_state_shown()
    assert names(view) == ["Pat Payment"]


def test_purchase_due_dates_are_coloured_by_how_close_they_are(
    qtbot: QtBot, context: AppContext, engine: Any
) -> None:
    make_customer(engine, "Uma Usual")
    now = utcnow()
    view = make_view(qtbot, context)
    model = view.model

    listed = context.desk.customers.rows(now=now)
    assert listed

    def row(last_days_ago: int, interval: float) -> CustomerRow:
        return replace(
            listed[0], last_purchase=now - timedelta(days=last_days_ago), interval_days=interval
        )

    assert model.highlight(row(100, 30), "next_purchase") == "error"  # overdue
    assert model.highlight(row(10, 30), "next_purchase") == "warning"  # within 30 days
    assert model.highlight(row(10, 90), "next_purchase") is None


def test_pages_and_counts_are_read_off_the_gui_thread(
    qtbot: QtBot, threaded_context: AppContext, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the real pool the list's SQL never runs on the GUI thread, and the rows arrive."""
    make_customer(engine, "Ada Lovelace")
    make_customer(engine, "Bob Byte")
    threads: list[str] = []
    real_page, real_count = CustomerService.page, CustomerService.count

    def page(self: CustomerService, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_page(self, **kwargs)

    def count(self: CustomerService, **kwargs: Any) -> int:
        threads.append(threading.current_thread().name)
        return real_count(self, **kwargs)

    monkeypatch.setattr(CustomerService, "page", page)
    monkeypatch.setattr(CustomerService, "count", count)
    view = CustomersView(threaded_context)
    qtbot.addWidget(view)
    wait_loaded(qtbot, view)
    assert names(view) == ["Ada Lovelace", "Bob Byte"]
    assert len(threads) == 2
    assert threading.main_thread().name not in threads
