"""Ticks on the stage checklists: which item of which stage, on which prospect, by whom, when.

Adds the table ``checklisttick``: one row per ticked item (none for an unticked one),
deleted with its prospect (``ON DELETE CASCADE``), with a unique index on (prospect,
stage, item) that both forbids a second tick of the same item and finds a prospect's
ticks (and the rows the cascade deletes) without a scan.

Nothing is added to the prospect table or its triggers: creating a prospect, one by one
or thousands in an import, writes nothing here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checklisttick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("item", sa.String(), nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["prospect_id"], ["prospect.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_checklisttick_prospect_item",
        "checklisttick",
        ["prospect_id", "stage", "item"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ix_checklisttick_prospect_item", table_name="checklisttick")
    op.drop_table("checklisttick")
