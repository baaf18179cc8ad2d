"""Dates as exports write them: ISO, LinkedIn's "15 Mar 2024", US and European forms.

Each date column keeps the format that last worked and tries it first, so a column is
read consistently and fast. Day-first and month-first slashes are ambiguous; the first
form that reads a column's value wins, so "13/02/2024" early in a column settles it
as day-first. Times without a zone are local time; a date alone means midnight.
"""

from __future__ import annotations

from datetime import datetime

from onboard_desk.domain.timeutil import as_utc

#: Dates read, kept per column (exports repeat dates; bounded for huge files).
CACHE_SIZE = 20_000

FORMATS: tuple[str, ...] = (
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%m/%d/%y",
    "%d.%m.%y",
    "%Y/%m/%d",
)


class DateReader:
    """Reads the values of one column; remembers the format that worked last."""

    def __init__(self) -> None:
        self._last: str | None = None
        self._seen: dict[str, datetime] = {}

    def __call__(self, raw: str) -> datetime:
        """An aware UTC datetime; raises ValueError when the text is not a date."""
        seen = self._seen.get(raw)
        if seen is not None:
            return seen
        moment = self._read(" ".join(raw.split()))
        if len(self._seen) >= CACHE_SIZE:
            self._seen.clear()
        self._seen[raw] = moment
        return moment

    def _read(self, text: str) -> datetime:
        try:
            return as_utc(datetime.fromisoformat(text))
        except ValueError:
            pass
        if self._last is not None:
            try:
                return as_utc(datetime.strptime(text, self._last))
            except ValueError:
                pass
        for fmt in FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
            except ValueError:
                continue
            self._last = fmt
            return as_utc(moment)
        raise ValueError(text)
