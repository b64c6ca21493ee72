"""Receipt books on the server (table `receipt_blocks`, Alembic 0009; fieldapp.domain.receipt_books): which
device holds which numbers, and the next book for a device that has used most of its own.

A book is given under a lock (PostgreSQL: on the table; SQLite writes one at a time anyway) and `first` is
the primary key, so two laptops asking at once, on two workers, get two books, never the same one."""

from __future__ import annotations

import sqlalchemy as sa

from fieldapp.domain import receipt_books as books
from fieldapp.server import schema as s

_B = s.receipt_blocks.c


def blocks_of(conn: sa.Connection, device_id: str) -> list[books.Block]:
    rows = conn.execute(sa.select(_B.first, _B.last).where(_B.device_id == device_id).order_by(_B.first))
    return [(int(first), int(last)) for first, last in rows]


def all_blocks(conn: sa.Connection) -> dict[str, list[books.Block]]:
    """Every device's books, for the devices list (verifying a receipt reads who holds its number)."""
    out: dict[str, list[books.Block]] = {}
    for device_id, first, last in conn.execute(sa.select(_B.device_id, _B.first, _B.last).order_by(_B.first)):
        out.setdefault(device_id, []).append((int(first), int(last)))
    return out


def give_if_low(conn: sa.Connection, device_id: str, next_number: int | None, now: str) -> list[books.Block]:
    """The device's books, with a new one when fewer than LOW_WATER of its numbers from `next_number` (the
    next one the laptop would issue, as it says; None: it has issued none from a book) are still free.

    What a laptop says of its own use can only cost it numbers or get it one book more per request: it never
    reaches another device's books, which the server alone hands out."""
    held = blocks_of(conn, device_id)
    if held and books.unused(held, next_number) >= books.LOW_WATER:
        return held
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("LOCK TABLE receipt_blocks IN SHARE ROW EXCLUSIVE MODE"))
    highest = conn.execute(sa.select(sa.func.max(_B.last))).scalar()
    first, last = books.block_after(None if highest is None else int(highest))
    conn.execute(sa.insert(s.receipt_blocks).values(first=first, last=last, device_id=device_id, given_at=now))
    return [*held, (first, last)]
