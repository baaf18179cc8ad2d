"""The search index folds accents: "muller" finds "Müller", "angstrom" finds "Ångström".

Rebuilds ``prospect_fts`` with the trigram tokenizer's ``remove_diacritics`` option
(:data:`onboard_desk.storage.dialects.sqlite.SEARCH_TOKENIZER`), which SQLite has since
3.45 (the app's driver brings 3.53). The index holds only trigrams: the prospects' text
is not touched. The triggers are dropped and made again with the table; the index is
filled in one pass (about a second per 100,000 prospects).

Revision ID: 0010fold
Revises: 0009
Create Date: 2026-12-07 23:50:00
"""

from __future__ import annotations

from alembic import op

from onboard_desk.storage.dialects import sqlite as sqlite_specific

revision = "0010fold"
down_revision = "0009"
branch_labels = None
depends_on = None

#: The index as revision 0001 made it (case folded, accents kept), for the downgrade.
_ACCENT_SENSITIVE_INDEX = (
    "CREATE VIRTUAL TABLE prospect_fts USING fts5("
    "name, company, email, notes, content='prospect', content_rowid='id', "
    "tokenize='trigram')"
)


def _rebuild(create_index: str) -> None:
    for statement in sqlite_specific.DROP_SEARCH_INDEX_DDL:
        op.execute(statement)
    op.execute(create_index)
    for statement in sqlite_specific.SEARCH_INDEX_DDL[1:]:  # the triggers
        op.execute(statement)
    op.execute("INSERT INTO prospect_fts(prospect_fts) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(sqlite_specific.SEARCH_INDEX_DDL[0])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(_ACCENT_SENSITIVE_INDEX)
