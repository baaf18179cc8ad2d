"""Purchases, each customer's cadence, and the nudge before the next purchase.

Recording a purchase recomputes the customer's cadence (:mod:`.cadence` states the rules)
and, where the rules allow, makes the nudge the customer's next action. Every write
returns what undoes it and leaves committing to the caller, like :mod:`onboard_desk.storage.store`.
The win's own purchase is written by :mod:`.lifecycle` when the stage changes, not here.

Many customers' cadences come from SQL (:mod:`onboard_desk.retention.sql`), shared with
the customer list and the report; it computes what
:func:`onboard_desk.retention.cadence.cadence_from` computes for one customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, col, select

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.retention.cadence import (
    NUDGE_PREFIX,
    RETENTION_CONTACT_KINDS,
    Cadence,
    NudgePlan,
    cadence_from,
    cadence_with,
    is_nudge,
    may_replace,
    next_contact_allowed,
    plan_nudge,
)
from onboard_desk.retention.common import is_customer, past_moment, require_customer
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.sql import (
    cadence_ctes,
    customers_sql,
    due_soon_sql,
    stored_time,
)
from onboard_desk.retention.terms import SOURCE_MANUAL
from onboard_desk.storage.dialects.sqlite_text import timestamp_param
from onboard_desk.storage.models import Activity, Prospect, Purchase
from onboard_desk.storage.store import NotFoundError, ValidationError, get_prospect

NOTE_LIMIT = 2000


@dataclass(frozen=True)
class PurchaseInfo:
    """A stored purchase as values (what a list shows and what an undo puts back)."""

    id: int
    prospect_id: int
    purchased_at: datetime
    amount_cents: int | None
    currency: str
    note: str
    source: str
    stage_change_id: int | None
    recorded_at: datetime
    by: str

    @classmethod
    def of(cls, row: Purchase) -> PurchaseInfo:
        assert row.id is not None
        return cls(
            row.id,
            row.prospect_id,
            as_utc(row.purchased_at),
            row.amount_cents,
            row.currency,
            row.note,
            row.source,
            row.stage_change_id,
            as_utc(row.recorded_at),
            row.by,
        )


@dataclass(frozen=True)
class NudgeOutcome:
    """What recomputing a customer's nudge did to their next action.

    ``plan`` is what the cadence proposes (None: fewer than two purchase days, or not a
    customer); ``applied`` says whether the next action changed; ``reason`` says why not
    when it did not; ``previous`` is the next action before, to undo with.
    """

    plan: NudgePlan | None
    applied: bool
    reason: str
    previous: tuple[str | None, datetime | None]


@dataclass(frozen=True)
class PurchaseChange:
    """A purchase recorded or removed, with the cadence after it and what the nudge did."""

    purchase: PurchaseInfo
    cadence: Cadence
    nudge: NudgeOutcome


@dataclass(frozen=True)
class ContactCap:
    """The contact cap as it stands for one customer."""

    last_contact: datetime | None
    next_allowed: datetime | None

    def allows(self, moment: datetime) -> bool:
        return self.next_allowed is None or as_utc(moment) >= self.next_allowed


def _check_amount(amount_cents: int | None) -> int | None:
    if amount_cents is None:
        return None
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
        raise ValidationError("A purchase amount must be zero or more.")
    return amount_cents


def _check_currency(currency: str) -> str:
    code = currency.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValidationError(f"{currency!r} is not a three-letter currency code.")
    return code


def purchases_of(session: Session, prospect_id: int) -> list[PurchaseInfo]:
    """A prospect's purchases, newest first."""
    rows = session.exec(
        select(Purchase)
        .where(Purchase.prospect_id == prospect_id)
        .order_by(col(Purchase.purchased_at).desc(), col(Purchase.id).desc())
    )
    return [PurchaseInfo.of(row) for row in rows]


def cadence_of(session: Session, prospect_id: int, *, config: RetentionConfig) -> Cadence:
    """One customer's cadence from their purchase history (one indexed read)."""
    moments = session.exec(
        select(Purchase.purchased_at).where(Purchase.prospect_id == prospect_id)
    ).all()
    return cadence_from(moments, fraction=config.nudge_fraction)


def last_retention_contact(session: Session, prospect_id: int) -> datetime | None:
    """The latest done call, email or meeting logged while the prospect was a customer.

    Walks the prospect's activities newest first (index on prospect and time) and stops
    at the first that counts.
    """
    moment = session.exec(
        select(Activity.occurred_at)
        .where(
            Activity.prospect_id == prospect_id,
            Activity.stage == Stage.WON.value,
            Activity.status == "done",
            col(Activity.kind).in_(RETENTION_CONTACT_KINDS),
        )
        .order_by(col(Activity.occurred_at).desc())
        .limit(1)
    ).first()
    return as_utc(moment) if moment is not None else None


def contact_cap(session: Session, prospect_id: int, *, config: RetentionConfig) -> ContactCap:
    """When this customer was last contacted for retention, and when the cap allows the next."""
    last = last_retention_contact(session, prospect_id)
    return ContactCap(last, next_contact_allowed(last, config.contact_cap_days))


def proposed_nudge(
    session: Session,
    prospect_id: int,
    *,
    config: RetentionConfig,
    contact_at: datetime | None = None,
) -> NudgePlan | None:
    """The nudge the cadence and the contact cap propose (None without a cadence). The cap
    counts from ``contact_at``, a contact being made now, else from the last retention
    contact recorded."""
    cadence = cadence_of(session, prospect_id, config=config)
    last = contact_at if contact_at is not None else last_retention_contact(session, prospect_id)
    return plan_nudge(cadence, last_contact=last, cap_days=config.contact_cap_days)


def _apply_plan(session: Session, prospect: Prospect, plan: NudgePlan | None) -> NudgeOutcome:
    """Make ``plan`` the next action where the rules allow it (see :mod:`.cadence`)."""
    previous = (prospect.next_action, prospect.next_action_due)
    if not is_customer(prospect):
        return NudgeOutcome(plan, False, "not a customer", previous)
    if prospect.do_not_contact:
        return NudgeOutcome(plan, False, "marked do not contact", previous)
    if not may_replace(prospect.next_action):
        return NudgeOutcome(plan, False, "kept the next action already set", previous)
    if plan is None:
        if not is_nudge(prospect.next_action):
            return NudgeOutcome(None, False, "no cadence yet (needs two purchase days)", previous)
        prospect.next_action = prospect.next_action_due = None
    else:
        current_due = as_utc(prospect.next_action_due) if prospect.next_action_due else None
        if prospect.next_action == plan.text and current_due == plan.due:
            return NudgeOutcome(plan, False, "already the next action", previous)
        prospect.next_action, prospect.next_action_due = plan.text, plan.due
    session.add(prospect)
    return NudgeOutcome(plan, True, "", previous)


def refresh_nudge(session: Session, *, prospect_id: int, config: RetentionConfig) -> NudgeOutcome:
    """Recompute one customer's nudge and apply it where the rules allow; returns what
    happened (``previous`` undoes it through :func:`onboard_desk.storage.store.set_next_action`)."""
    prospect = get_prospect(session, prospect_id)
    plan = proposed_nudge(session, prospect_id, config=config) if is_customer(prospect) else None
    outcome = _apply_plan(session, prospect, plan)
    session.flush()
    return outcome


def record_purchase(
    session: Session,
    *,
    prospect_id: int,
    amount_cents: int | None,
    by: str,
    config: RetentionConfig,
    currency: str | None = None,
    purchased_at: datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> PurchaseChange:
    """Record a customer's purchase (``amount_cents`` None: amount not known), recompute
    the cadence and apply the nudge; :func:`undo_record` takes it back."""
    now = now or utcnow()
    prospect = require_customer(session, prospect_id)
    moment = past_moment(purchased_at, now, "A purchase")
    text_note = note.strip()
    if len(text_note) > NOTE_LIMIT:
        raise ValidationError(f"A purchase note can be at most {NOTE_LIMIT} characters.")
    row = Purchase(
        prospect_id=prospect_id,
        purchased_at=moment,
        amount_cents=_check_amount(amount_cents),
        currency=_check_currency(currency or prospect.currency),
        note=text_note,
        source=SOURCE_MANUAL,
        recorded_at=now,
        by=by,
    )
    session.add(row)
    prospect.updated_at = now
    session.add(prospect)
    session.flush()
    cadence = cadence_of(session, prospect_id, config=config)
    last = last_retention_contact(session, prospect_id)
    plan = plan_nudge(cadence, last_contact=last, cap_days=config.contact_cap_days)
    outcome = _apply_plan(session, prospect, plan)
    session.flush()
    return PurchaseChange(PurchaseInfo.of(row), cadence, outcome)


def _restore_next_action(session: Session, prospect_id: int, outcome: NudgeOutcome) -> None:
    if not outcome.applied:
        return
    prospect = session.get(Prospect, prospect_id)
    if prospect is None:
        return
    prospect.next_action, prospect.next_action_due = outcome.previous
    session.add(prospect)


def undo_record(session: Session, *, change: PurchaseChange) -> None:
    """Take back :func:`record_purchase`: the purchase goes, the next action comes back."""
    row = session.get(Purchase, change.purchase.id)
    if row is not None:
        session.delete(row)
    _restore_next_action(session, change.purchase.prospect_id, change.nudge)
    session.flush()


def delete_purchase(
    session: Session, *, purchase_id: int, config: RetentionConfig, now: datetime | None = None
) -> PurchaseChange:
    """Remove a purchase (a mistaken entry) and recompute the nudge; returns what
    :func:`restore_purchase` puts back."""
    row = session.get(Purchase, purchase_id)
    if row is None:
        raise NotFoundError(f"There is no purchase with id {purchase_id}.")
    info = PurchaseInfo.of(row)
    session.delete(row)
    prospect = get_prospect(session, info.prospect_id)
    prospect.updated_at = now or utcnow()
    session.add(prospect)
    session.flush()
    cadence = cadence_of(session, info.prospect_id, config=config)
    plan = None
    if is_customer(prospect):
        last = last_retention_contact(session, info.prospect_id)
        plan = plan_nudge(cadence, last_contact=last, cap_days=config.contact_cap_days)
    outcome = _apply_plan(session, prospect, plan)
    session.flush()
    return PurchaseChange(info, cadence, outcome)


def restore_purchase(session: Session, *, change: PurchaseChange) -> None:
    """Undo :func:`delete_purchase`: the same row (same id) and the next action before."""
    info = change.purchase
    session.add(Purchase(**vars(info)))
    _restore_next_action(session, info.prospect_id, change.nudge)
    session.flush()


# --- Many customers at once, in SQL ----------------------------------------------------------


@dataclass(frozen=True)
class DueCustomer:
    """A customer whose next purchase is expected soon (or is overdue)."""

    prospect_id: int
    name: str
    company: str
    owner: str
    last_purchase: datetime
    interval_days: float
    purchases: int

    @property
    def expected_next(self) -> datetime:
        return self.last_purchase + timedelta(days=self.interval_days)


def due_soon(
    session: Session,
    *,
    now: datetime,
    config: RetentionConfig,
    days: int | None = None,
    owner: str | None = None,
    limit: int | None = None,
) -> list[DueCustomer]:
    """Customers expected to buy within ``days`` (default: the setting), or overdue but
    less than a whole usual interval (beyond that they lapsed), soonest first."""
    horizon = as_utc(now) + timedelta(days=config.due_soon_days if days is None else days)
    params: dict[str, object] = {
        "horizon": timestamp_param(horizon),
        "now": timestamp_param(as_utc(now)),
    }
    if owner is not None:
        params["owner"] = owner
    if limit is not None:
        params["limit"] = limit
    statement = due_soon_sql(owner=owner is not None, limit="limit" if limit is not None else None)
    return [
        DueCustomer(int(pid), name, company, who, _time(last), float(interval), count)
        for pid, name, company, who, last, interval, count in session.execute(
            text(statement), params
        )
    ]


def _time(value: str | datetime) -> datetime:
    moment = stored_time(value)
    assert moment is not None
    return moment


def refresh_nudges(session: Session, *, config: RetentionConfig, owner: str | None = None) -> int:
    """Recompute every customer's nudge (after the retention settings changed, say) and
    apply each where the rules allow; returns how many next actions changed.

    One statement gives every customer's cadence and last retention contact; only the
    customers with a cadence, or whose next action is an outdated nudge, are then loaded.
    """
    customers = customers_sql(owner=owner is not None)
    kinds = ", ".join(f"'{kind}'" for kind in RETENTION_CONTACT_KINDS)
    last_contact = (
        "(SELECT a.occurred_at FROM activity a WHERE a.prospect_id = c.id AND a.stage = 'won' "
        f"AND a.status = 'done' AND a.kind IN ({kinds}) ORDER BY a.occurred_at DESC LIMIT 1)"
    )
    params: dict[str, object] = {"nudge": f"{NUDGE_PREFIX}%"}
    if owner is not None:
        params["owner"] = owner
    rows = session.execute(
        text(
            f"WITH {cadence_ctes('', customers)} SELECT c.id, cad_total.purchases, "
            "cad_total.last_at, cad_median.interval_days, cad_median.purchase_days, "
            f"{last_contact} FROM prospect c "
            "LEFT JOIN cad_total ON cad_total.pid = c.id "
            "LEFT JOIN cad_median ON cad_median.pid = c.id "
            f"WHERE c.id IN ({customers}) AND (cad_median.interval_days IS NOT NULL "
            "OR c.next_action LIKE :nudge)"
        ),
        params,
    ).all()
    ids = [int(row[0]) for row in rows]
    for start in range(0, len(ids), 500):  # load them in batches, not one query each
        session.exec(select(Prospect).where(col(Prospect.id).in_(ids[start : start + 500]))).all()
    changed = 0
    for prospect_id, purchases, last_at, interval, days, contact in rows:
        plan = None
        if interval is not None:
            cadence = cadence_with(
                _time(last_at),
                float(interval),
                purchases=int(purchases),
                purchase_days=int(days),
                fraction=config.nudge_fraction,
            )
            plan = plan_nudge(
                cadence, last_contact=stored_time(contact), cap_days=config.contact_cap_days
            )
        prospect = get_prospect(session, int(prospect_id))
        changed += _apply_plan(session, prospect, plan).applied
    session.flush()
    return changed
