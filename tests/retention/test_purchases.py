"""Purchases, the cadence and the nudge as next action, the contact cap, due soon."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlmodel import Session

from onboard_desk.pipeline import Stage
from onboard_desk.retention import purchases
from onboard_desk.retention.cadence import cadence_from, is_nudge
from onboard_desk.retention.common import NotACustomerError
from onboard_desk.retention.config import (
    RetentionConfig,
    RetentionConfigError,
    load_retention_config,
    save_retention_config,
)
from onboard_desk.services import prospects as prospect_ops
from onboard_desk.storage import settings_store, store
from onboard_desk.storage.store import NotFoundError, ValidationError
from tests.retention.conftest import customer, day, prospect, win

CONFIG = RetentionConfig()


def _buy(session: Session, pid: int, d: float, amount: int | None = 10_000, **kw: object):
    return purchases.record_purchase(
        session,
        prospect_id=pid,
        amount_cents=amount,
        by="Ann",
        config=kw.pop("config", CONFIG),  # type: ignore[arg-type]
        purchased_at=day(d),
        now=day(d),
        **kw,  # type: ignore[arg-type]
    )


def test_a_win_records_the_first_purchase_and_keeps_the_thank_you(session: Session) -> None:
    pid = customer(session, "Ann", won=1, value=250_000)
    bought = purchases.purchases_of(session, pid)
    assert [(p.amount_cents, p.source, p.purchased_at) for p in bought] == [
        (250_000, "win", day(1))
    ]
    assert bought[0].stage_change_id is not None
    prospect_row = store.get_prospect(session, pid)
    assert prospect_row.next_action == "Send a thank-you follow-up"
    assert purchases.cadence_of(session, pid, config=CONFIG).interval_days is None


def test_the_second_purchase_gives_a_cadence_and_a_nudge(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    store.set_next_action(session, prospect_id=pid, action=None, due=None)  # thank-you done
    change = _buy(session, pid, 120, note="  Refill  ")
    assert change.purchase.note == "Refill"
    assert change.cadence.interval_days == 120
    assert change.nudge.applied
    assert change.nudge.plan is not None and change.nudge.plan.due == day(210)
    row = store.get_prospect(session, pid)
    assert is_nudge(row.next_action) and row.next_action_due is not None
    assert purchases.proposed_nudge(session, pid, config=CONFIG) == change.nudge.plan


def test_a_next_action_someone_chose_is_kept(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    store.set_next_action(session, prospect_id=pid, action="Send the contract", due=day(3))
    change = _buy(session, pid, 60)
    assert not change.nudge.applied and "kept" in change.nudge.reason
    assert change.nudge.plan is not None
    assert store.get_prospect(session, pid).next_action == "Send the contract"


def test_a_later_purchase_replaces_the_earlier_nudge(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    store.set_next_action(session, prospect_id=pid, action=None, due=None)
    _buy(session, pid, 30)
    change = _buy(session, pid, 90)  # gaps 30 and 60: median 45
    assert change.nudge.applied and change.cadence.interval_days == 45
    assert store.get_prospect(session, pid).next_action_due == day(90 + 45 * 0.75)


def test_do_not_contact_customers_get_no_nudge(session: Session) -> None:
    pid = customer(session, "Ann", won=0, do_not_contact=True)
    store.set_next_action(session, prospect_id=pid, action=None, due=None)
    change = _buy(session, pid, 40)
    assert not change.nudge.applied and change.nudge.reason == "marked do not contact"
    assert store.get_prospect(session, pid).next_action is None


def test_contact_cap_counts_retention_contacts_from_the_activity_log(session: Session) -> None:
    """Only done calls, emails and meetings logged while a customer count; the nudge is
    due no sooner than the cap after the last one."""
    config = RetentionConfig(contact_cap_days=20)
    pid = customer(session, "Ann", won=0)
    store.set_next_action(session, prospect_id=pid, action=None, due=None)
    # Before the win (stage Payment) and a note: neither counts.
    store.log_activity(session, prospect_id=pid, kind="note", by="Ann", occurred_at=day(70))
    store.log_activity(
        session, prospect_id=pid, kind="call", by="Ann", status="planned", due_at=day(72),
        occurred_at=day(72),
    )  # fmt: skip
    assert purchases.last_retention_contact(session, pid) is None
    store.log_activity(session, prospect_id=pid, kind="email", by="Ann", occurred_at=day(71))
    cap = purchases.contact_cap(session, pid, config=config)
    assert cap.last_contact == day(71) and cap.next_allowed == day(91)
    assert not cap.allows(day(90)) and cap.allows(day(91))
    change = _buy(session, pid, 80, config=config)  # nudge at 80 + 60 = 140: not capped
    assert change.nudge.plan is not None and not change.nudge.plan.capped
    store.log_activity(session, prospect_id=pid, kind="call", by="Ann", occurred_at=day(135))
    plan = purchases.proposed_nudge(session, pid, config=config)
    assert plan is not None and plan.capped and plan.due == day(155)
    assert purchases.refresh_nudge(session, prospect_id=pid, config=config).applied
    assert store.get_prospect(session, pid).next_action_due == day(155)


def test_a_lost_prospect_activity_before_the_win_does_not_count(session: Session) -> None:
    pid = prospect(session, "Ben", at=0)
    store.log_activity(session, prospect_id=pid, kind="call", by="Ann", occurred_at=day(1))
    win(session, pid, at=2)
    assert purchases.last_retention_contact(session, pid) is None


def test_purchases_are_for_customers_only_and_checked(session: Session) -> None:
    open_id = prospect(session, "Open", at=0)
    with pytest.raises(NotACustomerError, match="not a customer"):
        _buy(session, open_id, 1)
    with pytest.raises(NotFoundError):
        _buy(session, 999, 1)
    pid = customer(session, "Ann", won=0)
    with pytest.raises(ValidationError, match="zero or more"):
        _buy(session, pid, 1, amount=-1)
    with pytest.raises(ValidationError, match="currency"):
        _buy(session, pid, 1, currency="EURO")
    with pytest.raises(ValidationError, match="future"):
        purchases.record_purchase(
            session, prospect_id=pid, amount_cents=1, by="Ann", config=CONFIG,
            purchased_at=day(10), now=day(8),
        )  # fmt: skip
    unknown = _buy(session, pid, 2, amount=None, currency="eur")
    assert (unknown.purchase.amount_cents, unknown.purchase.currency) == (None, "EUR")


def test_undo_and_delete_restore(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    store.set_next_action(session, prospect_id=pid, action=None, due=None)
    change = _buy(session, pid, 50)
    assert change.nudge.applied
    purchases.undo_record(session, change=change)
    assert len(purchases.purchases_of(session, pid)) == 1
    assert store.get_prospect(session, pid).next_action is None

    change = _buy(session, pid, 50)
    removal = purchases.delete_purchase(session, purchase_id=change.purchase.id, config=CONFIG)
    assert removal.nudge.applied  # the nudge went with the cadence
    assert store.get_prospect(session, pid).next_action is None
    purchases.restore_purchase(session, change=removal)
    assert purchases.purchases_of(session, pid)[0].id == change.purchase.id
    assert is_nudge(store.get_prospect(session, pid).next_action)
    with pytest.raises(NotFoundError):
        purchases.delete_purchase(session, purchase_id=12345, config=CONFIG)


def test_sql_cadences_match_the_python_rules(session: Session) -> None:
    """Many customers with random histories: the SQL of the lists and the report gives
    what :func:`cadence_from` gives for each."""
    from onboard_desk.retention.customers import list_customers

    rng = random.Random(11)
    expected = {}
    for number in range(40):
        pid = customer(session, f"C{number}", won=0)
        moments = [day(0)]
        for _ in range(rng.randint(0, 6)):
            moment = moments[-1] + timedelta(days=rng.choice((0, 0.2, 1, 7, 30, 31, 90)))
            moments.append(moment + timedelta(hours=rng.randint(0, 23)))
            _buy(session, pid, (moments[-1] - day(0)) / timedelta(days=1))
        expected[pid] = cadence_from(moments, fraction=CONFIG.nudge_fraction)
    rows = {row.prospect_id: row for row in list_customers(session, now=day(700))}
    assert set(rows) == set(expected)
    for pid, want in expected.items():
        row = rows[pid]
        assert (row.purchases, row.last_purchase) == (want.purchases, want.last_purchase)
        assert row.interval_days == want.interval_days
        assert row.expected_next == want.expected_next
    assert sum(c.known for c in expected.values()) > 20  # the histories gave cadences


def test_due_soon_looks_ahead_includes_overdue_and_leaves_out_lapsed(session: Session) -> None:
    """On day 70, with 30 days ahead: Soon (days 0, 45: expected on 90) and Late (days 0,
    30: expected on 60, ten days overdue of a 30-day interval) are due; Lapsed (days 0, 10:
    expected on 20, more than a whole interval ago) and Far (days 0, 60: expected on 120)
    are not; Once has no cadence."""
    for name, second in (("Soon", 45), ("Late", 30), ("Lapsed", 10), ("Far", 60)):
        _buy(session, customer(session, name, won=0), second)
    customer(session, "Once", won=0)
    names = [d.name for d in purchases.due_soon(session, now=day(70), config=CONFIG)]
    assert names == ["Late", "Soon"]
    assert [d.name for d in purchases.due_soon(session, now=day(70), days=5, config=CONFIG)] == [
        "Late"
    ]
    assert purchases.due_soon(session, now=day(70), config=CONFIG, limit=1)[0].name == "Late"
    # Exactly one interval overdue is still due; a moment later it lapsed.
    assert "Lapsed" in [d.name for d in purchases.due_soon(session, now=day(30), config=CONFIG)]


def test_refresh_nudges_applies_new_settings_to_every_customer(session: Session) -> None:
    ids = [customer(session, f"C{n}", won=0) for n in range(3)]
    for pid in ids:
        store.set_next_action(session, prospect_id=pid, action=None, due=None)
        _buy(session, pid, 100)
    store.set_next_action(session, prospect_id=ids[2], action="Own plan", due=day(101))
    half = RetentionConfig(nudge_fraction=0.5)
    assert purchases.refresh_nudges(session, config=half) == 2
    assert store.get_prospect(session, ids[0]).next_action_due == day(150)
    assert store.get_prospect(session, ids[2]).next_action == "Own plan"
    assert purchases.refresh_nudges(session, config=half) == 0


def test_retention_settings_are_stored_with_the_data(session: Session) -> None:
    assert load_retention_config(session) == RetentionConfig()
    save_retention_config(session, RetentionConfig(nudge_fraction=0.6, contact_cap_days=7))
    assert load_retention_config(session).contact_cap_days == 7
    with pytest.raises(RetentionConfigError):
        save_retention_config(session, RetentionConfig(nudge_fraction=2))
    assert settings_store.get_setting(session, "retention")["nudge_fraction"] == 0.6


def test_a_customer_moved_back_keeps_their_purchases(session: Session) -> None:
    pid = customer(session, "Ann", won=0)
    prospect_ops.move_prospect(session, prospect_id=pid, target=Stage.PAYMENT, by="Ann", now=day(5))
    assert len(purchases.purchases_of(session, pid)) == 1
    with pytest.raises(NotACustomerError):
        _buy(session, pid, 6)
