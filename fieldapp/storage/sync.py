"""SQL of the laptop's sync (docs/sync-api.md): its settings in meta, its enrolment and own device row.

The outbox read and settled from push answers lives in `sync_push`, pulled pages applied in `sync_pull`, the
province's devices in `sync_devices`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fieldapp.domain.clock import utcnow
from fieldapp.protocol.encoding import decode_datetime, encode_datetime, to_json
from fieldapp.storage.driver import Connection
from fieldapp.storage.pulled import _Change
from fieldapp.storage.records import BY_TABLE
from fieldapp.storage.store import Store, delete_meta, put_meta
from fieldapp.storage.sync_pull import META_CURSOR, _fks, _upsert

META_SERVER = "sync_server_url"
META_TOKEN = "sync_token"
META_LAST_OK = "sync_last_ok"
META_PROVINCE = "sync_province"
META_ENROLLED_AT = "sync_enrolled_at"
META_RESYNC = "sync_resync"  # set when counts disagreed: the next pull starts from 0 (guarded, reported)


# --- settings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncSettings:
    server_url: str | None
    token: str | None
    cursor: int
    last_ok: datetime | None
    province_code: str | None
    team_id: str | None
    resync: bool

    @property
    def enrolled(self) -> bool:
        return bool(self.server_url and self.token)


def settings(store: Store) -> SyncSettings:
    rows = dict(
        store.query(
            "SELECT key, value FROM meta WHERE key IN (?, ?, ?, ?, ?, ?, 'team_id')",
            (META_SERVER, META_TOKEN, META_CURSOR, META_LAST_OK, META_PROVINCE, META_RESYNC),
        )
    )
    last = rows.get(META_LAST_OK)
    return SyncSettings(
        server_url=rows.get(META_SERVER),
        token=rows.get(META_TOKEN),
        cursor=int(rows.get(META_CURSOR) or 0),
        last_ok=decode_datetime(last) if last else None,
        province_code=rows.get(META_PROVINCE),
        team_id=rows.get("team_id"),
        resync=rows.get(META_RESYNC) == "1",
    )


def save_enrolment(
    conn: Connection, *, server_url: str, token: str, province_code: str | None, team: Mapping[str, Any] | None
) -> None:
    """Keep what the server gave at enrolment, inside the caller's transaction. The cursor starts at 0:
    a laptop joining a team pulls everything in its scope."""
    put_meta(conn, META_SERVER, server_url)
    put_meta(conn, META_TOKEN, token)
    put_meta(conn, META_ENROLLED_AT, encode_datetime(utcnow()))
    put_meta(conn, META_CURSOR, "0")
    if province_code:
        put_meta(conn, META_PROVINCE, province_code)
    if team:
        spec = BY_TABLE["teams"]
        _upsert(conn, spec, [_Change("teams", team["id"], team.get("version"), dict(team), 0)])
        put_meta(conn, "team_id", team["id"])


def ensure_own_device(conn: Connection, device_id: str, name: str) -> None:
    """The laptop's own devices row, made without an op: the server publishes it from the enrolment."""
    conn.execute("INSERT INTO devices (id, name) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", (device_id, name))


def own_device_key(conn: Connection, device_id: str) -> tuple[str | None, str | None]:
    row = conn.execute("SELECT key_id, public_key FROM devices WHERE id = ?", (device_id,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def set_own_device(
    conn: Connection, device_id: str, team_id: str | None, name: str, enrolled_at: str, number: int | None = None
) -> None:
    conn.execute(
        "UPDATE devices SET team_id = (SELECT id FROM teams WHERE id = ?), name = ?, enrolled_at = ?, "
        "number = coalesce(?, number) WHERE id = ?",
        (team_id, name, enrolled_at, number, device_id),
    )


def unsent_ops(conn: Connection) -> list[tuple[str, str, str, str, str, str | None]]:
    """(op_id, entity, entity_id, op, payload, actor) of the ops no server has answered yet, oldest first."""
    return conn.execute(
        "SELECT op_id, entity, entity_id, op, payload, actor FROM outbox WHERE state IN ('pending', 'sent') "
        "ORDER BY seq"
    ).fetchall()


def local_teams(conn: Connection) -> dict[str, tuple[str, str]]:
    """team id -> (name, province code) of the teams this laptop holds."""
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, name, province_code FROM teams")}


def foreign_keys(conn: Connection, table: str) -> tuple[tuple[str, str], ...]:
    """(column, parent table) of the table's foreign keys."""
    return tuple((fk.column, fk.parent) for fk in _fks(conn, table))


def park_unsent(conn: Connection, op_ids: Sequence[str], reason: str) -> None:
    """Park ops that will not be sent as rejected with the reason (their records stay as they are)."""
    result = to_json({"status": "rejected", "reason": reason, "http": None})
    conn.executemany(
        "UPDATE outbox SET state = 'rejected', result = ? WHERE op_id = ? AND state IN ('pending', 'sent')",
        [(result, op_id) for op_id in op_ids],
    )


def set_last_ok(store: Store, at: datetime) -> None:
    with store.transaction() as conn:
        put_meta(conn, META_LAST_OK, encode_datetime(at))


def mark_resync(store: Store, needed: bool) -> None:
    """A full resync: the next pull starts from 0 (applying is idempotent); cleared when it is done."""
    with store.transaction() as conn:
        if needed:
            put_meta(conn, META_RESYNC, "1")
            put_meta(conn, META_CURSOR, "0")
        else:
            delete_meta(conn, META_RESYNC)
