"""Undoable customer operations for the window's QUndoStack: purchases and survey answers.

Like :mod:`onboard_desk.ui.common.commands`, each command works through the service API
(:mod:`onboard_desk.retention.purchases`, :mod:`onboard_desk.retention.surveys`) in
:meth:`redo` and keeps what the service returned to reverse it in :meth:`undo`; push
them with :func:`onboard_desk.ui.common.commands.push`, so one that fails never lands on the
stack. Recording a purchase may also set the customer's next action (the nudge); the
service's undo puts the previous next action back with it.
"""

from __future__ import annotations

from datetime import datetime

from onboard_desk.retention.config import load_retention_config
from onboard_desk.retention.purchases import (
    PurchaseChange,
    delete_purchase,
    record_purchase,
    restore_purchase,
    undo_record,
)
from onboard_desk.retention.surveys import (
    SurveyInfo,
    delete_survey,
    record_survey,
    restore_survey,
)
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
        with self.context.session() as session:
            self.change = record_purchase(
                session,
                prospect_id=self.prospect_id,
                amount_cents=self.amount_cents,
                currency=self.currency,
                purchased_at=self.purchased_at,
                note=self.note,
                by=self.context.user,
                config=load_retention_config(session),
            )
        self.purchased_at = self.change.purchase.purchased_at
        self._changed()

    def undo(self) -> None:
        if self.change is None:
            return
        with self.context.session() as session:
            undo_record(session, change=self.change)
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
        with self.context.session() as session:
            self.change = delete_purchase(
                session, purchase_id=self.purchase_id, config=load_retention_config(session)
            )
        self._changed()

    def undo(self) -> None:
        if self.change is None:
            return
        with self.context.session() as session:
            restore_purchase(session, change=self.change)
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
        with self.context.session() as session:
            if self.answer is not None and self._undone:
                restore_survey(session, survey=self.answer)
            else:
                self.answer = record_survey(
                    session,
                    prospect_id=self.prospect_id,
                    score=self.score,
                    comment=self.comment,
                    answered_at=self.answered_at,
                    by=self.context.user,
                )
        self._undone = False
        self._changed()

    def undo(self) -> None:
        if self.answer is None or self._undone:
            return
        with self.context.session() as session:
            delete_survey(session, survey_id=self.answer.id)
        self._undone = True
        self._changed()
