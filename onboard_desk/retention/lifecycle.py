"""What retention does when a prospect's life changes: a win, the undo of a win, a customer
added straight into Won, and a delete and its restore.

:mod:`onboard_desk.services.prospects` calls these in the same transaction as the change
itself, so every front end (the window, the command line, undo) keeps purchases, codes and
referrals in step with the stage history. The store knows nothing of retention: it writes
prospects and their history, and the services decide the consequences. The values written
come from :mod:`.terms`, which the import and the demo use too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, or_, select

from onboard_desk.retention import referrals, terms
from onboard_desk.storage.models import (
    Prospect,
    Purchase,
    Referral,
    ReferralCode,
    SurveyAnswer,
)


def on_won(session: Session, *, prospect: Prospect, change_id: int, now: datetime, by: str) -> None:
    """A win was just recorded (history row ``change_id``): the customer gets a referral
    code if they have none, the win records their first purchase (the deal value, tied to
    the win), and a referral that brought them converts."""
    assert prospect.id is not None
    referrals.issue_code(session, prospect_id=prospect.id, now=now)
    session.add(
        Purchase(
            **terms.win_purchase(
                prospect_id=prospect.id,
                value_cents=prospect.value_cents,
                currency=prospect.currency,
                won_at=now,
                change_id=change_id,
                by=by,
            )
        )
    )
    referrals.convert_on_win(session, referred_id=prospect.id, change_id=change_id, now=now)
    session.flush()


def on_win_reverted(session: Session, *, prospect_id: int, change_id: int) -> None:
    """The win ``change_id`` is being undone: its purchase goes and the referral it
    converted is pending again. The referral code stays (it may have been handed out)."""
    session.exec(
        delete(Purchase).where(
            col(Purchase.prospect_id) == prospect_id, col(Purchase.stage_change_id) == change_id
        )
    )
    referrals.revert_conversion(session, referred_id=prospect_id, change_id=change_id)
    session.flush()


def on_created_customer(session: Session, *, prospect_id: int, now: datetime) -> None:
    """A prospect was created straight into Won: as a customer it needs a code (there was
    no win, so no purchase is recorded)."""
    referrals.issue_code(session, prospect_id=prospect_id, now=now)


@dataclass(frozen=True)
class RetentionRows:
    """A prospect's retention rows as column values, to put back after a delete. Referrals
    are those where the prospect is either end."""

    purchases: list[dict[str, Any]] = field(default_factory=list)
    survey_answers: list[dict[str, Any]] = field(default_factory=list)
    referral_codes: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, Any]] = field(default_factory=list)


def take_rows(session: Session, *, prospect_id: int) -> RetentionRows:
    """Read, then delete, the prospect's retention rows, before the prospect itself is
    deleted (the database would cascade the delete, and the rows would be lost to undo)."""
    involved = or_(
        col(Referral.referrer_id) == prospect_id, col(Referral.referred_id) == prospect_id
    )
    rows = RetentionRows(
        purchases=[
            r.model_dump()
            for r in session.exec(select(Purchase).where(Purchase.prospect_id == prospect_id))
        ],
        survey_answers=[
            r.model_dump()
            for r in session.exec(
                select(SurveyAnswer).where(SurveyAnswer.prospect_id == prospect_id)
            )
        ],
        referral_codes=[
            r.model_dump()
            for r in session.exec(
                select(ReferralCode).where(ReferralCode.prospect_id == prospect_id)
            )
        ],
        referrals=[r.model_dump() for r in session.exec(select(Referral).where(involved))],
    )
    session.exec(delete(Purchase).where(col(Purchase.prospect_id) == prospect_id))
    session.exec(delete(SurveyAnswer).where(col(SurveyAnswer.prospect_id) == prospect_id))
    session.exec(delete(ReferralCode).where(col(ReferralCode.prospect_id) == prospect_id))
    session.exec(delete(Referral).where(involved))
    return rows


def put_back(session: Session, *, rows: RetentionRows) -> None:
    """Restore rows from :func:`take_rows` (the prospect is back already). A referral whose
    other end has been deleted since stays out; a code someone else has meanwhile (it
    cannot happen with random codes, but a restore must not fail) is issued afresh."""
    session.add_all(Purchase(**row) for row in rows.purchases)
    session.add_all(SurveyAnswer(**row) for row in rows.survey_answers)
    for row in rows.referral_codes:
        clash = session.exec(
            select(ReferralCode.prospect_id).where(ReferralCode.code == row["code"])
        ).first()
        if clash is None:
            session.add(ReferralCode(**row))
        else:
            referrals.issue_code(session, prospect_id=row["prospect_id"])
    for row in rows.referrals:
        ends = [row["referrer_id"], row["referred_id"]]
        present = session.exec(select(Prospect.id).where(col(Prospect.id).in_(ends))).all()
        if len(set(present)) < 2:
            continue
        taken = session.get(Referral, row["id"]) is not None  # its id was given out again
        session.add(Referral(**{**row, "id": None} if taken else row))
    session.flush()
