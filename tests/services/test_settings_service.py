"""The settings service's consequence of new retention rules: every customer's
repeat-purchase reminder moves to where the rules now put it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.purchases import record_purchase
from onboard_desk.services.desk import Desk


def test_applying_the_nudge_rules_moves_a_customers_reminder(desk: Desk) -> None:
    """Bought 80 days ago and at the win (now): the reminder is 60 days out at 75 % of the
    interval, 40 days out at 50 %."""
    customer = desk.prospects.add({"name": "Nia Nudge", "value_cents": 1_000})
    assert customer.id is not None
    # Legal moves up to the win, which records the first purchase.
    for stage in (Stage.FIRST_CALL, Stage.FOLLOW_UP, Stage.TRIAL, Stage.FINAL_CHECK_IN):
        desk.prospects.move(customer.id, stage)
    for stage in (Stage.PAYMENT, Stage.WON):
        desk.prospects.move(customer.id, stage)
    with desk.writing() as session:
        record_purchase(
            session,
            prospect_id=customer.id,
            amount_cents=1_000,
            by="Tester",
            config=RetentionConfig(),
            purchased_at=utcnow() - timedelta(days=80),
        )
    desk.prospects.set_next_action(customer.id, None, None)
    assert desk.settings.apply_nudge_rules() == 1  # the stored rules: 75 %
    before = as_utc(desk.prospects.get(customer.id).next_action_due or utcnow())

    half = replace(RetentionConfig(), nudge_fraction=0.5)
    assert desk.settings.apply_nudge_rules(half) == 1
    after = as_utc(desk.prospects.get(customer.id).next_action_due or utcnow())
    assert round((before - after).total_seconds() / 86400) == 20
    assert desk.settings.apply_nudge_rules(half) == 0  # already where the rules put it
