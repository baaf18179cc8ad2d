"""The choices that apply to one whole import (the wizard's and the command line's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from onboard_desk.importing.duplicates import DuplicateAction
from onboard_desk.importing.fields import Field
from onboard_desk.pipeline import Channel, PipelineConfig, Stage


@dataclass(frozen=True)
class ImportOptions:
    """Choices that apply to a whole import (the wizard's and the command line's options)."""

    mapping: Mapping[str, Field] | None = None
    #: Channel and owner for every row; None takes a mapped column's value, else
    #: "other" and the importing user.
    channel: Channel | None = None
    owner: str | None = None
    tags: str = ""
    stage: Stage = Stage.OUTREACH
    on_duplicate: DuplicateAction = DuplicateAction.SKIP
    #: Per-row choices by file line number; rows not listed follow ``on_duplicate``.
    row_actions: Mapping[int, DuplicateAction] = field(default_factory=dict)
    sheet: str | None = None
    #: Region of phone numbers written without a country code: None takes the database's,
    #: "" keeps them as written.
    region: str | None = None
    currency: str = "USD"
    config: PipelineConfig = field(default_factory=PipelineConfig)
    #: How many next actions the day of the stage's proposal already holds: the import's
    #: proposals take the slots after them (filled in by the import service).
    first_slot: int = 0
