"""Indexes for the prospect list: sorting by name, last update and value, and the
case-insensitive company lookup the duplicate check uses.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 04:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prospect", schema=None) as batch_op:
        batch_op.create_index("ix_prospect_name", ["name"], unique=False)
        batch_op.create_index("ix_prospect_updated_at", ["updated_at"], unique=False)
        batch_op.create_index("ix_prospect_value", ["value_cents"], unique=False)
    # An expression index: batch mode would rebuild the table for it, so create it directly.
    op.create_index(
        "ix_prospect_company_lower", "prospect", [sa.text("lower(company)")], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_prospect_company_lower", table_name="prospect")
    with op.batch_alter_table("prospect", schema=None) as batch_op:
        batch_op.drop_index("ix_prospect_value")
        batch_op.drop_index("ix_prospect_updated_at")
        batch_op.drop_index("ix_prospect_name")
