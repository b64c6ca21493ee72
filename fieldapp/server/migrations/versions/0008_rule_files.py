"""Rule files: premium rules provincial IT adds on the server (`fieldapp server rules add`), signed with
the server's bundle signing key and served to the laptops of their province (GET /v1/rules, answer
bundles). Issue 14.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rule_files",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("province_code", sa.String(8), nullable=False),  # '' for a national file
        sa.Column("version", sa.String(20), nullable=False),
        sa.Column("issued", sa.String(10), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("entries", sa.Integer, nullable=False),
        sa.Column("added_at", sa.String(40), nullable=False),
    )
    op.create_index("rule_files_by_province", "rule_files", ["province_code", "issued"])


def downgrade() -> None:
    op.drop_index("rule_files_by_province", "rule_files")
    op.drop_table("rule_files")
