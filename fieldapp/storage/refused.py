"""Pulled records this laptop refuses, kept aside instead of stopping the pull (docs/sync-api.md, "Pull").

A record from the server that breaks the definition of a valid record (`fieldapp.protocol.records`: a
server older than that check may hold one, and a newer app may send a field this one cannot read), or that
the store itself refuses (a CHECK, an integer SQLite cannot hold), waits in `sync_refused` (db/0007) with
its problem: listed for the team leader, counted as here when the counts are compared with the server, never
applied. The page goes on without it, so no record, from any laptop, can make another laptop's sync fail. A
later valid version of the same record takes its place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from fieldapp.domain.clock import utcnow
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.storage.driver import Connection, IntegrityError
from fieldapp.storage.store import Store


class _Pulled(Protocol):
    entity: str
    id: str
    version: int | None
    record: dict[str, Any]
    pos: int


C = TypeVar("C", bound=_Pulled)


class StoreRefused(Exception):
    """The store refused a pulled record that the protocol's definition let through (a CHECK, an integer
    SQLite cannot hold): the caller keeps it aside and applies its page again without it."""

    def __init__(self, change: _Pulled, problem: str) -> None:
        super().__init__(problem)
        self.change = change
        self.problem = problem


class WriteCarefully(Exception):
    """The store refused a record written without a savepoint (`write_or_find(careful=False)`): the caller
    rolls its transaction back and writes again with savepoints, to find the record."""


def write_or_find(
    conn: Connection, changes: Sequence[C], write: Callable[[Sequence[C]], None], *, careful: bool = True
) -> None:
    """`write(changes)`; when the store refuses it, find the record it refuses (each alone, undone at once)
    and raise StoreRefused for it. Other failures (a full disk, a lock) are not the record's: they stop the
    pull, which resumes from its cursor.

    A savepoint makes SQLite copy every page a write touches first (and SQLCipher encrypt the copy): five
    times the cost of inserting people, whose rows touch a page of each of their indexes. So a page is first
    written without one (`careful=False`): a refusal then raises WriteCarefully, the page's transaction is
    rolled back and the page written again carefully, which finds the record it refuses."""
    if not careful:
        try:
            write(changes)
        except (IntegrityError, OverflowError) as exc:
            raise WriteCarefully() from exc
        return
    conn.execute("SAVEPOINT pulled_rows")
    try:
        write(changes)
    except (IntegrityError, OverflowError) as exc:
        conn.execute("ROLLBACK TO pulled_rows")  # the rows written before the one refused go too
        conn.execute("RELEASE pulled_rows")
        for c in changes:
            conn.execute("SAVEPOINT pulled_row")
            try:
                write([c])
            except (IntegrityError, OverflowError) as row_exc:
                raise StoreRefused(c, f"store: {type(row_exc).__name__}") from None
            finally:
                conn.execute("ROLLBACK TO pulled_row")
                conn.execute("RELEASE pulled_row")
        raise StoreRefused(changes[0], f"store: {type(exc).__name__}") from exc
    conn.execute("RELEASE pulled_rows")


def keep(conn: Connection, refused: Sequence[tuple[_Pulled, str]]) -> None:
    """Keep these records aside with their problem (a later feed position replaces an earlier one); one the
    store refused while it waited for a parent leaves the parked records."""
    if not refused:
        return
    now = encode_datetime(utcnow())
    conn.executemany(
        "INSERT INTO sync_refused (entity, entity_id, version, record, pos, problem, at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (entity, entity_id) DO UPDATE SET version = excluded.version, record = excluded.record, "
        "pos = excluded.pos, problem = excluded.problem, at = excluded.at WHERE excluded.pos >= sync_refused.pos",
        [(c.entity, c.id, c.version, to_json(c.record), c.pos, problem[:200], now) for c, problem in refused],
    )
    conn.executemany(
        "DELETE FROM sync_parked WHERE entity = ? AND entity_id = ?", [(c.entity, c.id) for c, _p in refused]
    )


def forget(conn: Connection, valid: Sequence[_Pulled]) -> None:
    """A valid version of a record kept aside came: it is no longer refused."""
    if not valid or conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sync_refused)").fetchone()[0]:
        return
    conn.execute(
        "DELETE FROM sync_refused WHERE (entity, entity_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))",
        (to_json([[c.entity, c.id] for c in valid]),),
    )


def kept(conn: Connection, entity: str) -> int:
    """How many of the entity's refused records are here though not in its table (for the counts)."""
    (n,) = conn.execute(
        f"SELECT count(*) FROM sync_refused AS r WHERE r.entity = ? AND NOT EXISTS "
        f"(SELECT 1 FROM {entity} AS t WHERE t.id = r.entity_id)",
        (entity,),
    ).fetchone()
    return int(n)


@dataclass(frozen=True)
class RefusedPull:
    entity: str
    entity_id: str
    problem: str
    at: str


def refused_pulls(store: Store, limit: int = 1000) -> list[RefusedPull]:
    """The pulled records kept aside, newest first (for the Sync screen and `fieldapp sync`)."""
    rows = store.query(
        "SELECT entity, entity_id, problem, at FROM sync_refused ORDER BY at DESC, entity, entity_id LIMIT ?", (limit,)
    )
    return [RefusedPull(*row) for row in rows]
