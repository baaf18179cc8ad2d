"""Referral codes: short, unique, easy to read aloud and to type from a printed card.

A code is :data:`CODE_LENGTH` characters from :data:`ALPHABET`, which leaves out the
characters people confuse (``0``/``O``, ``1``/``I``/``L``); 31 characters to the power
of 8 is about 850 billion codes, so collisions are rare and simply drawn again.
What people type is read leniently (:func:`normalize_code`): case, accents, spaces and
dashes do not matter, nor full-width letters from an East Asian keyboard. Plain Python:
the import's planning process uses it without a database.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Container

from onboard_desk.errors import UserError

#: Upper-case letters and digits without 0, 1, I, L and O.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_ALLOWED = frozenset(ALPHABET)
#: Dashes people (and word processors) put between the two halves of a code.
_DASHES = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"))
#: Unpredictable choices from the system's source (``secrets`` would do the same, but it
#: loads OpenSSL, a few megabytes that the import's processes need not carry).
_SYSTEM = random.SystemRandom()


class ReferralCodeError(UserError, ValueError):
    """Text that cannot be a referral code; the message says why."""


def new_code(choice: Callable[[str], str] = _SYSTEM.choice) -> str:
    """A fresh random code (``choice`` picks one character; a seeded generator's
    ``choice`` gives reproducible demo data)."""
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def unique_code(taken: Container[str], rng: random.Random | None = None) -> str:
    """A code not in ``taken`` (drawn again on the rare collision)."""
    choice = rng.choice if rng is not None else _SYSTEM.choice
    while True:
        code = new_code(choice)
        if code not in taken:
            return code


def normalize_code(text: str) -> str:
    """The stored form of a typed code ("abcd-éfgh " -> "ABCDEFGH"), or ReferralCodeError.

    Compatibility decomposition turns full-width letters into plain ones and splits
    accents off their letters, which are then dropped: a code is plain letters and digits.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    code = "".join(plain.split()).translate(_DASHES).upper()
    if not code:
        raise ReferralCodeError("The referral code is empty.")
    if len(code) != CODE_LENGTH or not set(code) <= _ALLOWED:
        raise ReferralCodeError(
            f"{text.strip()!r} is not a referral code: codes are {CODE_LENGTH} letters and "
            "digits (without 0, 1, I, L or O)."
        )
    return code


def display_code(code: str) -> str:
    """A code as printed for people: two groups of four ("ABCD-EFGH")."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == CODE_LENGTH else code
