"""The stage checklist on the card: one checkbox per item, who ticked it and when on hover.

A checklist has a handful of items, so it is a column of small rows (a checkbox and a
wrapping label) rather than an item view: the text wraps in a narrow pane and the rows
scroll with the details above them. The view only shows and reports; the card turns a
toggle into an undoable command and redraws the view from the database afterwards.

Rows are reused from one redraw to the next, never deleted, because a redraw happens
while the checkbox that was clicked is still inside its own ``clicked`` signal.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from onboard_desk.domain.timeutil import format_local
from onboard_desk.services.prospects import ChecklistItem, StageChecklist


class _ItemLabel(QLabel):
    """The item's text; clicking it toggles the checkbox, as a checkbox's own text would."""

    sig_clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.sig_clicked.emit()
        super().mouseReleaseEvent(event)


class _ItemRow(QWidget):
    """One item: a checkbox without text and the item's text beside it, wrapped."""

    #: The user ticked (True) or unticked (False) this row's item.
    sig_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.checkbox = QCheckBox(self)
        self.label = _ItemLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.checkbox, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        # clicked, not toggled: only the user's own clicks and keys, never a redraw.
        self.checkbox.clicked.connect(lambda checked: self.sig_toggled.emit(self.text, checked))
        self.label.sig_clicked.connect(self._label_clicked)

    def _label_clicked(self) -> None:
        if self.checkbox.isEnabled():
            self.checkbox.click()

    def set_item(self, item: ChecklistItem, *, enabled: bool) -> None:
        self.text = item.text
        self.label.setText(item.text)
        self.checkbox.setAccessibleName(item.text)
        self.checkbox.setChecked(item.ticked)
        self.checkbox.setEnabled(enabled)
        self.label.setEnabled(enabled)
        tip = self._tooltip(item)
        for widget in (self, self.checkbox, self.label):
            widget.setToolTip(tip)

    def _tooltip(self, item: ChecklistItem) -> str:
        if item.tick is None:
            return self.tr("Not done yet")
        when = format_local(item.tick.ticked_at)
        if item.tick.by:
            return self.tr("Done: ticked by %s on %s") % (item.tick.by, when)
        return self.tr("Done: ticked on %s") % when


class ChecklistView(QWidget):
    """The items of one stage's checklist, tickable. It informs; it never blocks a move."""

    #: The user ticked (True) or unticked (False) the item with this text.
    sig_item_toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_ItemRow] = []
        self._shown = 0
        self.empty_label = QLabel(self.tr("Nothing to check in this stage."), self)
        self.empty_label.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.empty_label)

    def set_checklist(self, checklist: StageChecklist, *, enabled: bool = True) -> None:
        """Show ``checklist``; ``enabled`` False shows the ticks without letting them change
        (a lost prospect is not being worked on)."""
        while len(self._rows) < checklist.total:
            row = _ItemRow(self)
            row.sig_toggled.connect(self.sig_item_toggled)
            self._layout.addWidget(row)
            self._rows.append(row)
        for row, item in zip(self._rows, checklist.items, strict=False):
            row.set_item(item, enabled=enabled)
            row.setVisible(True)
        for row in self._rows[checklist.total :]:
            row.setVisible(False)
        self._shown = checklist.total
        self.empty_label.setVisible(checklist.total == 0)

    def items(self) -> list[tuple[str, bool]]:
        """The items shown, with whether each is ticked (tests and accessibility)."""
        return [(row.text, row.checkbox.isChecked()) for row in self._rows[: self._shown]]

    def row(self, text: str) -> _ItemRow:
        """The row showing the item ``text`` (KeyError if it is not shown)."""
        for row in self._rows[: self._shown]:
            if row.text == text:
                return row
        raise KeyError(text)

    def checkbox(self, text: str) -> QCheckBox:
        return self.row(text).checkbox
