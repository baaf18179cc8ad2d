"""Alembic migrations. The revision list is duplicated here (checked by a test) so that an
up-to-date database can be recognised without importing Alembic at start-up."""

from __future__ import annotations

#: Every revision this version knows, oldest first.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010fold",
    "0010_i11",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]
