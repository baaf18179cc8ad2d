"""The card's loaded state: which prospect it shows, its details as last read, and what
follows from them (where it can move next, how an edit would be stored).

No widgets here: the state reads through the prospect service
(:meth:`~onboard_desk.services.prospects.ProspectService.details`, one read for the row,
its flags, its checklist and its timeline) and asks the service's rules; the card's view
draws what the state holds, and the card turns the salesperson's actions into undo
commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from onboard_desk.pipeline import ORDERED_STAGES, WORKING_STAGES, Position, Stage
from onboard_desk.services.prospects import (
    MAX_ACTIVITIES,
    NotFoundError,
    Prospect,
    ProspectDetails,
    StageChecklist,
)

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk


class CardState:
    """One prospect as the card knows it (nothing chosen, chosen, or gone)."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        #: The prospect the card is about (it may no longer exist).
        self.prospect_id: int | None = None
        #: Its details as last read; None before the first read or once it is gone.
        self.details: ProspectDetails | None = None
        self._region: str | None = None

    def choose(self, prospect_id: int) -> bool:
        """Make ``prospect_id`` the card's prospect; True if it was another one before."""
        changed = prospect_id != self.prospect_id
        self.prospect_id = prospect_id
        return changed

    def load(self) -> ProspectDetails | None:
        """Read the chosen prospect again (None, and nothing kept, when it is gone)."""
        if self.prospect_id is None:
            return None
        try:
            self.details = self._desk.prospects.details(
                self.prospect_id, activity_limit=MAX_ACTIVITIES
            )
        except NotFoundError:
            self.details = None
        return self.details

    # -- what the details say ------------------------------------------------------------

    @property
    def prospect(self) -> Prospect | None:
        return self.details.prospect if self.details is not None else None

    @property
    def checklist(self) -> StageChecklist:
        """The checklist shown (an empty one before anything was read)."""
        return self.details.checklist if self.details else StageChecklist(Stage.OUTREACH)

    def name(self) -> str:
        return self.details.prospect.name if self.details else ""

    def position(self) -> Position | None:
        return self.details.position if self.details else None

    def next_stage(self) -> Stage | None:
        """The stage one step ahead, if the prospect is in a working stage."""
        if self.details is None:
            return None
        stage = Stage(self.details.prospect.stage)
        if stage not in WORKING_STAGES:
            return None
        return ORDERED_STAGES[ORDERED_STAGES.index(stage) + 1]

    def reopen_stage(self) -> Stage | None:
        """Where reopening puts a lost prospect (the stage it was lost from)."""
        prospect = self.prospect
        if prospect is None or prospect.stage != Stage.LOST.value:
            return None
        return Stage(prospect.lost_from or Stage.OUTREACH.value)

    # -- edits ---------------------------------------------------------------------------

    def cleaned(self, field: str, value: Any) -> Any:
        """``value`` as the field would store it (ValidationError saying what to correct);
        phone numbers without a country code are read in the database's region."""
        if self._region is None:
            self._region = self._desk.settings.phone_region()
        return self._desk.prospects.clean({field: value}, region=self._region)[field]

    def stores(self, field: str, value: Any) -> bool:
        """Whether ``field`` holds ``value`` already (an edit would change nothing)."""
        prospect = self.prospect
        return prospect is not None and getattr(prospect, field) == value
