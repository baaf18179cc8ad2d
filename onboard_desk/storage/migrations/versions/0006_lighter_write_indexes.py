"""Indexes that cost less to write: what an import of many new prospects pays for.

Every index is written again for each new prospect, so this removes what no query needs
and narrows what only some rows need:

- The eight duration indexes of ``prospectjourney`` become partial (``WHERE days_x IS
  NOT NULL``). The report reads durations only where they exist, and a new prospect has
  none yet, so a new prospect's journey no longer touches them.
- ``ix_prospect_owner_stage`` goes: a filter on owner and stage reads the (stage, owner)
  front of ``ix_prospect_report_open``, a filter on owner alone the front of
  ``ix_prospect_report_groups``.
- ``ix_prospect_company_name`` goes: the list sorts companies case-insensitively, in
  the order of ``ix_prospect_company_lower``, which the duplicate check already needs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

from alembic import op

from onboard_desk.storage import journey


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DROPPED = (
    ("ix_prospect_owner_stage", ["owner", "stage"]),
    ("ix_prospect_company_name", ["company", "name"]),
)


def upgrade() -> None:
    for name, _columns in DROPPED:
        op.drop_index(name, table_name="prospect")
    for name, columns in journey.INDEXES:
        op.drop_index(name, table_name=journey.TABLE)
        op.execute(journey.index_ddl(name, journey.TABLE, columns))
    op.execute(f"ANALYZE {journey.TABLE}")
    op.execute("ANALYZE prospect")


def downgrade() -> None:
    for name, columns in journey.INDEXES:
        op.drop_index(name, table_name=journey.TABLE)
        op.create_index(name, journey.TABLE, list(columns))
    for name, columns in DROPPED:
        op.create_index(name, "prospect", columns)
