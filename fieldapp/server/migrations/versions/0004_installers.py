"""Installers the province's server holds for its laptops: version, platform, province, file, SHA-256.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "installers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("province_code", sa.String(8), nullable=False),  # '' for every province
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("added_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("version", "platform", "province_code", name="installers_one_per_release"),
    )


def downgrade() -> None:
    op.drop_table("installers")
