"""The Today list as an item model: one top-level row per group with a count, its
prospects beneath, and a line saying how many more a capped group holds.

A prospect row's first cell holds its :class:`~onboard_desk.domain.agenda.AgendaItem`
(:data:`ITEM_ROLE`); in the groups whose next action can be marked done it is a check
box, and ticking it announces ``sig_done_ticked`` (filling the model never does).
"""

from __future__ import annotations

from datetime import datetime

import shiboken6
from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from onboard_desk.domain.agenda import Agenda, AgendaItem, GroupKind
from onboard_desk.domain.timeutil import to_local
from onboard_desk.pipeline import Flag, PipelineConfig
from onboard_desk.ui.board.delegate import format_value

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Prospect", "Next action", "Due", "Stage", "Company", "Value")
#: Groups whose rows have a next action that can be marked done.
DONE_GROUPS = (GroupKind.OVERDUE, GroupKind.TODAY)


def _tr(text: str) -> str:
    # The screen's texts keep the translation context they had in the screen's class.
    return QCoreApplication.translate("TodayScreen", text)


class AgendaModel(QStandardItemModel):
    """The rows of one agenda; refilled whole by :meth:`fill`."""

    #: The done box of a row was ticked (argument: its first cell, a QStandardItem).
    sig_done_ticked = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels([_tr(c) for c in COLUMNS])
        self._filling = False
        self.itemChanged.connect(self._on_item_changed)

    def fill(
        self,
        agenda: Agenda,
        config: PipelineConfig,
        *,
        bold: QFont,
        keep: int | None = None,
    ) -> QModelIndex | None:
        """Show ``agenda``'s groups (group titles in ``bold``); returns the index of the
        prospect ``keep`` where it still appears."""
        self._filling = True
        self.removeRows(0, self.rowCount())
        kept: QModelIndex | None = None
        for group in agenda.groups:
            if not group.total:
                continue
            title = QStandardItem(f"{_tr(group.title)} ({group.total:,})")
            title.setFont(bold)
            title.setSelectable(False)
            title.setEditable(False)
            spacer = [QStandardItem() for _ in COLUMNS[1:]]
            for cell in spacer:
                cell.setSelectable(False)
            self.appendRow([title, *spacer])
            for item in group.items:
                row = self._row(item, group.kind, agenda.now, config)
                title.appendRow(row)
                if keep is not None and item.prospect_id == keep:
                    kept = row[0].index()
            if group.total > len(group.items):
                more = QStandardItem(
                    _tr("… and {0} more (see Prospects, filtered by flag)").format(
                        f"{group.total - len(group.items):,}"
                    )
                )
                more.setSelectable(False)
                more.setEnabled(False)
                title.appendRow(more)
        self._filling = False
        return kept

    def _row(
        self, item: AgendaItem, kind: GroupKind, now: datetime, config: PipelineConfig
    ) -> list[QStandardItem]:
        flags = item.flags(now, config)
        name = QStandardItem(item.name)
        name.setData(item, ITEM_ROLE)
        if kind in DONE_GROUPS:
            name.setCheckable(True)
            name.setCheckState(Qt.CheckState.Unchecked)
            name.setToolTip(_tr("Tick when done: logs it and asks for the next action"))
        action = QStandardItem(item.next_action or _tr("(none)"))
        due_text = to_local(item.due).strftime("%a %d %b %H:%M") if item.due else ""
        due = QStandardItem(due_text)
        if Flag.OVERDUE in flags:
            due.setToolTip(_tr("Overdue"))
            font = due.font()
            font.setBold(True)
            due.setFont(font)
        stage = QStandardItem(item.stage.label)
        if Flag.STALE in flags:
            stage.setText(f"{item.stage.label} · {_tr('stale')}")
        company = QStandardItem(item.company)
        value = QStandardItem(format_value(item.value_cents, item.currency))
        value.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        cells = [name, action, due, stage, company, value]
        for cell in cells:
            cell.setEditable(False)
        return cells

    # ------------------------------------------------------------------ reading

    @staticmethod
    def item_at(index: QModelIndex) -> AgendaItem | None:
        """The prospect of the row ``index`` is on (None on a group title or a "more" line)."""
        if not index.isValid():
            return None
        data = index.siblingAtColumn(0).data(ITEM_ROLE)
        return data if isinstance(data, AgendaItem) else None

    def index_of(self, prospect_id: int) -> QModelIndex | None:
        """The first row of ``prospect_id``, in whichever group it appears first."""
        for top in range(self.rowCount()):
            group = self.item(top)
            for number in range(group.rowCount()):
                child = group.child(number)
                item = child.data(ITEM_ROLE) if child else None
                if isinstance(item, AgendaItem) and item.prospect_id == prospect_id:
                    return child.index()
        return None

    def ends_with_more(self, top: int) -> bool:
        """Whether group ``top`` ends with the "… and N more" line."""
        title = self.item(top)
        return bool(title.rowCount()) and title.child(title.rowCount() - 1).data(ITEM_ROLE) is None

    # ------------------------------------------------------------------ ticking

    def untick(self, cell: QStandardItem) -> None:
        """Clear a done box again (a cancelled done) without announcing it."""
        if not shiboken6.isValid(cell) or cell.model() is not self:
            return  # the list was refilled meanwhile
        self._filling = True
        cell.setCheckState(Qt.CheckState.Unchecked)
        self._filling = False

    def _on_item_changed(self, cell: QStandardItem) -> None:
        if self._filling or not cell.isCheckable():
            return
        ticked = cell.checkState() == Qt.CheckState.Checked
        if ticked and isinstance(cell.data(ITEM_ROLE), AgendaItem):
            self.sig_done_ticked.emit(cell)
