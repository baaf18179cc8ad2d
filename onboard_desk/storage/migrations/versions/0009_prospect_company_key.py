"""The company key of each prospect, indexed: what the duplicate check looks up.

Adds ``prospect.company_key`` (:func:`onboard_desk.domain.matching.company_key`: case,
accents, punctuation and trailing legal forms folded, so "Acme Inc." is "ACME"), fills
it for the prospects already there, and indexes it as ``ix_prospect_company_key``. New
prospect then finds the people at the same company with one indexed lookup, and the
import reads the same keys in its one scan of the table, so both compare names within
the same companies. Every writer keeps the key in step with the company from here on.

The key is computed in Python (the folding has no SQL equivalent), once per distinct
company name.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onboard_desk.domain.matching import company_key


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEX = "ix_prospect_company_key"


def upgrade() -> None:
    op.add_column(
        "prospect",
        sa.Column("company_key", sa.String(length=200), nullable=False, server_default=""),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, company FROM prospect WHERE company <> ''")).all()
    keys: dict[str, str] = {}
    updates = []
    for prospect_id, company in rows:
        key = keys.get(company)
        if key is None:
            key = keys[company] = company_key(company)
        if key:
            updates.append({"key": key, "id": prospect_id})
    if updates:
        bind.execute(sa.text("UPDATE prospect SET company_key = :key WHERE id = :id"), updates)
    # Built after the keys are in: one sort instead of an index update per row.
    op.create_index(INDEX, "prospect", ["company_key"])
    op.execute("ANALYZE prospect")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="prospect")
    # SQLite drops a column in place (the search triggers on the table stay).
    op.execute("ALTER TABLE prospect DROP COLUMN company_key")
