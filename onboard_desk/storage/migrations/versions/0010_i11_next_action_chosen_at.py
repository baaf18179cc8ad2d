"""When a person chose the prospect's next action, so a proposal does not overwrite it.

Adds ``prospect.next_action_chosen_at``: the time someone set the next action themselves
(the card, the command line's ``next``, a scheduled call, a done action's follow-up);
NULL when the app proposed it, an import wrote it, or nobody knows. A move, a sent email
or a logged contact within a few minutes of that time offers its proposal instead of
replacing the chosen action (:func:`onboard_desk.pipeline.proposal_may_replace`).
Existing rows start with NULL: nothing is known about who chose them.

Revision ID: 0010_i11
Revises: 0010fold
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_i11"
down_revision = "0010fold"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("prospect", sa.Column("next_action_chosen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (the search triggers on the table stay).
    op.execute("ALTER TABLE prospect DROP COLUMN next_action_chosen_at")
