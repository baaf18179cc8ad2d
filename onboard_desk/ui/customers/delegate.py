"""The Customers table's engagement column: a small bar filled to the score."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from onboard_desk.ui.customers.model import SortValueRole

#: Pixels of the engagement bar's width per cell (the number is drawn beside it).
BAR_WIDTH = 60


class EngagementDelegate(QStyledItemDelegate):
    """The engagement score as a short bar filled to the score, with the number beside it."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        score = index.data(SortValueRole)
        if not isinstance(score, int):
            super().paint(painter, option, index)
            return
        # The background (selection, alternating rows) as the style draws it, without text.
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = option.rect.adjusted(6, 0, -6, 0)
        height = max(6, rect.height() // 3)
        bar = QRect(rect.left(), rect.center().y() - height // 2, BAR_WIDTH, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(palette.color(text_role))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(bar, 2, 2)
        filled = bar.adjusted(1, 1, -1, -1)
        filled.setWidth(round(filled.width() * max(0, min(score, 100)) / 100))
        if filled.width() > 0:
            painter.setPen(Qt.PenStyle.NoPen)
            fill = palette.color(text_role if selected else QPalette.ColorRole.Highlight)
            painter.setBrush(fill)
            painter.drawRect(filled)
        painter.setPen(palette.color(text_role))
        number = QRect(bar.right() + 6, rect.top(), rect.right() - bar.right() - 6, rect.height())
        painter.drawText(
            number, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(score)
        )
        painter.restore()
