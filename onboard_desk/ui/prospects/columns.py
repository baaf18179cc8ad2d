"""Which columns the prospect table shows, in which order and how wide: the header's
context menu, the defaults, and remembering them for the next start (QSettings: it is UI
state, not data). The name column always shows: it is how a row is recognised.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Slot
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from onboard_desk.ui.prospects import state
from onboard_desk.ui.prospects.model import COLUMNS

#: Default widths in pixels (other columns: 150).
DEFAULT_WIDTHS = {
    "name": 190,
    "company": 190,
    "stage": 110,
    "next_action": 260,
    "next_action_due": 130,
    "flags": 150,
    "value": 110,
    "owner": 120,
}
#: Milliseconds after the last resize or move before the header is remembered.
SAVE_DELAY_MS = 400


class ColumnLayout(QObject):
    """The shown columns of one prospect table and their widths, remembered."""

    def __init__(self, table: QTableView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionResized.connect(self._save_timer.start)
        header.sectionMoved.connect(self._save_timer.start)
        for index, column in enumerate(COLUMNS):
            header.resizeSection(index, DEFAULT_WIDTHS.get(column.key, 150))
            header.setSectionHidden(index, not column.visible)

    def visible(self) -> list[str]:
        """Keys of the shown columns, in the order they appear."""
        header = self.table.horizontalHeader()
        order = sorted(range(len(COLUMNS)), key=header.visualIndex)
        return [COLUMNS[i].key for i in order if not header.isSectionHidden(i)]

    def set_visible(self, keys: Sequence[str]) -> None:
        """Show exactly these columns (unknown keys are ignored; the name always shows)."""
        wanted = [k for k in keys if k in {c.key for c in COLUMNS}] or ["name"]
        header = self.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            header.setSectionHidden(index, column.key not in wanted and column.key != "name")
        self._save_timer.start()

    def menu(self, parent: QWidget) -> QMenu:
        """The header's context menu: a check box per column, and a reset."""
        menu = QMenu(parent)
        menu.addSection(self.tr("Columns"))
        header = self.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            action = menu.addAction(self.tr(column.title))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(column.key != "name")
            action.toggled.connect(lambda shown, i=index: self._toggle(i, shown))
        menu.addSeparator()
        menu.addAction(self.tr("Reset columns"), self.reset)
        return menu

    @Slot(QPoint)
    def _header_menu(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        self.menu(self.table.parentWidget() or self.table).exec(header.mapToGlobal(position))

    def _toggle(self, index: int, shown: bool) -> None:
        header = self.table.horizontalHeader()
        header.setSectionHidden(index, not shown)
        if shown and header.sectionSize(index) < 40:
            header.resizeSection(index, 120)
        self.save()

    @Slot()
    def reset(self) -> None:
        """The default columns, in their default order."""
        self.set_visible([c.key for c in COLUMNS if c.visible])
        header = self.table.horizontalHeader()
        for index in range(len(COLUMNS)):
            header.moveSection(header.visualIndex(index), index)
        self.save()

    @Slot()
    def save(self) -> None:
        """Remember which columns show, their order and widths."""
        state.save_header(self.table.horizontalHeader().saveState(), self.visible())

    def restore(self) -> None:
        """The columns as they were remembered, if they were."""
        saved = state.header_state()
        if saved is None:
            return
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.restoreState(saved)
        header.blockSignals(False)
        header.setSectionHidden(0, False)
