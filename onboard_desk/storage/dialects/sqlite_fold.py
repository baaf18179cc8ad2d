"""Text matched with accents and case folded, outside the search index (SQLite's GLOB).

Part of the SQLite-only layer (see :mod:`onboard_desk.storage.dialects.sqlite`, which
re-exports it). Words shorter than a trigram ("mu" of "zoe mu") and tags are matched by
GLOB, whose pattern gives each letter a class of every letter that folds to it ("u" is
``[uUúÚüÜ…]``). GLOB runs in SQLite's C code, as fast as LIKE; the folding is worked out
once per search word, never per row. Letters outside these tables match as typed, in
either case. Plain Python, without SQLAlchemy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

#: Unicode blocks whose accented letters fold to a base letter: Latin (Latin-1,
#: Extended-A and B, Extended Additional), Greek (with its extended block) and Cyrillic.
_FOLDED_BLOCKS = (
    (0x00C0, 0x0250),
    (0x1E00, 0x1F00),
    (0x0370, 0x0400),
    (0x1F00, 0x2000),
    (0x0400, 0x0500),
)


def fold_text(text: str) -> str:
    """``text`` with accents removed and case folded ("Zoë" -> "zoe"), as the search
    index compares it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _fold_classes() -> dict[str, frozenset[str]]:
    """Every letter of :data:`_FOLDED_BLOCKS` (and ASCII) under the one letter it folds to."""
    classes: dict[str, set[str]] = {}
    code_points = [*range(0x20, 0x7F)]
    for start, end in _FOLDED_BLOCKS:
        code_points.extend(range(start, end))
    for code_point in code_points:
        char = chr(code_point)
        folded = fold_text(char)
        if len(folded) == 1 and folded.isalnum():
            classes.setdefault(folded, {folded}).update({char, char.lower(), char.upper()})
    return {base: frozenset(c for c in chars if len(c) == 1) for base, chars in classes.items()}


_CLASSES: dict[str, frozenset[str]] | None = None


def _glob_class(char: str) -> str:
    """A GLOB character class matching ``char`` and every letter that folds as it does."""
    global _CLASSES  # built on the first search, not at import  # noqa: PLW0603
    if _CLASSES is None:
        _CLASSES = _fold_classes()
    folded = fold_text(char)
    members = set(_CLASSES.get(folded, ())) if len(folded) == 1 else set()
    members.update(c for c in (char, char.lower(), char.upper()) if len(c) == 1)
    if members == {"^"}:
        return "^"  # outside a class "^" is an ordinary character ("[^]" is no class)
    # In a class "]" must come first, "-" last, and "^" anywhere but first.
    ordered = sorted(members - {"]", "-", "^"})
    head = "]" if "]" in members else ""
    tail = ("^" if "^" in members else "") + ("-" if "-" in members else "")
    return "[" + head + "".join(ordered) + tail + "]"


def folded_pattern(parts: Sequence[str | None]) -> str:
    """The GLOB pattern for ``parts``: text to match with accents and case folded, and
    None for any run of characters (GLOB's ``*``)."""
    return "".join(
        "*"
        if part is None
        else "".join(map(_glob_class, unicodedata.normalize("NFC", part).replace("\x00", "")))
        for part in parts
    )


def folded_match(expression: str, pattern: str) -> str:
    """SQL: the text ``expression`` matches ``pattern`` (a :func:`folded_pattern` value)."""
    return f"({expression} GLOB {pattern})"
