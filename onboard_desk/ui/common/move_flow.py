"""The one way the window moves a prospect: ask what the rules need, then move, undoably.

Every place a move starts (a drop on the board, the board's context menu, the card's stage
bar, buttons and shortcuts, Mark lost and Reopen) calls :func:`request_move`. The pipeline
answers the question (:func:`onboard_desk.pipeline.check_move`: allowed, needs a reason to
skip stages, needs a lost reason, or refused with its message); this module only asks the
salesperson for the missing reason in one of two dialogs (:class:`SkipReasonDialog`,
:class:`LostDialog`) and pushes the undoable
:class:`~onboard_desk.ui.common.commands.MoveProspectCommand`. Nothing changes when the user
cancels or the rules refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from onboard_desk.errors import UserError
from onboard_desk.pipeline import MoveNeed, Position, Stage, check_move
from onboard_desk.services.prospects import MoveResult
from onboard_desk.ui.common import dialogs
from onboard_desk.ui.common.commands import MoveProspectCommand, push
from onboard_desk.ui.common.context import AppContext


class _ReasonForm(QDialog):
    """A small form whose OK stays disabled until the input is complete."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _finish(self) -> None:
        self.form.addRow(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.is_complete())

    def is_complete(self) -> bool:
        return True


class SkipReasonDialog(_ReasonForm):
    """Why a prospect skips stages ahead (the rule's message says which)."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        label = QLabel(explanation, self)
        label.setWordWrap(True)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setMaxLength(500)
        self.form.addRow(label)
        self.form.addRow(self.tr("Reason"), self.reason_edit)
        self.reason_edit.textChanged.connect(self._update_ok)
        self._finish()

    def is_complete(self) -> bool:
        return bool(self.reason_edit.text().strip())

    def reason(self) -> str:
        return self.reason_edit.text().strip()


class LostDialog(_ReasonForm):
    """Why a prospect was lost: one of the team's lost reasons or the salesperson's own
    words (which can join the list), and optional details."""

    def __init__(
        self, reasons: Sequence[str], name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Mark lost") + (f": {name}" if name else ""), parent)
        self.known_reasons = tuple(reasons)
        self.reason_combo = QComboBox(self)
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_combo.addItems(list(self.known_reasons))
        self.reason_combo.setCurrentIndex(-1)
        line_edit = self.reason_combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText(self.tr("Choose a reason or type your own"))
        line_edit.setMaxLength(200)
        self.remember_check = QCheckBox(self.tr("Add this reason to the list"), self)
        self.remember_check.setVisible(False)
        self.details_edit = QLineEdit(self)
        self.details_edit.setPlaceholderText(self.tr("Optional: what happened"))
        self.details_edit.setMaxLength(300)
        self.form.addRow(self.tr("Lost reason"), self.reason_combo)
        self.form.addRow("", self.remember_check)
        self.form.addRow(self.tr("Details"), self.details_edit)
        self.reason_combo.currentTextChanged.connect(self._reason_changed)
        self._finish()

    def _reason_changed(self) -> None:
        self.remember_check.setVisible(self.is_new_reason())
        self._update_ok()

    def is_complete(self) -> bool:
        return bool(self.reason())

    def is_new_reason(self) -> bool:
        reason = self.reason().lower()
        return bool(reason) and reason not in (r.lower() for r in self.known_reasons)

    def reason(self) -> str:
        """The reason as chosen or typed (without the details)."""
        return self.reason_combo.currentText().strip()

    def details(self) -> str:
        return self.details_edit.text().strip()

    def remember(self) -> bool:
        return self.is_new_reason() and self.remember_check.isChecked()


@dataclass(frozen=True)
class LostAnswer:
    """What the lost dialog was told: the reason, details, and whether to keep a new
    reason in the team's list."""

    reason: str
    details: str = ""
    remember: bool = False

    @property
    def text(self) -> str:
        """The lost reason as recorded ("No budget: they froze all spending")."""
        return f"{self.reason}: {self.details}" if self.details else self.reason


def ask_skip_reason(parent: QWidget | None, title: str, explanation: str) -> str | None:
    """The reason for skipping stages the user gives, or None when they cancel."""
    dialog = SkipReasonDialog(title, explanation, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.reason() or None


def ask_lost_reason(parent: QWidget | None, reasons: Sequence[str], name: str) -> LostAnswer | None:
    """Why the prospect was lost, or None when the user cancels."""
    dialog = LostDialog(reasons, name, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.reason():
        return None
    return LostAnswer(dialog.reason(), dialog.details(), dialog.remember())


def request_move(
    context: AppContext,
    parent: QWidget | None,
    *,
    prospect_id: int,
    position: Position,
    target: Stage,
    name: str = "",
    reason: str | None = None,
    on_refused: Callable[[str], None] | None = None,
    on_moved: Callable[[MoveResult], None] | None = None,
) -> bool:
    """Move a prospect if the rules allow it, asking for a reason where one is needed.

    Returns True when the move happened (``on_moved`` then gets what it did: a proposal it
    only offered, over a next action chosen moments ago, is there). A refused move shows
    the rule's message (through ``on_refused`` when given, else in a message box); a
    cancelled question changes nothing. A lost reason the user asks to keep joins the
    team's list.
    """

    def refuse(message: str) -> bool:
        if on_refused is not None:
            on_refused(message)
        else:
            title = parent.tr("Cannot move the prospect") if parent else "Cannot move"
            dialogs.show_error(parent, title, message)
        return False

    check = check_move(position, target)
    if check.need is MoveNeed.REFUSED:
        return refuse(check.message)
    if reason is None and check.need is MoveNeed.SKIP_REASON:
        title = parent.tr("Move to %s") % target.label if parent else target.label
        reason = ask_skip_reason(parent, title, check.message)
        if reason is None:
            return False
    if reason is None and check.need is MoveNeed.LOST_REASON:
        answer = ask_lost_reason(parent, context.config.lost_reasons, name)
        if answer is None:
            return False
        if answer.remember and context.desk.settings.add_lost_reason(answer.reason):
            context.settings_changed()
        reason = answer.text
    command = MoveProspectCommand(context, prospect_id, target, reason, name=name)
    try:
        push(context, command)
    except UserError as exc:
        return refuse(str(exc))
    if on_moved is not None and command.result is not None:
        on_moved(command.result)
    return True
