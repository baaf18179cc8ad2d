"""Deciding what happens to each row, and building the rows to write.

The planner reads the file, validates each row, matches it against the duplicate index,
and hands out chunks ready to write: prospect rows for ``executemany``, updates, and the
rejected rows, duplicates and preview rows to report. It writes nothing, so it runs in
this process or, for large files, in a worker process beside the one writing to the
database (see :mod:`.worker`), and the two then work at the same time. New prospects get
their ids here, in order from the first free id, so both sides agree on them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from onboard_desk.importing.duplicates import DuplicateAction, DuplicateIndex
from onboard_desk.importing.results import (
    KEEP_DUPLICATES,
    Duplicate,
    PreviewRow,
    Reject,
)
from onboard_desk.importing.rows import RowBuilder
from onboard_desk.importing.sources.base import Table
from onboard_desk.importing.validation import CleanRow, RowRejectedError, RowValidator

#: Rows per chunk: how often progress is reported, a cancel noticed and rows written.
CHUNK_ROWS = 2_000


@dataclass(slots=True)
class Chunk:
    """The outcome of consecutive rows of the file."""

    #: Prospect rows to insert, in :data:`~.rows.PROSPECT_COLUMNS` order.
    inserts: list[tuple[Any, ...]] = field(default_factory=list)
    #: (prospect id, values) of rows that update a prospect.
    updates: list[tuple[int, CleanRow]] = field(default_factory=list)
    #: (new prospect id, referral code) of created rows that came with a code.
    referrals: list[tuple[int, str]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    #: The duplicates found (details of the first KEEP_DUPLICATES of the file only).
    duplicates: list[Duplicate] = field(default_factory=list)
    duplicate_count: int = 0
    preview: list[PreviewRow] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    skipped: int = 0
    progress: float = 0.0
    rows_read: int = 0
    ragged_rows: int = 0


def plan(
    table: Table,
    validator: RowValidator,
    index: DuplicateIndex,
    builder: RowBuilder,
    *,
    first_new_id: int,
    on_duplicate: DuplicateAction,
    row_actions: Mapping[int, DuplicateAction],
    preview_rows: int = 0,
    build_rows: bool = True,
) -> Iterator[Chunk]:
    """Decide every row of ``table``, ``CHUNK_ROWS`` rows at a time.

    ``build_rows=False`` (a dry run) decides and counts without building insert rows.
    """
    next_id = first_new_id
    find, add, validate = index.find, index.add, validator.validate
    prospect_tuple = builder.prospect_tuple
    chunk = Chunk()
    rows_read = in_chunk = duplicates_kept = previewed = 0
    for line, cells in table.rows:
        rows_read += 1
        in_chunk += 1
        outcome = "reject"
        row: CleanRow | None = None
        reason = ""
        if not cells:
            reason = table.unreadable.pop(line, "this row cannot be read")
        else:
            try:
                row = validate(cells)
            except RowRejectedError as exc:
                reason = str(exc)
        if row is None:
            chunk.rejects.append(Reject(line, reason, tuple(cells)))
        else:
            match = find(row.email_key, row.phone_key, row.company_key, row.name)
            if match is None:
                outcome = "create"
            else:
                action = row_actions.get(line, on_duplicate)
                outcome = action.value
                chunk.duplicate_count += 1
                if duplicates_kept < KEEP_DUPLICATES:
                    duplicates_kept += 1
                    chunk.duplicates.append(
                        Duplicate(line, row.name, row.email, row.company, match, action)
                    )
            if outcome == "create":
                if build_rows:
                    chunk.inserts.append(prospect_tuple(next_id, row))
                    if row.referral_code:
                        chunk.referrals.append((next_id, row.referral_code))
                add(next_id, row.email_key, row.phone_key, row.company_key, row.name, line=line)
                next_id += 1
                chunk.created += 1
            elif outcome == "update":
                assert match is not None
                chunk.updates.append((match.prospect_id, row))
                add(match.prospect_id, row.email_key, row.phone_key, row.company_key, row.name)
                chunk.updated += 1
            else:
                chunk.skipped += 1
        if previewed < preview_rows:
            previewed += 1
            values = builder.preview(row) if row is not None else {}
            chunk.preview.append(PreviewRow(line, outcome, values, reason))
        if in_chunk >= CHUNK_ROWS:
            chunk.progress, chunk.rows_read = table.progress(), rows_read
            chunk.ragged_rows = table.ragged_rows
            yield chunk
            chunk, in_chunk = Chunk(), 0
    chunk.progress, chunk.rows_read, chunk.ragged_rows = 1.0, rows_read, table.ragged_rows
    yield chunk
