"""What the card's Customer section does: record a purchase or a survey answer, delete a
purchase, through undoable commands, with the outcome in the card's message banner.

Kept apart from :mod:`onboard_desk.ui.card.card` so the card stays about the pipeline; the
card builds one :class:`CustomerActions` and connects the section's signals to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QDialog

from onboard_desk.domain.contacts import format_money
from onboard_desk.domain.timeutil import format_local
from onboard_desk.retention.nps import category
from onboard_desk.ui.card.customer.dialogs import PurchaseDialog, SurveyDialog
from onboard_desk.ui.customers.commands import (
    DeletePurchaseCommand,
    RecordPurchaseCommand,
    RecordSurveyCommand,
)

if TYPE_CHECKING:
    from onboard_desk.ui.card.card import ProspectCard

CommandT = TypeVar("CommandT")


class CustomerActions(QObject):
    """The Customer section's buttons, run against the card's prospect."""

    def __init__(self, card: ProspectCard) -> None:
        super().__init__(card)
        self.card = card

    def _customer(self) -> tuple[int, str] | None:
        card = self.card
        if card.prospect_id is None or card.prospect is None:
            return None
        return card.prospect_id, card.prospect.name

    def _run(self, make: Callable[[int, str], CommandT]) -> CommandT | None:
        """Run the command ``make(prospect_id, name)`` builds for the card's customer; None
        when the card shows nobody or the command was refused (the card says why)."""
        customer = self._customer()
        if customer is None:
            return None
        command = make(*customer)
        return command if self.card.run_command(command) else None

    # -- purchases -----------------------------------------------------------------------

    @Slot()
    def record_purchase(self) -> bool:
        """Ask for the purchase, then record it."""
        customer = self._customer()
        if customer is None or self.card.prospect is None:
            return False
        dialog = PurchaseDialog(customer[1], self.card.prospect.currency, self.card)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.add_purchase(
            dialog.amount_cents(),
            currency=dialog.currency(),
            purchased_at=dialog.purchased_at(),
            note=dialog.note(),
        )

    def add_purchase(
        self,
        amount_cents: int | None,
        *,
        currency: str | None = None,
        purchased_at: datetime | None = None,
        note: str = "",
    ) -> bool:
        """Record a purchase (undoable) and say what it did to the cadence and reminder."""
        command = self._run(
            lambda prospect_id, name: RecordPurchaseCommand(
                self.card.context,
                prospect_id,
                amount_cents=amount_cents,
                currency=currency,
                purchased_at=purchased_at,
                note=note,
                name=name,
            )
        )
        if command is None or command.change is None:
            return False
        change = command.change
        bought = change.purchase
        amount = format_money(bought.amount_cents, bought.currency) or self.tr("a purchase")
        text = self.tr("Recorded %s on %s.") % (
            amount,
            format_local(bought.purchased_at, with_time=False),
        )
        plan = change.nudge.plan
        if plan is not None and change.nudge.applied:
            text += " " + self.tr("Next action: %s, due %s.") % (plan.text, format_local(plan.due))
        elif plan is not None and change.nudge.reason:
            text += " " + self.tr("No reminder set: %s.") % self.tr(change.nudge.reason)
        self.card.show_message(text + " " + self.tr("Ctrl+Z undoes it."), error=False)
        return True

    @Slot(int)
    def delete_purchase(self, purchase_id: int) -> bool:
        """Delete a mistaken purchase (undoable)."""
        command = self._run(
            lambda prospect_id, name: DeletePurchaseCommand(
                self.card.context, prospect_id, purchase_id, name=name
            )
        )
        if command is None:
            return False
        self.card.show_message(
            self.tr("Purchase deleted.") + " " + self.tr("Ctrl+Z undoes it."), error=False
        )
        return True

    # -- surveys -------------------------------------------------------------------------

    @Slot()
    def record_survey(self) -> bool:
        """Ask for the answer, then record it."""
        customer = self._customer()
        if customer is None:
            return False
        latest = self.card.customer.details.latest_survey if self.card.customer.details else None
        dialog = SurveyDialog(customer[1], latest, self.card)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        score = dialog.score()
        if score is None:
            return False
        return self.add_survey(score, comment=dialog.comment(), answered_at=dialog.answered_at())

    def add_survey(
        self, score: int, *, comment: str = "", answered_at: datetime | None = None
    ) -> bool:
        """Record a survey answer (undoable)."""
        command = self._run(
            lambda prospect_id, name: RecordSurveyCommand(
                self.card.context,
                prospect_id,
                score=score,
                comment=comment,
                answered_at=answered_at,
                name=name,
            )
        )
        if command is None:
            return False
        self.card.show_message(
            self.tr("Survey answer recorded: %d (%s).") % (score, self.tr(category(score).value))
            + " "
            + self.tr("Ctrl+Z undoes it."),
            error=False,
        )
        return True
