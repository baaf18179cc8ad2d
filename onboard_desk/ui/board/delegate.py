"""Paints a prospect card on the board: name, company, value, next action, a flag.

Painting (not a widget per card) is what keeps a 10,000-card column smooth. Colours come
from the palette only, so cards follow a light or dark system theme.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from onboard_desk.domain.timeutil import to_local
from onboard_desk.pipeline import Flag
from onboard_desk.services.lists import BoardCard
from onboard_desk.ui.board.model import CardRole

MARGIN = 4
PADDING = 8


def short_due(card: BoardCard) -> str:
    if card.next_action_due is None:
        return ""
    return to_local(card.next_action_due).strftime("%a %d %b")


def format_value(cents: int | None, currency: str) -> str:
    """``12,000 USD``: whole units are enough on a card."""
    if not cents:
        return ""
    return f"{cents // 100:,} {currency}"


def flag_text(flags: frozenset[Flag]) -> str:
    for flag in (Flag.OVERDUE, Flag.NO_NEXT_ACTION, Flag.STALE):
        if flag in flags:
            return flag.label
    return ""


class CardDelegate(QStyledItemDelegate):
    """Draws one card per row; every card has the same height (uniform item sizes)."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(180, 3 * line + 2 * PADDING + 2 * MARGIN + 4)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card = index.data(CardRole.CARD)
        if not isinstance(card, BoardCard):
            return
        flags: frozenset[Flag] = index.data(CardRole.FLAGS) or frozenset()
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = QRectF(option.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        border = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Mid)
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.drawRoundedRect(box, 6, 6)
        if Flag.OVERDUE in flags or Flag.STALE in flags:
            # A strip on the left edge: visible at a glance while scrolling.
            strip = QRectF(box.left() + 1, box.top() + 4, 3, box.height() - 8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(strip, 1.5, 1.5)

        inner = box.toRect().adjusted(PADDING, PADDING - 2, -PADDING, -PADDING + 2)
        base_font = QFont(option.font)
        metrics = QFontMetrics(base_font)
        line = metrics.lineSpacing()
        text_colour = palette.color(QPalette.ColorRole.Text)
        dim_colour = palette.color(QPalette.ColorRole.PlaceholderText)

        # Line 1: the name, bold, the full width (what a salesperson scans for).
        bold = QFont(base_font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        first = QRect(inner.left(), inner.top(), inner.width(), line)
        painter.drawText(
            first,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(card.name, Qt.TextElideMode.ElideRight, first.width()),
        )
        painter.setFont(base_font)

        # Line 2: company, and the deal value on the right.
        value = format_value(card.value_cents, card.currency)
        value_width = metrics.horizontalAdvance(value) + 6 if value else 0
        if value:
            painter.drawText(
                QRect(inner.right() - value_width, inner.top() + line, value_width, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                value,
            )
        painter.setPen(dim_colour)
        second = QRect(inner.left(), inner.top() + line, inner.width() - value_width - 4, line)
        painter.drawText(
            second,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(card.company, Qt.TextElideMode.ElideRight, second.width()),
        )

        # Line 3: when and what comes next, and the flag as a pill on the right.
        label = flag_text(flags)
        pill_width = 0
        top = inner.top() + 2 * line
        if label:
            small = QFont(base_font)
            small.setPointSizeF(max(7.0, base_font.pointSizeF() * 0.85))
            pill_width = QFontMetrics(small).horizontalAdvance(label) + 12
            pill = QRect(inner.right() - pill_width, top + 1, pill_width, line - 2)
            urgent = Flag.OVERDUE in flags
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(
                palette.color(QPalette.ColorRole.Highlight if urgent else QPalette.ColorRole.Mid)
            )
            painter.drawRoundedRect(QRectF(pill), (line - 2) / 2, (line - 2) / 2)
            painter.setFont(small)
            painter.setPen(
                palette.color(
                    QPalette.ColorRole.HighlightedText if urgent else QPalette.ColorRole.Text
                )
            )
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
            painter.setFont(base_font)
        if card.next_action:
            due = short_due(card)
            third_text = f"{due} · {card.next_action}" if due else card.next_action
            third = QRect(inner.left(), top, inner.width() - pill_width - 4, line)
            painter.setPen(text_colour)
            painter.drawText(
                third,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(third_text, Qt.TextElideMode.ElideRight, third.width()),
            )
        painter.restore()
