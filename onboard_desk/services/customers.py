"""Customers: what keeping a won prospect takes, for the window and the command line alike.

One customer's details (code, purchases with their cadence and the nudge they propose,
survey answers, the referral that brought them and the ones they made, the engagement
score) are assembled here once, by :func:`customer_details`, and shown by the card's
Customer section and by ``onboard-desk show``. Recording and deleting purchases and survey
answers return what undoes them (the window's undo stack keeps it). The customer list is
sorted and paged in SQL; a referral code is looked up, a referral linked and its rewards
redeemed; new nudge rules are applied to every customer.

The rules themselves live in :mod:`onboard_desk.retention`; this module decides which of
them a use case runs, in one transaction. The session-level functions leave committing to
the caller (tests and other use cases compose them); :class:`CustomerService` runs each use
case in a transaction of its own for the front ends. The value types a front end receives
are re-exported here, so no front end imports the storage layer or the retention modules
that hold SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from onboard_desk.domain.timeutil import utcnow
from onboard_desk.retention import common, engagement, purchases, referrals, surveys
from onboard_desk.retention.cadence import Cadence, NudgePlan, plan_nudge
from onboard_desk.retention.config import RetentionConfig, load_retention_config
from onboard_desk.retention.customers import (
    CustomerRow,
    CustomerSort,
    count_customers,
    list_customers,
)
from onboard_desk.retention.purchases import NOTE_LIMIT, PurchaseChange, PurchaseInfo
from onboard_desk.retention.referrals import (
    ChainMember,
    CodeHolder,
    ReferralChain,
    ReferralInfo,
    ReferralLink,
    ReferredProspect,
)
from onboard_desk.retention.surveys import COMMENT_LIMIT, SurveyInfo
from onboard_desk.storage.store import get_prospect

if TYPE_CHECKING:
    from onboard_desk.services.desk import Desk

__all__ = [
    "COMMENT_LIMIT",
    "NOTE_LIMIT",
    "Cadence",
    "ChainMember",
    "CodeHolder",
    "CustomerDetails",
    "CustomerPage",
    "CustomerRow",
    "CustomerService",
    "CustomerSort",
    "NudgePlan",
    "PurchaseChange",
    "PurchaseInfo",
    "ReferralChain",
    "ReferralInfo",
    "ReferralLink",
    "ReferralLookup",
    "ReferredProspect",
    "SurveyInfo",
    "customer_details",
    "customer_page",
    "referral_lookup",
]


@dataclass(frozen=True)
class CustomerDetails:
    """Everything about one customer (or former customer) as plain values, as of ``now``.

    ``engagement`` is only computed when asked for: it sums the customer's recent activity
    in SQL, which the window does on its thread pool after showing the rest.
    """

    prospect_id: int
    now: datetime
    #: Whether the prospect is a customer now (stage Won).
    is_customer: bool
    do_not_contact: bool
    code: str | None
    #: Newest first.
    purchases: list[PurchaseInfo]
    cadence: Cadence
    #: The reminder the cadence and the contact cap propose now (None without a cadence).
    nudge: NudgePlan | None
    #: Newest first.
    surveys: list[SurveyInfo]
    referred_by: ReferralInfo | None
    referrer_name: str
    #: The prospects this customer referred, oldest referral first.
    referrals: list[ReferredProspect]
    #: How far ahead an expected purchase counts as due soon (the retention setting).
    due_soon_days: int
    engagement: int | None = None

    @property
    def latest_survey(self) -> SurveyInfo | None:
        return self.surveys[0] if self.surveys else None

    @property
    def referrals_won(self) -> int:
        return sum(1 for made in self.referrals if made.referral.converted)

    @property
    def is_empty(self) -> bool:
        """True for a prospect who never was a customer: nothing retention to show."""
        return not (
            self.is_customer
            or self.code
            or self.purchases
            or self.surveys
            or self.referred_by
            or self.referrals
        )


@dataclass(frozen=True)
class CustomerPage:
    """One page of the customer list, with the moment it was computed for and how far ahead
    a purchase counts as due soon (both decide the highlighting)."""

    rows: list[CustomerRow]
    now: datetime
    due_soon_days: int


@dataclass(frozen=True)
class ReferralLookup:
    """A referral code's holder, the prospects the code brought in, and the holder's place
    in their referral chain."""

    holder: CodeHolder
    referrals: list[ReferredProspect]
    chain: ReferralChain

    @property
    def earned(self) -> list[ReferralInfo]:
        """The referrals whose credit was earned (their prospect was won)."""
        return [made.referral for made in self.referrals if made.referral.converted]


# --- session-level use cases ----------------------------------------------------------------


def customer_details(
    session: Session,
    prospect_id: int,
    *,
    now: datetime | None = None,
    config: RetentionConfig | None = None,
    with_engagement: bool = False,
) -> CustomerDetails:
    """One customer's details (NotFoundError if the prospect is gone): indexed reads for one
    customer, plus the engagement score's SQL when ``with_engagement``."""
    now = now or utcnow()
    config = config or load_retention_config(session)
    prospect = get_prospect(session, prospect_id)
    came = referrals.referral_of(session, prospect_id)
    referrer = get_prospect(session, came.referrer_id).name if came is not None else ""
    cadence = purchases.cadence_of(session, prospect_id, config=config)
    last_contact = purchases.last_retention_contact(session, prospect_id)
    return CustomerDetails(
        prospect_id=prospect_id,
        now=now,
        is_customer=common.is_customer(prospect),
        do_not_contact=prospect.do_not_contact,
        code=referrals.code_of(session, prospect_id),
        purchases=purchases.purchases_of(session, prospect_id),
        cadence=cadence,
        nudge=plan_nudge(cadence, last_contact=last_contact, cap_days=config.contact_cap_days),
        surveys=surveys.surveys_of(session, prospect_id),
        referred_by=came,
        referrer_name=referrer,
        referrals=referrals.referrals_by(session, prospect_id),
        due_soon_days=config.due_soon_days,
        engagement=(
            engagement.engagement_of(session, prospect_id, now=now) if with_engagement else None
        ),
    )


def customer_page(
    session: Session,
    *,
    owner: str | None = None,
    sort: CustomerSort | str = CustomerSort.NAME,
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
    now: datetime | None = None,
) -> CustomerPage:
    """Rows ``offset`` to ``offset + limit`` of the sorted customer list, with the "due
    soon" setting read in the same session (so a change made elsewhere shows at once)."""
    now = now or utcnow()
    rows = list_customers(
        session,
        now=now,
        owner=owner,
        sort=sort,
        descending=descending,
        limit=limit,
        offset=offset,
    )
    return CustomerPage(rows, now, load_retention_config(session).due_soon_days)


def referral_lookup(session: Session, code: str) -> ReferralLookup:
    """Whose code ``code`` is, whom it brought in, and the holder's chain
    (ReferralCodeError for text that cannot be a code, NotFoundError for nobody's code)."""
    holder = referrals.find_code(session, code)
    return ReferralLookup(
        holder,
        referrals.referrals_by(session, holder.prospect_id),
        referrals.referral_chain(session, holder.prospect_id),
    )


# --- the service the front ends call --------------------------------------------------------


class CustomerService:
    """Customer use cases, each in a transaction of its own, as the current user."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    # reads

    def details(
        self, prospect_id: int, *, now: datetime | None = None, with_engagement: bool = False
    ) -> CustomerDetails:
        """One customer's details (see :func:`customer_details`)."""
        with self._desk.reading() as session:
            return customer_details(session, prospect_id, now=now, with_engagement=with_engagement)

    def engagement(self, prospect_id: int, *, now: datetime | None = None) -> int | None:
        """The customer's engagement score (0-100) as of ``now``; None for a prospect who is
        not a customer. Sums recent activity in SQL: run it off the GUI thread."""
        with self._desk.reading() as session:
            return engagement.engagement_of(session, prospect_id, now=now or utcnow())

    def rows(
        self,
        *,
        owner: str | None = None,
        sort: CustomerSort | str = CustomerSort.NAME,
        descending: bool = False,
        limit: int | None = None,
        now: datetime | None = None,
    ) -> list[CustomerRow]:
        """Every customer (of ``owner``), sorted in SQL; UserError for an unknown sort."""
        with self._desk.reading() as session:
            return list_customers(
                session,
                now=now or utcnow(),
                owner=owner,
                sort=sort,
                descending=descending,
                limit=limit,
            )

    def page(
        self,
        *,
        owner: str | None = None,
        sort: CustomerSort | str = CustomerSort.NAME,
        descending: bool = False,
        offset: int = 0,
        limit: int = 200,
        now: datetime | None = None,
    ) -> CustomerPage:
        """One page of the sorted list (see :func:`customer_page`)."""
        with self._desk.reading() as session:
            return customer_page(
                session,
                owner=owner,
                sort=sort,
                descending=descending,
                offset=offset,
                limit=limit,
                now=now,
            )

    def count(self, *, owner: str | None = None) -> int:
        """How many customers (of ``owner``) there are."""
        with self._desk.reading() as session:
            return count_customers(session, owner=owner)

    def find_code(self, code: str) -> CodeHolder:
        """The holder of a typed referral code (case, spaces and dashes ignored);
        ReferralCodeError or NotFoundError, with a message, when there is none."""
        with self._desk.reading() as session:
            return referrals.find_code(session, code)

    def referral(self, code: str) -> ReferralLookup:
        """A referral code's holder, referrals and chain (see :func:`referral_lookup`)."""
        with self._desk.reading() as session:
            return referral_lookup(session, code)

    # purchases

    def record_purchase(
        self,
        prospect_id: int,
        amount_cents: int | None,
        *,
        currency: str | None = None,
        purchased_at: datetime | None = None,
        note: str = "",
    ) -> PurchaseChange:
        """Record a customer's purchase, recompute the cadence and apply the nudge; returns
        what :meth:`undo_purchase` takes back."""
        desk = self._desk
        with desk.writing() as session:
            return purchases.record_purchase(
                session,
                prospect_id=prospect_id,
                amount_cents=amount_cents,
                currency=currency,
                purchased_at=purchased_at,
                note=note,
                by=desk.user,
                config=load_retention_config(session),
            )

    def undo_purchase(self, change: PurchaseChange) -> None:
        """Take a recorded purchase back, with the next action it replaced."""
        with self._desk.writing() as session:
            purchases.undo_record(session, change=change)

    def delete_purchase(self, purchase_id: int) -> PurchaseChange:
        """Delete a mistaken purchase (the cadence and nudge follow); returns what
        :meth:`restore_purchase` puts back."""
        with self._desk.writing() as session:
            return purchases.delete_purchase(
                session, purchase_id=purchase_id, config=load_retention_config(session)
            )

    def restore_purchase(self, change: PurchaseChange) -> None:
        """Put a deleted purchase back with its id, and the next action as it was."""
        with self._desk.writing() as session:
            purchases.restore_purchase(session, change=change)

    def refresh_nudges(self, config: RetentionConfig | None = None) -> int:
        """Move every customer's reminder to where the nudge rules (default: the stored
        ones) put it, where the rules let a reminder be the next action; returns how many
        next actions changed. After the rules change: thousands of customers may move."""
        with self._desk.writing() as session:
            return purchases.refresh_nudges(
                session, config=config or load_retention_config(session)
            )

    # surveys

    def record_survey(
        self,
        prospect_id: int,
        score: int | str,
        *,
        comment: str = "",
        answered_at: datetime | None = None,
    ) -> SurveyInfo:
        """Record a customer's answer (0-10, read leniently from text too); returns it, for
        :meth:`delete_survey` to take back."""
        desk = self._desk
        with desk.writing() as session:
            return surveys.record_survey(
                session,
                prospect_id=prospect_id,
                score=score,
                comment=comment,
                answered_at=answered_at,
                by=desk.user,
            )

    def delete_survey(self, survey_id: int) -> SurveyInfo:
        """Remove an answer; returns it for :meth:`restore_survey`."""
        with self._desk.writing() as session:
            return surveys.delete_survey(session, survey_id=survey_id)

    def restore_survey(self, survey: SurveyInfo) -> None:
        """Put a removed answer back with its id, author and time."""
        with self._desk.writing() as session:
            surveys.restore_survey(session, survey=survey)

    # referrals

    def link_referral(self, prospect_id: int, code: str) -> ReferralLink:
        """Link an existing prospect to the holder of ``code`` (its channel becomes
        Referral, with the rewards the settings give now); ReferralError says why a link
        the rules do not allow is refused. :meth:`unlink_referral` undoes it."""
        desk = self._desk
        with desk.writing() as session:
            return referrals.link_referral(
                session,
                referred_id=prospect_id,
                code=code,
                config=load_retention_config(session),
            )

    def unlink_referral(self, link: ReferralLink) -> None:
        """Undo :meth:`link_referral` (refused once the referral was rewarded at a win)."""
        with self._desk.writing() as session:
            referrals.unlink_referral(session, link=link)

    def set_reward_status(
        self,
        referral_id: int,
        *,
        credit_status: str | None = None,
        discount_status: str | None = None,
    ) -> tuple[str, str]:
        """Record that a referral's credit was redeemed or its friend's discount used (or,
        to undo, put a status back); returns the (credit, discount) statuses before."""
        with self._desk.writing() as session:
            return referrals.set_reward_status(
                session,
                referral_id=referral_id,
                credit_status=credit_status,
                discount_status=discount_status,
            )
