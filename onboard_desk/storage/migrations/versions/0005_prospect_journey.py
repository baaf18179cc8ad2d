"""Each prospect's journey (furthest stage, completed days per stage), kept by triggers.

Adds the table ``prospectjourney`` (with an index per duration, values in order beside the
cohort's columns) and the column ``prospect.furthest_stage`` (a copy of
the journey's furthest stage), backfills both from the stage history, installs the
triggers that keep it in step with every later change to the history, and an index on
prospects in the order the report groups them (owner, channel, stage, lost reason,
furthest stage) that also holds the creation time and value, so the report's cohort is
one index scan with no sorting; and an index on moves by person and time, for the moves
each person made.

Chained after 0003 (the report indexes) on this line of revisions.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onboard_desk.storage import journey
from onboard_desk.storage.dialects import sqlite as sqlite_specific


revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = (
    (
        "ix_prospect_report_groups",
        "prospect",
        ["owner", "channel", "stage", "lost_reason", "furthest_stage", "created_at", "value_cents"],
    ),
    ("ix_stagechange_report_person", "stagechange", ["by", "at", "kind"]),
    *((name, "prospectjourney", list(columns)) for name, columns in journey.INDEXES),
)


def upgrade() -> None:
    op.add_column(
        "prospect", sa.Column("furthest_stage", sa.Integer(), nullable=False, server_default="-1")
    )
    op.create_table(
        "prospectjourney",
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("furthest", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in journey.DURATION_COLUMNS),
        sa.ForeignKeyConstraint(["prospect_id"], ["prospect.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("prospect_id"),
    )
    for statement in (*journey.rebuild_sql(), *journey.triggers_ddl()):
        op.execute(statement)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.execute("ANALYZE")


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        if table != "prospectjourney":
            op.drop_index(name, table_name=table)
    for statement in sqlite_specific.DROP_JOURNEY_TRIGGERS_DDL:
        op.execute(statement)
    op.drop_table("prospectjourney")
    # SQLite drops a column in place (the search triggers on the table stay).
    op.execute("ALTER TABLE prospect DROP COLUMN furthest_stage")
