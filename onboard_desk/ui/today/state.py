"""What the Today screen knows and does, without its widgets: the day's agenda (read off the
GUI thread through the list service), and the two things a row offers: mark its next action
done (the activity logged and the next action planned, one undo step) and snooze it.

The rules live in the services (:meth:`~onboard_desk.services.prospects.ProspectService.
proposal_after_contact`, :meth:`~onboard_desk.services.prospects.ProspectService.mark_done`)
and :mod:`onboard_desk.domain.agenda` (snooze dates); this module runs them and puts the
changes on the undo stack. The prospect services and the undo commands are imported on first
use: showing the day needs neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from onboard_desk.domain.agenda import Agenda, AgendaItem, Snooze, snooze_until
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.ui.common.context import AppContext
from onboard_desk.ui.common.guard import guarded

if TYPE_CHECKING:
    from onboard_desk.pipeline import NextActionProposal
    from onboard_desk.services.prospects import Done


class TodayState(QObject):
    """Reads the day's agenda and acts on its rows; the screen shows what it announces."""

    #: A fresh agenda was read (argument: Agenda); ``has_prospects`` is up to date.
    sig_agenda_read = Signal(object)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        #: Whether the database holds any prospect (an empty day of a new user says how to
        #: begin rather than that all is done).
        self.has_prospects = True
        self._generation = 0

    def refresh(self) -> None:
        """Read the agenda again off the GUI thread; only the latest read is announced."""
        self._generation += 1
        generation = self._generation
        lists = self.context.desk.lists

        def read() -> tuple[Agenda, bool]:
            agenda = lists.today()
            # Only an empty agenda needs to know whether the database is new.
            listed = any(group.total for group in agenda.groups)
            return agenda, listed or lists.has_prospects()

        def arrived(result: tuple[Agenda, bool]) -> None:
            if generation == self._generation:
                agenda, self.has_prospects = result
                self.sig_agenda_read.emit(agenda)

        self.context.run(read, guarded(self, arrived))

    def proposal_for(self, item: AgendaItem) -> NextActionProposal | None:
        """What to plan once ``item``'s next action is done (a customer's nudge, or what
        the prospect's stage proposes)."""
        return self.context.desk.prospects.proposal_after_contact(item.prospect_id)

    def mark_done(self, item: AgendaItem, done: Done, text: str) -> None:
        """Log ``done`` and plan its successor as one undo step named ``text`` (UserError
        if the service refuses; then nothing changed)."""
        from onboard_desk.ui.common.commands import push
        from onboard_desk.ui.today.commands import MarkDoneCommand

        push(self.context, MarkDoneCommand(self.context, item.prospect_id, done, text))

    def snooze(self, item: AgendaItem, choice: Snooze) -> None:
        """Put the next action off to tomorrow or next week, same text, undoably (UserError
        if the service refuses)."""
        from onboard_desk.ui.common.commands import SetNextActionCommand, push

        if item.next_action is None:
            return
        until = snooze_until(choice, utcnow())
        push(
            self.context,
            SetNextActionCommand(
                self.context, item.prospect_id, item.next_action, until, name=item.name
            ),
        )
