"""SQL of sync by USB stick on the laptop (fieldapp/sync/bundle.py): the server's bundle keys, the
bundles made and taken in, kept in the encrypted store's meta; the outbox ops an answer bundle settles."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fieldapp.protocol.encoding import to_json
from fieldapp.storage.driver import Connection
from fieldapp.storage.records import BY_TABLE
from fieldapp.storage.store import Store, put_meta
from fieldapp.storage.sync_push import OutOp

META_SERVER_KEYS = "bundle_server_keys"  # JSON: box, box_key_id, sign, sign_key_id (GET /v1/bundle-keys)
META_OUT_SEQ = "bundle_out_seq"  # the number of the last bundle this laptop made
META_IN = "bundle_in"  # JSON: bundle_id, seq of the last answer bundle taken in


def server_keys(store: Store) -> dict[str, str] | None:
    raw = store.meta(META_SERVER_KEYS)
    if not raw:
        return None
    keys = json.loads(raw)
    return keys if isinstance(keys, dict) and keys.get("box") and keys.get("sign") else None


def save_server_keys(conn: Connection, keys: Mapping[str, str]) -> None:
    put_meta(conn, META_SERVER_KEYS, to_json({k: keys[k] for k in ("box", "box_key_id", "sign", "sign_key_id")}))


def next_out_seq(store: Store) -> int:
    with store.transaction() as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_OUT_SEQ,)).fetchone()
        seq = int(row[0]) + 1 if row else 1
        put_meta(conn, META_OUT_SEQ, str(seq))
    return seq


@dataclass(frozen=True)
class LastIn:
    bundle_id: str
    seq: int


def last_in(store: Store) -> LastIn | None:
    raw = store.meta(META_IN)
    if not raw:
        return None
    d = json.loads(raw)
    return LastIn(d["bundle_id"], int(d["seq"]))


def mark_in(store: Store, bundle_id: str, seq: int) -> None:
    with store.transaction() as conn:
        put_meta(conn, META_IN, to_json({"bundle_id": bundle_id, "seq": seq}))


def pending_ops(store: Store, op_ids: Iterable[str]) -> dict[str, OutOp]:
    """The ops among `op_ids` still waiting for an answer here (one an online sync settled is not), each
    with the base version it went out with (the one the laptop last had: an unanswered op leaves it)."""
    out: dict[str, OutOp] = {}
    with store.reading() as conn:
        rows = conn.execute(
            "SELECT seq, op_id, entity, entity_id, op, base_version, payload, created_at, actor FROM outbox "
            "WHERE state = 'pending' AND op_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
            (to_json(list(op_ids)),),
        ).fetchall()
        for seq, op_id, entity, entity_id, op, stored_base, payload, created_at, actor in rows:
            base = stored_base
            spec = BY_TABLE.get(entity)
            if op != "create" and spec is not None and spec.mutable:
                local = conn.execute(f"SELECT version FROM {spec.table} WHERE id = ?", (entity_id,)).fetchone()
                if local is not None and local[0] is not None:
                    base = int(local[0])
            out[op_id] = OutOp(op_id, entity, entity_id, op, base, json.loads(payload), created_at, actor, seq=seq)
    return out
