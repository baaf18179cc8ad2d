"""One board column's cards as a lazy list model.

Rows come a page at a time from the list service's
:meth:`~onboard_desk.services.lists.ListService.board_page` (keyset paging by name, id) on
the thread pool: ``canFetchMore``/``fetchMore`` ask for the next page
when the view scrolls near the end, so a column of 10,000 prospects costs one page query
per 200 cards scrolled, never one widget per card.

Dragging a card out carries :data:`CARD_MIME`; dropping one on another column's model
does not insert anything itself. It announces the wish with ``sig_card_dropped`` and the
board runs the move through the pipeline rules; the columns then reload.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import (
    Flag,
    PipelineConfig,
    Stage,
    flags_for,
)
from onboard_desk.services.lists import BoardCard
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded

#: MIME type of a dragged card: JSON ``{"id": int, "stage": str, "lost_from": str|null,
#: "name": str}``.
CARD_MIME = "application/x-onboard-desk-prospect"
PAGE_SIZE = 200

AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class CardRole(IntEnum):
    CARD = Qt.ItemDataRole.UserRole + 1
    FLAGS = Qt.ItemDataRole.UserRole + 2
    PROSPECT_ID = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True)
class CardRow:
    card: BoardCard
    flags: frozenset[Flag]


@dataclass(frozen=True)
class DroppedCard:
    """A card dropped on a column: who, from where, to which stage."""

    prospect_id: int
    name: str
    stage: Stage
    lost_from: Stage | None
    target: Stage


def decode_card(mime: QMimeData) -> dict[str, Any] | None:
    if not mime.hasFormat(CARD_MIME):
        return None
    try:
        data = json.loads(bytes(mime.data(CARD_MIME).data()).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("id"), int) else None


def encode_card(card: BoardCard) -> QMimeData:
    mime = QMimeData()
    payload = {
        "id": card.prospect_id,
        "stage": card.stage.value,
        "lost_from": card.lost_from.value if card.lost_from else None,
        "name": card.name,
    }
    mime.setData(CARD_MIME, json.dumps(payload).encode("utf-8"))
    mime.setText(card.name)
    return mime


def dropped_from_mime(mime: QMimeData, target: Stage) -> DroppedCard | None:
    data = decode_card(mime)
    if data is None:
        return None
    try:
        stage = Stage(data["stage"])
        lost_from = Stage(data["lost_from"]) if data.get("lost_from") else None
    except ValueError:
        return None
    return DroppedCard(int(data["id"]), str(data.get("name") or ""), stage, lost_from, target)


def _flags(card: BoardCard, now: datetime, config: PipelineConfig) -> frozenset[Flag]:
    return flags_for(
        stage=card.stage,
        next_action_due=card.next_action_due,
        stage_entered_at=card.stage_entered_at,
        now=now,
        config=config,
    )


class BoardColumnModel(QAbstractListModel):
    """The cards of one stage, loaded page by page in the background."""

    #: A card was dropped here (argument: DroppedCard).
    sig_card_dropped = Signal(object)
    #: A page (first or later) arrived.
    sig_loaded = Signal()

    def __init__(
        self,
        context: AppContext,
        stage: Stage,
        *,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.stage = stage
        self.page_size = page_size
        self.owner: str | None = None
        self._rows: list[CardRow] = []
        self._exhausted = True
        self._loading = False
        self._generation = 0

    # ---------------------------------------------------------------- loading

    def _page(self, after: tuple[str, int] | None, limit: int) -> Callable[[], list[CardRow]]:
        """The background read of one page (after the card ``after``), with its flags:
        everything it needs is taken now, on the GUI thread."""
        config = self.context.config
        lists = self.context.desk.lists
        stage, owner = self.stage, self.owner

        def fetch() -> list[CardRow]:
            now = utcnow()
            cards = lists.board_page(stage, after=after, limit=limit, owner=owner)
            return [CardRow(c, _flags(c, now, config)) for c in cards]

        return fetch

    def reload(self) -> None:
        """Fetch again from the top, as many rows as are loaded now (at least a page)."""
        self._generation += 1
        generation = self._generation
        wanted = max(self.page_size, len(self._rows))
        self._loading = True

        def done(rows: list[CardRow]) -> None:
            if generation != self._generation:
                return
            self.beginResetModel()
            self._rows = rows
            self._exhausted = len(rows) < wanted
            self._loading = False
            self.endResetModel()
            self.sig_loaded.emit()

        self.context.run(
            self._page(None, wanted), guarded(self, done), guarded(self, self._failed(generation))
        )

    def _failed(self, generation: int) -> Any:
        def failed(message: str) -> None:
            if generation == self._generation:
                self._loading = False
            self.context.sig_error.emit(message)

        return failed

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if parent.isValid() or self._exhausted or self._loading or not self._rows:
            return
        self._loading = True
        generation = self._generation
        last = self._rows[-1].card
        size = self.page_size

        def done(rows: list[CardRow]) -> None:
            if generation != self._generation:
                return
            self._loading = False
            self._exhausted = len(rows) < size
            if rows:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
                self._rows.extend(rows)
                self.endInsertRows()
            self.sig_loaded.emit()

        self.context.run(
            self._page((last.name, last.prospect_id), size),
            guarded(self, done),
            guarded(self, self._failed(generation)),
        )

    @property
    def is_loading(self) -> bool:
        return self._loading

    # -------------------------------------------------------------- model API

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.card.name
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [row.card.name, row.card.company, row.card.next_action or ""]
            return "\n".join(p for p in parts if p)
        if role == CardRole.CARD:
            return row.card
        if role == CardRole.FLAGS:
            return row.flags
        if role == CardRole.PROSPECT_ID:
            return row.card.prospect_id
        return None

    def card_at(self, row: int) -> BoardCard:
        return self._rows[row].card

    def row_of(self, prospect_id: int) -> int | None:
        for number, row in enumerate(self._rows):
            if row.card.prospect_id == prospect_id:
                return number
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return Qt.ItemFlag.ItemIsDropEnabled

    def mimeTypes(self) -> list[str]:
        return [CARD_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        valid = [i for i in indexes if i.isValid()]
        if not valid:
            return QMimeData()
        return encode_card(self._rows[valid[0].row()].card)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        dropped = dropped_from_mime(data, self.stage)
        return dropped is not None and dropped.stage is not self.stage

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: AnyIndex
    ) -> bool:
        """Announce the drop; nothing is inserted here (the move decides, then reloads).

        Returning False keeps the source view from removing the dragged row itself.
        """
        dropped = dropped_from_mime(data, self.stage)
        if dropped is not None and dropped.stage is not self.stage:
            self.sig_card_dropped.emit(dropped)
        return False
