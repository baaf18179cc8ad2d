"""What every retention service shares: who counts as a customer, and time checks."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from onboard_desk.domain.timeutil import as_utc
from onboard_desk.pipeline import Stage
from onboard_desk.storage.models import Prospect
from onboard_desk.storage.store import ValidationError, get_prospect

#: How far past ``now`` a recorded time may lie: a date typed for today means 09:00 local,
#: which may still be ahead.
FUTURE_TOLERANCE = timedelta(days=1)


class NotACustomerError(ValidationError):
    """Retention work on a prospect that is not (or no longer) a customer."""


def is_customer(prospect: Prospect) -> bool:
    """A customer is a prospect in stage Won."""
    return prospect.stage == Stage.WON.value


def require_customer(session: Session, prospect_id: int) -> Prospect:
    """The prospect, if it is a customer; NotFoundError or NotACustomerError otherwise."""
    prospect = get_prospect(session, prospect_id)
    if not is_customer(prospect):
        raise NotACustomerError(
            f"#{prospect_id} {prospect.name} is not a customer (their stage is "
            f"{Stage(prospect.stage).label}); purchases and surveys are for won prospects."
        )
    return prospect


def past_moment(moment: datetime | None, now: datetime, what: str) -> datetime:
    """``moment`` (default ``now``) as UTC; ValidationError when it lies in the future."""
    if moment is None:
        return as_utc(now)
    moment = as_utc(moment)
    if moment > as_utc(now) + FUTURE_TOLERANCE:
        raise ValidationError(f"{what} cannot be in the future.")
    return moment
