"""The server's queries of rule files (table `rule_files`, migration 0008; fieldapp/server/rules.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fieldapp.server import schema as s


def insert(store, row: dict[str, Any]) -> bool:
    """Store a signed rule file; False when the very same file (its SHA-256) is there already."""
    try:
        with store.engine.connect().execution_options(write=True) as conn, conn.begin():
            conn.execute(sa.insert(s.rule_files).values(**row))
    except sa.exc.IntegrityError:
        return False
    return True


def files(store, province: str | None = None) -> list[dict[str, Any]]:
    """Every stored file, oldest issue first; with `province`, the national ones and that province's."""
    r = s.rule_files.c
    query = sa.select(s.rule_files).order_by(r.issued, r.added_at)
    if province is not None:
        query = query.where(r.province_code.in_(["", province]))
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def revision(store) -> tuple[int, str | None]:
    """How many files there are and when the last was added: whether another process added one."""
    r = s.rule_files.c
    with store.engine.connect() as conn:
        count, last = conn.execute(sa.select(sa.func.count(), sa.func.max(r.added_at))).one()
    return int(count), last
