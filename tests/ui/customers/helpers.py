"""Customers for the window tests, made the way the app makes them: legal moves up to Won,
then purchases and survey answers through the retention rules. Shared by the tests of
every screen that shows customers (the Customers screen, the card, New prospect, Today,
Settings)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.engine import Engine

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import Stage
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.purchases import record_purchase
from onboard_desk.retention.referrals import code_of
from onboard_desk.retention.surveys import record_survey
from onboard_desk.storage.db import session_scope
from tests.ui.conftest import add_prospect

__all__ = ["code", "make_customer"]


def make_customer(
    engine: Engine,
    name: str,
    *,
    owner: str = "Tester",
    company: str = "Acme",
    value_cents: int | None = 100_000,
    purchases: Sequence[tuple[int, int]] = (),
    survey: int | None = None,
) -> int:
    """A prospect won in Payment (first purchase and code from the win), then a purchase
    ``days_ago`` days back for each ``(days_ago, cents)`` and a survey answer."""
    prospect_id = add_prospect(
        engine, name, stage=Stage.WON, company=company, value_cents=value_cents, by=owner
    )
    now = utcnow()
    with session_scope(engine) as session:
        for days_ago, cents in purchases:
            record_purchase(
                session,
                prospect_id=prospect_id,
                amount_cents=cents,
                by=owner,
                config=RetentionConfig(),
                purchased_at=now - timedelta(days=days_ago),
            )
        if survey is not None:
            record_survey(session, prospect_id=prospect_id, score=survey, by=owner)
    return prospect_id


def code(engine: Engine, prospect_id: int) -> str:
    with session_scope(engine) as session:
        found = code_of(session, prospect_id)
    assert found is not None
    return found
