"""Who is probably the same person: the one duplicate rule of Onboard Desk.

New prospect (:mod:`onboard_desk.storage.duplicates`), the import
(:mod:`onboard_desk.importing.duplicates`) and anything that merges prospects ask this
module, so they agree on who is a duplicate. They differ only in how they reach the
candidates: New prospect by indexed SQL lookups as the user types, the import by an index
in memory built from one scan of the prospect table.

Two prospects are likely the same person when they have

- the same email address: :func:`email_key`, the whole address lower-cased;
- the same phone number: :func:`phone_key`, E.164 when the country is known (written with
  it, or read in the phone region of the settings or of the import); without a region, a
  number without a country code is keyed by its digits, so "030 1234567" and
  "030-123 4567" match each other but no number of a known country (a number that cannot
  be read matches nothing);
- or a close name at the same company: the same :func:`company_key` (case, accents,
  punctuation, "and"/"&" and trailing legal forms folded: "Acme Inc." is "ACME") and names
  whose :func:`name_key` (case, accents and punctuation folded, words sorted) scores at
  least :data:`NAME_THRESHOLD` with :func:`name_score`.

The scorer and its threshold were chosen together, on real-looking pairs (see
``tests/test_matching.py``). The score is rapidfuzz's ``ratio`` (an edit
similarity, 0-100) of the two name keys. Sorting the words makes the order irrelevant
("Lopez, Ana" and "Ana López" score 100) while keeping one string comparison per pair,
which rapidfuzz runs in C over all the names at a company (:func:`close_names`): that keeps
the import fast. Scorers that reward a shared part or a shared beginning were rejected:
``token_set_ratio`` rates "Ana" and "Ana López García" 100 (``WRatio`` 90), Jaro-Winkler
rates "Mary Chen" and "Mark Chen" 95.6, so two people at one company become one.

The threshold is 90, not 85: at 85 different people at one company whose names differ
by one letter in a short word count as one ("Mary Chen"/"Mark Chen", "Tom Baker"/"Tim
Baker", "Michael Brown"/"Michelle Brown" all score 88.9), while at 90 one-letter typos and
spelling variants still match ("Jon Smith"/"John Smith" 94.7, "Marco Rosi"/"Marco Rossi"
95.2, "Zoë Müller"/"Zoe Mueller" 95.2 once accents are folded). A false match costs more
than a missed one: the import skips or updates a matched row, whereas a missed duplicate
is one more prospect, still found by its email or phone. Known misses: a changed first
letter that moves a word in the sorted key ("Katherine Jones"/"Catherine Jones"), an
initial ("Emma S."), a second surname ("Ana García López"/"Ana Garcia").

When several prospects match, :func:`ranked` puts the strongest evidence first: the same
email, then the same phone, then a close name (higher score first), and the oldest
prospect on a tie. The import keeps the first one (it is the one an update writes to), and
New prospect lists them in that order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from onboard_desk.domain import contacts

#: The lowest name score (0-100, :func:`name_score`) at which two names count as close.
NAME_THRESHOLD = 90.0

REASON_EMAIL = "same email"
REASON_PHONE = "same phone"
REASON_NAME = "similar name at the same company"

_NON_WORD = re.compile(r"[^\w\s]+|_+")
#: Apostrophes join what they separate ("O'Brien" is "OBrien", "McDonald's" "McDonalds").
_APOSTROPHES = re.compile("['\u2019`]")
#: Words that say what kind of company it is, not which one ("Acme Inc." is "ACME"), when
#: they end its name ("AB InBev" keeps its AB).
LEGAL_FORMS = frozenset(
    {
        "ab",
        "ag",
        "aps",
        "as",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "kk",
        "limited",
        "llc",
        "llp",
        "lp",
        "ltd",
        "nv",
        "oy",
        "plc",
        "pte",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
        "ug",
    }
)
#: How many distinct company and person names keep their key ready (names repeat a lot).
KEY_CACHE_SIZE = 32_768


def email_key(email: str) -> str:
    """The key of an email address: the whole address, lower-cased ("" for none)."""
    return email.strip().lower()


def phone_key(raw: str, region: str | None = None) -> str:
    """The key of a phone number, the form the store keeps beside the number as typed:
    E.164 when its country is known, else its digits; "" when it cannot be read (never
    raises). ``region`` reads numbers written without a country code ("030 1234567" is
    Berlin in DE); without one they are not given a country
    (:func:`onboard_desk.domain.contacts.normalize_phone`)."""
    if not raw.strip():
        return ""
    try:
        return contacts.normalize_phone(raw, region)[1]
    except contacts.ContactError:
        return ""


def _fold(text: str) -> list[str]:
    """Words of ``text`` without case, accents or punctuation (apostrophes join)."""
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text.casefold())).split()


@lru_cache(maxsize=KEY_CACHE_SIZE)
def company_key(company: str) -> str:
    """The key of a company name: case, accents and punctuation folded, "and" dropped,
    single letters joined ("I.B.M." is "ibm") and legal forms at the end removed.

    ``"Acme, Inc."``, ``"ACME"`` and ``"Acme GmbH & Co. KG"`` are all ``"acme"``. A name
    made only of such words keeps them ("Company" stays "company"); "" for no company.
    """
    words = [w for w in _fold(company) if w != "and"]
    joined: list[str] = []
    in_letters = False  # the last word is a run of single letters
    for word in words:
        if len(word) == 1 and in_letters:
            joined[-1] += word
        else:
            joined.append(word)
            in_letters = len(word) == 1
    kept = list(joined)
    while kept and kept[-1] in LEGAL_FORMS:
        kept.pop()
    return " ".join(kept or joined)


@lru_cache(maxsize=KEY_CACHE_SIZE)
def name_key(name: str) -> str:
    """The key of a person's name: case, accents and punctuation folded, words sorted
    (``"Müller, Zoë"`` and ``"zoe MULLER"`` are both ``"muller zoe"``)."""
    return " ".join(sorted(_fold(name)))


def name_score(key: str, other: str) -> float:
    """How alike two name keys are, 0-100 (edit similarity); 0 when either is empty."""
    if not key or not other:
        return 0.0
    return float(fuzz.ratio(key, other))


def name_similarity(name: str, other: str) -> float:
    """:func:`name_score` of two names as written."""
    return name_score(name_key(name), name_key(other))


def is_close(score: float) -> bool:
    """Whether a name score makes two names at one company the same person."""
    return score >= NAME_THRESHOLD


def close_names(key: str, keys: Sequence[str]) -> list[tuple[int, float]]:
    """``(position, score)`` of every key in ``keys`` close to ``key``, in list order.

    One call compares a name with all the names known at a company (in C); the threshold
    is applied as it goes, so names far apart cost little.
    """
    if not key or not keys:
        return []
    found = process.extract(
        key,
        keys,
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=NAME_THRESHOLD,
        limit=None,
    )
    return sorted((int(position), float(score)) for _key, score, position in found)


@dataclass(frozen=True, slots=True)
class Candidate:
    """An existing prospect that may be the same person, and the evidence for it."""

    prospect_id: int
    same_email: bool = False
    same_phone: bool = False
    #: Name score when the name is close at the same company, else 0.
    name_score: float = 0.0

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why it matched, strongest first (for the user to read)."""
        return tuple(
            reason
            for reason, present in (
                (REASON_EMAIL, self.same_email),
                (REASON_PHONE, self.same_phone),
                (REASON_NAME, self.name_score > 0),
            )
            if present
        )

    @property
    def score(self) -> float:
        """100 when the email or phone is the same, else the name score."""
        return 100.0 if self.same_email or self.same_phone else self.name_score


def rank_key(candidate: Candidate) -> tuple[bool, bool, float, int]:
    """Sorts the strongest evidence first: email, phone, name score, then the oldest."""
    return (
        not candidate.same_email,
        not candidate.same_phone,
        -candidate.name_score,
        candidate.prospect_id,
    )


def ranked(
    *,
    email: Iterable[int] = (),
    phone: Iterable[int] = (),
    names: Iterable[tuple[int, float]] = (),
    exclude_id: int | None = None,
) -> list[Candidate]:
    """The candidates found by email, by phone and by name (``(id, score)`` of close
    names), one per prospect with all its evidence, strongest first (see :func:`rank_key`).

    ``exclude_id`` leaves out the prospect being edited.
    """
    emails = set(email)
    phones = set(phone)
    scores: dict[int, float] = {}
    for prospect_id, score in names:
        if is_close(score) and score > scores.get(prospect_id, 0.0):
            scores[prospect_id] = score
    ids = emails | phones | scores.keys()
    if exclude_id is not None:
        ids.discard(exclude_id)
    candidates = [Candidate(i, i in emails, i in phones, scores.get(i, 0.0)) for i in ids]
    candidates.sort(key=rank_key)
    return candidates
