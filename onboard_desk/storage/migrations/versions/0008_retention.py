"""Keeping customers: purchases, survey answers, referral codes and referrals.

Adds four tables, each deleted with its prospect (``ON DELETE CASCADE``) and indexed on
the prospect (which the cascade needs) and on the time a period is chosen by:

- ``purchase``: a customer's purchases (amount in minor units, currency, note); the one a
  win records names that win's stage change, so undoing the win removes it.
- ``surveyanswer``: 0-10 survey scores with a comment (a CHECK keeps them in range).
- ``referralcode``: one unique code per customer, issued at the first win and kept.
- ``referral``: referrer -> referred (unique per referred prospect), with the referrer's
  credit and the friend's discount and their statuses.

And on ``activity`` a small partial index, ``ix_activity_customer`` (prospect, time,
kind) of the done activities logged while the prospect was a customer: what the
engagement score and the contact cap read, without touching the million other
activities. Only activities logged on customers are written to it.

Databases with customers already get what the app now writes at a win: a referral code
for every prospect that was ever won, and a purchase of its deal value for every win in
its history. Nothing is added to the prospect table or its triggers: creating and
importing prospects writes nothing here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onboard_desk.domain.referral_codes import unique_code
from onboard_desk.storage.dialects.sqlite_text import timestamp_param
from onboard_desk.domain.timeutil import utcnow


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_purchase_prospect_at", "purchase", ["prospect_id", "purchased_at"], False),
    ("ix_purchase_at", "purchase", ["purchased_at"], False),
    ("ix_surveyanswer_prospect_at", "surveyanswer", ["prospect_id", "answered_at"], False),
    ("ix_surveyanswer_at", "surveyanswer", ["answered_at"], False),
    ("ix_referralcode_code", "referralcode", ["code"], True),
    ("ix_referral_referred", "referral", ["referred_id"], True),
    ("ix_referral_referrer", "referral", ["referrer_id"], False),
    ("ix_referral_created_at", "referral", ["created_at"], False),
    ("ix_referral_converted_at", "referral", ["converted_at"], False),
)


def _prospect_key() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["prospect_id"], ["prospect.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "purchase",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("purchased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("stage_change_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        _prospect_key(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "surveyanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 10", name="ck_surveyanswer_score"),
        _prospect_key(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "referralcode",
        sa.Column("prospect_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        _prospect_key(),
        sa.PrimaryKeyConstraint("prospect_id"),
    )
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("referred_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("win_change_id", sa.Integer(), nullable=True),
        sa.Column("credit_cents", sa.Integer(), nullable=False),
        sa.Column("credit_currency", sa.String(length=3), nullable=False),
        sa.Column("credit_status", sa.String(length=16), nullable=False),
        sa.Column("discount_percent", sa.Float(), nullable=False),
        sa.Column("discount_status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["referrer_id"], ["prospect.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["referred_id"], ["prospect.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    for name, table, columns, unique in INDEXES:
        op.create_index(name, table, columns, unique=unique)
    op.create_index(
        "ix_activity_customer",
        "activity",
        ["prospect_id", "occurred_at", "kind"],
        sqlite_where=sa.text("stage = 'won' AND status = 'done'"),
        postgresql_where=sa.text("stage = 'won' AND status = 'done'"),
    )
    _backfill()


def _backfill() -> None:
    """Codes for every prospect ever won, and a purchase for every win in the history."""
    bind = op.get_bind()
    won = [
        row[0]
        for row in bind.execute(
            sa.text(
                "SELECT DISTINCT prospect_id FROM stagechange WHERE to_stage = 'won' "
                "ORDER BY prospect_id"
            )
        )
    ]
    if not won:
        return
    taken: set[str] = set()
    issued = timestamp_param(utcnow())
    rows = []
    for prospect_id in won:
        code = unique_code(taken)
        taken.add(code)
        rows.append({"prospect_id": prospect_id, "code": code, "issued_at": issued})
    bind.execute(
        sa.text(
            "INSERT INTO referralcode (prospect_id, code, issued_at) "
            "VALUES (:prospect_id, :code, :issued_at)"
        ),
        rows,
    )
    bind.execute(
        sa.text(
            "INSERT INTO purchase (prospect_id, purchased_at, amount_cents, currency, note, "
            "source, stage_change_id, recorded_at, by) "
            "SELECT sc.prospect_id, sc.at, p.value_cents, p.currency, '', 'win', sc.id, "
            ":issued, sc.by FROM stagechange sc JOIN prospect p ON p.id = sc.prospect_id "
            "WHERE sc.to_stage = 'won' ORDER BY sc.prospect_id, sc.at, sc.id"
        ),
        {"issued": issued},
    )


def downgrade() -> None:
    op.drop_index("ix_activity_customer", table_name="activity")
    for name, table, _columns, _unique in INDEXES:
        op.drop_index(name, table_name=table)
    for table in ("referral", "referralcode", "surveyanswer", "purchase"):
        op.drop_table(table)
