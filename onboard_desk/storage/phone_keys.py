"""Keeping the phone keys true when the phone region changes.

A number written without a country code and stored while no region was set is kept as
written and keyed by its digits (:func:`onboard_desk.domain.contacts.normalize_phone`).
Once the user says which region such numbers are in, the same text has a country: its
key becomes the E.164 of that region, so "030 1234567" stored before and "030 1234567"
typed after are still the same number to the duplicate check. The number itself stays
as the user wrote it.

The invariant every writer keeps: a prospect's ``phone_key`` is
:func:`onboard_desk.domain.matching.phone_key` of its ``phone`` in the database's region.
Only numbers without a "+" depend on the region, so only they are read again.
"""

from __future__ import annotations

from sqlmodel import Session, col, select, update

from onboard_desk.domain import matching
from onboard_desk.storage.models import Prospect

#: Rows read at a time while re-keying (keeps memory flat on large databases).
CHUNK = 5_000


def rekey_local_numbers(session: Session, *, region: str | None) -> int:
    """Give every number stored without a country code the key ``region`` gives it;
    returns how many keys changed."""
    changed = 0
    last_id = 0
    while True:
        rows = session.exec(
            select(Prospect.id, Prospect.phone, Prospect.phone_key)
            .where(
                col(Prospect.id) > last_id,
                col(Prospect.phone) != "",
                col(Prospect.phone).not_like("+%"),
            )
            .order_by(col(Prospect.id))
            .limit(CHUNK)
        ).all()
        if not rows:
            return changed
        for prospect_id, phone, old_key in rows:
            key = matching.phone_key(phone, region)
            if key != old_key:
                session.exec(
                    update(Prospect).where(col(Prospect.id) == prospect_id).values(phone_key=key)
                )
                changed += 1
        last_id = int(rows[-1][0] or 0)
