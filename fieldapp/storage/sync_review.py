"""What a sync leaves for a person: conflicts to settle field by field, merge candidates to look at, and
the ops the server refused (for the team leader). The SQL of fieldapp.sync's review API."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import AuditAction
from fieldapp.errors import InputRefused
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.storage.driver import Connection
from fieldapp.storage.pulled import _Change, _row
from fieldapp.storage.records import BY_TABLE, TableSpec
from fieldapp.storage.store import Store
from fieldapp.storage.sync_push import _local_record, fold_later_edits
from fieldapp.storage.writer import Actor, writing


@dataclass(frozen=True)
class RejectedOp:
    op_id: str
    entity: str
    entity_id: str
    op: str
    created_at: str
    reason: str | None
    http: int | None
    detail: str | None = None  # the server's "field: problem" for an invalid op


def rejected_ops(store: Store, limit: int = 1000) -> list[RejectedOp]:
    rows = store.query(
        "SELECT op_id, entity, entity_id, op, created_at, result FROM outbox WHERE state = 'rejected' "
        "ORDER BY seq DESC LIMIT ?",
        (limit,),
    )
    out = []
    for op_id, entity, entity_id, op, created_at, result in rows:
        res = json.loads(result) if result else {}
        detail = res.get("detail") if isinstance(res.get("detail"), str) else None
        out.append(RejectedOp(op_id, entity, entity_id, op, created_at, res.get("reason"), res.get("http"), detail))
    return out


# --- conflicts ---------------------------------------------------------------------------------

# bookkeeping, not shown for a choice: the resolution keeps the server's
IGNORED_FIELDS = frozenset({"version", "updated_at"})


@dataclass(frozen=True)
class Conflict:
    id: int
    entity: str
    entity_id: str
    ours: dict[str, Any]
    theirs: dict[str, Any]
    base_version: int | None
    their_version: int
    op_id: str | None
    at: str
    resolved_at: str | None = None
    fields: tuple[str, ...] = field(default=())

    @staticmethod
    def differing(ours: Mapping[str, Any], theirs: Mapping[str, Any], entity: str) -> tuple[str, ...]:
        spec = BY_TABLE.get(entity)
        names = spec.fields if spec else tuple(dict.fromkeys([*ours, *theirs]))
        return tuple(f for f in names if f not in IGNORED_FIELDS and ours.get(f) != theirs.get(f))


def _conflict(conn: Connection, row: Sequence[Any]) -> Conflict:
    """An open conflict's `ours` is the laptop's record as it is now, not as it was when the server said
    conflict: an edit made since (before the next push folds it in) is shown, and settled, with it. A
    settled one keeps the `ours` its member was shown."""
    entity, entity_id, resolved_at = row[1], row[2], row[9]
    ours, theirs = json.loads(row[3]), json.loads(row[4])
    spec = BY_TABLE.get(entity)
    local = _local_record(conn, spec, entity_id) if resolved_at is None and spec is not None else None
    if local is not None:
        ours = json.loads(to_json(local))  # as it is stored: JSON's types
    return Conflict(
        row[0], entity, entity_id, ours, theirs, row[5], row[6], row[7], row[8], resolved_at,
        Conflict.differing(ours, theirs, entity),
    )  # fmt: skip


_CONFLICT_SQL = (
    "SELECT id, entity, entity_id, ours, theirs, base_version, their_version, op_id, at, resolved_at "
    "FROM sync_conflicts"
)


def conflicts(store: Store, *, include_resolved: bool = False) -> list[Conflict]:
    where = "" if include_resolved else " WHERE resolved_at IS NULL"
    with store.reading() as conn:
        return [_conflict(conn, r) for r in conn.execute(_CONFLICT_SQL + where + " ORDER BY id").fetchall()]


def conflict(store: Store, conflict_id: int) -> Conflict | None:
    with store.reading() as conn:
        row = conn.execute(_CONFLICT_SQL + " WHERE id = ?", (conflict_id,)).fetchone()
        return _conflict(conn, row) if row else None


def resolve(store: Store, actor: Actor, conflict_id: int, choices: Mapping[str, str]) -> str | None:
    """Settle a conflict with the member's choice for every field that differs ("ours" or "theirs").

    The local record becomes the chosen mix at the server's latest version; where it differs from the
    server's copy it goes out as a new update on that version (its op id is returned), otherwise
    nothing needs sending (None).
    """
    with writing(store, actor) as w:
        conn = w.conn
        row = conn.execute(_CONFLICT_SQL + " WHERE id = ?", (conflict_id,)).fetchone()
        if row is None:
            raise InputRefused("sync.conflict_unknown")
        c = _conflict(conn, row)
        if c.resolved_at is not None:
            raise InputRefused("sync.conflict_resolved")
        bad = [f for f, pick in choices.items() if pick not in ("ours", "theirs") or f not in c.fields]
        missing = [f for f in c.fields if f not in choices]
        if bad or missing:
            raise InputRefused("sync.conflict_choices", fields=", ".join(bad + missing))
        spec = BY_TABLE[c.entity]
        merged = _merged(c, spec, choices)
        _write_local(conn, spec, c, merged)
        changed = [f for f in spec.fields if f not in IGNORED_FIELDS and merged.get(f) != c.theirs.get(f)]
        op_id = ""
        if changed:
            op_id = w.ids()
            payload = {"record": merged, "changed": changed}
            conn.execute(
                "INSERT INTO outbox (op_id, entity, entity_id, op, base_version, payload, created_at, actor) "
                "VALUES (?, ?, ?, 'update', ?, ?, ?, ?)",
                (
                    op_id,
                    c.entity,
                    c.entity_id,
                    c.their_version,
                    to_json(payload),
                    encode_datetime(w.clock()),
                    w.actor.member_id,
                ),
            )
        conn.execute(
            "UPDATE sync_conflicts SET resolved_at = ?, resolution = ?, ours = ? WHERE id = ?",  # ours as shown
            (encode_datetime(w.clock()), op_id, to_json(c.ours), conflict_id),
        )
        # edits made since the conflict (not folded in by a push yet) were part of `ours`: settled by the
        # choice just made, they must not go out after it and undo it
        fold_later_edits(conn, c.entity, c.entity_id, keep=op_id or None)
        conn.execute("DELETE FROM sync_held WHERE entity = ? AND entity_id = ?", (c.entity, c.entity_id))
        w.audit(AuditAction.UPDATE, c.entity, c.entity_id, conflict=conflict_id, fields=sorted(choices))
    return op_id or None


def _merged(c: Conflict, spec: TableSpec, choices: Mapping[str, str]) -> dict[str, Any]:
    """The server's copy with the fields the member kept as ours, at the server's version."""
    merged = {f: c.theirs.get(f) for f in spec.fields}
    for f, pick in choices.items():
        if pick == "ours":
            merged[f] = c.ours.get(f)
    merged["id"] = c.entity_id
    merged["version"] = c.their_version
    return merged


def _write_local(conn: Connection, spec: TableSpec, c: Conflict, merged: dict[str, Any]) -> None:
    """The local record becomes the chosen mix (no op: `resolve` decides whether it goes out)."""
    change = _Change(c.entity, c.entity_id, c.their_version, merged, 0)
    values = _row(spec, change)
    sets = ", ".join(f"{col} = ?" for col in spec.columns if col != "id")
    conn.execute(
        f"UPDATE {spec.table} SET {sets} WHERE id = ?",
        (*(v for col, v in zip(spec.columns, values, strict=True) if col != "id"), c.entity_id),
    )


# --- merge candidates --------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeCandidate:
    id: int
    person_id: str
    other_id: str
    reason: str
    at: str


def merge_candidates(store: Store) -> list[MergeCandidate]:
    rows = store.query(
        "SELECT id, person_id, other_id, reason, at FROM merge_candidates WHERE settled_at IS NULL ORDER BY id"
    )
    return [MergeCandidate(*r) for r in rows]


def settle_candidate(store: Store, candidate_id: int) -> None:
    """The member looked at it (merged them, or decided they are two people)."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE merge_candidates SET settled_at = ? WHERE id = ? AND settled_at IS NULL",
            (encode_datetime(utcnow()), candidate_id),
        )
