"""Building an import's prospect rows: what each new row of one import holds.

Needs no database, so the planner builds rows with it too, in the planning process when
there is one; it imports no SQLAlchemy, so that process starts fast (see
:mod:`.worker`). Writing the rows is :mod:`.writer`'s part.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from onboard_desk.domain import contacts
from onboard_desk.importing.options import ImportOptions
from onboard_desk.importing.validation import CleanRow
from onboard_desk.pipeline import DEFAULT_NEXT_ACTIONS, Channel, NextActionProposal, enter_stage
from onboard_desk.storage import journey
from onboard_desk.storage.dialects.sqlite_text import timestamp_param

PROSPECT_COLUMNS = (
    "id",
    "name",
    "company",
    "company_key",
    "title",
    "email",
    "email_key",
    "phone",
    "phone_key",
    "channel",
    "owner",
    "value_cents",
    "currency",
    "tags",
    "notes",
    "do_not_contact",
    "stage",
    "stage_entered_at",
    "next_action",
    "next_action_due",
    "trial_ends_at",
    "import_batch_id",
    "created_at",
    "updated_at",
    "furthest_stage",
)


def _from_stamp(stamp: str | None) -> datetime | None:
    """A stored UTC stamp (:func:`timestamp_param`) as an aware datetime."""
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC) if stamp else None


def _display(moment: datetime | None) -> str:
    from onboard_desk.domain.timeutil import format_local

    return format_local(moment) if moment else ""


class RowBuilder:
    """Turns checked rows into prospect rows ready for ``executemany``.

    Holds what every created row of one import shares (stage, next action, owner,
    channel, timestamps rendered once). It needs no database, so the planner builds rows
    with it too, in a worker process when there is one.

    The proposed next actions are spread over the working hours of the day they fall on,
    one slot per created row in file order, starting after the ``first_slot`` actions that
    day already holds (:meth:`~onboard_desk.domain.workhours.WorkingHours.due_after`): an
    evening import of eighteen does not put eighteen follow-ups on one minute.
    """

    def __init__(
        self, options: ImportOptions, *, by: str, now: datetime, batch_id: int | None
    ) -> None:
        self.options = options
        self.batch_id = batch_id
        self.now = now
        stamp = timestamp_param
        self.stamp = stamp
        self.now_stamp = stamp(now)
        stage = options.stage
        entry = enter_stage(stage, now, options.config)
        proposal = entry.next_action
        self.default_action = proposal.text if proposal else None
        #: The stage's proposal in each slot of its day, in order (the cycle repeats).
        self._default_dues = self._slot_cycle(
            lambda slot: enter_stage(stage, now, options.config, slot=slot).next_action
        )
        #: A row with a next action but no date: the next working day, spread the same way.
        hours = options.config.working_hours
        self._next_day_dues = self._slot_cycle(
            lambda slot: NextActionProposal("", hours.due_after(now, 1, slot=slot))
        )
        self._placed = self._previewed = 0
        self.trial_ends = stamp(entry.trial_ends_at) if entry.trial_ends_at else None
        self.owner = (options.owner or "").strip() or None
        self.default_owner = by
        self.channel = options.channel.value if options.channel else None
        #: Furthest stage, then durations: the journey of a prospect created in ``stage``.
        self.journey = journey.created_values(stage)
        self._stamps: dict[datetime, str] = {}

    def _slot_cycle(self, propose: Any) -> list[str]:
        """The due stamps ``propose(slot)`` gives from the first free slot on, until they
        start again from the morning ([] when it proposes nothing)."""
        first = self.options.first_slot
        dues: list[str] = []
        for slot in range(first, first + 24 * 60):
            proposal = propose(slot)
            if proposal is None:
                return []
            stamp = self.stamp(proposal.due)
            if dues and stamp == dues[0]:
                break
            dues.append(stamp)
        return dues

    def _due(self, dues: list[str], position: int) -> str | None:
        return dues[position % len(dues)] if dues else None

    def prospect_tuple(
        self, prospect_id: int, row: CleanRow, *, position: int | None = None
    ) -> tuple[Any, ...]:
        """The row in :data:`PROSPECT_COLUMNS` order; ``position`` is its place among the
        created rows (by default the next one), which picks its slot of the day."""
        options = self.options
        if position is None:
            position = self._placed
            self._placed += 1
        action, due = self.default_action, self._due(self._default_dues, position)
        if row.next_action or row.next_action_due:
            action = row.next_action or DEFAULT_NEXT_ACTIONS.get(options.stage, ("Follow up", 1))[0]
            if row.next_action_due is not None:
                due = self.stamp(row.next_action_due)  # a time the file gives is kept
            elif due is None:
                due = self._due(self._next_day_dues, position)
        return (
            prospect_id,
            row.name,
            row.company,
            row.company_key,
            row.title,
            row.email,
            row.email_key,
            row.phone,
            row.phone_key,
            Channel.REFERRAL.value
            if row.referral_code
            else self.channel or row.channel or Channel.OTHER.value,
            self.owner or row.owner or self.default_owner,
            row.value_cents,
            row.currency or options.currency,
            row.tags,
            row.notes,
            0,
            options.stage.value,
            self.now_stamp,
            action,
            due,
            self.trial_ends,
            self.batch_id,
            self._created_stamp(row.created_at) if row.created_at else self.now_stamp,
            self.now_stamp,
            self.journey[0],
        )

    def _created_stamp(self, moment: datetime) -> str:
        stamp = self._stamps.get(moment)
        if stamp is None:
            if len(self._stamps) >= 20_000:
                self._stamps.clear()
            stamp = self._stamps[moment] = self.stamp(moment)
        return stamp

    def preview(self, row: CleanRow) -> dict[str, Any]:
        """The row as the preview shows it: the stored values, formatted for reading."""
        position, self._previewed = self._previewed, self._previewed + 1
        values = dict(
            zip(PROSPECT_COLUMNS, self.prospect_tuple(0, row, position=position), strict=True)
        )
        return {
            "name": values["name"],
            "company": values["company"],
            "title": values["title"],
            "email": values["email"],
            "phone": values["phone"],
            "channel": Channel(values["channel"]).label,
            "owner": values["owner"],
            "stage": self.options.stage.label,
            "tags": values["tags"],
            "value": contacts.format_money(values["value_cents"], values["currency"]),
            "notes": values["notes"],
            "created_at": _display(row.created_at or self.now),
            "next_action": values["next_action"] or "",
            "next_action_due": _display(row.next_action_due)
            or _display(_from_stamp(values["next_action_due"])),
        }
