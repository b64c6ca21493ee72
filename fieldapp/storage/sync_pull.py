"""The pull side of the laptop's sync: pulled pages written into their tables, held, parked or refused.

Pulled records are written straight into their tables by their `TableSpec`, with the server's version and
without outbox rows (they came from the server), one transaction per page together with the new cursor.
Two things are never done silently: a record the laptop changed and has not pushed yet is not
overwritten (the server's copy waits in `sync_held`, or refreshes the open conflict), and a record whose
parent has not arrived yet waits in `sync_parked` until it does, so the store's foreign keys hold after
every page, even when the client is killed in between.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from fieldapp.domain.clock import utcnow
from fieldapp.domain.models import Person
from fieldapp.domain.text import fold
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.storage import migrations, refused
from fieldapp.storage import registry as store_registry
from fieldapp.storage.clashes import split_clashes
from fieldapp.storage.driver import Connection
from fieldapp.storage.pulled import VOID_NOTICES, ReadPage, _Change, _row, read_page
from fieldapp.storage.receipts import put_void_notices, raise_counters
from fieldapp.storage.records import BY_TABLE, TableSpec
from fieldapp.storage.store import Store, put_meta
from fieldapp.storage.sync_devices import merge_devices as _merge_devices
from fieldapp.storage.writer import indexed_in_bulk

META_CURSOR = "sync_cursor"  # the server's change feed position this laptop has applied up to

SYNCED = tuple(BY_TABLE)  # every table a TableSpec describes is a sync entity (docs/sync-api.md)


@dataclass
class PageTally:
    applied: int = 0
    held: int = 0
    parked: int = 0
    unparked: int = 0
    ignored: int = 0
    candidates: int = 0
    clashes: int = 0  # records kept aside (parked) because another record here has their UNIQUE values
    refused: int = 0  # records kept aside because this laptop refuses them (storage.refused)


def apply_page(store: Store, changes: Sequence[Mapping[str, Any]], next_pos: int, *, own_device: str) -> PageTally:
    """Apply one pulled page and store the new cursor, in one transaction (no outbox rows)."""
    return apply_read(store, read_page(changes), next_pos, own_device=own_device)


def apply_read(store: Store, page: ReadPage, next_pos: int, *, own_device: str) -> PageTally:
    """Apply pulled changes read by `read_page` and store the new cursor, in one transaction.

    A record this laptop refuses (`storage.refused`: invalid by the protocol's definition, or refused by the
    store) is kept aside and the page goes on without it."""
    notices = [c.record for c in page.latest.values() if c.entity == VOID_NOTICES]  # the server's, read apart
    valid: list[_Change] = []
    invalid: list[tuple[_Change, str]] = []
    for key, c in page.latest.items():
        if c.entity == VOID_NOTICES:
            continue
        problem = page.problems.get(key)
        if problem is None:
            valid.append(c)
        else:
            invalid.append((c, problem))
    for careful in (False, True):  # at once first, as nearly every page goes (see refused.write_or_find)
        try:
            with store.transaction() as conn:
                if notices:
                    put_void_notices(conn, notices)
                refused.keep(conn, invalid)
                refused.forget(conn, valid)
                while True:
                    if careful:
                        conn.execute("SAVEPOINT pulled_page")
                    attempt = PageTally(ignored=page.ignored, refused=len(invalid))
                    try:
                        _apply(conn, valid, attempt, own_device, str(store.path), careful)
                    except refused.StoreRefused as exc:  # kept aside too, and the page applied again without it
                        conn.execute("ROLLBACK TO pulled_page")
                        conn.execute("RELEASE pulled_page")
                        valid = [c for c in valid if (c.entity, c.id) != (exc.change.entity, exc.change.id)]
                        refused.keep(conn, [(exc.change, exc.problem)])
                        invalid.append((exc.change, exc.problem))
                        continue
                    if careful:
                        conn.execute("RELEASE pulled_page")
                    break
                put_meta(conn, META_CURSOR, str(int(next_pos)))
            return attempt
        except refused.WriteCarefully:
            continue  # the store refused a record: the page's transaction was rolled back; again, carefully
    raise AssertionError("unreachable: a careful write raises StoreRefused, never WriteCarefully")


def _apply(
    conn: Connection, valid: list[_Change], tally: PageTally, own_device: str, store_key: str, careful: bool = True
) -> None:
    devices = [c for c in valid if c.entity == "devices"]
    if devices:
        _merge_devices(conn, [c.record for c in devices], own_device, replace=False)
    incoming = [c for c in valid if c.entity != "devices"]
    incoming = _keep_local_changes(conn, incoming, tally)
    fresh = {(c.entity, c.id) for c in incoming}
    parked = _parked(conn)
    parked_keys = {(c.entity, c.id) for c in parked}
    waiting = [c for c in parked if (c.entity, c.id) not in fresh]
    candidates, clashing = split_clashes(conn, [*incoming, *waiting])
    ready, blocked = _with_parents(conn, candidates)
    blocked += clashing  # kept with the parked records, never dropped; listed by clashes.unique_clashes
    tally.clashes = len(clashing)
    by_entity: dict[str, list[_Change]] = {}
    for c in ready:
        by_entity.setdefault(c.entity, []).append(c)
    new_persons = _new_ids(conn, "persons", by_entity.get("persons", ()))
    for entity in _parents_first(by_entity):
        _upsert(conn, BY_TABLE[entity], by_entity[entity], careful=careful)
    if "receipts" in by_entity:
        raise_counters(conn, [c.id for c in by_entity["receipts"]])
    if "persons" in by_entity:
        tally.candidates = _after_persons(conn, by_entity["persons"], new_persons, store_key)
    if parked_keys:
        gone = [(c.entity, c.id) for c in ready if (c.entity, c.id) in parked_keys]
        conn.executemany("DELETE FROM sync_parked WHERE entity = ? AND entity_id = ?", gone)
        tally.unparked = sum(1 for key in gone if key not in fresh)
    parked_now = [c for c in blocked if (c.entity, c.id) in fresh]
    conn.executemany(
        "INSERT INTO sync_parked (entity, entity_id, version, record, pos) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (entity, entity_id) DO UPDATE SET version = excluded.version, record = excluded.record, "
        "pos = excluded.pos",
        [(c.entity, c.id, c.version, to_json(c.record), c.pos) for c in parked_now],
    )
    tally.parked = len(parked_now)
    tally.applied = len(ready) - tally.unparked


def _keep_local_changes(conn: Connection, incoming: list[_Change], tally: PageTally) -> list[_Change]:
    """Drop (and keep aside) the pulled copies of records with an op waiting here."""
    mutable_ids = [c.id for c in incoming if BY_TABLE[c.entity].mutable]
    if not mutable_ids:
        return incoming
    rows = conn.execute(
        "SELECT o.entity, o.entity_id FROM json_each(?1) AS j JOIN outbox AS o "
        "ON o.entity_id = j.value AND o.state = 'pending' UNION "
        "SELECT c.entity, c.entity_id FROM json_each(?1) AS j JOIN sync_conflicts AS c "
        "ON c.entity_id = j.value AND c.resolved_at IS NULL",
        (to_json(mutable_ids),),
    ).fetchall()
    local = {(r[0], r[1]) for r in rows}
    if not local:
        return incoming
    out = []
    for c in incoming:
        if (c.entity, c.id) not in local:
            out.append(c)
            continue
        tally.held += 1
        record = {**c.record, "version": c.version}
        updated = conn.execute(
            "UPDATE sync_conflicts SET theirs = ?, their_version = ? WHERE entity = ? AND entity_id = ? "
            "AND resolved_at IS NULL AND their_version <= ?",
            (to_json(record), c.version or 0, c.entity, c.id, c.version or 0),
        ).rowcount
        if not updated:
            conn.execute(
                "INSERT INTO sync_held (entity, entity_id, version, record) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (entity, entity_id) DO UPDATE SET version = excluded.version, record = excluded.record "
                "WHERE excluded.version >= coalesce(sync_held.version, 0)",
                (c.entity, c.id, c.version, to_json(record)),
            )
    return out


def _parked(conn: Connection) -> list[_Change]:
    rows = conn.execute("SELECT entity, entity_id, version, record, pos FROM sync_parked").fetchall()
    return [_Change(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]


@dataclass(frozen=True)
class _ForeignKey:
    column: str
    parent: str
    parent_column: str


_FOREIGN_KEYS: dict[tuple[int, str], tuple[_ForeignKey, ...]] = {}


def _fks(conn: Connection, table: str) -> tuple[_ForeignKey, ...]:
    """The table's foreign keys as the store's schema declares them (same for every store of a schema)."""
    key = (migrations.latest_version(), table)
    if key not in _FOREIGN_KEYS:
        rows = conn.execute(f"PRAGMA foreign_key_list({table})").fetchall()
        _FOREIGN_KEYS[key] = tuple(_ForeignKey(r[3], r[2], r[4] or "id") for r in rows)
    return _FOREIGN_KEYS[key]


def _with_parents(conn: Connection, changes: list[_Change]) -> tuple[list[_Change], list[_Change]]:
    """Split the records into those whose parents exist (here or in the batch) and those that wait."""
    ok = {(c.entity, c.id): c for c in changes}
    exists: dict[tuple[str, str], set[Any]] = {}
    while True:
        by_entity: dict[str, list[_Change]] = {}
        for c in ok.values():
            by_entity.setdefault(c.entity, []).append(c)
        dropped = False
        for entity, rows in by_entity.items():
            for fk in _fks(conn, entity):
                values = {c.record.get(fk.column) for c in rows} - {None}
                if not values:
                    continue
                in_batch = {c.record.get(fk.parent_column) for c in by_entity.get(fk.parent, ())}
                unknown = values - in_batch
                if not unknown:
                    continue
                known = exists.setdefault((fk.parent, fk.parent_column), set())
                ask = list(unknown - known)
                if ask:
                    found = conn.execute(
                        f"SELECT {fk.parent_column} FROM {fk.parent} WHERE {fk.parent_column} IN "
                        "(SELECT value FROM json_each(?))",
                        (to_json(ask),),
                    ).fetchall()
                    known.update(r[0] for r in found)
                missing = unknown - known
                for c in rows:
                    if c.record.get(fk.column) in missing:
                        ok.pop((c.entity, c.id), None)
                        dropped = True
        if not dropped:
            break
    ready = list(ok.values())
    blocked = [c for c in changes if (c.entity, c.id) not in ok]
    return ready, blocked


_ORDER = {table: i for i, table in enumerate(SYNCED)}


def _parents_first(by_entity: Mapping[str, Any]) -> list[str]:
    return sorted(by_entity, key=lambda e: _ORDER[e])


@cache
def _upsert_sql(table: str) -> str:
    """The rows of a batch (a JSON array of rows in ?1: `TableSpec.json_insert_sql`), each taking the place
    of the stored one when not older."""
    spec = BY_TABLE[table]
    cols = spec.columns
    head = spec.json_insert_sql + " "
    if spec.mutable:
        sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
        return head + f"ON CONFLICT (id) DO UPDATE SET {sets} WHERE excluded.version >= {table}.version"
    if table == "consultations":  # an erasure elsewhere blanks the notes, the one change facts allow
        return head + (
            "ON CONFLICT (id) DO UPDATE SET note = excluded.note, refusal_reason = excluded.refusal_reason "
            "WHERE excluded.note = '' AND excluded.refusal_reason IS NULL "
            "AND (consultations.note <> '' OR consultations.refusal_reason IS NOT NULL)"
        )
    return head + "ON CONFLICT DO NOTHING"


def _upsert(conn: Connection, spec: TableSpec, changes: Sequence[_Change], *, careful: bool = True) -> None:
    """Write the records; one the store refuses raises refused.StoreRefused (refused.WriteCarefully when
    not `careful`)."""
    refused.write_or_find(conn, changes, lambda batch: _upsert_rows(conn, spec, batch), careful=careful)


def _upsert_rows(conn: Connection, spec: TableSpec, changes: Sequence[_Change]) -> None:
    rows = [_row(spec, c) for c in changes]
    with indexed_in_bulk(conn, spec.table, bulk=len(rows) > 50):  # a few rows: the trigger is cheaper
        conn.execute(_upsert_sql(spec.table), (to_json(rows),))


def _new_ids(conn: Connection, table: str, changes: Sequence[_Change]) -> set[str]:
    """Which of these records this laptop does not have yet."""
    if not changes:
        return set()
    ids = [c.id for c in changes]
    have = conn.execute(
        f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (to_json(ids),)
    ).fetchall()
    return set(ids) - {r[0] for r in have}


@dataclass
class _Made:
    """Who this laptop registered itself (a create op in its outbox), by the keys duplicates share."""

    mark: int  # the outbox's last seq when read: a new local op means reading again
    ids: set[str]
    citizen_ids: set[str]
    name_keys: set[tuple[str, int, str]]


_MADE_HERE: dict[str, _Made] = {}


def _made_here(conn: Connection, store_key: str) -> _Made:
    (mark,) = conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()
    made = _MADE_HERE.get(store_key)
    if made is None or made.mark != mark:
        rows = conn.execute(
            "SELECT p.id, p.citizen_id, p.name_key, p.birth_year, p.commune_code FROM outbox AS o "
            "JOIN persons AS p ON p.id = o.entity_id WHERE o.entity = 'persons' AND o.op = 'create'"
        ).fetchall()
        made = _Made(
            mark,
            {r[0] for r in rows},
            {r[1] for r in rows if r[1]},
            {(r[2], r[3], r[4]) for r in rows if r[3] is not None},
        )
        _MADE_HERE[store_key] = made
    return made


def _birth_year(rec: Mapping[str, Any]) -> int | None:
    year = rec.get("birth_year")
    if year is None and rec.get("birth_date"):
        year = int(str(rec["birth_date"])[:4])
    return year


def _after_persons(conn: Connection, persons: Sequence[_Change], new: set[str], store_key: str) -> int:
    """Erasures done elsewhere blank the notes here too. A person new to this laptop who looks like one
    this laptop registered itself (two devices met the same person: same citizen ID, or same name, birth
    and commune) becomes a merge candidate, as the registry's own duplicate checks decide; the look-alikes
    among the records of others were judged where they were made."""
    for c in persons:
        if c.record.get("erased_at"):
            store_registry.erase_free_text(conn, c.id)
    fresh = [c for c in persons if c.id in new and not c.record.get("erased_at") and not c.record.get("merged_into")]
    if not fresh:
        return 0
    made = _made_here(conn, store_key)
    if not made.ids:
        return 0
    hits = [
        c.id
        for c in fresh
        if c.record.get("citizen_id") in made.citizen_ids
        or (fold(c.record.get("full_name") or ""), _birth_year(c.record), c.record.get("commune_code"))
        in made.name_keys
    ]
    spec = BY_TABLE["persons"]
    now = encode_datetime(utcnow())
    added = 0
    for person_id in hits:
        person: Person = spec.decode(conn.execute(f"{spec.select_sql} WHERE id = ?", (person_id,)).fetchone())
        pairs: dict[str, str] = {}
        if person.citizen_id:
            for o in store_registry.same_citizen_id(conn, person.citizen_id, person.id):
                pairs.setdefault(o.id, "citizen_id")
        if person.birth_year:
            for o in store_registry.same_name_birth_commune(
                conn,
                full_name=person.full_name,
                birth_year=person.birth_year,
                birth_date=person.birth_date,
                commune_code=person.commune_code,
                exclude_id=person.id,
            ):
                pairs.setdefault(o.id, "name_birth_commune")
        for other_id, reason in pairs.items():
            if other_id not in made.ids:
                continue
            a, b = sorted((person.id, other_id))
            added += conn.execute(
                "INSERT INTO merge_candidates (person_id, other_id, reason, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (person_id, other_id) DO NOTHING",
                (a, b, reason, now),
            ).rowcount
    return added
