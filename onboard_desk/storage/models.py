"""All database tables, in one module (SQLModel).

Times are aware UTC datetimes (see :mod:`onboard_desk.domain.timeutil`), shown in
local time by the layers above. Money is stored in minor units (cents) as integers so
that sums in reports are exact. Stage and channel columns hold the identifiers from
:mod:`onboard_desk.pipeline`. Alembic owns the schema; this module is its target.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel, col

from onboard_desk.domain.timeutil import utcnow


class Prospect(SQLModel, table=True):
    """A person walking through the pipeline, with their current stage and next action.

    ``email_key``, ``phone_key`` and ``company_key`` are the duplicate rule's keys of the
    email, phone and company (:mod:`onboard_desk.domain.matching`), kept beside the values
    as typed by every writer so duplicate checks are indexed lookups rather than scans.
    """

    __table_args__ = (
        Index("ix_prospect_stage_name", "stage", "name"),
        Index("ix_prospect_next_action_due", "next_action_due"),
        Index("ix_prospect_email_key", "email_key"),
        Index("ix_prospect_phone_key", "phone_key"),
        Index("ix_prospect_import_batch", "import_batch_id"),
        # Sorting the prospect list (migration 0002).
        Index("ix_prospect_name", "name"),
        Index("ix_prospect_updated_at", "updated_at"),
        Index("ix_prospect_value", "value_cents"),
        # The list sorted by company, case-insensitively (migrations 0002 and 0006).
        Index("ix_prospect_company_lower", text("lower(company)")),
        # Prospects at the same company, for duplicate checks (migration 0009).
        Index("ix_prospect_company_key", "company_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    company: str = Field(default="", max_length=200)
    company_key: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    title: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320)
    email_key: str = Field(default="", max_length=320)
    phone: str = Field(default="", max_length=64)
    phone_key: str = Field(default="", max_length=64)
    channel: str = Field(default="other", max_length=32)
    owner: str = Field(default="", max_length=120)
    value_cents: int | None = Field(default=None)
    currency: str = Field(default="USD", max_length=3)
    tags: str = Field(default="", description="Comma-separated tags, trimmed, no duplicates")
    notes: str = Field(default="")
    do_not_contact: bool = Field(default=False)
    stage: str = Field(default="outreach", max_length=32)
    stage_entered_at: datetime = Field(default_factory=utcnow)
    lost_from: str | None = Field(default=None, max_length=32)
    lost_reason: str | None = Field(default=None, max_length=200)
    next_action: str | None = Field(default=None, max_length=500)
    next_action_due: datetime | None = Field(default=None)
    #: When a person chose the next action (None: proposed, imported or unknown); a
    #: proposal does not replace a choice just made (``pipeline.proposal_may_replace``).
    next_action_chosen_at: datetime | None = Field(default=None)
    trial_ends_at: datetime | None = Field(default=None)
    import_batch_id: int | None = Field(
        default=None, foreign_key="importbatch.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    #: Funnel position of the furthest stage ever reached (see ProspectJourney); written by
    #: the database's triggers on the stage history (an import writes it with the row).
    furthest_stage: int = Field(default=-1, sa_column_kwargs={"server_default": "-1"})


class StageChange(SQLModel, table=True):
    """One recorded move; the history from which stage durations are computed.

    The first row of every prospect has ``from_stage`` None (its creation).
    """

    __table_args__ = (
        Index("ix_stagechange_prospect_at", "prospect_id", "at"),
        Index("ix_stagechange_at", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", ondelete="CASCADE")
    from_stage: str | None = Field(default=None, max_length=32)
    to_stage: str = Field(max_length=32)
    kind: str = Field(default="forward", max_length=16)
    at: datetime = Field(default_factory=utcnow)
    by: str = Field(default="", max_length=120)
    reason: str | None = Field(default=None, max_length=500)


class Activity(SQLModel, table=True):
    """A call, email, meeting or note; planned (with a due time) or done."""

    __table_args__ = (
        Index("ix_activity_prospect_at", "prospect_id", "occurred_at"),
        Index("ix_activity_status_due", "status", "due_at"),
        Index("ix_activity_occurred_at", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", ondelete="CASCADE")
    kind: str = Field(max_length=16)  # call | email | meeting | note
    status: str = Field(default="done", max_length=16)  # planned | done
    due_at: datetime | None = Field(default=None)
    occurred_at: datetime = Field(default_factory=utcnow)
    outcome: str = Field(default="", max_length=120)
    duration_seconds: int | None = Field(default=None)
    subject: str = Field(default="", max_length=500)
    template: str = Field(default="", max_length=120)
    text: str = Field(default="")
    by: str = Field(default="", max_length=120)
    stage: str = Field(default="", max_length=32, description="Stage at the time it happened")


class ChecklistTick(SQLModel, table=True):
    """One ticked item of a stage's checklist on one prospect: who ticked it, and when.

    The item is kept by its text, as the settings name it, and by the stage whose list it
    is on, so a prospect moved back to a stage finds that stage's earlier ticks again. An
    item later renamed or removed in the settings leaves its tick here, matched by no
    list and so shown nowhere (renaming it back shows it again). An unticked item has no
    row. Nothing here is written when a prospect is created, so imports pay nothing for
    it (migration 0007).
    """

    __table_args__ = (
        # One tick per item; also the lookup of a prospect's ticks, and of the rows the
        # cascade deletes with a prospect.
        Index("ix_checklisttick_prospect_item", "prospect_id", "stage", "item", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", ondelete="CASCADE")
    stage: str = Field(max_length=32)
    item: str
    ticked_at: datetime = Field(default_factory=utcnow)
    by: str = Field(default="", max_length=120)


# --- Keeping customers (migration 0008_retention) -------------------------------------------
# A customer is a prospect in stage Won; these tables hang off the prospect and go with it
# (ON DELETE CASCADE). Nothing here is written when a prospect is created or imported
# (except a referral link for a prospect that came with a code), so imports pay nothing.
# The rules that read them are in :mod:`onboard_desk.retention`.


# The done activities logged while the prospect was a customer (engagement, contact cap).
Index(
    "ix_activity_customer",
    col(Activity.prospect_id),
    col(Activity.occurred_at),
    col(Activity.kind),
    sqlite_where=text("stage = 'won' AND status = 'done'"),
    postgresql_where=text("stage = 'won' AND status = 'done'"),
)


class Purchase(SQLModel, table=True):
    """One purchase by a customer: when, how much (minor units; None when not known), and
    a note. ``source`` is ``win`` for the purchase a win records (its deal value, with
    ``stage_change_id`` naming that win, so undoing the win removes it) or ``manual``.
    """

    __table_args__ = (
        # A customer's purchases in date order (cadence), and the cascade on delete.
        Index("ix_purchase_prospect_at", "prospect_id", "purchased_at"),
        # Purchases of a period (the report).
        Index("ix_purchase_at", "purchased_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", ondelete="CASCADE")
    purchased_at: datetime = Field(default_factory=utcnow)
    amount_cents: int | None = Field(default=None)
    currency: str = Field(default="USD", max_length=3)
    note: str = Field(default="")
    source: str = Field(default="manual", max_length=16)
    stage_change_id: int | None = Field(default=None)
    recorded_at: datetime = Field(default_factory=utcnow)
    by: str = Field(default="", max_length=120)


class SurveyAnswer(SQLModel, table=True):
    """One satisfaction survey answer: the 0-10 "would you recommend us" score, a comment."""

    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 10", name="ck_surveyanswer_score"),
        # A customer's answers newest first (latest score), and the cascade on delete.
        Index("ix_surveyanswer_prospect_at", "prospect_id", "answered_at"),
        # Answers of a period (team NPS).
        Index("ix_surveyanswer_at", "answered_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    prospect_id: int = Field(foreign_key="prospect.id", ondelete="CASCADE")
    score: int
    comment: str = Field(default="")
    answered_at: datetime = Field(default_factory=utcnow)
    by: str = Field(default="", max_length=120)


class ReferralCode(SQLModel, table=True):
    """A customer's referral code: issued at its first win and kept from then on (also when
    the win is undone), so a code already handed out keeps working."""

    __table_args__ = (Index("ix_referralcode_code", "code", unique=True),)

    prospect_id: int = Field(primary_key=True, foreign_key="prospect.id", ondelete="CASCADE")
    code: str = Field(max_length=16)
    issued_at: datetime = Field(default_factory=utcnow)


class Referral(SQLModel, table=True):
    """Who referred whom, with the rewards: a credit for the referrer and the friend's
    discount for the referred prospect, both fixed when the link is made and both
    ``pending`` until the referred prospect is won (then ``earned`` / ``granted``, later
    ``redeemed`` / ``used``). ``converted_at`` and ``win_change_id`` name that win, so
    undoing it sets both back to pending.
    """

    __table_args__ = (
        # A prospect is referred once; also the cascade when the referred one is deleted.
        Index("ix_referral_referred", "referred_id", unique=True),
        # Whom a customer referred (chains), and the cascade when the referrer is deleted.
        Index("ix_referral_referrer", "referrer_id"),
        # Referrals made in a period, and conversions of a period (viral coefficient).
        Index("ix_referral_created_at", "created_at"),
        Index("ix_referral_converted_at", "converted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    referrer_id: int = Field(foreign_key="prospect.id", ondelete="CASCADE")
    referred_id: int = Field(foreign_key="prospect.id", ondelete="CASCADE")
    code: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    converted_at: datetime | None = Field(default=None)
    win_change_id: int | None = Field(default=None)
    credit_cents: int = Field(default=0)
    credit_currency: str = Field(default="USD", max_length=3)
    credit_status: str = Field(default="pending", max_length=16)
    discount_percent: float = Field(default=0.0)
    discount_status: str = Field(default="pending", max_length=16)


class Setting(SQLModel, table=True):
    """Pipeline settings that belong with the data (check-in delay, lost reasons, ...).

    Values are JSON text. UI state (geometry, columns) lives in QSettings instead.
    """

    key: str = Field(primary_key=True, max_length=120)
    value: str = Field(default="null")


class ImportBatch(SQLModel, table=True):
    """One import run, so that it can be reported on and undone as a whole."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(default="", max_length=500)
    file_format: str = Field(default="", max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    by: str = Field(default="", max_length=120)
    created_count: int = Field(default=0)
    updated_count: int = Field(default=0)
    skipped_count: int = Field(default=0)
    rejected_count: int = Field(default=0)
    undone_at: datetime | None = Field(default=None)
    #: JSON: prior field values of prospects the import updated, so undo can restore them.
    undo_data: str = Field(default="")


class ImportMapping(SQLModel, table=True):
    """A named, saved column mapping for imports (JSON: source column -> field)."""

    name: str = Field(primary_key=True, max_length=120)
    mapping: str = Field(default="{}")
    updated_at: datetime = Field(default_factory=utcnow)


class EmailTemplate(SQLModel, table=True):
    """An email template (Jinja2 source for subject and body), optionally tied to a stage."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    stage: str | None = Field(default=None, max_length=32)
    subject: str = Field(default="")
    body: str = Field(default="")
    builtin: bool = Field(default=False)
    updated_at: datetime = Field(default_factory=utcnow)


# --- Reports: covering indexes (migration 0003_report_indexes) ----------------------------
# Declared here, beside the tables, so the metadata Alembic compares against matches.
Index(
    "ix_stagechange_report_history",
    col(StageChange.prospect_id),
    col(StageChange.to_stage),
    col(StageChange.from_stage),
    col(StageChange.at),
)
Index(
    "ix_stagechange_report_day",
    col(StageChange.at),
    col(StageChange.by),
    col(StageChange.kind),
    col(StageChange.to_stage),
)
Index(
    "ix_activity_report",
    col(Activity.status),
    col(Activity.by),
    col(Activity.prospect_id),
    col(Activity.occurred_at),
)
Index(
    "ix_prospect_report_open",
    col(Prospect.stage),
    col(Prospect.owner),
    col(Prospect.next_action_due),
    col(Prospect.stage_entered_at),
    col(Prospect.value_cents),
)
Index(
    "ix_prospect_report_cohort",
    col(Prospect.created_at),
    col(Prospect.owner),
)


# --- Reports: each prospect's journey (migration 0005_prospect_journey) --------------------
class ProspectJourney(SQLModel, table=True):
    """What a prospect's stage history says, one narrow row per prospect (see
    :mod:`onboard_desk.storage.journey`): its furthest stage in funnel order (0 = Outreach ..
    6 = Won, -1 none) and its completed days per stage, to Payment and to Won; with copies
    of the prospect's creation time and owner, which the report's cohort is chosen by.

    Written only by database triggers on ``stagechange`` (and bulk rebuilds), never by
    hand, so it always equals what the history says.
    """

    prospect_id: int = Field(primary_key=True, foreign_key="prospect.id", ondelete="CASCADE")
    furthest: int = Field(default=-1)
    created_at: datetime = Field(default_factory=utcnow)
    owner: str = Field(default="", max_length=120)
    days_outreach: float | None = Field(default=None)
    days_first_call: float | None = Field(default=None)
    days_follow_up: float | None = Field(default=None)
    days_trial: float | None = Field(default=None)
    days_final_check_in: float | None = Field(default=None)
    days_payment: float | None = Field(default=None)
    days_to_payment: float | None = Field(default=None)
    days_to_won: float | None = Field(default=None)


Index(
    "ix_prospect_report_groups",
    col(Prospect.owner),
    col(Prospect.channel),
    col(Prospect.stage),
    col(Prospect.lost_reason),
    col(Prospect.furthest_stage),
    col(Prospect.created_at),
    col(Prospect.value_cents),
)
Index(
    "ix_stagechange_report_person",
    col(StageChange.by),
    col(StageChange.at),
    col(StageChange.kind),
)
for _column in (
    "days_outreach",
    "days_first_call",
    "days_follow_up",
    "days_trial",
    "days_final_check_in",
    "days_payment",
    "days_to_payment",
    "days_to_won",
):
    Index(
        f"ix_prospectjourney_{_column}",
        getattr(ProspectJourney, _column),
        col(ProspectJourney.created_at),
        col(ProspectJourney.owner),
        # Partial (migration 0006): see onboard_desk.storage.journey.index_where.
        sqlite_where=text(f"{_column} IS NOT NULL"),
        postgresql_where=text(f"{_column} IS NOT NULL"),
    )
