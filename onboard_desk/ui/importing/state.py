"""What the import wizard's pages decide, and reading a file's header for them.

Qt-free: the pages fill a :class:`WizardState` and the later pages read it; the file's
header and first rows are read off the GUI thread with :func:`inspect_file`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onboard_desk.importing.sources import open_table
from onboard_desk.importing.sources.text import describe_encoding
from onboard_desk.pipeline import Channel, Stage
from onboard_desk.services.importing import (
    ColumnMapping,
    DuplicateAction,
    ImportOptions,
    ImportResult,
)

#: Data rows read for the mapping page's sample column.
SAMPLE_ROWS = 5


@dataclass
class FileInfo:
    """What inspecting a file found: enough to fill the mapping page."""

    headers: list[str]
    sample_rows: list[list[str]]
    sheets: list[str]
    sheet: str
    description: str


def inspect_file(path: Path, sheet: str | None) -> FileInfo:
    """Open ``path`` and read its header and first rows (off the GUI thread)."""
    with open_table(path, sheet=sheet) as table:
        sample = []
        for _line, cells in table.rows:
            sample.append(cells)
            if len(sample) >= SAMPLE_ROWS:
                break
        parts = [table.file_format.upper()]
        if table.encoding:
            parts.append(describe_encoding(table.encoding))
        names = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}
        if table.delimiter:
            parts.append(f"separated by {names.get(table.delimiter, table.delimiter)}")
        if table.sheet:
            parts.append(f"sheet “{table.sheet}”")
        description = f"{', '.join(parts)}; {len(table.headers)} columns"
        return FileInfo(list(table.headers), sample, list(table.sheets), table.sheet, description)


@dataclass
class WizardState:
    """Everything the pages decide, read by the pages after them."""

    path: Path | None = None
    sheet: str | None = None
    headers: list[str] = field(default_factory=list)
    sample_rows: list[list[str]] = field(default_factory=list)
    mapping: ColumnMapping | None = None
    mapping_for: list[str] = field(default_factory=list)
    channel: Channel | None = None
    owner: str | None = None
    tags: str = ""
    stage: Stage = Stage.OUTREACH
    #: Region of the file's numbers without a country code (None: the database's; "": keep
    #: them as written).
    region: str | None = None
    on_duplicate: DuplicateAction = DuplicateAction.SKIP
    row_actions: dict[int, DuplicateAction] = field(default_factory=dict)
    dry_run: Any = None
    result: ImportResult | None = None

    def options(self, *, dry_run: bool = False) -> ImportOptions:
        """The import's options, as the user chose them (the import service adds what
        the database gives: currency, pipeline rules, phone region); a dry run skips every
        duplicate so the choices can be counted afterwards without running it again."""
        return ImportOptions(
            mapping=self.mapping,
            channel=self.channel,
            owner=self.owner,
            tags=self.tags,
            stage=self.stage,
            on_duplicate=DuplicateAction.SKIP if dry_run else self.on_duplicate,
            row_actions={} if dry_run else dict(self.row_actions),
            sheet=self.sheet,
            region=self.region,
        )
