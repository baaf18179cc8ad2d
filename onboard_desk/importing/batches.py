"""Committed imports: listing them, and undoing one as a whole.

Undo deletes the prospects the import created (their history and activities go with
them) and puts back the fields it changed on prospects that already existed, from the
values saved in the batch. It runs in one transaction, and a batch can be undone once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from onboard_desk.domain.matching import company_key
from onboard_desk.domain.timeutil import utcnow
from onboard_desk.errors import UserError
from onboard_desk.importing.writer import UPDATE_COLUMNS
from onboard_desk.storage.dialects.sqlite_text import timestamp_param
from onboard_desk.storage.models import ImportBatch


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    deleted: int
    restored: int
    #: Created prospects that had been moved or edited after the import (deleted anyway).
    changed_since: int


def list_batches(session: Session, *, limit: int | None = 50) -> list[ImportBatch]:
    """Imports, newest first."""
    statement = select(ImportBatch).order_by(col(ImportBatch.id).desc())
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.exec(statement))


def undo_batch(engine: Engine, batch_id: int) -> UndoResult:
    """Remove what import ``batch_id`` did, in a transaction of its own; raises UserError if
    it is unknown or undone."""
    with engine.begin() as connection:
        return undo_batch_on(connection, batch_id)


def undo_batch_on(connection: Connection, batch_id: int) -> UndoResult:
    """Remove what import ``batch_id`` did, in the caller's transaction (committing is the
    caller's part); raises UserError, with nothing changed, if it is unknown or undone."""
    row = connection.execute(
        text("SELECT undone_at, undo_data, created_at FROM importbatch WHERE id = :id"),
        {"id": batch_id},
    ).first()
    if row is None:
        raise UserError(f"There is no import with number {batch_id}.")
    if row[0] is not None:
        raise UserError(f"Import {batch_id} was already undone on {str(row[0])[:16]}.")
    try:
        data = json.loads(row[1] or "{}")
    except json.JSONDecodeError:
        raise UserError(f"Import {batch_id} cannot be undone: its record is damaged.") from None
    imported_at = row[2]
    changed = connection.execute(
        text("SELECT count(*) FROM prospect WHERE import_batch_id = :id AND updated_at > :at"),
        {"id": batch_id, "at": imported_at},
    ).scalar()
    deleted = connection.execute(
        text("DELETE FROM prospect WHERE import_batch_id = :id"), {"id": batch_id}
    ).rowcount
    restored = 0
    for prospect_id, old in (data.get("updated") or {}).items():
        values = {c: old[c] for c in old if c in UPDATE_COLUMNS}
        if not values:
            continue
        if "company" in values:
            # Derived, not saved: batches recorded before the key existed undo alike.
            values["company_key"] = company_key(values["company"] or "")
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        restored += connection.execute(
            text(f"UPDATE prospect SET {assignments} WHERE id = :prospect_id"),
            {**values, "prospect_id": int(prospect_id)},
        ).rowcount
    connection.execute(
        text("UPDATE importbatch SET undone_at = :at WHERE id = :id"),
        {"at": timestamp_param(utcnow()), "id": batch_id},
    )
    return UndoResult(batch_id, int(deleted or 0), restored, int(changed or 0))
