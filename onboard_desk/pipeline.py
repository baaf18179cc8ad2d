"""The onboarding pipeline: stages, the rules for moving between them, and flags.

This module is the domain core. It imports no Qt, no database and no keyring so that
every rule can be unit-tested in isolation and reused by the store, the command line,
the reports and the window alike. Everything here works on plain values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo

from onboard_desk.domain.workhours import WorkingHours
from onboard_desk.errors import UserError


class Stage(enum.StrEnum):
    """Pipeline stages. The values are stable identifiers stored in databases and files."""

    OUTREACH = "outreach"
    FIRST_CALL = "first_call"
    FOLLOW_UP = "follow_up"
    TRIAL = "trial"
    FINAL_CHECK_IN = "final_check_in"
    PAYMENT = "payment"
    WON = "won"
    LOST = "lost"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def is_open(self) -> bool:
        """True for the six working stages, where a prospect still needs work."""
        return self in WORKING_STAGES


#: The six working stages, in order.
WORKING_STAGES: tuple[Stage, ...] = (
    Stage.OUTREACH,
    Stage.FIRST_CALL,
    Stage.FOLLOW_UP,
    Stage.TRIAL,
    Stage.FINAL_CHECK_IN,
    Stage.PAYMENT,
)
#: Working stages followed by the happy end; the order "forward" and "back" refer to.
ORDERED_STAGES: tuple[Stage, ...] = (*WORKING_STAGES, Stage.WON)

STAGE_LABELS: Mapping[Stage, str] = {
    Stage.OUTREACH: "Outreach",
    Stage.FIRST_CALL: "First call",
    Stage.FOLLOW_UP: "Follow-up",
    Stage.TRIAL: "Trial",
    Stage.FINAL_CHECK_IN: "Final check-in",
    Stage.PAYMENT: "Payment",
    Stage.WON: "Won",
    Stage.LOST: "Lost",
}


class Channel(enum.StrEnum):
    """How the first contact with a prospect came about."""

    COLD_EMAIL = "cold_email"
    COLD_CALL = "cold_call"
    INBOUND_QUORA = "inbound_quora"
    INBOUND_REDDIT = "inbound_reddit"
    INBOUND_LINKEDIN = "inbound_linkedin"
    REFERRAL = "referral"
    WEBSITE = "website"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: Mapping[Channel, str] = {
    Channel.COLD_EMAIL: "Cold email",
    Channel.COLD_CALL: "Cold call",
    Channel.INBOUND_QUORA: "Inbound: Quora",
    Channel.INBOUND_REDDIT: "Inbound: Reddit",
    Channel.INBOUND_LINKEDIN: "Inbound: LinkedIn",
    Channel.REFERRAL: "Referral",
    Channel.WEBSITE: "Website",
    Channel.OTHER: "Other",
}


def stage_label(value: str) -> str:
    """The label of a stored stage value; a value this version does not know (from a newer
    database or another team member's snapshot) is shown as it is rather than failing."""
    try:
        return STAGE_LABELS[Stage(value)]
    except ValueError:
        return value


def channel_label(value: str) -> str:
    """The label of a stored channel value; unknown values are shown as they are."""
    try:
        return CHANNEL_LABELS[Channel(value)]
    except ValueError:
        return value


class Flag(enum.StrEnum):
    """Why an open prospect needs attention."""

    NO_NEXT_ACTION = "no-next-action"
    OVERDUE = "overdue"
    STALE = "stale"

    @property
    def label(self) -> str:
        return {
            Flag.NO_NEXT_ACTION: "No next action",
            Flag.OVERDUE: "Overdue",
            Flag.STALE: "Stale",
        }[self]


class PipelineError(UserError, ValueError):
    """A move the pipeline rules forbid. The message is written for the salesperson."""


def parse_stage(text: str) -> Stage:
    """Accept a stage identifier or display name ("first_call", "First call", "first-call")."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    for stage in Stage:
        if key in (stage.value, stage.label.lower().replace(" ", "_").replace("-", "_")):
            return stage
    known = ", ".join(s.value for s in Stage)
    raise PipelineError(f"Unknown stage {text!r}. Stages are: {known}.")


def parse_channel(text: str) -> Channel:
    """Accept a channel identifier or display name, plus a few everyday spellings."""
    key = text.strip().lower().replace("-", "_").replace(" ", "_").replace(":", "")
    aliases = {
        "email": Channel.COLD_EMAIL,
        "call": Channel.COLD_CALL,
        "phone": Channel.COLD_CALL,
        "quora": Channel.INBOUND_QUORA,
        "reddit": Channel.INBOUND_REDDIT,
        "linkedin": Channel.INBOUND_LINKEDIN,
        "web": Channel.WEBSITE,
    }
    if key in aliases:
        return aliases[key]
    for channel in Channel:
        if key in (channel.value, channel.label.lower().replace(" ", "_").replace(":", "")):
            return channel
    known = ", ".join(c.value for c in Channel)
    raise PipelineError(f"Unknown channel {text!r}. Channels are: {known}.")


DEFAULT_LOST_REASONS: tuple[str, ...] = (
    "No budget",
    "Chose a competitor",
    "No response",
    "Not a fit",
    "Bad timing",
    "Trial not used",
)

DEFAULT_CHECKLISTS: Mapping[Stage, tuple[str, ...]] = {
    Stage.OUTREACH: (
        "Research the company and the contact",
        "Send a personalised first message or call",
        "Propose a time for a first call",
    ),
    Stage.FIRST_CALL: (
        "Show the product on their use case",
        "Note their pains and who decides",
        "Confirm interest",
    ),
    Stage.FOLLOW_UP: (
        "Send material that restates the benefits",
        "Send or hold the demo",
        "Book the second call",
    ),
    Stage.TRIAL: (
        "Give trial access",
        "Walk them through the first steps",
        "Record trial start and end dates",
    ),
    Stage.FINAL_CHECK_IN: (
        "Ask how the trial is going",
        "Answer open questions",
        "Ask whether they are ready to commit",
    ),
    Stage.PAYMENT: (
        "Send the offer or invoice",
        "Guide them through payment",
        "Confirm payment received",
    ),
    Stage.WON: ("Send a thank-you note",),
    Stage.LOST: (),
}

#: What entering a stage proposes as the next action, and after how many days.
DEFAULT_NEXT_ACTIONS: Mapping[Stage, tuple[str, int]] = {
    Stage.OUTREACH: ("Follow up on the first contact", 3),
    Stage.FIRST_CALL: ("Hold the showcase call", 2),
    Stage.FOLLOW_UP: ("Send follow-up material and the demo", 1),
    Stage.TRIAL: ("Final check-in: ready to commit?", 3),
    Stage.FINAL_CHECK_IN: ("Ask for the decision", 2),
    Stage.PAYMENT: ("Guide through payment", 2),
    Stage.WON: ("Send a thank-you follow-up", 1),
}

#: Days a prospect may sit in a stage before it counts as stale.
DEFAULT_IDLE_LIMITS: Mapping[Stage, int] = {
    Stage.OUTREACH: 14,
    Stage.FIRST_CALL: 7,
    Stage.FOLLOW_UP: 10,
    Stage.TRIAL: 21,
    Stage.FINAL_CHECK_IN: 7,
    Stage.PAYMENT: 10,
}


@dataclass(frozen=True)
class PipelineConfig:
    """The user-editable parts of the pipeline (Settings screen), with sensible defaults."""

    check_in_delay_days: int = 3
    trial_length_days: int = 14
    idle_limits: Mapping[Stage, int] = field(default_factory=lambda: dict(DEFAULT_IDLE_LIMITS))
    lost_reasons: tuple[str, ...] = DEFAULT_LOST_REASONS
    checklists: Mapping[Stage, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_CHECKLISTS)
    )
    #: When proposed next actions may fall (see :mod:`onboard_desk.domain.workhours`).
    working_hours: WorkingHours = field(default_factory=WorkingHours)

    def idle_limit(self, stage: Stage) -> int | None:
        """Days before a prospect in ``stage`` is stale, or None where staleness does not apply."""
        if not stage.is_open:
            return None
        return self.idle_limits.get(stage, DEFAULT_IDLE_LIMITS[stage])

    def checklist(self, stage: Stage) -> tuple[str, ...]:
        return tuple(self.checklists.get(stage, DEFAULT_CHECKLISTS.get(stage, ())))

    def with_check_in_delay(self, days: int) -> PipelineConfig:
        if days < 0:
            raise PipelineError("The check-in delay cannot be negative.")
        return replace(self, check_in_delay_days=days)


@dataclass(frozen=True)
class NextActionProposal:
    """A suggested next action: what to do and when."""

    text: str
    due: datetime


def propose_next_action(
    stage: Stage,
    entered_at: datetime,
    config: PipelineConfig | None = None,
    *,
    slot: int = 0,
    zone: tzinfo | None = None,
) -> NextActionProposal | None:
    """The next action that entering ``stage`` at ``entered_at`` proposes (None for Lost).

    Entering Trial proposes the final check-in ``check_in_delay_days`` later, since that
    call is what the playbook schedules when the trial starts. The due time falls in the
    working hours of ``config`` (the morning of that day, or of the next working day);
    ``slot`` is how many proposals that day holds already, so they are spread over it
    (:meth:`~onboard_desk.domain.workhours.WorkingHours.due_after`).
    """
    config = config or PipelineConfig()
    default = DEFAULT_NEXT_ACTIONS.get(stage)
    if default is None:
        return None
    text, days = default
    if stage is Stage.TRIAL:
        days = config.check_in_delay_days
    due = config.working_hours.due_after(entered_at, days, slot=slot, zone=zone)
    return NextActionProposal(text=text, due=due)


#: How long a next action someone chose is safe from the app's proposals: a move, a sent
#: email or a logged contact in this time offers its proposal instead of applying it.
RECENT_CHOICE = timedelta(minutes=10)


def proposal_may_replace(chosen_at: datetime | None, now: datetime) -> bool:
    """Whether a proposal may replace the current next action: it was not chosen by a
    person (proposed, imported, none), or was chosen :data:`RECENT_CHOICE` ago or more."""
    return chosen_at is None or now - chosen_at >= RECENT_CHOICE


def trial_end(started_at: datetime, config: PipelineConfig | None = None) -> datetime:
    """When a trial started at ``started_at`` ends: ``trial_length_days`` later."""
    config = config or PipelineConfig()
    return started_at + timedelta(days=config.trial_length_days)


@dataclass(frozen=True)
class StageEntry:
    """What entering a stage sets on a prospect: the proposed next action (None for Lost,
    which clears it) and the trial end (set on entering Trial when none is known yet)."""

    next_action: NextActionProposal | None
    trial_ends_at: datetime | None


def enter_stage(
    stage: Stage,
    entered_at: datetime,
    config: PipelineConfig | None = None,
    *,
    trial_ends_at: datetime | None = None,
    slot: int = 0,
    zone: tzinfo | None = None,
) -> StageEntry:
    """The consequences of entering ``stage`` at ``entered_at``, for every write path.

    Adding a prospect by hand, a move, an import and the demo all call this, so they agree
    on the proposed next action (in the working hours, spread by ``slot``) and on when a
    trial ends. ``trial_ends_at`` is the end the prospect already has; a known end is kept.
    """
    if stage is Stage.TRIAL and trial_ends_at is None:
        trial_ends_at = trial_end(entered_at, config)
    proposal = propose_next_action(stage, entered_at, config, slot=slot, zone=zone)
    return StageEntry(proposal, trial_ends_at)


class MoveKind(enum.StrEnum):
    """What sort of move a stage change is; recorded for reports and shown on the timeline."""

    FORWARD = "forward"
    SKIP = "skip"
    BACK = "back"
    LOSE = "lose"
    REOPEN = "reopen"
    WIN = "win"
    CREATE = "create"


@dataclass(frozen=True)
class Position:
    """Where a prospect stands: its stage, and for a lost one the stage it was lost from."""

    stage: Stage
    lost_from: Stage | None = None


@dataclass(frozen=True)
class Transition:
    """One legal move, ready to be recorded in the stage history."""

    from_stage: Stage
    to_stage: Stage
    kind: MoveKind
    reason: str | None
    result: Position


def _order(stage: Stage) -> int:
    return ORDERED_STAGES.index(stage)


class MoveNeed(enum.StrEnum):
    """What a move needs before it can be made."""

    NOTHING = "nothing"
    SKIP_REASON = "skip-reason"
    LOST_REASON = "lost-reason"
    REFUSED = "refused"


@dataclass(frozen=True)
class MoveCheck:
    """The answer to "may this prospect move there, and what must I ask first?".

    ``message`` explains a refusal or why a reason is needed, written for the salesperson;
    it is empty when the move needs nothing.
    """

    need: MoveNeed
    message: str = ""

    @property
    def allowed(self) -> bool:
        return self.need is not MoveNeed.REFUSED

    @property
    def needs_reason(self) -> bool:
        return self.need in (MoveNeed.SKIP_REASON, MoveNeed.LOST_REASON)


def check_move(position: Position, target: Stage) -> MoveCheck:
    """Whether a move is allowed, needs a skip or lost reason, or is refused (and why).

    Every front end asks this before a move, instead of trying :func:`plan_move` with and
    without a made-up reason; :func:`plan_move` applies the same rules.
    """
    current = position.stage
    if target is current:
        return MoveCheck(MoveNeed.REFUSED, f"The prospect is already in {current.label}.")
    if current is Stage.LOST:
        origin = position.lost_from or Stage.OUTREACH
        if target is not origin:
            return MoveCheck(
                MoveNeed.REFUSED,
                f"A lost prospect can only be reopened into {origin.label}, "
                "the stage it was lost from.",
            )
        return MoveCheck(MoveNeed.NOTHING)
    if target is Stage.LOST:
        return MoveCheck(MoveNeed.LOST_REASON, "Marking a prospect lost needs a lost reason.")
    if target is Stage.WON and current is not Stage.PAYMENT:
        return MoveCheck(MoveNeed.REFUSED, "Only a prospect in Payment can be marked won.")
    step = _order(target) - _order(current)
    if step <= 1:
        return MoveCheck(MoveNeed.NOTHING)
    return MoveCheck(
        MoveNeed.SKIP_REASON,
        f"Moving from {current.label} straight to {target.label} skips "
        f"{step - 1} stage{'s' if step > 2 else ''}; give a reason for skipping.",
    )


def plan_move(position: Position, target: Stage, reason: str | None = None) -> Transition:
    """Check a move against the rules and describe it, or raise :class:`PipelineError`.

    The rules: forward one stage; back any number; skipping forward only with a reason;
    Lost from anywhere with a lost reason; from Lost only back to the stage it was lost
    from; Won only from Payment.
    """
    reason = (reason or "").strip() or None
    check = check_move(position, target)
    if not check.allowed or (check.needs_reason and reason is None):
        raise PipelineError(check.message)
    current = position.stage
    if current is Stage.LOST:
        return Transition(current, target, MoveKind.REOPEN, reason, Position(target))
    if target is Stage.LOST:
        return Transition(current, target, MoveKind.LOSE, reason, Position(Stage.LOST, current))
    step = _order(target) - _order(current)
    if step == 1:
        kind = MoveKind.WIN if target is Stage.WON else MoveKind.FORWARD
        return Transition(current, target, kind, reason, Position(target))
    if step < 0:
        return Transition(current, target, MoveKind.BACK, reason, Position(target))
    return Transition(current, target, MoveKind.SKIP, reason, Position(target))


def replay(moves: Iterable[tuple[Stage, Stage]]) -> Position:
    """Rebuild a position from a stage history, checking that each entry follows on.

    Used to prove (and in tests, to check) that the recorded history explains the
    current stage. Raises :class:`PipelineError` when the history is inconsistent.
    """
    position = Position(Stage.OUTREACH)
    for index, (from_stage, to_stage) in enumerate(moves):
        if from_stage is not position.stage:
            raise PipelineError(
                f"History entry {index + 1} starts in {from_stage.label} "
                f"but the prospect was in {position.stage.label}."
            )
        if to_stage is Stage.LOST:
            position = Position(Stage.LOST, from_stage)
        else:
            position = Position(to_stage)
    return position


def flags_for(
    *,
    stage: Stage,
    next_action_due: datetime | None,
    stage_entered_at: datetime,
    now: datetime,
    config: PipelineConfig | None = None,
) -> frozenset[Flag]:
    """The attention flags of one prospect; only open prospects are ever flagged."""
    if not stage.is_open:
        return frozenset()
    config = config or PipelineConfig()
    flags: set[Flag] = set()
    if next_action_due is None:
        flags.add(Flag.NO_NEXT_ACTION)
    elif next_action_due < now:
        flags.add(Flag.OVERDUE)
    limit = config.idle_limit(stage)
    if limit is not None and now - stage_entered_at > timedelta(days=limit):
        flags.add(Flag.STALE)
    return frozenset(flags)
