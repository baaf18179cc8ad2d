"""The right-hand panel of the window: the prospect card, built on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QToolButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from onboard_desk.ui.card import ProspectCard
    from onboard_desk.ui.common.context import AppContext
    from onboard_desk.ui.window.main_window import MainWindow


class ProspectCardPanel(QWidget):
    """The prospect card with a close button (the splitter remembers the panel's width)."""

    def __init__(self, window: MainWindow, context: AppContext) -> None:
        super().__init__()
        self.window_ = window
        self.context = context
        self.card: ProspectCard | None = None
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
        self.card.show_prospect(prospect_id)

    def close_panel(self) -> None:
        self.window_.side_panel.hide()
