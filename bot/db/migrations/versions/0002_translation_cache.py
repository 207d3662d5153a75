"""translation cache

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translation_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_language", sa.String(length=16), nullable=False),
        sa.Column("target_language", sa.String(length=16), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("translated_text", sa.Text(), nullable=False),
        sa.Column("curated", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_language", "target_language", "source_hash", "model_version"),
    )
    with op.batch_alter_table("translation_cache") as batch_op:
        batch_op.create_index("ix_translation_cache_source_hash", ["source_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("translation_cache") as batch_op:
        batch_op.drop_index("ix_translation_cache_source_hash")
    op.drop_table("translation_cache")
