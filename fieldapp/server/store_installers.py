"""The server's queries of installers (table `installers`, migration 0004; fieldapp/server/installers.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fieldapp.server import schema as s


def exists(store, version: str, platform: str, province: str) -> bool:
    """Whether an installer of this version and platform is there for `province` ('' for every province)."""
    i = s.installers.c
    with store.engine.connect() as conn:
        taken = conn.execute(
            sa.select(i.id).where(i.version == version, i.platform == platform, i.province_code == province)
        ).first()
    return taken is not None


def insert(store, row: dict[str, Any]) -> None:
    with store.engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(s.installers.insert().values(**row))


def of_platform(store, platform: str, provinces: list[str]) -> list[dict[str, Any]]:
    """The installers of `platform` for any of `provinces`."""
    i = s.installers.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(s.installers).where(i.platform == platform, i.province_code.in_(provinces)))
        return [dict(r) for r in rows.mappings()]


def by_id(store, installer_id: str) -> dict[str, Any] | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(s.installers).where(s.installers.c.id == installer_id)).mappings().first()
    return dict(row) if row else None


def every(store) -> list[dict[str, Any]]:
    """Every installer, oldest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(s.installers).order_by(s.installers.c.added_at)).mappings()
        return [dict(r) for r in rows]
