"""Widgets the prospect and customer lists both build, so the two screens look and behave
alike: the table itself and the owner filter ("All owners", then every owner known)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QTableView, QWidget


def make_list_table(parent: QWidget, model: QAbstractItemModel) -> QTableView:
    """A read-only table over ``model``: whole rows selected one at a time, compact rows
    without a grid or row numbers, columns that can be moved and sorted by a header click."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSortIndicatorShown(True)
    header.setSectionsClickable(True)
    return table


def fill_owner_combo(combo: QComboBox, names: list[str], all_owners: str) -> None:
    """Refill ``combo`` with ``names`` after ``all_owners`` (whose data is None), keeping
    the owner chosen now even if nobody owns anything under that name any more, and
    without signalling a change: the list's query has not changed."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(all_owners, None)
    for name in names:
        combo.addItem(name, name)
    if current and combo.findData(current) < 0:
        combo.addItem(current, current)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    combo.blockSignals(False)
