"""The window with the Prospects screen, the prospect card and New prospect wired in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from onboard_desk.pipeline import Stage
from onboard_desk.ui.prospects.new_prospect import NewProspectDialog
from tests.ui.conftest import add_prospect


def settle(qtbot: Any, window: Any) -> None:
    """Let the window handle the layout requests a change posted, until a round of events
    changes neither its width nor its panes (no fixed wait)."""

    def still() -> bool:
        before = (window.width(), tuple(window.splitter.sizes()))
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
        return (window.width(), tuple(window.splitter.sizes())) == before

    qtbot.waitUntil(still, timeout=5000)


def test_open_prospect_shows_the_card(window, engine, qtbot):
    ada = add_prospect(engine, "Ada Lovelace")
    window.open_prospect(ada)
    card = window.card_panel.card
    assert card is not None
    assert window.side_panel.isVisibleTo(window)
    assert card.prospect_id == ada  # the card reads on the GUI thread: no wait
    window.card_panel.close_panel()
    assert not window.side_panel.isVisibleTo(window)


def test_double_click_on_the_board_opens_the_card(window, engine, qtbot):
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.TRIAL)
    window.show_screen("board")
    board = window.screen_widget("board")
    column = board.columns[Stage.TRIAL]
    qtbot.waitUntil(lambda: column.model.row_of(ada) is not None, timeout=5000)
    column.view.doubleClicked.emit(column.model.index(column.model.row_of(ada), 0))
    assert window.card_panel.card.prospect_id == ada


def test_prospects_screen_opens_the_card(window, engine, qtbot):
    ada = add_prospect(engine, "Ada Lovelace")
    window.show_screen("prospects")
    view = window.screen_widget("prospects")
    view.sig_open_prospect.emit(ada)
    assert window.card_panel.card.prospect_id == ada


def test_ctrl_f_on_a_screen_without_search_goes_to_prospects(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.show_screen("board")
    window.find_action.trigger()
    assert window.current_screen_key() == "prospects"
    view = window.screen_widget("prospects")
    assert window.focusWidget() is not None
    assert view.isAncestorOf(window.focusWidget())


def test_new_prospect_dialog_and_open_existing(window, engine, qtbot):
    ada = add_prospect(engine, "Ada Lovelace")
    assert window.new_prospect_action.isEnabled()
    window.new_prospect_action.trigger()
    # This window's dialog (another test's may linger, closed, until its deferred delete).
    dialogs = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, NewProspectDialog) and w.parent() is window
    ]
    assert dialogs
    dialog = dialogs[-1]
    dialog.sig_open_existing.emit(ada)
    assert window.card_panel.card.prospect_id == ada
    dialog.reject()


def test_the_card_fits_beside_any_screen_without_widening_the_window(window, engine, qtbot):
    """On a 1366-pixel laptop screen, opening a card (after visiting the widest screen,
    Reports) neither pushes the window past the screen nor squeezes the card while there
    is room for it."""
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    for key in ("reports", "prospects", "board"):
        window.show_screen(key)
    ada = add_prospect(engine, "Ada Lovelace", stage=Stage.TRIAL)
    window.open_prospect(ada)
    assert window.card_panel.card.prospect_id == ada
    settle(qtbot, window)
    assert window.width() == 1366
    assert window.minimumSizeHint().width() <= 1366
    _sidebar, screen, card = window.splitter.sizes()
    assert screen >= 400
    assert card >= min(window.side_panel.natural_width(), screen + card - 400)
    window.show_screen("reports")  # the widest screen takes its room from the card
    settle(qtbot, window)
    assert window.width() == 1366
    reports = window.screen_widget("reports")
    assert reports.width() >= reports.minimumSizeHint().width()
