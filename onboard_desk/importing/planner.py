"""Deciding what happens to each row: reject it, or create, update or skip a prospect.

The planner reads the file, validates each row and matches it against the duplicate
index, and hands out its decisions in chunks. It writes nothing, so it can run in this
process or, for large files, in a worker process beside the one writing to the database
(see :mod:`.worker`): the two then work at the same time. New prospects get their ids
here, in order from the first free id, so both sides agree on them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from onboard_desk.importing.duplicates import DuplicateAction, DuplicateIndex, Match
from onboard_desk.importing.sources.base import Table
from onboard_desk.importing.validation import CleanRow, RowRejectedError, RowValidator

#: Rows per chunk: how often progress is reported, a cancel noticed and rows written.
CHUNK_ROWS = 2_000


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one row of the file."""

    line: int
    #: create | update | skip | reject
    outcome: str
    row: CleanRow | None = None
    match: Match | None = None
    action: DuplicateAction | None = None
    #: The new prospect's id (create) or the one to update.
    prospect_id: int | None = None
    reason: str = ""
    cells: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Chunk:
    """Decisions for consecutive rows, and how far through the file reading is."""

    decisions: list[Decision]
    progress: float
    rows_read: int
    ragged_rows: int


def plan(
    table: Table,
    validator: RowValidator,
    index: DuplicateIndex,
    *,
    first_new_id: int,
    on_duplicate: DuplicateAction,
    row_actions: Mapping[int, DuplicateAction],
) -> Iterator[Chunk]:
    """Decide every row of ``table``, ``CHUNK_ROWS`` rows at a time."""
    next_id = first_new_id
    find, add, validate = index.find, index.add, validator.validate
    decisions: list[Decision] = []
    rows_read = 0
    for line, cells in table.rows:
        rows_read += 1
        if not cells:
            reason = table.unreadable.pop(line, "this row cannot be read")
            decisions.append(Decision(line, "reject", reason=reason))
        else:
            try:
                row = validate(cells)
            except RowRejectedError as exc:
                decisions.append(Decision(line, "reject", reason=str(exc), cells=tuple(cells)))
            else:
                match = find(row.email_key, row.phone_key, row.company, row.name)
                action = None if match is None else row_actions.get(line, on_duplicate)
                if action is DuplicateAction.SKIP:
                    decisions.append(Decision(line, "skip", row, match, action))
                elif action is DuplicateAction.UPDATE:
                    assert match is not None
                    target = match.prospect_id
                    decisions.append(Decision(line, "update", row, match, action, target))
                    add(target, row.email_key, row.phone_key, row.company, row.name)
                else:
                    decisions.append(Decision(line, "create", row, match, action, next_id))
                    add(next_id, row.email_key, row.phone_key, row.company, row.name, line=line)
                    next_id += 1
        if len(decisions) >= CHUNK_ROWS:
            yield Chunk(decisions, table.progress(), rows_read, table.ragged_rows)
            decisions = []
    yield Chunk(decisions, 1.0, rows_read, table.ragged_rows)
