"""The stage bar: where a prospect stands in the pipeline, at a glance.

Drawn in one paint event (chevrons for the working stages and Won) rather than a row of
buttons, so it scales with the font and follows the palette. Clicking a stage asks the
card to move there; the pipeline rules then decide.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from onboard_desk.pipeline import ORDERED_STAGES, Stage

DONE = QColor("#2e7d32")
LOST = QColor("#c62828")


class StageBar(QWidget):
    """Chevrons Outreach → … → Won; past stages filled, the current one emphasised."""

    #: The user clicked a stage (its identifier).
    sig_stage_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stage = Stage.OUTREACH
        self._lost_from: Stage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Click a stage to move the prospect there"))

    def set_position(self, stage: Stage, lost_from: Stage | None = None) -> None:
        self._stage = stage
        self._lost_from = lost_from
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The position in words (accessibility and tests)."""
        if self._stage is Stage.LOST:
            origin = self._lost_from.label if self._lost_from else "?"
            return f"Lost (from {origin})"
        number = ORDERED_STAGES.index(self._stage) + 1
        return f"{self._stage.label} (stage {number} of {len(ORDERED_STAGES)})"

    def sizeHint(self) -> QSize:
        height = self.fontMetrics().height() + 16
        return QSize(140 * len(ORDERED_STAGES), height)

    def minimumSizeHint(self) -> QSize:
        return QSize(60 * len(ORDERED_STAGES), self.fontMetrics().height() + 16)

    def _segments(self) -> list[QRectF]:
        count = len(ORDERED_STAGES)
        width = self.width() / count
        return [QRectF(i * width, 0, width, self.height()) for i in range(count)]

    def stage_at(self, x: float) -> Stage | None:
        for stage, rect in zip(ORDERED_STAGES, self._segments(), strict=True):
            if rect.left() <= x < rect.right():
                return stage
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        stage = self.stage_at(event.position().x())
        if stage is not None and event.button() == Qt.MouseButton.LeftButton:
            self.sig_stage_clicked.emit(stage.value)
        super().mouseReleaseEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        lost = self._stage is Stage.LOST
        reference = self._lost_from if lost else self._stage
        current = ORDERED_STAGES.index(reference) if reference in ORDERED_STAGES else -1
        tip = self.height() / 3
        for index, (stage, rect) in enumerate(zip(ORDERED_STAGES, self._segments(), strict=True)):
            path = QPainterPath()
            left, right = rect.left() + 1, rect.right() - 1
            top, bottom, middle = rect.top() + 1, rect.bottom() - 1, rect.center().y()
            path.moveTo(left, top)
            path.lineTo(right - tip, top)
            path.lineTo(right, middle)
            path.lineTo(right - tip, bottom)
            path.lineTo(left, bottom)
            if index > 0:
                path.lineTo(left + tip, middle)
            path.closeSubpath()
            font = QFont(self.font())
            if index < current:
                fill, text = (DONE.lighter(170) if lost else DONE.lighter(150)), QColor("#10331a")
            elif index == current:
                fill = LOST if lost else DONE
                text = QColor("white")
                font.setBold(True)
            else:
                fill = palette.color(QPalette.ColorRole.Button)
                text = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
            painter.fillPath(path, fill)
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.drawPath(path)
            painter.setPen(text)
            painter.setFont(font)
            label = stage.label
            if lost and index == current:
                label = self.tr("Lost at %s") % stage.label
            inner = rect.adjusted(tip + 2, 0, -tip, 0)
            elided = self.fontMetrics().elidedText(
                label, Qt.TextElideMode.ElideRight, int(inner.width())
            )
            painter.drawText(inner, Qt.AlignmentFlag.AlignCenter, elided)
        painter.end()
