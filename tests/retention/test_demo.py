"""Demo customers follow the retention rules: codes, win purchases, referrals, nudges."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.demo.fill import fill_demo
from onboard_desk.retention import purchases
from onboard_desk.retention.cadence import is_nudge
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.storage.db import open_database


def test_demo_customers_follow_the_rules(engine: Engine) -> None:
    summary = fill_demo(engine, prospects=2500, seed=4)
    assert summary.purchases > 0 and summary.survey_answers > 0 and summary.referrals > 0
    with engine.connect() as connection:

        def one(sql: str) -> int:
            return int(connection.execute(text(sql)).scalar() or 0)

        won = one("SELECT count(*) FROM prospect WHERE stage = 'won'")
        assert won > 50
        # Every customer: a unique code and a purchase tied to its win, nobody else has one.
        assert one("SELECT count(DISTINCT code) FROM referralcode") == won
        assert (
            one(
                "SELECT count(*) FROM referralcode c JOIN prospect p ON p.id = c.prospect_id "
                "WHERE p.stage <> 'won'"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM purchase u JOIN stagechange sc ON sc.id = u.stage_change_id "
                "WHERE u.source = 'win' AND sc.to_stage = 'won' AND sc.at = u.purchased_at "
                "AND sc.prospect_id = u.prospect_id"
            )
            == won
        )
        # Repeat purchases and survey answers only for customers, after their win.
        assert (
            one(
                "SELECT count(*) FROM purchase u JOIN prospect p ON p.id = u.prospect_id "
                "WHERE p.stage <> 'won' OR u.purchased_at < p.stage_entered_at"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM surveyanswer s JOIN prospect p ON p.id = s.prospect_id "
                "WHERE p.stage <> 'won' OR s.answered_at < p.stage_entered_at "
                "OR s.score NOT BETWEEN 0 AND 10"
            )
            == 0
        )
        # Referrals: a referral-channel prospect referred by a customer won before it came;
        # converted exactly when the referred prospect was won, at that win.
        assert (
            one(
                "SELECT count(*) FROM referral r JOIN prospect a ON a.id = r.referrer_id "
                "JOIN prospect b ON b.id = r.referred_id "
                "JOIN referralcode c ON c.prospect_id = a.id "
                "WHERE b.channel <> 'referral' OR a.stage_entered_at >= b.created_at "
                "OR c.code <> r.code"
            )
            == 0
        )
        assert (
            one(
                "SELECT count(*) FROM referral r JOIN prospect b ON b.id = r.referred_id "
                "LEFT JOIN stagechange w ON w.id = r.win_change_id "
                "WHERE (b.stage = 'won') <> (r.converted_at IS NOT NULL) "
                "OR (r.converted_at IS NOT NULL AND (w.at <> r.converted_at "
                "OR r.credit_status = 'pending' OR r.discount_status = 'pending')) "
                "OR (r.converted_at IS NULL AND (r.credit_status <> 'pending' "
                "OR r.discount_status <> 'pending'))"
            )
            == 0
        )
        # Chains form: someone referred by a customer who came by referral.
        assert one(
            "SELECT count(*) FROM referral r JOIN referral up ON up.referred_id = r.referrer_id"
        )
        nudged = [
            row[0]
            for row in connection.execute(
                text("SELECT id FROM prospect WHERE next_action LIKE 'Repeat purchase%'")
            )
        ]
    assert nudged
    config = RetentionConfig()
    with Session(engine) as session:
        for pid in nudged[:60]:
            row = session.execute(
                text(
                    "SELECT next_action, next_action_due, do_not_contact FROM prospect "
                    "WHERE id = :id"
                ),
                {"id": pid},
            ).one()
            plan = purchases.proposed_nudge(session, pid, config=config)
            assert plan is not None and is_nudge(row[0]) and not row[2]
            assert (row[0], row[1][:19]) == (plan.text, str(plan.due)[:19])


def test_demo_customers_are_repeatable_per_seed(tmp_path: Path) -> None:
    snapshots = []
    for index in range(2):
        engine = open_database(tmp_path / f"c{index}.sqlite3")
        fill_demo(engine, prospects=400, seed=9)
        with engine.connect() as connection:
            snapshots.append(
                [
                    connection.execute(text(sql)).all()
                    for sql in (
                        # Times follow the clock; what happened does not.
                        "SELECT prospect_id, amount_cents, note FROM purchase ORDER BY id",
                        "SELECT prospect_id, score, comment FROM surveyanswer ORDER BY id",
                        "SELECT prospect_id, code FROM referralcode ORDER BY prospect_id",
                        "SELECT referrer_id, referred_id, credit_status FROM referral ORDER BY id",
                    )
                ]
            )
        engine.dispose()
    assert snapshots[0] == snapshots[1]
    assert all(snapshots[0])
