"""Pulled records that would break a UNIQUE other than their id, kept aside instead of dropped.

A pull inserts facts with `ON CONFLICT DO NOTHING`: right for a record this laptop already has (same id),
a silent loss for another record with the same UNIQUE values (one collector's receipts numbered on two
laptops before series had a device part: same series and number, two receipts; a collector's day closed
on two laptops). Such a record waits in `sync_parked` with the records waiting for a parent, is tried
again with every page (it goes in once the local one is gone), counts as here when the counts are
compared with the server, and is listed for the team leader (messages sync.receipt_clash, sync.unique_clash).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from fieldapp.storage import migrations
from fieldapp.storage.driver import Connection
from fieldapp.storage.records import BY_TABLE
from fieldapp.storage.store import Store


class _Pulled(Protocol):
    entity: str
    id: str
    record: dict[str, Any]


C = TypeVar("C", bound=_Pulled)

_UNIQUES: dict[tuple[int, str], tuple[tuple[str, ...], ...]] = {}


def uniques(conn: Connection, table: str) -> tuple[tuple[str, ...], ...]:
    """The table's UNIQUE column sets other than its id, on columns a pulled record carries (receipts:
    series and number, and payment; a void: its receipt). Partial indexes are not among them."""
    key = (migrations.latest_version(), table)
    if key not in _UNIQUES:
        fields = set(BY_TABLE[table].fields)
        out = []
        for _seq, name, unique, origin, partial in conn.execute(f"PRAGMA index_list({table})").fetchall():
            if not unique or partial or origin == "pk":
                continue
            cols = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({name})").fetchall())
            if cols and cols != ("id",) and set(cols) <= fields:
                out.append(cols)
        _UNIQUES[key] = tuple(out)
    return _UNIQUES[key]


def clash_with(
    conn: Connection, entity: str, record_id: str, record: dict[str, Any], cols: tuple[str, ...]
) -> str | None:
    """The id of another record here holding the record's values of these UNIQUE columns, else None."""
    values = [record.get(col) for col in cols]
    if any(v is None for v in values):
        return None
    where = " AND ".join(f"{col} = ?" for col in cols)
    row = conn.execute(f"SELECT id FROM {entity} WHERE {where} AND id <> ? LIMIT 1", (*values, record_id)).fetchone()
    return row[0] if row else None


def _taken(conn: Connection, entity: str, cols: tuple[str, ...], batch: Sequence[_Pulled]) -> set[str]:
    """The ids of the batch's records whose values of these columns another record here holds: one
    query for the whole batch (a page of 2,000 records), not one per record."""
    rows = [[c.id, *(c.record.get(col) for col in cols)] for c in batch]
    rows = [r for r in rows if None not in r]
    if not rows:
        return set()
    picks = ", ".join(f"value ->> {i + 1} AS v{i}" for i in range(len(cols)))
    match = " AND ".join(f"t.{col} = i.v{i}" for i, col in enumerate(cols))
    found = conn.execute(
        f"WITH i AS (SELECT value ->> 0 AS rid, {picks} FROM json_each(?)) "
        f"SELECT DISTINCT i.rid FROM i JOIN {entity} AS t ON {match} AND t.id <> i.rid",
        (json.dumps(rows, ensure_ascii=False),),
    ).fetchall()
    return {r[0] for r in found}


def split_clashes(conn: Connection, changes: Sequence[C]) -> tuple[list[C], list[C]]:
    """The records that can go in, and those that clash with a record here or an earlier one of the batch."""
    by_entity: dict[str, list[C]] = {}
    for c in changes:
        if c.entity in BY_TABLE and uniques(conn, c.entity):
            by_entity.setdefault(c.entity, []).append(c)
    if not by_entity:
        return list(changes), []
    clash_ids: set[tuple[str, str]] = set()
    for entity, batch in by_entity.items():
        for cols in uniques(conn, entity):
            clash_ids.update((entity, rid) for rid in _taken(conn, entity, cols, batch))
            seen: dict[tuple[Any, ...], str] = {}
            for c in batch:  # two records of the batch alike: the first goes in
                values = tuple(c.record.get(col) for col in cols)
                if None in values or (entity, c.id) in clash_ids:
                    continue
                if seen.setdefault(values, c.id) != c.id:
                    clash_ids.add((entity, c.id))
    ok = [c for c in changes if (c.entity, c.id) not in clash_ids]
    return ok, [c for c in changes if (c.entity, c.id) in clash_ids]


@dataclass(frozen=True)
class Clash:
    """A pulled record kept aside: another record here has the same values of a UNIQUE."""

    entity: str
    entity_id: str
    local_id: str
    columns: tuple[str, ...]
    record: dict[str, Any]


def _kept(conn: Connection, entity: str | None = None) -> list[Clash]:
    sql, params = "SELECT entity, entity_id, record FROM sync_parked", ()
    if entity is not None:
        sql, params = sql + " WHERE entity = ?", (entity,)
    out = []
    for ent, entity_id, text in conn.execute(sql, params).fetchall():
        if ent not in BY_TABLE or not uniques(conn, ent):
            continue
        record = json.loads(text)
        for cols in uniques(conn, ent):
            local = clash_with(conn, ent, entity_id, record, cols)
            if local is not None:
                out.append(Clash(ent, entity_id, local, cols, record))
                break
    return out


def unique_clashes(store: Store) -> list[Clash]:
    """The pulled records kept aside, each with the record here it clashes with (for the team leader)."""
    with store.reading() as conn:
        return _kept(conn)


def kept_aside(conn: Connection, entity: str) -> int:
    """How many of the entity's pulled records are kept aside: here, though not in the table."""
    return len(_kept(conn, entity)) if uniques(conn, entity) else 0
