"""A new laptop's first pull writes the registry without its secondary indexes, and builds them once at the end.

A catch-up from cursor 0 into an empty registry (a laptop enrolling into a province: 1.5 million people)
spent most of its time keeping the persons' indexes on names, identifiers, places and list order up to date:
each row lands on a random page of each, and each group of pages' commit wrote those pages out again
(a 1.5M pull: 76 s of inserts and 62 s of commits of 224 s). Built at the end, each index is one sort.

`defer` drops the non-unique indexes of the registry's tables and keeps their definitions in `meta`, in one
transaction; `build_deferred` creates them again from there and forgets them, in the caller's transaction.
The engine builds them when the pull ends, however it ends; a process killed before that leaves the
definitions in `meta`, and the next `Store.open` builds them (nothing is lost: an index only speeds reads).
Unique indexes stay: they are what a pulled record's clash is found by, and the upsert's conflict target.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING

from fieldapp.storage.driver import Connection

if TYPE_CHECKING:
    from fieldapp.storage.store import Store

log = logging.getLogger(__name__)

DEFERRED = "deferred_indexes"  # meta: [[name, CREATE INDEX statement], ...] of the indexes dropped
TABLES = ("persons", "households")


def defer_in(store: Store) -> bool:
    """`defer` in a transaction of its own: a pull's first step."""
    with store.transaction() as conn:
        return defer(conn)


def build_in(store: Store) -> int:
    """`build_deferred` in a transaction of its own: a pull's last step, however it ends."""
    with store.transaction() as conn:
        return build_deferred(conn)


def defer(conn: Connection) -> bool:
    """Drop the registry's non-unique indexes when it is empty (a first pull), inside the caller's
    transaction; True when they are deferred (now or by a pull before that did not finish)."""
    if _deferred(conn) is not None:
        return True
    if conn.execute("SELECT 1 FROM persons LIMIT 1").fetchone() is not None:
        return False
    marks = ", ".join("?" * len(TABLES))
    found = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) "
        "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
        TABLES,
    ).fetchall()
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (DEFERRED, json.dumps([[name, sql] for name, sql in found])),
    )
    for name, _sql in found:
        conn.execute(f'DROP INDEX "{name}"')
    return True


def build_deferred(conn: Connection) -> int:
    """Create the indexes `defer` dropped, inside the caller's transaction; the number built."""
    kept = _deferred(conn)
    if kept is None:
        return 0
    start = time.perf_counter()
    for _name, sql in kept:
        conn.execute(_if_not_exists(sql))
    conn.execute("DELETE FROM meta WHERE key = ?", (DEFERRED,))
    log.info("built %d deferred indexes in %.1f s", len(kept), time.perf_counter() - start)
    return len(kept)


def any_deferred(conn: Connection) -> bool:
    return _deferred(conn) is not None


def _deferred(conn: Connection) -> list[tuple[str, str]] | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (DEFERRED,)).fetchone()
    return None if row is None else [(name, sql) for name, sql in json.loads(row[0])]


def _if_not_exists(sql: str) -> str:
    head = "CREATE INDEX "
    if not sql.upper().startswith(head):  # pragma: no cover  (defer keeps only CREATE INDEX statements)
        raise ValueError(f"not an index definition: {sql[:60]}")
    return "CREATE INDEX IF NOT EXISTS " + sql[len(head) :]
