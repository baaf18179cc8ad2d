"""Saved views of the prospect list: a named filter, sort and column choice.

They are kept in the database through :mod:`onboard_desk.storage.settings_store` (one JSON
setting), so a view saved in the window is there on the next start and can be used by
other front ends. Nothing here imports Qt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from onboard_desk.errors import UserError
from onboard_desk.pipeline import Flag, Stage
from onboard_desk.storage.queries import SORT_COLUMNS, ProspectFilter
from onboard_desk.storage.settings_store import get_setting, set_setting

SAVED_VIEWS = "saved_views"
MAX_NAME = 80


class SavedViewError(UserError, ValueError):
    """A view that cannot be saved as asked; the message is for the user."""


@dataclass(frozen=True)
class SavedView:
    """A named list setup: what to show (filter and search), in which order, which columns."""

    name: str
    stages: tuple[Stage, ...] = ()
    owner: str | None = None
    channel: str | None = None
    flag: Flag | None = None
    search: str = ""
    sort: str = ""
    descending: bool = False
    columns: tuple[str, ...] = field(default_factory=tuple)

    def to_filter(self) -> ProspectFilter:
        return ProspectFilter(
            stages=self.stages,
            owner=self.owner,
            channel=self.channel,
            flag=self.flag,
            search=self.search,
            sort=self.sort,
            descending=self.descending,
        )

    @classmethod
    def from_filter(cls, name: str, flt: ProspectFilter, columns: Sequence[str] = ()) -> SavedView:
        return cls(
            name=name,
            stages=flt.stages,
            owner=flt.owner,
            channel=flt.channel,
            flag=flt.flag,
            search=flt.search,
            sort=flt.sort,
            descending=flt.descending,
            columns=tuple(columns),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "stages": [s.value for s in self.stages],
            "owner": self.owner,
            "channel": self.channel,
            "flag": self.flag.value if self.flag else None,
            "search": self.search,
            "sort": self.sort,
            "descending": self.descending,
            "columns": list(self.columns),
        }

    @classmethod
    def from_json(cls, name: str, data: Mapping[str, Any]) -> SavedView:
        """Read a stored view, dropping parts a newer or older version no longer knows."""
        stages = tuple(
            Stage(s) for s in data.get("stages") or () if s in Stage.__members__.values()
        )
        flag_value = str(data.get("flag") or "")
        flag = Flag(flag_value) if flag_value in Flag.__members__.values() else None
        sort = str(data.get("sort") or "")
        if sort not in SORT_COLUMNS and sort != "stage":
            sort = ""
        return cls(
            name=name,
            stages=stages,
            owner=data.get("owner") or None,
            channel=data.get("channel") or None,
            flag=flag,
            search=str(data.get("search") or ""),
            sort=sort,
            descending=bool(data.get("descending")),
            columns=tuple(str(c) for c in data.get("columns") or ()),
        )


def _stored(session: Session) -> dict[str, Any]:
    raw = get_setting(session, SAVED_VIEWS, {})
    return raw if isinstance(raw, dict) else {}


def list_views(session: Session) -> list[SavedView]:
    """Every saved view, by name (case-insensitive)."""
    stored = _stored(session)
    views = [
        SavedView.from_json(name, data) for name, data in stored.items() if isinstance(data, dict)
    ]
    return sorted(views, key=lambda view: view.name.lower())


def get_view(session: Session, name: str) -> SavedView | None:
    data = _stored(session).get(name)
    return SavedView.from_json(name, data) if isinstance(data, dict) else None


def save_view(session: Session, view: SavedView) -> None:
    """Store ``view`` under its name, replacing a view of the same name."""
    name = view.name.strip()
    if not name:
        raise SavedViewError("A saved view needs a name.")
    if len(name) > MAX_NAME:
        raise SavedViewError(f"A view name can be at most {MAX_NAME} characters.")
    stored = _stored(session)
    stored[name] = view.to_json()
    set_setting(session, SAVED_VIEWS, stored)


def delete_view(session: Session, name: str) -> bool:
    """Forget a saved view; False when there was none of that name."""
    stored = _stored(session)
    if name not in stored:
        return False
    del stored[name]
    set_setting(session, SAVED_VIEWS, stored)
    return True
