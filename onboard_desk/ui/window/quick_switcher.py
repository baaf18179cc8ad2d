"""Ctrl+K: jump to any prospect by typing part of its name.

Each keystroke (debounced) runs the list's full-text search (through the list service) on
the thread pool; only the newest answer is shown, so fast typing never shows stale results.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from onboard_desk.pipeline import Stage
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded

ID_ROLE = Qt.ItemDataRole.UserRole + 1
LIMIT = 20
#: What a result line shows, read as plain values.
FIELDS = ("id", "name", "company", "stage")


class QuickSwitcher(QDialog):
    """A search field over a short result list; Enter opens the highlighted prospect."""

    #: The user picked a prospect (argument: its id).
    sig_prospect_chosen = Signal(int)
    #: Results for the current text are shown.
    sig_results_shown = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Go to prospect"))
        self.setModal(True)
        self._generation = 0
        layout = QVBoxLayout(self)
        self.field = QLineEdit()
        self.field.setPlaceholderText(self.tr("Type part of a name, company or email…"))
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)
        layout.addWidget(self.field)
        self.model = QStandardItemModel(self)
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setUniformItemSizes(True)
        self.results.activated.connect(lambda _index: self.choose())
        layout.addWidget(self.results)
        self.status = QLabel()
        self.status.setEnabled(False)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.search)
        self.field.textChanged.connect(lambda _text: self._timer.start())
        self.field.returnPressed.connect(self.choose)
        self.resize(520, 380)

    def popup(self) -> None:
        """Show, empty and focused (Ctrl+K)."""
        self.field.clear()
        self.model.clear()
        self.status.setText(self.tr("Enter opens · Esc closes"))
        self.show()
        self.raise_()
        self.activateWindow()
        self.field.setFocus()

    @Slot()
    def search(self) -> None:
        text = self.field.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.model.clear()
            return

        lists = self.context.desk.lists

        def fetch() -> list[tuple[int, str, str, str]]:
            rows = lists.rows(FIELDS, ProspectFilter(search=text), limit=LIMIT)
            return [(int(i or 0), name, company, stage) for i, name, company, stage in rows]

        def done(rows: list[tuple[int, str, str, str]]) -> None:
            if generation != self._generation:
                return
            self.model.clear()
            for prospect_id, name, company, stage in rows:
                label = f"{name} — {company}" if company else name
                item = QStandardItem(f"{label}   ·   {Stage(stage).label}")
                item.setData(prospect_id, ID_ROLE)
                item.setEditable(False)
                self.model.appendRow(item)
            if rows:
                self.results.setCurrentIndex(self.model.index(0, 0))
                self.status.setText(self.tr("Enter opens · Esc closes"))
            else:
                self.status.setText(self.tr("No prospect matches “{0}”.").format(text))
            self.sig_results_shown.emit()

        self.context.run(fetch, guarded(self, done))

    @Slot()
    def choose(self) -> None:
        if self._timer.isActive():  # Enter before the search ran: search first
            self._timer.stop()
            self.search()
            return
        index = self.results.currentIndex()
        if not index.isValid():
            return
        prospect_id = index.data(ID_ROLE)
        if isinstance(prospect_id, int):
            self.accept()
            self.sig_prospect_chosen.emit(prospect_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the field move through the results."""
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                row = self.results.currentIndex().row()
                row += 1 if event.key() == Qt.Key.Key_Down else -1
                if 0 <= row < self.model.rowCount():
                    self.results.setCurrentIndex(self.model.index(row, 0))
                return True
        return super().eventFilter(watched, event)
