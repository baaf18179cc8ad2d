"""Undoable operations on prospects, for the window's QUndoStack (Ctrl+Z / Ctrl+Shift+Z).

Each command does its work through the prospect services
(:class:`~onboard_desk.services.prospects.ProspectService`) in :meth:`redo` and keeps what
they returned to reverse it in :meth:`undo`. A command that fails on its first run raises the
UserError to the caller before it lands on the stack, so the stack only ever holds
operations that really happened: push with :func:`push`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtGui import QUndoCommand

from onboard_desk.pipeline import Stage
from onboard_desk.services.prospects import DeletedProspect, MoveResult, NextActionState, Tick
from onboard_desk.ui.common.context import AppContext


class ProspectCommand(QUndoCommand):
    """An undoable change to one prospect; tells every screen when it is done or undone."""

    def __init__(self, context: AppContext, prospect_id: int, text: str) -> None:
        super().__init__(text)
        self.context = context
        self.prospect_id = prospect_id

    def _changed(self) -> None:
        self.context.prospects_changed([self.prospect_id])


class MoveProspectCommand(ProspectCommand):
    """Move a prospect to another stage; undo restores the stage, dates and next action."""

    def __init__(
        self,
        context: AppContext,
        prospect_id: int,
        target: Stage,
        reason: str | None = None,
        *,
        name: str = "",
    ) -> None:
        label = f"Move {name} to {target.label}" if name else f"Move to {target.label}"
        super().__init__(context, prospect_id, label)
        self.target = target
        self.reason = reason
        self.result: MoveResult | None = None

    def redo(self) -> None:
        self.result = self.context.desk.prospects.move(self.prospect_id, self.target, self.reason)
        self._changed()

    def undo(self) -> None:
        if self.result is None:
            return
        self.context.desk.prospects.revert_move(self.result)
        self.result = None
        self._changed()


class EditProspectCommand(ProspectCommand):
    """Edit fields of a prospect; undo writes the previous values back."""

    def __init__(
        self, context: AppContext, prospect_id: int, changes: dict[str, Any], *, name: str = ""
    ) -> None:
        fields = ", ".join(changes)
        super().__init__(context, prospect_id, f"Edit {fields} of {name}".strip())
        self.changes = dict(changes)
        self.previous: dict[str, Any] | None = None

    def redo(self) -> None:
        self.previous = self.context.desk.prospects.edit(self.prospect_id, self.changes)
        self._changed()

    def undo(self) -> None:
        if self.previous is None:
            return
        # Stored values were valid when stored, so they pass validation on the way back.
        self.context.desk.prospects.edit(self.prospect_id, self.previous)
        self._changed()


class SetNextActionCommand(ProspectCommand):
    """Set or clear the next action; undo restores the previous one."""

    def __init__(
        self,
        context: AppContext,
        prospect_id: int,
        action: str | None,
        due: datetime | None,
        *,
        name: str = "",
    ) -> None:
        super().__init__(context, prospect_id, f"Next action for {name}".strip())
        self.action = action
        self.due = due
        self.previous: NextActionState | None = None

    def redo(self) -> None:
        self.previous = self.context.desk.prospects.set_next_action(
            self.prospect_id, self.action, self.due
        )
        self._changed()

    def undo(self) -> None:
        if self.previous is None:
            return
        self.context.desk.prospects.restore_next_action(self.prospect_id, self.previous)
        self._changed()


class TickChecklistCommand(ProspectCommand):
    """Tick or untick an item of a stage's checklist; undo puts the previous state back.

    Undoing an untick restores the tick as it was (its author and time), and redoing a
    tick restores the tick first made, so going back and forth on the stack never
    rewrites who did an item or when.
    """

    def __init__(
        self,
        context: AppContext,
        prospect_id: int,
        stage: Stage,
        item: str,
        ticked: bool,
        *,
        name: str = "",
    ) -> None:
        verb = "Tick" if ticked else "Untick"
        suffix = f" for {name}" if name else ""
        super().__init__(context, prospect_id, f"{verb} “{item}”{suffix}")
        self.stage = stage
        self.item = item
        self.ticked = ticked
        #: The tick made (ticking) or removed (unticking); None while nothing changed.
        self.tick: Tick | None = None

    def redo(self) -> None:
        prospects = self.context.desk.prospects
        if not self.ticked:
            self.tick = prospects.untick(self.prospect_id, self.stage, self.item)
        elif self.tick is None:
            self.tick = prospects.tick(self.prospect_id, self.stage, self.item)
        else:
            prospects.restore_tick(self.tick)
        self._changed()

    def undo(self) -> None:
        if self.tick is None:
            return
        prospects = self.context.desk.prospects
        if self.ticked:
            prospects.untick(self.prospect_id, self.stage, self.item)
        else:
            prospects.restore_tick(self.tick)
        self._changed()


class DeleteProspectCommand(ProspectCommand):
    """Delete a prospect with its history (and checklist ticks); undo puts everything back
    with the same id."""

    def __init__(self, context: AppContext, prospect_id: int, *, name: str = "") -> None:
        super().__init__(context, prospect_id, f"Delete {name}".strip())
        self.deleted: DeletedProspect | None = None

    def redo(self) -> None:
        self.deleted = self.context.desk.prospects.delete(self.prospect_id)
        self._changed()

    def undo(self) -> None:
        if self.deleted is None:
            return
        self.context.desk.prospects.restore(self.deleted)
        self.deleted = None
        self._changed()


class LogActivityCommand(ProspectCommand):
    """Log a call, email, meeting or note; undo removes it from the timeline."""

    def __init__(self, context: AppContext, prospect_id: int, kind: str, **fields: Any) -> None:
        super().__init__(context, prospect_id, f"Log {kind}")
        self.kind = kind
        self.fields = fields
        self.activity_id: int | None = None

    def redo(self) -> None:
        activity = self.context.desk.prospects.log_activity(
            self.prospect_id, self.kind, **self.fields
        )
        self.activity_id = activity.id
        self._changed()

    def undo(self) -> None:
        if self.activity_id is None:
            return
        self.context.desk.prospects.delete_activity(self.activity_id)
        self.activity_id = None
        self._changed()


class CreateProspectCommand(QUndoCommand):
    """Add a prospect; undo deletes it again and redo brings it back with the same id.

    With ``referral_code`` the new prospect is linked to the code's customer (channel
    Referral, rewards from the retention settings) in the same transaction; a code nobody
    has fails before anything is written. Undo and redo carry the referral with the
    prospect.
    """

    def __init__(
        self,
        context: AppContext,
        fields: dict[str, Any],
        *,
        stage: Stage = Stage.OUTREACH,
        region: str | None = None,
        referral_code: str | None = None,
    ) -> None:
        super().__init__(f"Add {fields.get('name', '')}".strip())
        self.context = context
        self.fields = dict(fields)
        self.stage = stage
        self.region = region
        self.referral_code = referral_code
        self.prospect_id: int | None = None
        self.deleted: DeletedProspect | None = None

    def redo(self) -> None:
        prospects = self.context.desk.prospects
        if self.deleted is not None:
            prospects.restore(self.deleted)
            self.deleted = None
        else:
            prospect = prospects.add(
                self.fields,
                stage=self.stage,
                region=self.region,
                referral_code=self.referral_code,
            )
            self.prospect_id = prospect.id
        self.context.prospects_changed([self.prospect_id] if self.prospect_id else [])

    def undo(self) -> None:
        if self.prospect_id is None or self.deleted is not None:
            return
        self.deleted = self.context.desk.prospects.delete(self.prospect_id)
        self.context.prospects_changed([self.prospect_id])


def push(context: AppContext, command: QUndoCommand) -> None:
    """Run ``command`` and, only if it succeeded, put it on the undo stack.

    QUndoStack.push runs redo() itself, so a failing first run would leave a command on
    the stack that never happened; running it first avoids that. A UserError
    (illegal move, invalid field) propagates for the caller to show.
    """
    command.redo()
    context.undo_stack.push(_AlreadyDone(command))


class _AlreadyDone(QUndoCommand):
    """Wraps a command whose first redo() already ran, so push() does not run it twice."""

    def __init__(self, inner: QUndoCommand) -> None:
        super().__init__(inner.text())
        self.inner = inner
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.inner.redo()

    def undo(self) -> None:
        self.inner.undo()
