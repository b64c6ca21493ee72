"""The outbox side of the laptop's sync: the next batch of ops to send, and the server's answers settled.

An accepted op moves the record's version on; a conflict keeps both versions in `sync_conflicts` for the
member to choose; a rejected op is parked with its reason, never in the way of the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldapp.domain.clock import utcnow
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.protocol.ops import Op
from fieldapp.storage.driver import Connection
from fieldapp.storage.pulled import _Change
from fieldapp.storage.records import BY_TABLE, TableSpec
from fieldapp.storage.store import Store
from fieldapp.storage.sync_pull import _upsert


@dataclass(frozen=True)
class OutOp(Op):
    """An op of this laptop's outbox (`protocol.ops.Op`, as it goes out) and `seq`, where it sits there."""

    seq: int = field(default=0, kw_only=True)


def next_batch(store: Store, limit: int = 500, *, exclude: Sequence[OutOp] = ()) -> list[OutOp]:
    """The oldest pending ops, at most `limit`, ready to send.

    An edit goes out on the version this laptop last had from the server for the record (its own
    earlier edit, once accepted, moved it on), so two edits in a row are not a conflict with oneself.
    That is why a batch holds at most one op per record: the second waits for the first's answer.
    Ops of a record already in conflict are not sent: they join the open conflict (its `ours`). The
    records of `exclude` (a batch still at the server) wait for its answer.
    """
    busy = {(o.entity, o.entity_id) for o in exclude}
    while True:
        with store.reading() as conn:
            rows = conn.execute(
                "SELECT seq, op_id, entity, entity_id, op, base_version, payload, created_at, actor FROM outbox "
                "WHERE state = 'pending' ORDER BY seq LIMIT ?",
                (limit + len(exclude),),
            ).fetchall()
            if not rows:
                return []
            open_conflicts = _open_conflict_keys(conn, {r[3] for r in rows})
            out: list[OutOp] = []
            seen: set[tuple[str, str]] = set()
            folded: list[tuple[str, str, str]] = []
            for seq, op_id, entity, entity_id, op, stored_base, payload, created_at, actor in rows:
                base = stored_base
                key = (entity, entity_id)
                if key in open_conflicts:
                    folded.append((op_id, entity, entity_id))
                    continue
                if key in seen or key in busy:
                    continue
                seen.add(key)
                spec = BY_TABLE.get(entity)
                if op != "create" and spec is not None and spec.mutable:
                    local = conn.execute(f"SELECT version FROM {spec.table} WHERE id = ?", (entity_id,)).fetchone()
                    if local is not None and local[0] is not None:
                        base = int(local[0])
                out.append(OutOp(op_id, entity, entity_id, op, base, json.loads(payload), created_at, actor, seq=seq))
                if len(out) == limit:
                    break
        if folded:
            with store.transaction() as conn:
                for entity, entity_id in dict.fromkeys((e, i) for _op, e, i in folded):
                    fold_later_edits(conn, entity, entity_id)
        if out or not folded:
            return out


@dataclass
class PushTally:
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0


def settle(store: Store, ops: Sequence[OutOp], results: Sequence[Mapping[str, Any]]) -> PushTally:
    """Record the server's answer to each op, in one transaction.

    accepted: the local record takes the answer's version; a duplicate is settled as its first answer
    was; conflict: both versions go to `sync_conflicts` and the op (with any later ones of the record)
    waits in state conflict; rejected: parked with the reason, for the team leader, never in the way.
    """
    if len(results) != len(ops):
        raise ValueError(f"{len(results)} results for {len(ops)} ops")
    tally = PushTally()
    now = encode_datetime(utcnow())
    with store.transaction() as conn:
        accepted: list[tuple[str, str]] = []
        versions: dict[str, list[tuple[int, str, int]]] = {}
        refused: list[OutOp] = []
        for op, res in zip(ops, results, strict=True):
            if res.get("op_id") not in (None, op.op_id):
                raise ValueError(f"answer for {res.get('op_id')} where {op.op_id} was sent")
            status = res.get("status")
            kept = {k: res.get(k) for k in ("status", "version", "reason", "http")}
            if isinstance(res.get("detail"), str):  # what the server found wrong: "field: problem"
                kept["detail"] = res["detail"][:200]
            if res.get("duplicate"):
                kept["duplicate"] = True
                tally.duplicates += 1
            if status == "accepted":
                tally.accepted += 1
                accepted.append((to_json(kept), op.op_id))
                spec = BY_TABLE.get(op.entity)
                version = res.get("version")
                if spec is not None and spec.mutable and version is not None:
                    versions.setdefault(spec.table, []).append((int(version), op.entity_id, int(version)))
            elif status == "conflict":
                tally.conflicts += 1
                _record_conflict(conn, op, res, now)
                conn.execute(
                    "UPDATE outbox SET state = 'conflict', result = ?, attempts = attempts + 1 WHERE op_id = ?",
                    (to_json(kept), op.op_id),
                )
            else:
                tally.rejected += 1
                if status != "rejected":
                    kept["reason"] = kept.get("reason") or f"status:{status}"
                conn.execute(
                    "UPDATE outbox SET state = 'rejected', result = ?, attempts = attempts + 1 WHERE op_id = ?",
                    (to_json(kept), op.op_id),
                )
                refused.append(op)
        conn.executemany(
            "UPDATE outbox SET state = 'accepted', result = ?, attempts = attempts + 1 WHERE op_id = ?", accepted
        )
        for table, rows in versions.items():
            conn.executemany(f"UPDATE {table} SET version = ? WHERE id = ? AND version < ?", rows)
            conn.execute(
                "DELETE FROM sync_held WHERE entity = ? AND entity_id IN (SELECT value FROM json_each(?))",
                (table, to_json([r[1] for r in rows])),
            )
        for op in refused:
            _release_held(conn, op.entity, op.entity_id)
    return tally


def _release_held(conn: Connection, entity: str, entity_id: str) -> None:
    """The laptop's edit was refused, so nothing of its own waits to go out for the record any more: the
    server's copy that a pull kept aside takes its place (the cursor has moved past it)."""
    if conn.execute(
        "SELECT 1 FROM outbox WHERE entity = ? AND entity_id = ? AND state = 'pending' UNION ALL "
        "SELECT 1 FROM sync_conflicts WHERE entity = ? AND entity_id = ? AND resolved_at IS NULL LIMIT 1",
        (entity, entity_id, entity, entity_id),
    ).fetchone():
        return
    held = conn.execute(
        "SELECT version, record FROM sync_held WHERE entity = ? AND entity_id = ?", (entity, entity_id)
    ).fetchone()
    if held is None or entity not in BY_TABLE:
        return
    _upsert(conn, BY_TABLE[entity], [_Change(entity, entity_id, held[0], json.loads(held[1]), 0)])
    conn.execute("DELETE FROM sync_held WHERE entity = ? AND entity_id = ?", (entity, entity_id))


def park(store: Store, op: OutOp, reason: str, http: int | None) -> None:
    """An op the server refused as a whole request (a 4xx other than 401/403): parked as rejected."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE outbox SET state = 'rejected', result = ?, attempts = attempts + 1 WHERE op_id = ?",
            (to_json({"status": "rejected", "reason": reason, "http": http}), op.op_id),
        )


def _local_record(conn: Connection, spec: TableSpec, record_id: str) -> dict[str, Any] | None:
    row = conn.execute(f"{spec.select_sql} WHERE id = ?", (record_id,)).fetchone()
    return None if row is None else dict(zip(spec.fields, row, strict=True))


def _open_conflict_keys(conn: Connection, entity_ids: Iterable[str]) -> set[tuple[str, str]]:
    rows = conn.execute(
        "SELECT entity, entity_id FROM sync_conflicts WHERE resolved_at IS NULL "
        "AND entity_id IN (SELECT value FROM json_each(?))",
        (to_json(list(entity_ids)),),
    ).fetchall()
    return {(r[0], r[1]) for r in rows}


def fold_later_edits(conn: Connection, entity: str, entity_id: str, *, keep: str | None = None) -> None:
    """The record's edits still pending (but `keep`) wait with its conflict: they are part of `ours` (an
    open conflict shows the record as it is now: `sync_review`), settled by the member's choice, never sent
    on their own."""
    conn.execute(
        "UPDATE outbox SET state = 'conflict' WHERE entity = ? AND entity_id = ? AND state = 'pending' "
        "AND op_id IS NOT ?",
        (entity, entity_id, keep),
    )


def _record_conflict(conn: Connection, op: OutOp, res: Mapping[str, Any], now: str) -> None:
    spec = BY_TABLE.get(op.entity)
    theirs = dict(res.get("current") or {})
    their_version = res.get("version")
    if their_version is None:
        their_version = theirs.get("version") or 0
    ours = (_local_record(conn, spec, op.entity_id) if spec else None) or {}
    conn.execute(
        "INSERT INTO sync_conflicts (entity, entity_id, ours, theirs, base_version, their_version, op_id, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity, entity_id) WHERE resolved_at IS NULL DO UPDATE SET "
        "ours = excluded.ours, theirs = excluded.theirs, their_version = excluded.their_version, "
        "op_id = excluded.op_id, at = excluded.at",
        (op.entity, op.entity_id, to_json(ours), to_json(theirs), op.base_version, int(their_version), op.op_id, now),
    )
    fold_later_edits(conn, op.entity, op.entity_id)
    conn.execute("DELETE FROM sync_held WHERE entity = ? AND entity_id = ?", (op.entity, op.entity_id))
