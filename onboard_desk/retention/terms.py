"""What a win and a referral write, as plain values: the one home of those rules.

Every path that wins a prospect or links a referral (a move in the window or the command
line through :mod:`onboard_desk.services`, an import straight into Won, the demo) builds
its rows from these functions, so they agree on what the first purchase is, what a
referral earns and in which currency, and what "converted" means. The bulk paths keep
their own SQL for speed and feed it these values. No database and no Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from onboard_desk.retention.config import RetentionConfig

#: ``Purchase.source`` of the purchase a win records.
SOURCE_WIN = "win"
#: ``Purchase.source`` of a purchase recorded by hand.
SOURCE_MANUAL = "manual"

CREDIT_STATUSES = ("pending", "earned", "redeemed")
DISCOUNT_STATUSES = ("pending", "granted", "used")


@dataclass(frozen=True)
class ReferralTerms:
    """What a referral is worth, fixed when it is made: the referrer's credit (in the
    database's home currency, as the settings state it) and the friend's discount."""

    credit_cents: int
    credit_currency: str
    discount_percent: float


def referral_terms(config: RetentionConfig, home_currency: str) -> ReferralTerms:
    """The rewards a referral made now carries."""
    return ReferralTerms(
        config.referral_credit_cents, home_currency, config.friend_discount_percent
    )


def new_referral(
    *, referrer_id: int, referred_id: int, code: str, at: datetime | str, terms: ReferralTerms
) -> dict[str, Any]:
    """Column values of a referral just made: both rewards pending until the friend is won.

    ``at`` is a datetime, or a time already rendered as stored (bulk writers render once).
    """
    return {
        "referrer_id": referrer_id,
        "referred_id": referred_id,
        "code": code,
        "created_at": at,
        "credit_cents": terms.credit_cents,
        "credit_currency": terms.credit_currency,
        "credit_status": "pending",
        "discount_percent": terms.discount_percent,
        "discount_status": "pending",
    }


def converted(*, at: datetime | str, change_id: int) -> dict[str, Any]:
    """What a win does to the referral that brought the customer: the referrer's credit is
    earned and the friend's discount granted, tied to that win (undoing the win reverts)."""
    return {
        "converted_at": at,
        "win_change_id": change_id,
        "credit_status": "earned",
        "discount_status": "granted",
    }


def pending() -> dict[str, Any]:
    """A referral whose win was undone: both rewards pending again."""
    return {
        "converted_at": None,
        "win_change_id": None,
        "credit_status": "pending",
        "discount_status": "pending",
    }


def win_purchase(
    *,
    prospect_id: int,
    value_cents: int | None,
    currency: str,
    won_at: datetime,
    change_id: int | None,
    by: str,
) -> dict[str, Any]:
    """The first purchase a win records: the deal's value in the deal's currency, tied to
    the win's history row (so undoing the win takes it back)."""
    return {
        "prospect_id": prospect_id,
        "purchased_at": won_at,
        "amount_cents": value_cents,
        "currency": currency,
        "source": SOURCE_WIN,
        "stage_change_id": change_id,
        "recorded_at": won_at,
        "by": by,
    }
