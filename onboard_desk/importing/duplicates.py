"""Finding the prospects an incoming row may already be: same email, same phone, or a
close name at the same company.

The rule, its keys and the order of the findings are :mod:`onboard_desk.domain.matching`'s,
the same as New prospect's; this module only holds the candidates in memory. The index
is built once per import from a single scan of the prospect table (ids, email, phone and
company keys, names), then rows of the file are added to it as they are imported, so
duplicates within the file are caught the same way. Lookups are dictionary hits; the
fuzzy name comparison only runs against the names already known at the same company,
never against the whole table.
"""

from __future__ import annotations

import enum
from array import array
from dataclasses import dataclass
from typing import Any

from onboard_desk.domain import matching


class DuplicateAction(enum.StrEnum):
    """What to do with a row that matches an existing prospect."""

    SKIP = "skip"
    UPDATE = "update"
    CREATE = "create"

    @property
    def label(self) -> str:
        return {"skip": "Skip", "update": "Update existing", "create": "Create anyway"}[self]


class MatchKind(enum.StrEnum):
    """The strongest reason a row matched a prospect."""

    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"

    @property
    def label(self) -> str:
        return {
            "email": matching.REASON_EMAIL,
            "phone": matching.REASON_PHONE,
            "name": matching.REASON_NAME,
        }[self]


@dataclass(frozen=True, slots=True)
class Match:
    """An existing prospect (or an earlier row of the same file) a row matches."""

    kind: MatchKind
    prospect_id: int
    score: float = 100.0
    #: The file line that created ``prospect_id`` when it came from this same import.
    in_file_line: int | None = None


#: The prospects under one key: one id, or several in the order they were added (a
#: list only when a key is shared, which keeps the common case at one small int).
_Ids = int | list[int]


def _push(table: dict[str, _Ids], key: str, prospect_id: int) -> None:
    found = table.get(key)
    if found is None:
        table[key] = prospect_id
    elif isinstance(found, int):
        if found != prospect_id:
            table[key] = [found, prospect_id]
    elif prospect_id not in found:
        found.append(prospect_id)


def _ids(found: _Ids | None) -> list[int]:
    if found is None:
        return []
    return [found] if isinstance(found, int) else found


class _Bucket:
    """The names known at one company: their keys (each once) and the prospects under
    each key."""

    __slots__ = ("ids", "keys", "pending")

    def __init__(self) -> None:
        self.pending: list[tuple[str, int]] | None = []
        self.keys: list[str] = []
        self.ids: dict[str, _Ids] = {}

    def ready(self) -> None:
        """Reduce the names read from the database to keys, the first time they are needed."""
        if self.pending is None:
            return
        pending, self.pending = self.pending, None
        for name, prospect_id in pending:
            self.add(matching.name_key(name), prospect_id)

    def add(self, key: str, prospect_id: int) -> None:
        if not key:
            return
        if key not in self.ids:
            self.keys.append(key)
        _push(self.ids, key, prospect_id)

    def close_names(self, key: str, *, best_only: bool) -> list[tuple[int, float]]:
        """``(id, score)`` of the prospects here whose name is close to ``key``.

        With ``best_only`` an identical name ends the search: nothing can score higher.
        """
        self.ready()
        if best_only:
            exact = self.ids.get(key)
            if exact is not None:
                return [(prospect_id, 100.0) for prospect_id in _ids(exact)]
        keys, ids = self.keys, self.ids
        return [
            (prospect_id, score)
            for position, score in matching.close_names(key, keys)
            for prospect_id in _ids(ids[keys[position]])
        ]


class DuplicateIndex:
    """Email, phone and company/name lookups over the database plus the rows imported."""

    def __init__(self) -> None:
        self.emails: dict[str, _Ids] = {}
        self.phones: dict[str, _Ids] = {}
        self.companies: dict[str, _Bucket] = {}
        #: File lines of the rows this import created, by ``id - first_new_id`` (the ids
        #: are consecutive); an array keeps this at 4 bytes a row.
        self.first_new_id: int | None = None
        self._lines = array("L")

    def line_of(self, prospect_id: int) -> int | None:
        """The file line that created ``prospect_id`` in this import, or None."""
        first = self.first_new_id
        if first is None or prospect_id < first or prospect_id - first >= len(self._lines):
            return None
        return int(self._lines[prospect_id - first])

    def load(self, rows: Any) -> None:
        """Fill from ``(id, email_key, phone_key, company_key, name)`` rows (one table
        scan, in id order).

        Names are kept raw and reduced to keys per company only when a row of the file
        names that company, so companies the file never mentions cost nothing.
        """
        emails, phones, companies = self.emails, self.phones, self.companies
        for prospect_id, email, phone, company, name in rows:
            if email:
                if email in emails:
                    _push(emails, email, prospect_id)
                else:
                    emails[email] = prospect_id
            if phone:
                if phone in phones:
                    _push(phones, phone, prospect_id)
                else:
                    phones[phone] = prospect_id
            if company:
                bucket = companies.get(company)
                if bucket is None:
                    bucket = companies[company] = _Bucket()
                if bucket.pending is not None:
                    bucket.pending.append((name, prospect_id))
                else:
                    bucket.add(matching.name_key(name), prospect_id)

    def find(self, email_key: str, phone_key: str, company_key: str, name: str) -> Match | None:
        """The prospect the row most probably is (see :func:`matching.ranked`), or None.

        The row's keys are the rule's (:mod:`onboard_desk.domain.matching`). A single
        prospect with the row's email, or else with its phone, is the answer without
        comparing names; otherwise every piece of evidence is gathered and ranked.
        """
        by_email = _ids(self.emails.get(email_key)) if email_key else []
        if len(by_email) == 1:
            return self._match(MatchKind.EMAIL, by_email[0])
        by_phone = _ids(self.phones.get(phone_key)) if phone_key else []
        if len(by_phone) == 1 and not by_email:
            return self._match(MatchKind.PHONE, by_phone[0])
        names: list[tuple[int, float]] = []
        bucket = self.companies.get(company_key) if company_key else None
        key = matching.name_key(name)
        if bucket is not None and key:
            names = bucket.close_names(key, best_only=not (by_email or by_phone))
        if not (by_email or by_phone or names):
            return None
        best = matching.ranked(email=by_email, phone=by_phone, names=names)[0]
        if best.same_email:
            return self._match(MatchKind.EMAIL, best.prospect_id)
        if best.same_phone:
            return self._match(MatchKind.PHONE, best.prospect_id)
        return self._match(MatchKind.NAME, best.prospect_id, best.name_score)

    def _match(self, kind: MatchKind, prospect_id: int, score: float = 100.0) -> Match:
        return Match(kind, prospect_id, score, self.line_of(prospect_id))

    def add(
        self,
        prospect_id: int,
        email_key: str,
        phone_key: str,
        company_key: str,
        name: str,
        *,
        line: int | None = None,
    ) -> None:
        """Make a row just imported findable by the rows after it."""
        if line is not None:
            if self.first_new_id is None:
                self.first_new_id = prospect_id
            self._lines.append(line)
        if email_key:
            _push(self.emails, email_key, prospect_id)
        if phone_key:
            _push(self.phones, phone_key, prospect_id)
        if company_key:
            bucket = self.companies.get(company_key)
            if bucket is None:
                bucket = self.companies[company_key] = _Bucket()
                bucket.pending = None
            bucket.ready()
            bucket.add(matching.name_key(name), prospect_id)
