"""Referral codes, who referred whom, the rewards, the chains and the viral coefficient.

The rules:

- Every customer has a code (:mod:`.codes`), issued at their first win and kept after.
- A new prospect can come with a code: it is linked to the code's holder (referrer ->
  referred), its channel becomes Referral, and the rewards are fixed from the settings at
  that moment: a credit for the referrer and the friend's discount for the referred, both
  ``pending``. A prospect is referred at most once, never by itself or by someone it
  referred (directly or down the chain), and not once it is a customer already.
- When the referred prospect is won, the referral converts: the credit is ``earned`` and
  the discount ``granted``. Undoing that win sets both back to ``pending``; a later win
  converts it again. Redeeming the credit and using the discount are recorded as
  ``redeemed`` / ``used``.
- A **chain** starts at a referrer nobody referred; the prospects they referred are at
  depth 1, the prospects those referred at depth 2, and so on.
- The **viral coefficient** of a period is the number of customers won through a referral
  in the period (referrals converted in it) divided by the number of customers at the
  period's start (prospects in stage Won at that instant); undefined (None) when there
  were none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, select

from onboard_desk.domain.referral_codes import display_code, new_code, normalize_code
from onboard_desk.domain.timeutil import as_utc, utcnow
from onboard_desk.pipeline import Channel, Stage
from onboard_desk.retention import terms
from onboard_desk.retention.common import is_customer
from onboard_desk.retention.config import RetentionConfig
from onboard_desk.retention.sql import (
    MAX_CHAIN_DEPTH,
    chains_sql,
    customers_at_sql,
    referrals_in_period_sql,
)
from onboard_desk.retention.terms import CREDIT_STATUSES, DISCOUNT_STATUSES
from onboard_desk.storage import settings_store
from onboard_desk.storage.dialects.sqlite_text import timestamp_param
from onboard_desk.storage.models import Prospect, Referral, ReferralCode
from onboard_desk.storage.store import NotFoundError, ValidationError, get_prospect


class ReferralError(ValidationError):
    """A referral the rules do not allow; the message says why."""


# --- Codes -----------------------------------------------------------------------------------


def code_of(session: Session, prospect_id: int) -> str | None:
    row = session.get(ReferralCode, prospect_id)
    return row.code if row is not None else None


def issue_code(session: Session, *, prospect_id: int, now: datetime | None = None) -> str:
    """The prospect's code, issued now if it has none (unique: drawn again on a clash)."""
    existing = code_of(session, prospect_id)
    if existing is not None:
        return existing
    while True:
        code = new_code()
        if session.exec(select(ReferralCode.prospect_id).where(ReferralCode.code == code)).first():
            continue
        session.add(ReferralCode(prospect_id=prospect_id, code=code, issued_at=now or utcnow()))
        session.flush()
        return code


def issue_missing_codes(session: Session, *, now: datetime | None = None) -> int:
    """Give every customer without a code one (prospects put straight into Won by an import
    or by hand); returns how many were issued. One anti-join finds them."""
    missing = [
        int(pid)
        for (pid,) in session.execute(
            text(
                "SELECT p.id FROM prospect p WHERE p.stage = 'won' AND NOT EXISTS "
                "(SELECT 1 FROM referralcode rc WHERE rc.prospect_id = p.id) ORDER BY p.id"
            )
        )
    ]
    if not missing:
        return 0
    taken = {code for (code,) in session.execute(text("SELECT code FROM referralcode"))}
    stamp = as_utc(now or utcnow())
    for prospect_id in missing:
        code = new_code()
        while code in taken:
            code = new_code()
        taken.add(code)
        session.add(ReferralCode(prospect_id=prospect_id, code=code, issued_at=stamp))
    session.flush()
    return len(missing)


@dataclass(frozen=True)
class CodeHolder:
    """Whose code a code is."""

    prospect_id: int
    code: str
    name: str
    company: str
    stage: Stage
    issued_at: datetime

    @property
    def display(self) -> str:
        return display_code(self.code)


def find_code(session: Session, code: str) -> CodeHolder:
    """The holder of a typed code (case, spaces and dashes ignored); ReferralCodeError for
    text that cannot be a code, NotFoundError for a code nobody has."""
    normal = normalize_code(code)
    row = session.exec(
        select(ReferralCode, Prospect)
        .join(Prospect, Prospect.id == ReferralCode.prospect_id)  # type: ignore[arg-type]
        .where(ReferralCode.code == normal)
    ).first()
    if row is None:
        raise NotFoundError(f"No customer has the referral code {display_code(normal)}.")
    holder, prospect = row
    return CodeHolder(
        holder.prospect_id,
        holder.code,
        prospect.name,
        prospect.company,
        Stage(prospect.stage),
        as_utc(holder.issued_at),
    )


# --- Links and rewards -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralInfo:
    """A stored referral as values."""

    id: int
    referrer_id: int
    referred_id: int
    code: str
    created_at: datetime
    converted_at: datetime | None
    win_change_id: int | None
    credit_cents: int
    credit_currency: str
    credit_status: str
    discount_percent: float
    discount_status: str

    @property
    def converted(self) -> bool:
        return self.converted_at is not None

    @classmethod
    def of(cls, row: Referral) -> ReferralInfo:
        assert row.id is not None
        return cls(
            row.id,
            row.referrer_id,
            row.referred_id,
            row.code,
            as_utc(row.created_at),
            as_utc(row.converted_at) if row.converted_at else None,
            row.win_change_id,
            row.credit_cents,
            row.credit_currency,
            row.credit_status,
            row.discount_percent,
            row.discount_status,
        )


@dataclass(frozen=True)
class ReferralLink:
    """A referral just made, with the referred prospect's channel before (to undo with)."""

    referral: ReferralInfo
    previous_channel: str


def _descendants(session: Session, prospect_id: int) -> set[int]:
    rows = session.execute(
        text(
            "WITH RECURSIVE down(pid, depth) AS (SELECT r.referred_id, 1 FROM referral r "
            "WHERE r.referrer_id = :id UNION ALL SELECT r.referred_id, down.depth + 1 "
            f"FROM down JOIN referral r ON r.referrer_id = down.pid WHERE down.depth < "
            f"{MAX_CHAIN_DEPTH}) SELECT pid FROM down"
        ),
        {"id": prospect_id},
    )
    return {int(pid) for (pid,) in rows}


def link_referral(
    session: Session,
    *,
    referred_id: int,
    code: str,
    config: RetentionConfig,
    now: datetime | None = None,
) -> ReferralLink:
    """Link ``referred_id`` to the holder of ``code`` (see the module's rules) with the
    rewards the settings give now; :func:`unlink_referral` undoes it."""
    now = now or utcnow()
    referred = get_prospect(session, referred_id)
    holder = find_code(session, code)
    if holder.prospect_id == referred_id:
        raise ReferralError("A customer cannot refer themselves.")
    existing = referral_of(session, referred_id)
    if existing is not None:
        raise ReferralError(
            f"#{referred_id} {referred.name} was already referred (by #{existing.referrer_id})."
        )
    if is_customer(referred):
        raise ReferralError(
            f"#{referred_id} {referred.name} is a customer already; a referral counts for a "
            "prospect who is won after being referred."
        )
    if holder.prospect_id in _descendants(session, referred_id):
        raise ReferralError(
            f"#{holder.prospect_id} {holder.name} was referred through #{referred_id} "
            f"{referred.name}; a referral cannot go round in a circle."
        )
    row = Referral(
        **terms.new_referral(
            referrer_id=holder.prospect_id,
            referred_id=referred_id,
            code=holder.code,
            at=now,
            terms=terms.referral_terms(config, settings_store.default_currency(session)),
        )
    )
    previous_channel = referred.channel
    referred.channel = Channel.REFERRAL.value
    referred.updated_at = now
    session.add(row)
    session.add(referred)
    session.flush()
    return ReferralLink(ReferralInfo.of(row), previous_channel)


def unlink_referral(session: Session, *, link: ReferralLink) -> None:
    """Undo :func:`link_referral`: the link goes and the channel comes back. A referral
    whose rewards were earned is refused (undo the win first)."""
    row = session.get(Referral, link.referral.id)
    if row is None:
        return
    if row.converted_at is not None:
        raise ReferralError("This referral was rewarded at a win; undo the win first.")
    session.delete(row)
    referred = session.get(Prospect, link.referral.referred_id)
    if referred is not None:
        referred.channel = link.previous_channel
        session.add(referred)
    session.flush()


def referral_of(session: Session, referred_id: int) -> ReferralInfo | None:
    """How ``referred_id`` was referred, if it was."""
    row = session.exec(select(Referral).where(Referral.referred_id == referred_id)).first()
    return ReferralInfo.of(row) if row is not None else None


@dataclass(frozen=True)
class ReferredProspect:
    """One prospect a customer referred, as their referral list shows it."""

    referral: ReferralInfo
    name: str
    company: str
    stage: Stage


def referrals_by(session: Session, referrer_id: int) -> list[ReferredProspect]:
    """The prospects ``referrer_id`` referred, oldest referral first."""
    rows = session.exec(
        select(Referral, Prospect)
        .join(Prospect, Prospect.id == Referral.referred_id)  # type: ignore[arg-type]
        .where(Referral.referrer_id == referrer_id)
        .order_by(Referral.created_at, Referral.id)  # type: ignore[arg-type]
    )
    return [
        ReferredProspect(ReferralInfo.of(r), p.name, p.company, Stage(p.stage)) for r, p in rows
    ]


def convert_on_win(
    session: Session, *, referred_id: int, change_id: int, now: datetime
) -> ReferralInfo | None:
    """The referred prospect was won: a pending referral converts (credit earned, discount
    granted), tied to that win. Returns the referral if it converted now."""
    row = session.exec(select(Referral).where(Referral.referred_id == referred_id)).first()
    if row is None or row.converted_at is not None:
        return None
    for name, value in terms.converted(at=now, change_id=change_id).items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return ReferralInfo.of(row)


def revert_conversion(session: Session, *, referred_id: int, change_id: int) -> bool:
    """The win ``change_id`` was undone: the referral it converted is pending again."""
    row = session.exec(
        select(Referral).where(
            Referral.referred_id == referred_id, Referral.win_change_id == change_id
        )
    ).first()
    if row is None:
        return False
    for name, value in terms.pending().items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    return True


def set_reward_status(
    session: Session,
    *,
    referral_id: int,
    credit_status: str | None = None,
    discount_status: str | None = None,
) -> tuple[str, str]:
    """Record that the credit was redeemed or the discount used (or, to undo, put a status
    back); returns the statuses before. Only a converted referral's rewards can change,
    and only between earned/redeemed and granted/used."""
    row = session.get(Referral, referral_id)
    if row is None:
        raise NotFoundError(f"There is no referral with id {referral_id}.")
    previous = (row.credit_status, row.discount_status)
    if row.converted_at is None and (credit_status or discount_status):
        raise ReferralError("The referred prospect has not been won yet: nothing is earned.")
    if credit_status is not None:
        if credit_status not in CREDIT_STATUSES[1:]:
            raise ReferralError(f"A credit is earned or redeemed, not {credit_status!r}.")
        row.credit_status = credit_status
    if discount_status is not None:
        if discount_status not in DISCOUNT_STATUSES[1:]:
            raise ReferralError(f"A discount is granted or used, not {discount_status!r}.")
        row.discount_status = discount_status
    session.add(row)
    session.flush()
    return previous


# --- Chains ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainMember:
    """A prospect in a referral chain: ``depth`` links below the chain's first referrer
    (0 for the first referrer), referred by ``referrer_id``."""

    prospect_id: int
    name: str
    stage: Stage
    depth: int
    referrer_id: int | None
    converted: bool


@dataclass(frozen=True)
class ReferralChain:
    """One prospect's place in its chain: who referred it, up to the first referrer
    (``upline``, the first referrer first), and everyone referred below it
    (``downline``, by depth below it, then id)."""

    prospect_id: int
    upline: tuple[ChainMember, ...]
    downline: tuple[ChainMember, ...]

    @property
    def depth(self) -> int:
        """How many links separate the prospect from its chain's first referrer."""
        return len(self.upline)


def referral_chain(session: Session, prospect_id: int) -> ReferralChain:
    """Who referred ``prospect_id`` (up to the chain's start) and whom it referred, at
    every depth below it: two recursive queries."""
    get_prospect(session, prospect_id)
    up = session.execute(
        text(
            "WITH RECURSIVE up(pid, parent, level) AS (SELECT r.referrer_id, "
            "(SELECT r2.referrer_id FROM referral r2 WHERE r2.referred_id = r.referrer_id), 1 "
            "FROM referral r WHERE r.referred_id = :id UNION ALL "
            "SELECT r.referrer_id, (SELECT r2.referrer_id FROM referral r2 "
            "WHERE r2.referred_id = r.referrer_id), up.level + 1 FROM up "
            f"JOIN referral r ON r.referred_id = up.pid WHERE up.level < {MAX_CHAIN_DEPTH}) "
            "SELECT up.pid, p.name, p.stage, up.level, up.parent, "
            "(SELECT r3.converted_at FROM referral r3 WHERE r3.referred_id = up.pid) "
            "FROM up JOIN prospect p ON p.id = up.pid ORDER BY up.level DESC"
        ),
        {"id": prospect_id},
    ).all()
    top = len(up)
    upline = tuple(
        ChainMember(int(pid), name, Stage(stage), top - int(level), parent, converted is not None)
        for pid, name, stage, level, parent, converted in up
    )
    down = session.execute(
        text(
            "WITH RECURSIVE down(pid, parent, level) AS (SELECT r.referred_id, r.referrer_id, 1 "
            "FROM referral r WHERE r.referrer_id = :id UNION ALL "
            "SELECT r.referred_id, r.referrer_id, down.level + 1 FROM down "
            "JOIN referral r ON r.referrer_id = down.pid "
            f"WHERE down.level < {MAX_CHAIN_DEPTH}) "
            "SELECT down.pid, p.name, p.stage, down.level, down.parent, r.converted_at "
            "FROM down JOIN prospect p ON p.id = down.pid "
            "JOIN referral r ON r.referred_id = down.pid ORDER BY down.level, down.pid"
        ),
        {"id": prospect_id},
    ).all()
    downline = tuple(
        ChainMember(int(pid), name, Stage(stage), top + int(level), int(parent), conv is not None)
        for pid, name, stage, level, parent, conv in down
    )
    return ReferralChain(prospect_id, upline, downline)


@dataclass(frozen=True)
class ChainSummary:
    """One whole chain: its first referrer, prospects referred along it, how many of them
    were won through it, and its deepest level."""

    root_id: int
    root_name: str
    owner: str
    referred: int
    won: int
    depth: int


def chain_summaries(
    session: Session, *, owner: str | None = None, limit: int | None = None
) -> list[ChainSummary]:
    """Every chain (of ``owner``'s first referrers), largest first."""
    params: dict[str, object] = {}
    if owner is not None:
        params["owner"] = owner
    if limit is not None:
        params["limit"] = limit
    statement = chains_sql(owner=owner is not None, limit="limit" if limit is not None else None)
    return [
        ChainSummary(int(root), name, who, int(count), int(won or 0), int(depth))
        for root, name, who, count, won, depth in session.execute(text(statement), params)
    ]


@dataclass(frozen=True)
class ViralCoefficient:
    """Customers won through a referral in a period over customers at its start."""

    won_via_referral: int
    customers_at_start: int

    @property
    def value(self) -> float | None:
        if not self.customers_at_start:
            return None
        return self.won_via_referral / self.customers_at_start


def viral_coefficient(
    session: Session, *, start: datetime, end: datetime, owner: str | None = None
) -> ViralCoefficient:
    """The viral coefficient of [``start``, ``end``) (see the module's rules), in SQL."""
    params: dict[str, object] = {
        "start": timestamp_param(as_utc(start)),
        "end": timestamp_param(as_utc(end)),
    }
    if owner is not None:
        params["owner"] = owner
    flag = owner is not None
    _made, converted, _credits = session.execute(
        text(referrals_in_period_sql(owner=flag)), params
    ).one()
    at_start = session.execute(text(customers_at_sql(owner=flag)), params).scalar_one()
    return ViralCoefficient(int(converted), int(at_start))
