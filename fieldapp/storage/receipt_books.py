"""The receipt books on this laptop (db/0012; fieldapp.domain.receipt_books): its own, from which it numbers
its receipts, and every device's, from the devices list, by which a receipt's number names its signer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fieldapp.domain import receipt_books as books
from fieldapp.errors import InputRefused
from fieldapp.storage.driver import Connection
from fieldapp.storage.receipts import KnownKey, _known
from fieldapp.storage.store import Store, put_meta

_LAST = "receipt_book_last"  # the number last issued from this laptop's books (backups.IDENTITY_META)


def own_blocks(conn: Connection, device_id: str) -> list[books.Block]:
    rows = conn.execute("SELECT first, last FROM receipt_blocks WHERE device_id = ? ORDER BY first", (device_id,))
    return [(int(a), int(b)) for a, b in rows.fetchall()]


def put_own(conn: Connection, device_id: str, blocks: Iterable[books.Block]) -> None:
    """Books the server gave this laptop (enrolment, sync): added, never taken away (a book is one device's
    for good; an answer that leaves one out is from an older server or cut short)."""
    conn.executemany(
        "INSERT INTO receipt_blocks (first, last, device_id) VALUES (?, ?, ?) "
        "ON CONFLICT (first) DO UPDATE SET last = excluded.last, device_id = excluded.device_id",
        [(first, last, device_id) for first, last in blocks],
    )


def replace_others(conn: Connection, devices: Sequence[Mapping[str, Any]], own: str) -> None:
    """Every other device's books, as the server's devices list gives them (this laptop's own are kept, and
    those the list names for it added)."""
    conn.execute("DELETE FROM receipt_blocks WHERE device_id <> ?", (own,))
    for d in devices:
        if isinstance(d.get("id"), str):
            blocks = books.valid_blocks(d.get("blocks"))
            if d["id"] == own:
                put_own(conn, own, blocks)
            else:
                conn.executemany(
                    "INSERT INTO receipt_blocks (first, last, device_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (first) DO NOTHING",
                    [(first, last, d["id"]) for first, last in blocks],
                )


def next_number(conn: Connection, device_id: str, *, take: bool = True) -> int | None:
    """The next number of this laptop's books, taken (`take`) in the transaction that inserts the receipt;
    None when it has no book. Never a number a receipt here already has, whatever the counter says (a store
    restored from a copy, receipts pulled back): within each book, above both. A laptop whose books are used
    up is refused, offline too, rather than number in another's (receipt.book_used_up: sync for the next)."""
    blocks = own_blocks(conn, device_id)
    if not blocks:
        return None
    number = _candidate(conn, blocks)
    if number > blocks[-1][1]:
        raise InputRefused("receipt.book_used_up", last=blocks[-1][1])
    if take:
        put_meta(conn, _LAST, str(number))
    return number


def peek(conn: Connection, device_id: str) -> int | None:
    """The next number this laptop would issue from its books (past the last one when they are used up), as
    it tells the server when it asks for the next book; None when it has no book."""
    blocks = own_blocks(conn, device_id)
    return _candidate(conn, blocks) if blocks else None


def _candidate(conn: Connection, blocks: list[books.Block]) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_LAST,)).fetchone()
    last = int(row[0]) if row and str(row[0]).isdigit() else 0
    for first, end in blocks:
        (held,) = conn.execute("SELECT max(number) FROM receipts WHERE number BETWEEN ? AND ?", (first, end)).fetchone()
        number = max(first, last + 1, (held or 0) + 1)
        if number <= end:
            return number
    return blocks[-1][1] + 1


def holder(store: Store, number: int) -> KnownKey | None:
    """The device holding the book a receipt number falls in, with its key; None when no known book holds it."""
    return _known(
        store.query_one(
            "SELECT d.id, d.name, d.public_key, d.revoked_at, d.number FROM receipt_blocks b "
            "JOIN devices d ON d.id = b.device_id WHERE ? BETWEEN b.first AND b.last AND d.public_key IS NOT NULL "
            "ORDER BY b.first DESC LIMIT 1",
            (number,),
        )
    )


def book_known(store: Store, number: int) -> bool:
    """Whether some book this laptop knows holds the number (its device's key may be unknown yet)."""
    return store.query_one("SELECT 1 FROM receipt_blocks WHERE ? BETWEEN first AND last LIMIT 1", (number,)) is not None
