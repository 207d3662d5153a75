"""cases can be urgent

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

A cry for help or a description of acute danger during a hand-over marks the open case urgent, so staff
see it first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("urgent")
