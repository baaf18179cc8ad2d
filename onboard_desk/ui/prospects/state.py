"""What the Prospects screen remembers and how its controls map to a filter.

The filter bar holds plain choices (a stage choice, an owner, a channel, a flag, the search
text, an import batch); :class:`FilterChoices` turns them into the one
:class:`ProspectFilter` the table runs in SQL and back, so the bar, saved views and the
remembered last filter agree on what "open stages" or "any owner" mean. The last filter and
the columns are UI state and live in QSettings; saved views are data and live in the
database (through the settings service).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

from onboard_desk.pipeline import WORKING_STAGES, Flag, Stage
from onboard_desk.services.lists import ProspectFilter
from onboard_desk.services.settings import SavedView

SETTINGS_GROUP = "prospects_view"
#: The stage filter choice that means "every working stage".
OPEN_STAGES = "open"


def ui_settings() -> QSettings:
    """QSettings for UI state: the application's own if it named itself, else ours."""
    if QCoreApplication.organizationName() or QCoreApplication.applicationName():
        return QSettings()
    return QSettings("onboard-desk", "onboard-desk")


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar's controls hold: each None means "any"."""

    #: None (all stages), :data:`OPEN_STAGES`, or one stage's value.
    stage: str | None = None
    owner: str | None = None
    channel: str | None = None
    flag: str | None = None
    search: str = ""
    import_batch_id: int | None = None

    def to_filter(self, *, sort: str = "", descending: bool = False) -> ProspectFilter:
        """The filter these choices ask for, in the given order."""
        if self.stage == OPEN_STAGES:
            stages: tuple[Stage, ...] = WORKING_STAGES
        elif self.stage:
            stages = (Stage(self.stage),)
        else:
            stages = ()
        return ProspectFilter(
            stages=stages,
            owner=self.owner or None,
            channel=self.channel or None,
            flag=Flag(self.flag) if self.flag else None,
            search=self.search.strip(),
            import_batch_id=self.import_batch_id,
            sort=sort,
            descending=descending,
        )

    @classmethod
    def of(cls, flt: ProspectFilter) -> FilterChoices:
        """The choices that show ``flt`` (every working stage reads as "open")."""
        if set(flt.stages) == set(WORKING_STAGES) and len(flt.stages) > 1:
            stage: str | None = OPEN_STAGES
        elif flt.stages:
            stage = flt.stages[0].value
        else:
            stage = None
        return cls(
            stage=stage,
            owner=flt.owner,
            channel=flt.channel,
            flag=flt.flag.value if flt.flag else None,
            search=flt.search,
            import_batch_id=flt.import_batch_id,
        )


def is_everyone(flt: ProspectFilter) -> bool:
    """Whether ``flt`` narrows nothing (whatever its order): "Clear" has nothing to do."""
    return flt == ProspectFilter(sort=flt.sort, descending=flt.descending)


# -- the last filter, for the next start ---------------------------------------------------


def remember_filter(flt: ProspectFilter, view_name: str) -> None:
    """Keep the filter, its sort and the saved view it came from for the next start."""
    state = SavedView.from_filter("", flt).to_json()
    state["view"] = view_name
    ui_settings().setValue(f"{SETTINGS_GROUP}/last_filter", json.dumps(state))


def last_filter() -> tuple[ProspectFilter, str]:
    """The filter remembered last time and the saved view it came from ("" for none);
    anything unreadable reads as everyone."""
    raw = ui_settings().value(f"{SETTINGS_GROUP}/last_filter")
    try:
        data: Any = json.loads(str(raw)) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    view = data.get("view")
    return SavedView.from_json("", data).to_filter(), view if isinstance(view, str) else ""


# -- the columns ---------------------------------------------------------------------------


def save_header(state: QByteArray, columns: list[str]) -> None:
    """Remember the header (order, widths, hidden columns) and the shown columns' keys."""
    settings = ui_settings()
    settings.setValue(f"{SETTINGS_GROUP}/header", state)
    settings.setValue(f"{SETTINGS_GROUP}/columns", columns)
    settings.sync()


def header_state() -> QByteArray | None:
    """The header remembered last time, if any."""
    state = ui_settings().value(f"{SETTINGS_GROUP}/header")
    if isinstance(state, QByteArray) and not state.isEmpty():
        return state
    return None
