"""Puts the window together: which screens it has and what runs once the database is open.

This is the one place where parts meet; a new screen or menu item from another part is
registered here through the window's public API (see :mod:`onboard_desk.ui.window.main_window`).
Screen modules are imported inside their factories, so nothing that needs SQLAlchemy is
imported before the window is on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from onboard_desk.ui.window.main_window import MainWindow

if TYPE_CHECKING:
    from onboard_desk.ui.common.context import AppContext


def register_screens(window: MainWindow) -> None:
    """The sidebar's screens, in order (View > Ctrl+1, Ctrl+2, ...)."""

    def today() -> QWidget:
        from onboard_desk.ui.today.view import TodayScreen

        assert window.context is not None
        screen = TodayScreen(window.context)
        screen.sig_new_prospect_requested.connect(window.new_prospect_action.trigger)
        screen.sig_import_requested.connect(window.actions_.open_import)  # type: ignore[attr-defined]
        return screen

    def board() -> QWidget:
        from onboard_desk.ui.board.view import BoardScreen

        assert window.context is not None
        return BoardScreen(window.context)

    def prospects() -> QWidget:
        from onboard_desk.ui.prospects.view import ProspectsView

        assert window.context is not None
        return ProspectsView(window.context)

    def customers() -> QWidget:
        from onboard_desk.ui.customers.view import CustomersView

        assert window.context is not None
        screen = CustomersView(window.context)
        screen.sig_show_pipeline.connect(lambda: window.show_screen("board"))
        return screen

    def reports() -> QWidget:
        from onboard_desk.ui.reports.view import ReportsView

        assert window.context is not None
        return ReportsView(window.context)

    window.add_screen("today", window.tr("Today"), today, "today")
    window.add_screen("board", window.tr("Pipeline"), board, "board")
    window.add_screen("prospects", window.tr("Prospects"), prospects, "prospects")
    window.add_screen("customers", window.tr("Customers"), customers, "customers")
    window.add_screen("reports", window.tr("Reports"), reports, "reports")
    # Ctrl+F on a screen without its own search goes to the Prospects search.
    window.search_screen_key = "prospects"


def connect_context(window: MainWindow, context: AppContext) -> None:
    """What starts once the database is open: reminders and the window's dialogs."""
    from onboard_desk.ui.window.reminders import Reminders

    reminders = Reminders(context, window)
    reminders.sig_open_prospect.connect(window.open_prospect)
    window.reminders = reminders  # type: ignore[attr-defined]
    card_panel = ProspectCardPanel(window, context)
    window.sig_open_prospect_requested.connect(card_panel.show_prospect)
    window.card_panel = card_panel  # type: ignore[attr-defined]
    window.new_prospect_action.triggered.connect(lambda: open_new_prospect(window, context))
    window.new_prospect_action.setEnabled(True)
    from onboard_desk.ui.window.actions import WindowActions

    window.actions_ = WindowActions(window, context)  # type: ignore[attr-defined]


def open_new_prospect(window: MainWindow, context: AppContext) -> QDialog:
    """File > New prospect (Ctrl+N): the dialog warns about likely duplicates; choosing an
    existing prospect, or saving a new one, opens its card."""
    from onboard_desk.ui.prospects.new_prospect import NewProspectDialog

    dialog = NewProspectDialog(context, window)
    dialog.sig_open_existing.connect(window.open_prospect)
    dialog.sig_prospect_created.connect(window.open_prospect)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


class ProspectCardPanel(QWidget):
    """The right-hand panel of the window: the prospect card, built on first use, with a
    close button (the splitter remembers its width)."""

    def __init__(self, window: MainWindow, context: AppContext) -> None:
        super().__init__()
        self.window_ = window
        self.context = context
        self.card: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 4, 0)
        header.addStretch(1)
        close = QToolButton()
        close.setText(self.tr("Close"))
        close.setToolTip(self.tr("Hide the prospect card"))
        close.setAutoRaise(True)
        close.clicked.connect(self.close_panel)
        header.addWidget(close)
        self._layout.addLayout(header)

    def show_prospect(self, prospect_id: int) -> None:
        if self.card is None:
            from onboard_desk.ui.card import ProspectCard

            self.card = ProspectCard(self.context, self)
            self._layout.addWidget(self.card, 1)
        self.window_.show_side_panel(self)
        self.card.show_prospect(prospect_id)  # type: ignore[attr-defined]

    def close_panel(self) -> None:
        self.window_.side_panel.hide()
