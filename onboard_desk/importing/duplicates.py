"""Finding the prospects an incoming row may already be: same email, same phone, or a
close name at the same company.

The index is built once per import from a single scan of the prospect table (ids, email
and phone keys, company and name), then rows of the file are added to it as they are
imported, so duplicates within the file are caught the same way. Lookups are dictionary
hits; the fuzzy name comparison (rapidfuzz) only runs against the names already known
at the same company, never against the whole table.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from array import array
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

#: Minimum rapidfuzz ratio (0-100) of two names, words sorted, at the same company.
NAME_SCORE_CUTOFF = 90.0

_NON_WORD = re.compile(r"[^\w\s]+")
#: Legal-form words that do not distinguish companies ("Acme Inc." is "ACME").
_LEGAL_FORMS = frozenset(
    [
        "inc",
        "incorporated",
        "llc",
        "ltd",
        "limited",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "co",
        "corp",
        "corporation",
        "company",
        "oy",
        "ab",
        "as",
        "aps",
        "srl",
        "spa",
        "kg",
        "ug",
        "pty",
        "pte",
    ]
)


class DuplicateAction(enum.StrEnum):
    """What to do with a row that matches an existing prospect."""

    SKIP = "skip"
    UPDATE = "update"
    CREATE = "create"

    @property
    def label(self) -> str:
        return {"skip": "Skip", "update": "Update existing", "create": "Create anyway"}[self]


class MatchKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"

    @property
    def label(self) -> str:
        return {"email": "same email", "phone": "same phone", "name": "similar name"}[self]


@dataclass(frozen=True, slots=True)
class Match:
    """An existing prospect (or an earlier row of the same file) a row matches."""

    kind: MatchKind
    prospect_id: int
    score: float = 100.0
    #: The file line that created ``prospect_id`` when it came from this same import.
    in_file_line: int | None = None


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def company_key(company: str) -> str:
    """A company name reduced for comparison: case, accents, punctuation, legal forms."""
    words = _NON_WORD.sub(" ", _strip_accents(company).casefold()).split()
    kept = [w for w in words if w not in _LEGAL_FORMS]
    return " ".join(kept or words)


def name_key(name: str) -> str:
    """A person's name reduced for comparison, words sorted ("Müller, Zoë" = "zoe muller")."""
    key = _NAME_KEYS.get(name)
    if key is None:
        key = " ".join(sorted(_NON_WORD.sub(" ", _strip_accents(name).casefold()).split()))
        if len(_NAME_KEYS) >= _NAME_KEY_CACHE:
            _NAME_KEYS.clear()
        _NAME_KEYS[name] = key
    return key


#: Names repeat a lot in contact lists; their keys are cached (bounded).
_NAME_KEY_CACHE = 20_000
_NAME_KEYS: dict[str, str] = {}


class _Bucket:
    """The names known at one company: exact keys, and a list for fuzzy matching."""

    __slots__ = ("ids", "keys", "pending")

    def __init__(self) -> None:
        self.pending: list[tuple[str, int]] | None = []
        self.keys: list[str] = []
        self.ids: dict[str, int] = {}

    def ready(self) -> None:
        """Normalise the names read from the database, the first time they are needed."""
        if self.pending is None:
            return
        pending, self.pending = self.pending, None
        for name, prospect_id in pending:
            self.add(name_key(name), prospect_id)

    def add(self, key: str, prospect_id: int) -> None:
        if key and key not in self.ids:
            self.ids[key] = prospect_id
            self.keys.append(key)


class DuplicateIndex:
    """Email, phone and company/name lookups over the database plus the rows imported."""

    def __init__(self) -> None:
        self.emails: dict[str, int] = {}
        self.phones: dict[str, int] = {}
        self.companies: dict[str, _Bucket] = {}
        self._company_keys: dict[str, str] = {}
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

    def _company(self, company: str) -> str:
        key = self._company_keys.get(company)
        if key is None:
            key = self._company_keys[company] = company_key(company)
        return key

    def load(self, rows: Any) -> None:
        """Fill from ``(id, email_key, phone_key, company, name)`` rows (one table scan).

        Names are kept raw and normalised per company only when a row of the file names
        that company, so companies the file never mentions cost nothing.
        """
        emails, phones, companies = self.emails, self.phones, self.companies
        for prospect_id, email, phone, company, name in rows:
            if email:
                emails.setdefault(email, prospect_id)
            if phone:
                phones.setdefault(phone, prospect_id)
            if company:
                key = self._company(company)
                bucket = companies.get(key)
                if bucket is None:
                    bucket = companies[key] = _Bucket()
                if bucket.pending is not None:
                    bucket.pending.append((name, prospect_id))
                else:
                    bucket.add(name_key(name), prospect_id)

    def find(self, email_key: str, phone_key: str, company: str, name: str) -> Match | None:
        """The first match by email, then phone, then a close name at the same company."""
        if email_key:
            found = self.emails.get(email_key)
            if found is not None:
                return Match(MatchKind.EMAIL, found, in_file_line=self.line_of(found))
        if phone_key:
            found = self.phones.get(phone_key)
            if found is not None:
                return Match(MatchKind.PHONE, found, in_file_line=self.line_of(found))
        if not company:
            return None
        bucket = self.companies.get(self._company(company))
        if bucket is None:
            return None
        bucket.ready()
        key = name_key(name)
        found = bucket.ids.get(key)
        if found is not None:
            return Match(MatchKind.NAME, found, in_file_line=self.line_of(found))
        if not bucket.keys:
            return None
        best = process.extractOne(
            key, bucket.keys, scorer=fuzz.ratio, processor=None, score_cutoff=NAME_SCORE_CUTOFF
        )
        if best is None:
            return None
        found = bucket.ids[best[0]]
        return Match(MatchKind.NAME, found, float(best[1]), self.line_of(found))

    def add(
        self,
        prospect_id: int,
        email_key: str,
        phone_key: str,
        company: str,
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
            self.emails.setdefault(email_key, prospect_id)
        if phone_key:
            self.phones.setdefault(phone_key, prospect_id)
        if company:
            key = self._company(company)
            bucket = self.companies.get(key)
            if bucket is None:
                bucket = self.companies[key] = _Bucket()
                bucket.pending = None
            bucket.ready()
            bucket.add(name_key(name), prospect_id)
