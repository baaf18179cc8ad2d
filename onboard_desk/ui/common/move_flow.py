"""Asking for what a move needs: a reason to skip stages, a lost reason; and running it.

The pipeline rules decide (:func:`onboard_desk.pipeline.plan_move`); this module only
asks the salesperson for the missing reason, or shows the rule's message when a move is
not allowed, and then pushes the undoable :class:`MoveProspectCommand`. Nothing changes
when the user cancels or the rules refuse.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.pipeline import (
    PipelineError,
    Position,
    Stage,
    plan_move,
)
from onboard_desk.ui.common import dialogs
from onboard_desk.ui.common.commands import MoveProspectCommand, push
from onboard_desk.ui.common.context import AppContext


class LostReasonDialog(QDialog):
    """Pick a lost reason from the editable list (Settings) or type one; details optional."""

    def __init__(self, reasons: tuple[str, ...], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mark {0} lost").format(name or self.tr("prospect")))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Why was this prospect lost?")))
        form = QFormLayout()
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(list(reasons))
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.details = QLineEdit()
        self.details.setPlaceholderText(self.tr("Optional: what happened"))
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Details"), self.details)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.reason.currentTextChanged.connect(
            lambda text: buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
                bool(text.strip())
            )
        )
        layout.addWidget(buttons)

    def text(self) -> str:
        reason = self.reason.currentText().strip()
        details = self.details.text().strip()
        return f"{reason}: {details}" if details else reason


def ask_lost_reason(parent: QWidget | None, reasons: tuple[str, ...], name: str) -> str | None:
    """The lost reason the user gives, or None when they cancel."""
    dialog = LostReasonDialog(reasons, name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.text() or None


def ask_skip_reason(parent: QWidget | None, message: str) -> str | None:
    """A reason for skipping stages (the rule's message explains why one is needed)."""
    text, ok = QInputDialog.getText(parent, parent.tr("Reason needed") if parent else "", message)
    text = text.strip()
    return text if ok and text else None


def request_move(
    context: AppContext,
    parent: QWidget | None,
    *,
    prospect_id: int,
    position: Position,
    target: Stage,
    name: str = "",
) -> bool:
    """Move a prospect if the rules allow it, asking for a reason where one is needed.

    Returns True when the move happened. A refused move shows the rule's message; a
    cancelled question changes nothing.
    """
    reason: str | None = None
    try:
        plan_move(position, target, None)
    except PipelineError as refused:
        if target is Stage.LOST and position.stage is not Stage.LOST:
            reason = ask_lost_reason(parent, context.config.lost_reasons, name)
            if reason is None:
                return False
        else:
            try:
                plan_move(position, target, "reason")
            except PipelineError:
                dialogs.show_error(parent, _title(parent), str(refused))
                return False
            reason = ask_skip_reason(parent, str(refused))
            if reason is None:
                return False
    try:
        push(context, MoveProspectCommand(context, prospect_id, target, reason, name=name))
    except UserError as exc:
        dialogs.show_error(parent, _title(parent), str(exc))
        return False
    return True


def _title(parent: QWidget | None) -> str:
    return parent.tr("Cannot move the prospect") if parent else "Cannot move the prospect"
