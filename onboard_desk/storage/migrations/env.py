"""Alembic environment: runs on the connection handed over by
:func:`onboard_desk.storage.db.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import onboard_desk.storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used from the alembic command line
    from onboard_desk.storage.db import make_engine, resolve_db_path

    connection = make_engine(resolve_db_path()).connect()

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
)
with context.begin_transaction():
    context.run_migrations()
