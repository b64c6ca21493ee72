"""The server's queries of sync by USB stick (fieldapp/server/bundle.py): its bundle keys' seed and the
bundles it imported and answered (tables of migration 0002)."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from fieldapp.server import schema as s
from fieldapp.server import store_books
from fieldapp.server.ops import Device
from fieldapp.server.store_db import utcnow


def key_seed(store) -> str:
    """The hex seed of the server's bundle keys, made on first use (two workers at once: the first wins)."""
    k = s.bundle_keys.c
    with store.engine.connect() as conn:
        seed = conn.execute(sa.select(k.seed).where(k.id == 1)).scalar()
    if seed is None:
        try:
            with store.engine.connect().execution_options(write=True) as conn, conn.begin():
                conn.execute(sa.insert(s.bundle_keys).values(id=1, seed=secrets.token_hex(32), created_at=utcnow()))
        except sa.exc.IntegrityError:
            pass
        with store.engine.connect() as conn:
            seed = conn.execute(sa.select(k.seed).where(k.id == 1)).scalar_one()
    return seed


def device(store, device_id: str) -> tuple[Device, str | None] | None:
    """The device and its registered public key, or None for an id the server does not know."""
    d = s.devices.c
    cols = (d.id, d.team_id, d.province_code, d.role, d.name, d.revoked_at, d.last_seen, d.public_key, d.number)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(*cols).where(d.id == device_id)).first()
        blocks = store_books.blocks_of(conn, device_id) if row else []
    return None if row is None else (replace(Device(*row), blocks=tuple(blocks)), row[7])


def import_seen(store, bundle_id: str, device_id: str) -> tuple[str | None, int | None]:
    """The tally (JSON) of the bundle if it was imported already, and the device's last imported seq."""
    b = s.bundles_in.c
    with store.engine.connect() as conn:
        done = conn.execute(sa.select(b.tally).where(b.bundle_id == bundle_id)).scalar()
        last = conn.execute(sa.select(sa.func.max(b.seq)).where(b.device_id == device_id)).scalar()
    return done, last


def keep_import(store, row: dict[str, Any]) -> bool:
    """Record an imported bundle; False when the same bundle was recorded meanwhile (another command)."""
    try:
        with store.engine.connect().execution_options(write=True) as conn, conn.begin():
            conn.execute(sa.insert(s.bundles_in).values(**row))
    except sa.exc.IntegrityError:
        return False
    return True


def to_answer(store, device_id: str) -> tuple[tuple[str, int, str, str] | None, int | None]:
    """The device's latest imported bundle (its id, cursor, reply key and results JSON), and the seq of
    the last answer bundle made for the device."""
    b, o = s.bundles_in.c, s.bundles_out.c
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(b.bundle_id, b.cursor, b.reply_key, b.results)
            .where(b.device_id == device_id)
            .order_by(b.seq.desc())
            .limit(1)
        ).first()
        last = conn.execute(sa.select(sa.func.max(o.seq)).where(o.device_id == device_id)).scalar()
    return (tuple(row) if row is not None else None), last


def keep_answer(store, row: dict[str, Any]) -> None:
    with store.engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(sa.insert(s.bundles_out).values(**row))
