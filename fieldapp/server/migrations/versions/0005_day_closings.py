"""Closed days: one row per collector and day closed, so a second closing of the same day (two leaders'
laptops offline) is refused instead of kept beside the first.

The closing itself is a `day_closings` record like any other (in `records`, carried by the feed); this
table holds its key, written in the same transaction as the record.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    closings = op.create_table(
        "day_closings",
        sa.Column("collector_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("id", sa.String(64), nullable=False, unique=True),
        sa.Column("team_id", sa.String(64), nullable=False),
    )
    # closings a server took before this revision (the record type is older than its key table)
    records = sa.table("records", sa.column("entity"), sa.column("data"))
    seen: set[tuple[str, str]] = set()
    rows = []
    for (data,) in op.get_bind().execute(sa.select(records.c.data).where(records.c.entity == "day_closings")):
        rec = json.loads(data)
        key = (rec["collector_id"], rec["day"])
        if key not in seen:
            seen.add(key)
            rows.append({"collector_id": key[0], "day": key[1], "id": rec["id"], "team_id": rec["team_id"]})
    if rows:
        op.bulk_insert(closings, rows)


def downgrade() -> None:
    op.drop_table("day_closings")
