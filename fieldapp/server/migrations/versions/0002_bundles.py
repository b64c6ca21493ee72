"""Sync bundles by USB stick: the server's bundle key secret, the laptop bundles imported, the answers made.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
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
        "bundle_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seed", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "bundles_in",
        sa.Column("bundle_id", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
        sa.Column("cursor", sa.BigInteger, nullable=False),
        sa.Column("reply_key", sa.String(64), nullable=False),
        sa.Column("results", sa.Text, nullable=False),
        sa.Column("tally", sa.Text, nullable=False),
    )
    op.create_index("bundles_in_device", "bundles_in", ["device_id", "seq"])
    op.create_table(
        "bundles_out",
        sa.Column("bundle_id", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("answers", sa.String(64), nullable=False),
        sa.Column("next", sa.BigInteger, nullable=False),
        sa.Column("made_at", sa.String(40), nullable=False),
    )
    op.create_index("bundles_out_device", "bundles_out", ["device_id", "seq"], unique=True)


def downgrade() -> None:
    for table in ("bundles_out", "bundles_in", "bundle_keys"):
        op.drop_table(table)
