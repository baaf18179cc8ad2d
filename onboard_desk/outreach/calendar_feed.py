"""The kept-up-to-date calendar file: its options, and the one function that rewrites it.

The options live in the database's ``setting`` table (not in QSettings) because two front
ends change next actions: the window rewrites the file after its own changes (debounced,
on its thread pool, see ``onboard_desk.ui.outreach.calendar_feed``) and the command line rewrites
it after a command that changed data. Both call :func:`write_feed`, so the file looks the
same whoever wrote it last, and both write atomically (see
:func:`~onboard_desk.outreach.calendar_export.write_atomically`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from onboard_desk.outreach.calendar_export import EventCache, export_calendar
from onboard_desk.storage.settings_store import get_setting, set_setting

#: Setting key: a JSON object with the fields of :class:`FeedOptions`.
FEED_SETTING = "calendar_feed"


@dataclass(frozen=True)
class FeedOptions:
    """Where the kept-up-to-date file lives and what it holds."""

    enabled: bool = False
    path: str = ""
    owner: str = ""
    days: int = 0  # 0: everything

    @classmethod
    def load(cls, session: Session) -> FeedOptions:
        stored = get_setting(session, FEED_SETTING, {}) or {}
        if not isinstance(stored, dict):
            return cls()
        try:
            days = max(0, int(stored.get("days", 0) or 0))
        except (TypeError, ValueError):
            days = 0
        return cls(
            enabled=bool(stored.get("enabled", False)),
            path=str(stored.get("path", "") or ""),
            owner=str(stored.get("owner", "") or ""),
            days=days,
        )

    def save(self, session: Session) -> None:
        set_setting(session, FEED_SETTING, asdict(self))

    @property
    def active(self) -> bool:
        """Whether changes to next actions should rewrite the file."""
        return self.enabled and bool(self.path)

    @property
    def file(self) -> Path:
        return Path(self.path).expanduser()


def write_feed(engine: Engine, options: FeedOptions, *, cache: EventCache | None = None) -> int:
    """Write the file ``options`` names; returns the number of events.

    Raises :class:`~onboard_desk.errors.UserError` when the file cannot be written (the
    old file, if any, is left as it was).
    """
    return export_calendar(
        engine,
        options.file,
        owner=options.owner or None,
        days=options.days or None,
        cache=cache,
    )


@dataclass(frozen=True)
class FeedWritten:
    """What :func:`refresh_feed` wrote."""

    path: Path
    events: int


def refresh_feed(engine: Engine, *, cache: EventCache | None = None) -> FeedWritten | None:
    """Rewrite the kept-up-to-date file if the option is on; None when it is off.

    For front ends that change data without keeping the options in memory (the command
    line). Raises :class:`~onboard_desk.errors.UserError` when the file cannot be written.
    """
    with Session(engine) as session:
        options = FeedOptions.load(session)
    if not options.active:
        return None
    return FeedWritten(options.file, write_feed(engine, options, cache=cache))
