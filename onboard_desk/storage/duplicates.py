"""Finding prospects that are probably the same person as one about to be added.

The rule (same email, same phone, or a close name at the same company, and the order of
the findings) is :mod:`onboard_desk.domain.matching`'s, the one the import uses too; this
module only reaches the candidates in the database. Each part is an indexed lookup on a
key the store keeps beside the value as typed (``email_key``, ``phone_key``,
``company_key``), so the check stays instant at 100,000 prospects while the user types;
only the names at the same company are compared in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from onboard_desk.domain import matching
from onboard_desk.storage.models import Prospect

#: How many prospects at one company are compared by name at most (the oldest first).
COMPANY_CANDIDATES = 20_000


@dataclass(frozen=True)
class LikelyDuplicate:
    """An existing prospect that may be the same person, and why it was matched."""

    prospect_id: int
    name: str
    company: str
    email: str
    phone: str
    stage: str
    owner: str
    reasons: tuple[str, ...]
    #: Name similarity 0-100 (100 when matched on email or phone).
    score: float

    def describe(self) -> str:
        """One line for a warning: who it is and why it matched."""
        at = f" ({self.company})" if self.company else ""
        return f"{self.name}{at}: {', '.join(self.reasons)}"


def _ids(session: Session, column: object, key: str, limit: int) -> list[int]:
    statement = select(Prospect.id).where(col(column) == key).order_by(col(Prospect.id))
    return [int(i) for i in session.exec(statement.limit(limit)) if i is not None]


def _close_names(session: Session, company: str, name: str) -> Iterable[tuple[int, float]]:
    """``(id, score)`` of the prospects at ``company`` with a name close to ``name``."""
    company_key, name_key = matching.company_key(company), matching.name_key(name)
    if not company_key or not name_key:
        return []
    rows = session.exec(
        select(Prospect.id, Prospect.name)
        .where(col(Prospect.company_key) == company_key)
        .order_by(col(Prospect.id))
        .limit(COMPANY_CANDIDATES)
    ).all()
    keys = [matching.name_key(other) for _id, other in rows]
    return [
        (int(rows[position][0] or 0), score)
        for position, score in matching.close_names(name_key, keys)
    ]


def find_likely_duplicates(
    session: Session,
    name: str,
    company: str = "",
    email: str = "",
    phone: str = "",
    *,
    region: str | None = None,
    exclude_id: int | None = None,
    limit: int = 10,
) -> list[LikelyDuplicate]:
    """Existing prospects that are probably the same person, strongest match first.

    Input is taken as typed and reduced to the rule's keys (an unreadable phone number
    simply matches nothing). ``exclude_id`` leaves out the prospect being edited.
    """
    by_email: list[int] = []
    by_phone: list[int] = []
    if key := matching.email_key(email):
        by_email = _ids(session, Prospect.email_key, key, limit + 1)
    if key := matching.phone_key(phone, region):
        by_phone = _ids(session, Prospect.phone_key, key, limit + 1)
    candidates = matching.ranked(
        email=by_email,
        phone=by_phone,
        names=_close_names(session, company, name),
        exclude_id=exclude_id,
    )[:limit]
    if not candidates:
        return []
    ids = [c.prospect_id for c in candidates]
    rows = {p.id: p for p in session.exec(select(Prospect).where(col(Prospect.id).in_(ids)))}
    return [
        LikelyDuplicate(
            prospect_id=candidate.prospect_id,
            name=prospect.name,
            company=prospect.company,
            email=prospect.email,
            phone=prospect.phone,
            stage=prospect.stage,
            owner=prospect.owner,
            reasons=candidate.reasons,
            score=candidate.score,
        )
        for candidate in candidates
        if (prospect := rows.get(candidate.prospect_id)) is not None
    ]
