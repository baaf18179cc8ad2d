"""The Customers screen in the window: its place in the sidebar and View menu, and rows
that open the prospect card by double click or Enter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from onboard_desk.ui.customers.view import CustomersView
from tests.ui.customers.helpers import make_customer


def test_customers_sit_between_prospects_and_reports(window: Any) -> None:
    assert window.screen_keys() == ["today", "board", "prospects", "customers", "reports"]
    view_menu = window.menus.menu("View")
    actions = {a.text().replace("&", ""): a for a in view_menu.actions()}
    assert actions["Customers"].shortcut() == QKeySequence("Ctrl+4")
    assert actions["Reports"].shortcut() == QKeySequence("Ctrl+5")
    item = window.sidebar.item(3)
    assert item.text() == "Customers"
    assert not item.icon().isNull()


def wait_rows(qtbot: QtBot, view: CustomersView, count: int) -> None:
    qtbot.waitUntil(
        lambda: view.model.rowCount() == count and not view.model.is_loading, timeout=5000
    )


def test_double_click_and_enter_open_the_card(window: Any, engine: Any, qtbot: QtBot) -> None:
    ada = make_customer(engine, "Ada Lovelace")
    bob = make_customer(engine, "Bob Byte")
    window.resize(1400, 800)
    window.show()
    qtbot.waitExposed(window)
    window.menus.menu("View").actions()[3].trigger()  # Ctrl+4
    assert window.current_screen_key() == "customers"
    view = window.screen_widget("customers")
    assert isinstance(view, CustomersView)
    wait_rows(qtbot, view, 2)

    opened: list[int] = []
    view.sig_open_prospect.connect(opened.append)
    bob_row, ada_row = view.model.row_of(bob), view.model.row_of(ada)
    assert bob_row is not None and ada_row is not None
    rect = view.table.visualRect(view.model.index(bob_row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [bob]  # once, not once per signal a double click emits
    qtbot.waitUntil(lambda: window.card_panel.card is not None, timeout=5000)
    card = window.card_panel.card
    qtbot.waitUntil(lambda: card.prospect_id == bob, timeout=5000)
    assert card.customer_box.isVisible()

    view.table.setFocus()
    view.table.selectRow(ada_row)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: card.prospect_id == ada, timeout=5000)
    assert opened == [bob, ada]


def test_the_empty_state_leads_to_the_pipeline(window: Any, qtbot: QtBot) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.show_screen("customers")
    view = window.screen_widget("customers")
    assert isinstance(view, CustomersView)
    qtbot.waitUntil(view.is_empty_state_shown, timeout=5000)
    qtbot.mouseClick(view.empty_button, Qt.MouseButton.LeftButton)
    assert window.current_screen_key() == "board"
