"""Domain writes: the row, its outbox op and its audit entry in one transaction (sync-protocol.md).

Every change a person makes goes through a `Writer`, so no row can exist without the op that carries it
to the server, and no op without its row. `add_all` is the batch form (imports, demo data): one
executemany per table and one audit entry for the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from fieldapp.ahead import ahead
from fieldapp.domain.changes import Changes, Done
from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import AuditAction
from fieldapp.domain.ids import new_id
from fieldapp.errors import InputRefused
from fieldapp.protocol.bounds import Invalid
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.protocol.records import check
from fieldapp.protocol.records import definition as records_definition
from fieldapp.storage.driver import Connection
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import delete_meta, put_meta

if TYPE_CHECKING:
    from fieldapp.storage.store import Store

log = logging.getLogger(__name__)
R = TypeVar("R")
T = TypeVar("T")

_OUTBOX_SQL = (
    "INSERT INTO outbox (op_id, entity, entity_id, op, base_version, payload, created_at, actor) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_AUDIT_SQL = (
    "INSERT INTO audit_log (id, at, member_id, device_id, action, entity, entity_id, detail) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


# Tables whose search index a batch fills in one statement instead of row by row (db/0002): the meta flag
# that pauses the per-row trigger, and the statement that indexes the rows after the given rowid.
BULK_INDEXES = {
    "persons": ("bulk_persons", "INSERT INTO person_names (rowid, name) SELECT pk, name_key FROM persons WHERE pk > ?"),
}


@contextmanager
def indexed_in_bulk(conn: Connection, table: str, *, bulk: bool = True) -> Iterator[None]:
    """Rows inserted into `table` inside the block reach its search index in one statement at the end, the
    per-row trigger paused meanwhile (BULK_INDEXES); a table without one, or `bulk=False`: the trigger does it.
    On an error inside, the caller's transaction (or savepoint) rolls the pause back with the rows."""
    found = BULK_INDEXES.get(table) if bulk else None
    if found is None:
        yield
        return
    flag, index_sql = found
    (before,) = conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()
    put_meta(conn, flag, "1")
    yield
    conn.execute(index_sql, (before,))
    delete_meta(conn, flag)


@cache
def _updatable(table: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The columns an edit may write: all but the id, the version (the server's) and the creation time."""
    return tuple(c for c in columns if c not in ("id", "version", "created_at"))


def _create_payload(fields: Sequence[str], values: Sequence[Any]) -> str:
    """A new record as sync sends it: fields left empty are left out (a third of a registry row)."""
    return to_json({k: v for k, v in zip(fields, values, strict=True) if v is not None})


@cache
def _bulk_outbox_sql(table: str, fields: tuple[str, ...]) -> str:
    """The create ops of a batch: [[op id, record id], ...] in ?1, the time in ?2, the actor in ?3; each
    payload is the row as stored with its empty fields left out, exactly what `_create_payload` makes of it
    (merge-patching `{}` with an object drops its nulls and keeps the field order)."""
    pairs = ", ".join(f"'{f}', t.{f}" for f in fields)
    return (
        "INSERT INTO outbox (op_id, entity, entity_id, op, base_version, payload, created_at, actor) "
        f"SELECT op.value ->> 0, '{table}', t.id, 'create', NULL, json_patch('{{}}', json_object({pairs})), ?2, ?3 "
        f"FROM json_each(?1) AS op JOIN {table} AS t ON t.id = op.value ->> 1 ORDER BY op.key"
    )


CHUNK = 2000  # a batch's records are checked and encoded a chunk ahead of the inserts


def chunks(records: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    return (records[i : i + size] for i in range(0, len(records), size))


@cache
def _values_check(entity: str, fields: tuple[str, ...]) -> Callable[[tuple[Any, ...]], None]:
    """The record check for a record's stored values in field order (no dict to make for each of a batch)."""
    definition = records_definition(entity)
    if definition is None or definition.fields != fields:  # pragma: no cover  (every spec is an entity)
        return lambda values: _check(entity, dict(zip(fields, values, strict=True)))
    check = definition.check_values

    def check_values(values: tuple[Any, ...]) -> None:
        try:
            check(values)
        except Invalid as exc:
            raise InputRefused("record.invalid", entity=entity, field=exc.field, problem=exc.problem) from None

    return check_values


def _check(entity: str, encoded: dict[str, Any]) -> None:
    """A record this laptop writes is one the server takes (fieldapp.protocol.records): a service that let
    a bad value through is refused here, with the field named, and nothing is written."""
    try:
        check(entity, encoded)
    except Invalid as exc:
        raise InputRefused("record.invalid", entity=entity, field=exc.field, problem=exc.problem) from None


@dataclass(frozen=True)
class Actor:
    """Who is writing: the signed-in member (None for the system) on this device."""

    member_id: str | None
    device_id: str


class Writer:
    def __init__(
        self,
        conn: Connection,
        actor: Actor,
        *,
        clock: Callable[[], datetime] = utcnow,
        ids: Callable[[], str] = new_id,
    ) -> None:
        self.conn = conn
        self.actor = actor
        self.clock = clock
        self.ids = ids
        self._written: dict[str, set[str]] = {}  # entity → ids, from every op put in the outbox

    @property
    def changes(self) -> Changes:
        """What this writer wrote so far: every record it put in the outbox (an audit entry alone is no change)."""
        return Changes.of(self._written)

    def _wrote(self, entity: str, ids: Iterable[str]) -> None:
        self._written.setdefault(entity, set()).update(ids)

    def add(self, record: R, *, audit: bool = True) -> R:
        spec = spec_for(record)
        values = spec.values(record)
        _check(spec.entity, dict(zip(spec.fields, values, strict=True)))
        self.conn.execute(spec.insert_sql, (*values, *(fn(record) for fn in spec.derived.values())))
        now = encode_datetime(self.clock())
        record_id = values[spec.fields.index("id")]
        self.conn.execute(
            _OUTBOX_SQL,
            (
                self.ids(),
                spec.entity,
                record_id,
                "create",
                None,
                _create_payload(spec.fields, values),
                now,
                self.actor.member_id,
            ),
        )
        self._wrote(spec.entity, (record_id,))
        if audit:
            self.audit(AuditAction.CREATE, spec.entity, record_id)
        return record

    def add_all(self, records: Sequence[Any], *, action: AuditAction = AuditAction.CREATE, **detail: Any) -> int:
        """Insert records of one type in a batch; one audit entry names the count."""
        return self.add_parts(chunks(records), action=action, **detail)

    def add_parts(
        self,
        parts: Iterable[Sequence[Any]],
        *,
        before_each: Callable[[], None] | None = None,
        action: AuditAction = AuditAction.CREATE,
        **detail: Any,
    ) -> int:
        """Insert records of one type, part by part; one audit entry names the count.

        The parts are drawn and prepared (checked, encoded) a part ahead on a thread of its own while this
        thread inserts, so a generator of parts (an import cleaning its rows) overlaps the SQL too.
        `before_each` runs here before each part's rows go in (records of other types that the part's refer
        to, made along the way). The outbox ops of a part are made by one statement after its rows, their
        payloads built by SQLite from the rows just written (`_bulk_outbox_sql`): JSON-encoding each record
        here cost more than its insert.
        """
        now = encode_datetime(self.clock())
        ids = self.ids

        def prepare(part: Sequence[Any]) -> tuple[Any, str, str, list[str]]:
            if not part:
                return None, "", "", []
            spec = spec_for(part[0])
            derived, id_at = tuple(spec.derived.values()), spec.fields.index("id")
            check_values = _values_check(spec.entity, spec.fields)
            rows, ops = [], []
            for record in part:
                values = spec.values(record)
                check_values(values)
                rows.append((*values, *(fn(record) for fn in derived)))
                ops.append((ids(), values[id_at]))
            return spec, to_json(rows), to_json(ops), [op[1] for op in ops]

        count, entity = 0, None
        with ExitStack() as bulk:
            for spec, rows, ops, written in ahead((prepare(part) for part in parts), "prepare"):
                if before_each is not None:
                    before_each()
                if spec is None:
                    continue
                if entity is None:
                    entity = spec.entity
                    bulk.enter_context(indexed_in_bulk(self.conn, spec.table))
                elif spec.entity != entity:
                    raise TypeError(f"one batch holds one type of record: {spec.entity} after {entity}")
                self.conn.execute(spec.json_insert_sql, (rows,))
                self.conn.execute(_bulk_outbox_sql(spec.table, spec.fields), (ops, now, self.actor.member_id))
                self._wrote(spec.entity, written)
                count += len(written)
        if entity is not None:
            self.audit(action, entity, None, count=count, **detail)
        return count

    def update(self, record: R, changed: Sequence[str]) -> R:
        """Save an edit of a mutable record; the op carries the version the editor saw."""
        spec = spec_for(record)
        if not spec.mutable:
            raise TypeError(f"{spec.table} records are facts and cannot be edited")
        encoded = spec.encode(record)
        _check(spec.entity, encoded)
        columns = _updatable(spec.table, spec.columns)
        values = dict(zip(spec.columns, spec.row(record), strict=True))
        stored = self.conn.execute(
            f"SELECT {', '.join(columns)} FROM {spec.table} WHERE id = ?", (encoded["id"],)
        ).fetchone()
        if stored is None:
            raise LookupError(f"{spec.table} {encoded['id']} not found")
        # Only the columns whose value changes are written: a consent or a phone number then touches its
        # own index alone, not every index of the table and the search index (the row is the same after).
        differ = [
            c for c, old in zip(columns, stored, strict=True) if values[c] != old or type(values[c]) is not type(old)
        ]
        if differ:
            self.conn.execute(
                f"UPDATE {spec.table} SET {', '.join(f'{c} = ?' for c in differ)} WHERE id = ?",
                (*(values[c] for c in differ), encoded["id"]),
            )
        payload = {"record": encoded, "changed": list(changed)}
        self.conn.execute(
            _OUTBOX_SQL,
            (
                self.ids(),
                spec.entity,
                encoded["id"],
                "update",
                encoded["version"],
                to_json(payload),
                encode_datetime(self.clock()),
                self.actor.member_id,
            ),
        )
        self._wrote(spec.entity, (encoded["id"],))
        self.audit(AuditAction.UPDATE, spec.entity, encoded["id"], fields=list(changed))
        return record

    def outbox(self, entity: str, entity_id: str, op: str, base_version: int | None, payload: str) -> None:
        """An op that is not a plain create or update of a record (an erasure), for sync to carry."""
        self.conn.execute(
            _OUTBOX_SQL,
            (
                self.ids(),
                entity,
                entity_id,
                op,
                base_version,
                payload,
                encode_datetime(self.clock()),
                self.actor.member_id,
            ),
        )
        self._wrote(entity, (entity_id,))

    def audit(self, action: AuditAction, entity: str, entity_id: str | None = None, **detail: Any) -> None:
        self.conn.execute(
            _AUDIT_SQL,
            (
                self.ids(),
                encode_datetime(self.clock()),
                self.actor.member_id,
                self.actor.device_id,
                AuditAction(action).value,
                entity,
                entity_id,
                to_json(detail),
            ),
        )


@contextmanager
def writing(
    store: Store,
    actor: Actor,
    *,
    clock: Callable[[], datetime] = utcnow,
    ids: Callable[[], str] = new_id,
) -> Iterator[Writer]:
    """One transaction of domain writes. Once it is committed, `w.changes` says what it wrote, and the store's
    listeners hear it (`Store.on_written`: the GUI refreshes the screens it touched)."""
    with store.transaction() as conn:
        w = Writer(conn, actor, clock=clock, ids=ids)
        yield w
    changes = w.changes
    if changes:
        for listener in tuple(store.on_written):
            try:
                listener(changes)
            except Exception:  # the write is committed: a listener that fails must not report it as failed
                log.exception("a listener of the store's writes failed")


def written(store: Store, actor: Actor, write: Callable[[Writer], T]) -> Done[T]:
    """Run `write` in one transaction of domain writes: a use case's result with what it changed."""
    with writing(store, actor) as w:
        value = write(w)
    return Done(value, w.changes)
