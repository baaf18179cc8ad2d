"""Undoable customer operations for the window's QUndoStack: purchases and survey answers.

Like :mod:`onboard_desk.ui.common.commands`, each command works through the customer
services (:class:`~onboard_desk.services.customers.CustomerService`) in :meth:`redo` and
keeps what they returned to reverse it in :meth:`undo`; push them with
:func:`onboard_desk.ui.common.commands.push`, so one that fails never lands on the stack.
Recording a purchase may also set the customer's next action (the nudge); the service's
undo puts the previous next action back with it.
"""

from __future__ import annotations

from datetime import datetime

from onboard_desk.services.customers import PurchaseChange, SurveyInfo
from onboard_desk.ui.common.commands import ProspectCommand
from onboard_desk.ui.common.context import AppContext


class RecordPurchaseCommand(ProspectCommand):
    """Record a purchase; undo removes it and restores the next action it replaced.

    Redo records it again at the same moment (the first run fixes "now"), so going back
    and forth on the stack gives the same cadence each time.
    """

    def __init__(
        self,
        context: AppContext,
        prospect_id: int,
        *,
        amount_cents: int | None,
        currency: str | None = None,
        purchased_at: datetime | None = None,
        note: str = "",
        name: str = "",
    ) -> None:
        super().__init__(context, prospect_id, f"Record purchase for {name}".strip())
        self.amount_cents = amount_cents
        self.currency = currency
        self.purchased_at = purchased_at
        self.note = note
        #: What the last redo did (None while undone).
        self.change: PurchaseChange | None = None

    def redo(self) -> None:
        self.change = self.context.desk.customers.record_purchase(
            self.prospect_id,
            self.amount_cents,
            currency=self.currency,
            purchased_at=self.purchased_at,
            note=self.note,
        )
        self.purchased_at = self.change.purchase.purchased_at
        self._changed()

    def undo(self) -> None:
        if self.change is None:
            return
        self.context.desk.customers.undo_purchase(self.change)
        self.change = None
        self._changed()


class DeletePurchaseCommand(ProspectCommand):
    """Delete a mistaken purchase (the cadence and nudge follow); undo puts it back with
    its id and the next action as it was."""

    def __init__(
        self, context: AppContext, prospect_id: int, purchase_id: int, *, name: str = ""
    ) -> None:
        super().__init__(context, prospect_id, f"Delete purchase of {name}".strip())
        self.purchase_id = purchase_id
        self.change: PurchaseChange | None = None

    def redo(self) -> None:
        self.change = self.context.desk.customers.delete_purchase(self.purchase_id)
        self._changed()

    def undo(self) -> None:
        if self.change is None:
            return
        self.context.desk.customers.restore_purchase(self.change)
        self.change = None
        self._changed()


class RecordSurveyCommand(ProspectCommand):
    """Record a survey answer (0-10); undo removes it, redo puts the same answer back."""

    def __init__(
        self,
        context: AppContext,
        prospect_id: int,
        *,
        score: int,
        comment: str = "",
        answered_at: datetime | None = None,
        name: str = "",
    ) -> None:
        super().__init__(context, prospect_id, f"Record survey answer of {name}".strip())
        self.score = score
        self.comment = comment
        self.answered_at = answered_at
        #: The stored answer (kept after undo, so redo restores it with the same id).
        self.answer: SurveyInfo | None = None
        self._undone = False

    def redo(self) -> None:
        customers = self.context.desk.customers
        if self.answer is not None and self._undone:
            customers.restore_survey(self.answer)
        else:
            self.answer = customers.record_survey(
                self.prospect_id, self.score, comment=self.comment, answered_at=self.answered_at
            )
        self._undone = False
        self._changed()

    def undo(self) -> None:
        if self.answer is None or self._undone:
            return
        self.context.desk.customers.delete_survey(self.answer.id)
        self._undone = True
        self._changed()
