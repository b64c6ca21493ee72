"""Receipt books (issue 17, item 4): number ranges the server hands each laptop, so that every laptop of one
collector numbers in the form's series `{product}-{agent code}-{year}` without a clash, and a receipt's number
names the one device that may sign it (fieldapp.domain.receipt_books, docs/sync-api.md "Receipts"). Devices
enrolled before get their first book on their next sync; their receipts in `BI-DV01.3-2026` series stay
theirs by the device number.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt_blocks",
        sa.Column("first", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
        sa.Column("device_id", sa.String(64), sa.ForeignKey("devices.id"), nullable=False),
        sa.Column("given_at", sa.String(40), nullable=False),
    )
    op.create_index("receipt_blocks_by_device", "receipt_blocks", ["device_id"])


def downgrade() -> None:
    op.drop_index("receipt_blocks_by_device", "receipt_blocks")
    op.drop_table("receipt_blocks")
