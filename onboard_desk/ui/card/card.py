"""The prospect card: one prospect's details, position, next action and history.

Put together from three parts: the state (:mod:`onboard_desk.ui.card.state`: which
prospect, read through the prospect service), the view (:mod:`onboard_desk.ui.card.view`:
the layout and how a prospect is drawn), and this module, which loads the state into the
view and turns what the salesperson does into undo commands.

Everything the salesperson changes here goes through the undo commands in
:mod:`onboard_desk.ui.common.commands` (and :mod:`onboard_desk.ui.customers.commands` for a
customer's purchases and survey answers), so Ctrl+Z works the same for an edit, a move, a
logged call or a recorded purchase. Validation and the pipeline rules live in the services;
the card asks them and shows their messages. Reads are a few indexed lookups, cheap enough
for the GUI thread; the card reads again whenever the context announces a change to its
prospect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError
from onboard_desk.pipeline import Stage
from onboard_desk.services.prospects import MoveResult, Prospect
from onboard_desk.ui.card.customer.actions import CustomerActions
from onboard_desk.ui.card.customer.section import CustomerSection
from onboard_desk.ui.card.dialogs import LogEmailDialog, NoteDialog
from onboard_desk.ui.card.state import CardState
from onboard_desk.ui.card.view import CardView
from onboard_desk.ui.common.commands import (
    EditProspectCommand,
    LogActivityCommand,
    SetNextActionCommand,
    TickChecklistCommand,
    push,
)
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded
from onboard_desk.ui.common.move_flow import request_move


class ProspectCard(CardView):
    """One prospect, editable. ``show_prospect(id)`` loads it; changes are undoable."""

    #: The card now shows this prospect (0: none).
    sig_prospect_shown = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.state = CardState(context.desk)
        self.customer = CustomerSection(self)
        QVBoxLayout(self.customer_box).addWidget(self.customer)
        self.customer_actions = CustomerActions(self)
        self.customer.sig_record_purchase.connect(self.customer_actions.record_purchase)
        self.customer.sig_record_survey.connect(self.customer_actions.record_survey)
        self.customer.sig_delete_purchase.connect(self.customer_actions.delete_purchase)
        self.customer.sig_open_prospect.connect(self.show_prospect)
        self._connect()
        context.sig_prospects_changed.connect(self._on_prospects_changed)
        context.sig_settings_changed.connect(self.refresh)
        self.show_nothing(self.tr("Choose a prospect to see it here."))

    def _connect(self) -> None:
        """The view's buttons and editors, to what they do."""
        self.stage_bar.sig_stage_clicked.connect(lambda value: self.move_to(Stage(value)))
        self.move_menu.triggered.connect(self._move_menu_triggered)
        self.call_button.clicked.connect(self.log_call)
        self.email_button.clicked.connect(self.log_email)
        self.note_button.clicked.connect(self.add_note)
        self.next_stage_button.clicked.connect(self.move_to_next_stage)
        self.lost_button.clicked.connect(self.mark_lost)
        self.reopen_button.clicked.connect(self.reopen)
        self.fields.sig_field_edited.connect(self.edit_field)
        self.next_action.sig_next_action.connect(self.set_next_action)
        self.next_action.sig_offer_taken.connect(self.set_next_action)
        self.checklist.sig_item_toggled.connect(self.set_item_ticked)

    # -- what the card shows -------------------------------------------------------------

    @property
    def prospect_id(self) -> int | None:
        return self.state.prospect_id

    @property
    def prospect(self) -> Prospect | None:
        """The prospect as last read (None when there is none or it is gone)."""
        return self.state.prospect

    def next_stage(self) -> Stage | None:
        """The stage one step ahead, if the prospect is in a working stage."""
        return self.state.next_stage()

    # -- loading -------------------------------------------------------------------------

    def show_prospect(self, prospect_id: int) -> None:
        """Show ``prospect_id`` (a message instead if it no longer exists)."""
        if self.state.choose(prospect_id):
            self.hide_message()
            self.next_action.clear_offer()
            self.fields.clear_error()
            self._load(keep_unsaved=False)
        else:
            self._load(keep_unsaved=True)

    @Slot()
    def refresh(self) -> None:
        if self.state.prospect_id is not None:
            self._load(keep_unsaved=True)

    def _load(self, *, keep_unsaved: bool) -> None:
        # Reads take no write lock, so a long import on the pool never freezes the card.
        details = self.state.load()
        if details is None:
            self.show_nothing(self.tr("This prospect no longer exists."))
            return
        self.show_state(self.state, self.context.config, keep_unsaved=keep_unsaved)
        self._show_customer(details.prospect.id or 0, details.prospect.stage)
        self.sig_prospect_shown.emit(details.prospect.id or 0)

    def _on_prospects_changed(self, ids: list[int]) -> None:
        prospect_id = self.state.prospect_id
        if prospect_id is not None and (not ids or prospect_id in ids):
            self._load(keep_unsaved=True)

    # -- the Customer section ------------------------------------------------------------

    def _show_customer(self, prospect_id: int, stage: str) -> None:
        """The Customer group for a won prospect (read through the customer service),
        hidden for anyone else."""
        customer = None
        if stage == Stage.WON.value:
            customer = self.context.desk.customers.details(prospect_id)
        self.customer_box.setVisible(customer is not None)
        if customer is not None:
            self.customer.set_details(customer)
            self._request_engagement(customer.prospect_id)

    def _request_engagement(self, prospect_id: int) -> None:
        """Fetch the engagement score on the thread pool; shown if the card still shows
        that customer when it arrives."""
        now = utcnow()
        customers = self.context.desk.customers

        def arrived(score: int | None) -> None:
            if self.prospect_id == prospect_id and score is not None:
                self.customer.set_engagement(prospect_id, score)

        self.context.run(lambda: customers.engagement(prospect_id, now=now), guarded(self, arrived))

    # -- commands ------------------------------------------------------------------------

    def _name(self) -> str:
        return self.state.name()

    def run_command(self, command: Any) -> bool:
        """Run an undoable command; a refusal is shown and nothing changes."""
        try:
            push(self.context, command)
        except UserError as exc:
            self.show_message(str(exc))
            return False
        self.hide_message()
        return True

    # -- edits ---------------------------------------------------------------------------

    @Slot(str, object)
    def edit_field(self, field: str, value: Any) -> bool:
        """Validate one edited field and record it; a bad value is refused with a message."""
        prospect_id = self.state.prospect_id
        if prospect_id is None or self.state.prospect is None:
            return False
        try:
            stored_value = self.state.cleaned(field, value)
        except UserError as exc:
            self.fields.show_error(field, str(exc))
            return False
        if self.state.stores(field, stored_value):
            self.fields.mark_saved(field)
            self._load(keep_unsaved=True)  # show the normalised form of what was typed
            return True
        command = EditProspectCommand(
            self.context, prospect_id, {field: stored_value}, name=self._name()
        )
        try:
            push(self.context, command)
        except UserError as exc:
            self.fields.show_error(field, str(exc))
            return False
        self.fields.mark_saved(field)
        self._load(keep_unsaved=True)
        return True

    @Slot(object, object)
    def set_next_action(self, text: str | None, due: datetime | None) -> bool:
        prospect_id = self.state.prospect_id
        if prospect_id is None:
            return False
        self.next_action.clear_offer()  # the user decided: nothing is on offer any more
        return self.run_command(
            SetNextActionCommand(self.context, prospect_id, text, due, name=self._name())
        )

    @Slot(str, bool)
    def set_item_ticked(self, item: str, ticked: bool) -> bool:
        """Tick or untick ``item`` of the checklist shown, through the undo stack."""
        prospect_id = self.state.prospect_id
        if prospect_id is None or self.state.prospect is None:
            return False
        stage = self.state.checklist.stage
        command = TickChecklistCommand(
            self.context, prospect_id, stage, item, ticked, name=self._name()
        )
        if not self.run_command(command):
            self._load(keep_unsaved=True)  # the box shows what is stored, not the refused click
            return False
        return True

    # -- moves ---------------------------------------------------------------------------

    def move_to(self, target: Stage, reason: str | None = None) -> bool:
        """Move through the window's one move flow: the rules decide, a reason is asked
        where they need one, and a refusal shows the rule's message on the card."""
        prospect_id, position = self.state.prospect_id, self.state.position()
        if prospect_id is None or position is None:
            return False
        if target is position.stage:
            return False
        offered: list[MoveResult] = []
        self.next_action.clear_offer()
        moved = request_move(
            self.context,
            self,
            prospect_id=prospect_id,
            position=position,
            target=target,
            name=self._name(),
            reason=reason,
            on_refused=self.show_message,
            on_moved=offered.append,
        )
        if moved:
            result = offered[0] if offered else None
            self.show_message(self._moved_text(target, result), error=False)
            if result is not None and result.offered is not None:
                self.next_action.offer(result.offered.text, result.offered.due)
        return moved

    def _moved_text(self, target: Stage, result: MoveResult | None = None) -> str:
        text = self.tr("Moved to %s.") % target.label
        prospect = self.state.prospect  # read again after the move
        if result is not None and result.offered is not None and prospect is not None:
            text += " " + self.tr(
                "Your next action “%s” was set minutes ago, so it is kept; the stage's "
                "proposal is offered below it."
            ) % (prospect.next_action or "")
        elif prospect is not None and prospect.next_action:
            text += " " + self.tr("Next action proposed: %s.") % prospect.next_action
        return text + " " + self.tr("Ctrl+Z undoes it.")

    def _move_menu_triggered(self, action: QAction) -> None:
        self.move_to(Stage(action.data()))

    @Slot()
    def move_to_next_stage(self) -> bool:
        following = self.state.next_stage()
        return self.move_to(following) if following is not None else False

    @Slot()
    def mark_lost(self) -> bool:
        """Ask why the prospect was lost (the move flow's lost dialog), then move it."""
        return self.move_to(Stage.LOST)

    def record_lost(self, reason: str) -> bool:
        """Move to Lost with ``reason`` (as the lost dialog would give it)."""
        return self.move_to(Stage.LOST, reason)

    @Slot()
    def reopen(self) -> bool:
        """Reopen a lost prospect into the stage it was lost from."""
        target = self.state.reopen_stage()
        return self.move_to(target) if target is not None else False

    # -- activities ----------------------------------------------------------------------

    @Slot()
    def log_call(self) -> bool:
        """The call dialog (outcome, duration, notes, a tel: link, the next call); it logs
        through the undo stack itself."""
        if self.state.prospect_id is None:
            return False
        from onboard_desk.ui.outreach.log_call import LogCallDialog

        dialog = LogCallDialog(self.context, self.state.prospect_id, self)
        return dialog.exec() == QDialog.DialogCode.Accepted

    @Slot()
    def log_email(self) -> bool:
        dialog = LogEmailDialog(self._name(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.record_email(dialog.subject(), dialog.text())

    def record_email(self, subject: str, text: str = "") -> bool:
        prospect_id = self.state.prospect_id
        if prospect_id is None:
            return False
        return self.run_command(
            LogActivityCommand(self.context, prospect_id, "email", subject=subject, text=text)
        )

    @Slot()
    def add_note(self) -> bool:
        dialog = NoteDialog(self._name(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.record_note(dialog.text())

    def record_note(self, text: str) -> bool:
        prospect_id = self.state.prospect_id
        if prospect_id is None:
            return False
        return self.run_command(LogActivityCommand(self.context, prospect_id, "note", text=text))
