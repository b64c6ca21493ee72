"""The first server schema: teams, devices, enrolment codes, records with their feed position, ops.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("team_id", sa.String(64), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_id", sa.String(128), nullable=True),
        sa.Column("public_key", sa.String(256), nullable=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("enrolled_at", sa.String(40), nullable=False),
        sa.Column("last_seen", sa.String(40), nullable=True),
        sa.Column("revoked_at", sa.String(40), nullable=True),
    )
    op.create_table(
        "enrol_codes",
        sa.Column("code_sha256", sa.String(64), primary_key=True),
        sa.Column("team_id", sa.String(64), sa.ForeignKey("teams.id"), nullable=True),
        sa.Column("province_code", sa.String(8), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("expires_at", sa.String(40), nullable=False),
        sa.Column("used_at", sa.String(40), nullable=True),
        sa.Column("used_by", sa.String(64), nullable=True),
    )
    op.create_table(
        "records",
        sa.Column("entity", sa.String(32), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("scope_team", sa.String(64), nullable=False),
        sa.Column("scope_province", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("pos", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("last_device", sa.String(64), nullable=True),
        sa.Column("chain_base", sa.Integer, nullable=True),
    )
    op.create_index("records_pos", "records", ["pos"], unique=True)
    op.create_index("records_scope_pull", "records", ["scope_province", "scope_team", "pos"])
    op.create_index("records_province_pull", "records", ["scope_province", "pos"])
    counter = op.create_table(
        "feed_counter",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(counter, [{"id": 1, "value": 0}])
    op.create_table(
        "ops",
        sa.Column("op_id", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    for table in ("ops", "feed_counter", "records", "enrol_codes", "devices", "teams"):
        op.drop_table(table)
