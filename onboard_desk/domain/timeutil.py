"""Time conventions: aware UTC datetimes in the program and the database, local at the edges.

SQLModel stores aware datetimes as UTC (SQLite keeps them as UTC text, which also sorts
and compares correctly in SQL). Everything the user types or reads passes through
:func:`to_local` / :func:`parse_user_datetime`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def utcnow() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive input is taken as local wall-clock time."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC)


def to_local(stored: datetime) -> datetime:
    """A stored datetime as an aware local datetime, for display."""
    return as_utc(stored).astimezone()


def format_local(stored: datetime | None, *, with_time: bool = True) -> str:
    """A short local representation for tables and the command line ("" for None)."""
    if stored is None:
        return ""
    local = to_local(stored)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


#: The time of day a date-only due date means ("call them on Tuesday" = Tuesday morning).
DEFAULT_DUE_TIME = time(9, 0)


def parse_user_datetime(text: str) -> datetime:
    """Parse what a user types for a due date: ``2026-12-01``, ``2026-12-01 14:30``,
    ``2026-12-01T14:30``, ``today``, ``tomorrow`` or ``+3d`` (local time). Returns aware UTC.

    Raises ValueError with a message a user understands.
    """
    raw = text.strip()
    lowered = raw.lower()
    today = date.today()
    if lowered in ("today", "tomorrow"):
        day = today if lowered == "today" else today + timedelta(days=1)
        return as_utc(datetime.combine(day, DEFAULT_DUE_TIME))
    if lowered.startswith("+") and lowered.endswith("d") and lowered[1:-1].isdigit():
        day = today + timedelta(days=int(lowered[1:-1]))
        return as_utc(datetime.combine(day, DEFAULT_DUE_TIME))
    try:
        if len(raw) == 10:
            return as_utc(datetime.combine(date.fromisoformat(raw), DEFAULT_DUE_TIME))
        return as_utc(datetime.fromisoformat(raw.replace(" ", "T", 1)))
    except ValueError:
        raise ValueError(
            f"Cannot read {text!r} as a date. Use YYYY-MM-DD, YYYY-MM-DD HH:MM, "
            "today, tomorrow or +Nd."
        ) from None
