"""Phone numbers for import: E.164 taken as it is, anything else parsed once and cached.

``phonenumbers`` costs about 18 microseconds a number here; CRM exports increasingly
write E.164 (``+14155550100``), which needs no parsing: its key is itself. Other texts
are parsed with :mod:`onboard_desk.domain.contacts` rules and the result is cached, since lists
repeat switchboard numbers. Without a region (none in the settings, none for the file), a
number without a country code is kept as written, as New prospect keeps it. A number that
cannot be read is kept as typed, with no duplicate key, rather than losing the row.
"""

from __future__ import annotations

import re

from onboard_desk.domain import contacts

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
#: Parsed numbers kept; bounded so a huge file does not grow the cache without end.
CACHE_SIZE = 10_000


class PhoneNormalizer:
    """``(display, key)`` for phone texts of one import (one region, one cache)."""

    def __init__(self, region: str | None = None) -> None:
        #: None: numbers without a country code are kept as written (keyed by digits).
        self.region = region.upper() if region else None
        self._cache: dict[str, tuple[str, str]] = {}

    def __call__(self, raw: str) -> tuple[str, str]:
        text = raw.strip()
        if not text:
            return "", ""
        if _E164.fullmatch(text):
            return text, text
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        try:
            result = contacts.normalize_phone(text, self.region)
        except contacts.ContactError:
            result = (text[:64], "")
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[text] = result
        return result
