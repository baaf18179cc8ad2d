"""Every path keeps retention rows in step: win and its undo, delete and restore, the
command line and the window going through the same store calls."""

from __future__ import annotations

from sqlmodel import Session, select

from onboard_desk.pipeline import Stage
from onboard_desk.retention import purchases, referrals, surveys
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import store
from onboard_desk.storage.models import (
    Purchase,
    Referral,
    ReferralCode,
    SurveyAnswer,
)
from tests.retention.conftest import customer, day, prospect, win


def _count(session: Session, model: type) -> int:
    return len(session.exec(select(model)).all())


def test_undoing_a_win_removes_its_purchase_only(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    purchases.record_purchase(
        session, prospect_id=pid, amount_cents=5, by="Ann", config=RetentionConfig(),
        purchased_at=day(30), now=day(30),
    )  # fmt: skip
    prospect_ops.move_prospect(
        session, prospect_id=pid, target=Stage.PAYMENT, by="Ann", now=day(31)
    )
    second = win(session, pid, at=32)
    assert [p.source for p in purchases.purchases_of(session, pid)] == ["win", "manual", "win"]
    prospect_ops.revert_move(session, result=second)
    assert [p.source for p in purchases.purchases_of(session, pid)] == ["manual", "win"]
    assert store.get_prospect(session, pid).stage == Stage.PAYMENT.value


def test_a_move_that_is_not_a_win_writes_no_retention_rows(session: Session) -> None:
    pid = prospect(session, "Open", stage=Stage.OUTREACH)
    prospect_ops.move_prospect(
        session, prospect_id=pid, target=Stage.FIRST_CALL, by="Ann", now=day(1)
    )
    prospect_ops.move_prospect(
        session, prospect_id=pid, target=Stage.LOST, by="Ann", reason="No budget", now=day(2)
    )
    for model in (Purchase, ReferralCode, Referral, SurveyAnswer):
        assert _count(session, model) == 0


def test_delete_and_restore_bring_back_every_retention_row(session: Session) -> None:
    ann = customer(session, "Ann", won=0)
    code = referrals.code_of(session, ann)
    assert code is not None
    ben = prospect_ops.create_prospect(
        session, fields={"name": "Ben"}, by="Ann", stage=Stage.PAYMENT, now=day(1),
        referral_code=code,
    ).id  # fmt: skip
    assert ben is not None
    win(session, ben, at=2)
    surveys.record_survey(session, prospect_id=ann, score=10, by="Ann", answered_at=day(3))
    purchases.record_purchase(
        session, prospect_id=ann, amount_cents=700, by="Ann", config=RetentionConfig(),
        purchased_at=day(4), now=day(4),
    )  # fmt: skip
    before = {
        model: sorted(map(repr, session.exec(select(model)).all()))
        for model in (Purchase, ReferralCode, Referral, SurveyAnswer)
    }

    snapshot = prospect_ops.delete_prospect(session, prospect_id=ann)
    assert _count(session, SurveyAnswer) == 0 and _count(session, Referral) == 0
    assert [r.prospect_id for r in session.exec(select(ReferralCode))] == [ben]
    prospect_ops.restore_prospect(session, deleted=snapshot)
    session.expire_all()
    after = {
        model: sorted(map(repr, session.exec(select(model)).all()))
        for model in (Purchase, ReferralCode, Referral, SurveyAnswer)
    }
    assert after == before
    assert referrals.find_code(session, code).prospect_id == ann


def test_restoring_a_referrer_whose_friend_is_gone_leaves_the_link_out(session: Session) -> None:
    ann = customer(session, "Ann", won=0)
    ben = prospect_ops.create_prospect(
        session, fields={"name": "Ben"}, by="Ann", now=day(1),
        referral_code=referrals.code_of(session, ann),
    ).id  # fmt: skip
    assert ben is not None
    ann_snapshot = prospect_ops.delete_prospect(session, prospect_id=ann)
    ben_snapshot = prospect_ops.delete_prospect(session, prospect_id=ben)
    assert ben_snapshot.retention.referrals == []  # went with Ann
    prospect_ops.restore_prospect(session, deleted=ann_snapshot)
    assert _count(session, Referral) == 0
    prospect_ops.restore_prospect(session, deleted=ben_snapshot)
    assert referrals.referral_of(session, ben) is None


def test_the_database_cascade_removes_retention_rows(session: Session) -> None:
    """An import's undo deletes prospects with plain SQL: the foreign keys take the rows."""
    from sqlalchemy import text

    ann = customer(session, "Ann", won=0)
    surveys.record_survey(session, prospect_id=ann, score=7, by="Ann", answered_at=day(1))
    prospect_ops.create_prospect(
        session, fields={"name": "Ben"}, by="Ann", now=day(1),
        referral_code=referrals.code_of(session, ann),
    )  # fmt: skip
    session.execute(text("DELETE FROM prospect WHERE id = :id"), {"id": ann})
    for model in (Purchase, ReferralCode, Referral, SurveyAnswer):
        assert _count(session, model) == 0
