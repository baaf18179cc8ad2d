"""What to plan after a contact: the one rule for every place that proposes a next action
once the salesperson has been in touch (Today's done dialog, a sent email, a logged call).

A prospect still in the pipeline gets what its stage proposes
(:func:`onboard_desk.pipeline.propose_next_action`), in the first free slot of the
working hours of the day it falls on. A customer gets their own next step,
the repeat-purchase nudge from their cadence, moved by the contact cap counting the contact
just made; never Won's thank-you again. Without a cadence yet nothing is proposed, and the
salesperson decides.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.pipeline import NextActionProposal, PipelineConfig, Stage
from onboard_desk.retention import purchases
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.storage.next_actions import spread_proposal
from onboard_desk.storage.store import get_prospect


def after_contact(
    session: Session,
    *,
    prospect_id: int,
    config: PipelineConfig,
    retention: RetentionConfig,
    now: datetime | None = None,
) -> NextActionProposal | None:
    """The next action to propose after a contact with the prospect at ``now``."""
    now = now or utcnow()
    stage = Stage(get_prospect(session, prospect_id).stage)
    if stage is not Stage.WON:
        return spread_proposal(session, stage=stage, at=now, config=config, exclude_id=prospect_id)
    plan = purchases.proposed_nudge(session, prospect_id, config=retention, contact_at=now)
    return NextActionProposal(plan.text, plan.due) if plan is not None else None
