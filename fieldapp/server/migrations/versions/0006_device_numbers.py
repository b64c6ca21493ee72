"""Device numbers: a short number per device, unique on this server, the device part of the laptop's
receipt series (`BI-DV01.3-2026`), so one collector issuing receipts on two laptops (offline too) never
numbers twice in the same series. Devices enrolled before this revision are numbered in enrolment order.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("number", sa.Integer, nullable=True))
        batch.create_unique_constraint("uq_devices_number", ["number"])
    devices = sa.table("devices", sa.column("id"), sa.column("enrolled_at"), sa.column("number"))
    bind = op.get_bind()
    rows = bind.execute(sa.select(devices.c.id).order_by(devices.c.enrolled_at, devices.c.id)).all()
    for n, (device_id,) in enumerate(rows, start=1):
        bind.execute(sa.update(devices).where(devices.c.id == device_id).values(number=n))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_constraint("uq_devices_number", type_="unique")
        batch.drop_column("number")
