"""The Today screen's own undoable change: a next action marked done."""

from __future__ import annotations

from onboard_desk.services.prospects import Done, DoneRecord
from onboard_desk.ui.common.commands import ProspectCommand
from onboard_desk.ui.common.context import AppContext


class MarkDoneCommand(ProspectCommand):
    """A next action done: the activity logged and the next one set, in one transaction;
    undo takes both back."""

    def __init__(self, context: AppContext, prospect_id: int, done: Done, text: str) -> None:
        super().__init__(context, prospect_id, text)
        self.done = done
        self.record: DoneRecord | None = None

    def redo(self) -> None:
        self.record = self.context.desk.prospects.mark_done(self.prospect_id, self.done)
        self._changed()

    def undo(self) -> None:
        if self.record is None:
            return
        self.context.desk.prospects.undo_done(self.record)
        self.record = None
        self._changed()
