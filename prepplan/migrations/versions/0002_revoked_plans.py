"""Revoked plans: ids of plans ended by Delete or Finish (prepplan/revocation.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_plans",
        sa.Column("plan_id", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name="pk_revoked_plans"),
    )
    op.create_index("ix_revoked_plans_expires_at", "revoked_plans", ["expires_at"])


def downgrade() -> None:
    op.drop_table("revoked_plans")
