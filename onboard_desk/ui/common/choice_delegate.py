"""A delegate that edits a cell with a combo box of fixed choices (label, stored value)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

ModelIndex = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Shows ``choices`` in a combo box; the chosen value is committed as soon as it is
    picked, so one click changes the row (no extra Enter)."""

    def __init__(self, choices: Sequence[tuple[str, Any]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = tuple(choices)

    def createEditor(
        self, parent: QWidget, _option: QStyleOptionViewItem, _index: ModelIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        for label, value in self.choices:
            combo.addItem(label, value)
        combo.activated.connect(lambda _i: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: ModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: Any, index: ModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
