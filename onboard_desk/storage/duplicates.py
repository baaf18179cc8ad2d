"""Finding prospects that are probably the same person as one about to be added.

A likely duplicate has the same email address (case-insensitive), the same phone number
once normalised to E.164, or a close name at the same company (rapidfuzz). Each rule is
an indexed SQL lookup (``email_key``, ``phone_key``, ``lower(company)``), so the check
stays instant at 100,000 prospects; only the few prospects at the same company are
compared by name in Python. The new-prospect dialog and the importer share these rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, utils
from sqlalchemy import func
from sqlmodel import Session, col, select

from onboard_desk.domain import contacts
from onboard_desk.storage.models import Prospect

#: Name similarity (0-100, rapidfuzz token-sort ratio) from which two names count as close.
NAME_THRESHOLD = 85
#: How many prospects at one company are compared by name at most.
COMPANY_CANDIDATES = 2000

REASON_EMAIL = "same email"
REASON_PHONE = "same phone"
REASON_NAME = "similar name at the same company"


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
    #: Name similarity 0-100 (100 when matched on email or phone only).
    score: float

    def describe(self) -> str:
        """One line for a warning: who it is and why it matched."""
        at = f" ({self.company})" if self.company else ""
        return f"{self.name}{at}: {', '.join(self.reasons)}"


def name_similarity(a: str, b: str) -> float:
    """How alike two person names are, 0-100, ignoring case, punctuation and
    word order ("Lopez, Ana" and "ana lopez" score 100)."""
    return float(fuzz.token_sort_ratio(a, b, processor=utils.default_process))


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

    Input is taken as typed: the email is compared lower-cased and the phone as E.164
    (unreadable phone numbers simply match nothing). ``exclude_id`` leaves out the
    prospect being edited.
    """
    found: dict[int, tuple[Prospect, list[str], float]] = {}

    def add(prospect: Prospect, reason: str, score: float) -> None:
        assert prospect.id is not None
        if prospect.id == exclude_id:
            return
        entry = found.setdefault(prospect.id, (prospect, [], score))
        entry[1].append(reason)
        found[prospect.id] = (prospect, entry[1], max(entry[2], score))

    key = contacts.email_key(email)
    if key:
        for prospect in session.exec(
            select(Prospect).where(col(Prospect.email_key) == key).limit(limit)
        ):
            add(prospect, REASON_EMAIL, 100.0)
    number = contacts.phone_key(phone, region) if phone.strip() else ""
    if number:
        for prospect in session.exec(
            select(Prospect).where(col(Prospect.phone_key) == number).limit(limit)
        ):
            add(prospect, REASON_PHONE, 100.0)
    company_key = company.strip().lower()
    if company_key and name.strip():
        candidates = session.exec(
            select(Prospect)
            .where(func.lower(col(Prospect.company)) == company_key)
            .limit(COMPANY_CANDIDATES)
        )
        for prospect in candidates:
            score = name_similarity(name, prospect.name)
            if score >= NAME_THRESHOLD:
                add(prospect, REASON_NAME, score)
    ranked = sorted(found.values(), key=lambda item: (-len(item[1]), -item[2], item[0].name))
    return [
        LikelyDuplicate(
            prospect_id=int(prospect.id or 0),
            name=prospect.name,
            company=prospect.company,
            email=prospect.email,
            phone=prospect.phone,
            stage=prospect.stage,
            owner=prospect.owner,
            reasons=tuple(reasons),
            score=score,
        )
        for prospect, reasons, score in ranked[:limit]
    ]
