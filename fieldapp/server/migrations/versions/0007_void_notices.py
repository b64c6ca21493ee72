"""Void notices: every receipt void reaches every laptop of the province (issue 13, docs/sync-api.md "Voids").

From now on the server writes a `void_notices` record (series, number, the confirmation code of the
receipt's QR, when) beside each receipt void it takes, filed for the whole province, at the next feed
position. This revision writes the notices of the voids taken before it, so laptops of other teams learn
those too on their next pull. No table changes: the notices are records of `records` like the others.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLS = ("entity", "id", "scope_team", "scope_province", "version", "data", "pos", "updated_at")


def upgrade() -> None:
    from fieldapp.domain import receipt_code  # the QR's confirmation code, as the laptop computes it

    records = sa.table("records", *(sa.column(c) for c in (*_COLS, "last_device", "chain_base")))
    counter = sa.table("feed_counter", sa.column("id"), sa.column("value"))
    bind = op.get_bind()
    r = records.c
    voids = bind.execute(
        sa.select(r.id, r.scope_team, r.scope_province, r.data).where(r.entity == "receipt_voids").order_by(r.pos)
    ).all()
    have = {row[0] for row in bind.execute(sa.select(r.id).where(r.entity == "void_notices"))}
    notices = []
    for void_id, void_team, province, data in voids:
        void = json.loads(data)
        if void_id in have:
            continue
        found = bind.execute(
            sa.select(r.scope_team, r.scope_province, r.data).where(
                r.entity == "receipts", r.id == void.get("receipt_id")
            )
        ).first()
        # the void's maker could see the receipt: the same team's, or a province device's (scope team '')
        if found is None or found[1] != province or void_team not in ("", found[0]):
            continue
        receipt = json.loads(found[2])
        confirmation = None
        if receipt.get("qr_payload"):
            try:
                confirmation = receipt_code.confirmation_code(receipt_code.decode(receipt["qr_payload"]).signature)
            except receipt_code.PayloadError:
                confirmation = None
        notice = {"id": void_id, "series": receipt["series"], "number": receipt["number"],
                  "confirmation": confirmation, "at": void["at"]}  # fmt: skip
        notices.append((void_id, province, notice))
    if not notices:
        return
    # positions after every one given so far, the counter's row locked until this transaction commits
    last = bind.execute(
        sa.update(counter)
        .where(counter.c.id == 1)
        .values(value=counter.c.value + len(notices))
        .returning(counter.c.value)
    ).scalar_one()
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    rows = [
        {"entity": "void_notices", "id": void_id, "scope_team": "", "scope_province": province, "version": None,
         "data": json.dumps(notice, ensure_ascii=False, separators=(",", ":")), "pos": pos, "updated_at": now,
         "last_device": None, "chain_base": None}
        for pos, (void_id, province, notice) in enumerate(notices, last - len(notices) + 1)
    ]  # fmt: skip
    op.bulk_insert(records, rows)


def downgrade() -> None:
    records = sa.table("records", sa.column("entity"))
    op.execute(sa.delete(records).where(records.c.entity == "void_notices"))
