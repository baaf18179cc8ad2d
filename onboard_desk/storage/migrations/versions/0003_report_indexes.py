"""Covering indexes for the pipeline reports.

Each index holds every column one report statement reads, so the statement scans a
narrow index in the order it groups by instead of the wide rows: the stage history per
prospect (funnel, durations), moves per day and person (trend, owners), activities per
person and prospect (owners), open prospects per stage (forecast, attention), and
prospects by creation time (the cohort).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

from alembic import op


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_stagechange_report_history", "stagechange", ["prospect_id", "to_stage", "from_stage", "at"]),
    ("ix_stagechange_report_day", "stagechange", ["at", "by", "kind", "to_stage"]),
    ("ix_activity_report", "activity", ["status", "by", "prospect_id", "occurred_at"]),
    ("ix_prospect_report_open", "prospect", ["stage", "owner", "next_action_due", "stage_entered_at", "value_cents"]),
    ("ix_prospect_report_cohort", "prospect", ["created_at", "owner"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.execute("ANALYZE")


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
