"""The pipeline board: a column per working stage, Won and Lost folded aside.

Each column is a QListView over a :class:`BoardColumnModel` (lazy, keyset-paged) with a
painted card delegate. Its header shows how many prospects the stage holds and their
total deal value. Dragging a card onto another column asks the pipeline rules (through
:func:`onboard_desk.ui.common.move_flow.request_move`): a reason is asked where the rules
need one, a refused move shows the rule's message, and a done move is undoable.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.pipeline import WORKING_STAGES, Position, Stage
from onboard_desk.services.lists import BoardCard, StageTotal
from onboard_desk.ui.board.delegate import CardDelegate
from onboard_desk.ui.board.model import (
    CARD_MIME,
    BoardColumnModel,
    DroppedCard,
    dropped_from_mime,
)
from onboard_desk.ui.common import ui_state
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.common.icons import icon
from onboard_desk.ui.common.move_flow import request_move

FOLDED_STAGES: tuple[Stage, ...] = (Stage.WON, Stage.LOST)


def format_total(count: int, cents: int, currency: str) -> str:
    """``1,234 · 56,789 USD`` for a column header (whole currency units)."""
    whole = cents // 100
    return f"{count:,} · {whole:,} {currency}" if cents else f"{count:,}"


class BoardColumn(QFrame):
    """A stage's header and card list. Won and Lost start folded: only the header shows,
    and it still takes drops."""

    #: A card was dropped on this column (argument: DroppedCard).
    sig_card_dropped = Signal(object)

    def __init__(
        self, context: AppContext, stage: Stage, *, foldable: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.stage = stage
        self.foldable = foldable
        self.setObjectName(f"column-{stage.value}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.setSpacing(4)
        header = QHBoxLayout()
        self.title = QLabel(stage.label)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        header.addWidget(self.title)
        header.addStretch(1)
        self.fold_button: QToolButton | None = None
        if foldable:
            self.fold_button = QToolButton()
            self.fold_button.setIcon(icon("won" if stage is Stage.WON else "lost"))
            self.fold_button.setCheckable(True)
            self.fold_button.setToolTip(self.tr("Show or hide the cards"))
            self.fold_button.toggled.connect(self.set_unfolded)
            header.addWidget(self.fold_button)
        layout.addLayout(header)
        self.totals = QLabel("…")
        self.totals.setWordWrap(foldable)
        self.totals.setForegroundRole(self.totals.foregroundRole())
        layout.addWidget(self.totals)

        self.model = BoardColumnModel(context, stage, parent=self)
        self.model.sig_card_dropped.connect(
            self.sig_card_dropped, Qt.ConnectionType.QueuedConnection
        )
        self.view = QListView()
        self.view.setObjectName(f"cards-{stage.value}")
        self.view.setModel(self.model)
        self.view.setItemDelegate(CardDelegate(self.view))
        self.view.setUniformItemSizes(True)
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(100)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(False)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setBackgroundRole(self.backgroundRole())
        layout.addWidget(self.view, 1)
        self.drop_hint = QLabel(self.tr("Drop a card here"))
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_hint.setWordWrap(True)
        self.drop_hint.setEnabled(False)
        layout.addWidget(self.drop_hint, 1)
        if foldable:
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        # The screen loads every shown column once it has them all.
        self.set_unfolded(not foldable, load=False)

    @Slot(bool)
    def set_unfolded(self, unfolded: bool, *, load: bool = True) -> None:
        """Show or hide the cards; a column shown for the first time loads them (unless
        ``load`` is False: the screen's refresh will)."""
        self.view.setVisible(unfolded)
        self.drop_hint.setVisible(not unfolded)
        if self.fold_button is not None:
            self.fold_button.blockSignals(True)
            self.fold_button.setChecked(unfolded)
            self.fold_button.blockSignals(False)
        if self.foldable:
            self.setMinimumWidth(200 if unfolded else 120)
            self.setMaximumWidth(16777215 if unfolded else 120)
        else:
            self.setMinimumWidth(150)
        if load and unfolded and self.model.rowCount() == 0 and not self.model.is_loading:
            self.model.reload()

    @property
    def unfolded(self) -> bool:
        return not self.view.isHidden()

    def set_totals(self, count: int, cents: int, currency: str) -> None:
        self.totals.setText(format_total(count, cents, currency))

    # Drops on a folded column (or its header) go straight to the move.
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        dropped = dropped_from_mime(event.mimeData(), self.stage)
        if dropped is not None and dropped.stage is not self.stage:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(CARD_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        dropped = dropped_from_mime(event.mimeData(), self.stage)
        if dropped is None or dropped.stage is self.stage:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)  # the source must not remove its row
        event.accept()
        QTimer.singleShot(0, lambda: self.sig_card_dropped.emit(dropped))


class BoardScreen(QWidget):
    """The pipeline board screen."""

    sig_open_prospect = Signal(int)
    #: The columns have their first cards on screen.
    sig_loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.columns: dict[Stage, BoardColumn] = {}
        self._loaded_once = False
        #: The columns the first refresh still waits for (then the screen says it loaded).
        self._pending: set[Stage] = set()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        heading = QLabel(self.tr("Pipeline"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        top.addWidget(heading)
        self.summary = QLabel()
        top.addWidget(self.summary, 2)
        # The summary may be clipped in a narrow window rather than widen it.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setToolTip(
            self.tr("Drag a card to another stage to move it; double-click a card to open it.")
        )
        outer.addLayout(top)

        row = QWidget()
        columns = QHBoxLayout(row)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(6)
        for stage in WORKING_STAGES:
            columns.addWidget(self._add_column(stage, foldable=False), 1)
        folded = QVBoxLayout()
        folded.setSpacing(6)
        for stage in FOLDED_STAGES:
            folded.addWidget(self._add_column(stage, foldable=True), 1)
        columns.addLayout(folded, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(row)
        outer.addWidget(scroll, 1)

        if ui_state.BOARD_SHOW_WON.get():
            self.columns[Stage.WON].set_unfolded(True, load=False)
        if ui_state.BOARD_SHOW_LOST.get():
            self.columns[Stage.LOST].set_unfolded(True, load=False)
        context.sig_prospects_changed.connect(self._schedule_refresh)
        context.sig_settings_changed.connect(self._schedule_refresh)
        self.refresh()

    def _add_column(self, stage: Stage, *, foldable: bool) -> BoardColumn:
        column = BoardColumn(self.context, stage, foldable=foldable)
        column.sig_card_dropped.connect(self.on_card_dropped)
        column.view.doubleClicked.connect(lambda index, c=column: self._open(c, index))
        column.view.activated.connect(lambda index, c=column: self._open(c, index))
        column.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        column.view.customContextMenuRequested.connect(
            lambda point, c=column: self._card_menu(c, point)
        )
        column.model.sig_loaded.connect(partial(self._on_column_loaded, stage))
        if column.fold_button is not None:
            key = ui_state.BOARD_SHOW_WON if stage is Stage.WON else ui_state.BOARD_SHOW_LOST
            column.fold_button.toggled.connect(key.set)
        self.columns[stage] = column
        return column

    def sizeHint(self) -> QSize:
        return QSize(1300, 800)

    # --------------------------------------------------------------- data

    @property
    def loaded(self) -> bool:
        """Whether every shown column has had its first cards (``sig_loaded`` said so)."""
        return self._loaded_once

    @Slot()
    def refresh(self) -> None:
        """Reload every shown column and the header totals (off the GUI thread)."""
        shown = [column for column in self.columns.values() if column.unfolded]
        # Counted before any starts: a load may be done as soon as it is asked for.
        self._pending = {column.stage for column in shown}
        for column in shown:
            column.model.reload()
        desk = self.context.desk

        def totals() -> tuple[list[StageTotal], str]:
            return desk.lists.stage_totals(), desk.currency

        self.context.run(totals, guarded(self, self._show_totals))

    @Slot(list)
    def _schedule_refresh(self, *_args: Any) -> None:
        self._refresh_timer.start()

    def _show_totals(self, result: tuple[list[StageTotal], str]) -> None:
        stage_totals, currency = result
        open_count = open_value = 0
        for total in stage_totals:
            column = self.columns.get(total.stage)
            if column is not None:
                column.set_totals(total.count, total.value_cents, currency)
            if total.stage.is_open:
                open_count += total.count
                open_value += total.value_cents
        self.summary.setText(
            self.tr("{0} open prospects · {1} {2} in the pipeline").format(
                f"{open_count:,}", f"{open_value // 100:,}", currency
            )
        )

    def _on_column_loaded(self, stage: Stage) -> None:
        self._pending.discard(stage)
        if not self._pending and not self._loaded_once:
            self._loaded_once = True
            self.sig_loaded.emit()

    # -------------------------------------------------------------- actions

    def _open(self, column: BoardColumn, index: QModelIndex) -> None:
        if index.isValid():
            self.sig_open_prospect.emit(column.model.card_at(index.row()).prospect_id)

    def _card_menu(self, column: BoardColumn, point: QPoint) -> None:
        """Right-click on a card: open it, or move it without dragging."""
        index = column.view.indexAt(point)
        if not index.isValid():
            return
        card = column.model.card_at(index.row())
        menu = QMenu(self)
        menu.addAction(icon("open"), self.tr("Open"), lambda: self._open(column, index))
        move_menu = menu.addMenu(self.tr("Move to"))
        for stage in (*WORKING_STAGES, *FOLDED_STAGES):
            if stage is not card.stage:
                move_menu.addAction(stage.label).setData(stage.value)
        chosen = menu.exec(column.view.viewport().mapToGlobal(point))
        if chosen is not None and chosen.data():
            self.move_card(card, Stage(chosen.data()))

    def move_card(self, card: BoardCard, target: Stage) -> bool:
        """Move a card's prospect through the pipeline rules (as a drop would)."""
        return request_move(
            self.context,
            self,
            prospect_id=card.prospect_id,
            position=Position(card.stage, card.lost_from),
            target=target,
            name=card.name,
        )

    @Slot(object)
    def on_card_dropped(self, dropped: DroppedCard) -> None:
        """A card landed on another column: run the move through the pipeline rules."""
        request_move(
            self.context,
            self,
            prospect_id=dropped.prospect_id,
            position=Position(dropped.stage, dropped.lost_from),
            target=dropped.target,
            name=dropped.name,
        )

    def on_screen_shown(self) -> None:
        if self._loaded_once:
            self._schedule_refresh()
