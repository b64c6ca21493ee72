"""Teams, members, PIN lock state, PIN keys and the laptop's own team (SQL for the organisation)."""

from __future__ import annotations

import json
from datetime import datetime

from fieldapp.domain.models import Member, Team
from fieldapp.protocol.encoding import encode_datetime, to_json
from fieldapp.storage.driver import Connection
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import Store, put_meta

# The teams' PIN keys (fieldapp.domain.pins), in the encrypted store's meta: {team id: {"key": hex,
# "server": bool, "old": [hex, ...]}}; "old" keeps the keys a team had before (a local key replaced by
# the server's at enrolment) so verifiers sealed under them still open until they are sealed again.
META_PIN_KEYS = "pin_keys"

_TEAM = spec_for(Team)
_MEMBER = spec_for(Member)


def current_team(store: Store) -> Team | None:
    """The team this laptop works for (set at enrolment, or by demo-data)."""
    team_id = store.meta("team_id")
    if team_id:
        row = store.query_one(f"{_TEAM.select_sql} WHERE id = ?", (team_id,))
        if row:
            return _TEAM.decode(row)
    row = store.query_one(f"{_TEAM.select_sql} ORDER BY created_at LIMIT 1")
    return _TEAM.decode(row) if row else None


def set_current_team(conn: Connection, team_id: str) -> None:
    put_meta(conn, "team_id", team_id)


def members(store: Store, team_id: str, *, active_only: bool = True) -> list[Member]:
    sql = f"{_MEMBER.select_sql} WHERE team_id = ?" + (" AND active = 1" if active_only else "")
    rows = store.query(sql + " ORDER BY role = 'member', vi_sort_key(full_name)", (team_id,))
    return [_MEMBER.decode(r) for r in rows]


def member(store: Store, member_id: str) -> Member | None:
    row = store.query_one(f"{_MEMBER.select_sql} WHERE id = ?", (member_id,))
    return _MEMBER.decode(row) if row else None


def member_in(conn: Connection, member_id: str | None) -> Member | None:
    """A member as the caller's transaction sees it (the acting member a service checks)."""
    if not member_id:
        return None
    row = conn.execute(f"{_MEMBER.select_sql} WHERE id = ?", (member_id,)).fetchone()
    return _MEMBER.decode(row) if row else None


def members_in(conn: Connection, team_id: str | None = None) -> list[Member]:
    """Every member (of one team), active or not, in the caller's transaction."""
    if team_id is None:
        rows = conn.execute(f"{_MEMBER.select_sql} ORDER BY id").fetchall()
    else:
        rows = conn.execute(f"{_MEMBER.select_sql} WHERE team_id = ? ORDER BY id", (team_id,)).fetchall()
    return [_MEMBER.decode(r) for r in rows]


def find_by_code(store: Store, team_id: str, code: str) -> list[Member]:
    """The active members of a team with this collector code (printed on their receipts)."""
    rows = store.query(f"{_MEMBER.select_sql} WHERE team_id = ? AND code = ? AND active = 1", (team_id, code))
    return [_MEMBER.decode(r) for r in rows]


def current_team_id(conn: Connection) -> str | None:
    """`current_team(...).id` inside the caller's transaction."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'team_id'").fetchone()
    if row and row[0] and conn.execute("SELECT 1 FROM teams WHERE id = ?", (row[0],)).fetchone():
        return row[0]
    row = conn.execute("SELECT id FROM teams ORDER BY created_at LIMIT 1").fetchone()
    return row[0] if row else None


def receipt_team_id(conn: Connection, receipt_id: str) -> str | None:
    """The team whose enrolment a receipt was issued for."""
    row = conn.execute(
        "SELECT e.team_id FROM receipts r JOIN payments p ON p.id = r.payment_id "
        "JOIN enrolments e ON e.id = p.enrolment_id WHERE r.id = ?",
        (receipt_id,),
    ).fetchone()
    return row[0] if row else None


# --- PIN keys and sealed verifiers ---------------------------------------------------------------


def pin_keys(conn: Connection) -> dict[str, dict]:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_PIN_KEYS,)).fetchone()
    if not row:
        return {}
    keys = json.loads(row[0])
    return keys if isinstance(keys, dict) else {}


def save_pin_keys(conn: Connection, keys: dict[str, dict]) -> None:
    put_meta(conn, META_PIN_KEYS, to_json(keys))


def put_pin_hash(conn: Connection, member_id: str, value: str) -> None:
    """The same verifier sealed again (another key, another nonce): not an edit a member made, so no op; the
    ops still waiting to carry this member's row get the new seal too (`reseal_pending_ops`)."""
    conn.execute("UPDATE members SET pin_hash = ? WHERE id = ?", (value, member_id))


def reseal_pending_ops(conn: Connection, member_id: str, value: str) -> int:
    """Put the new seal into this member's ops not sent yet (a create's record, an update's `record`)."""
    done = conn.execute(
        "UPDATE outbox SET payload = CASE op "
        "WHEN 'create' THEN json_set(payload, '$.pin_hash', ?1) "
        "ELSE json_set(payload, '$.record.pin_hash', ?1) END "
        "WHERE entity = 'members' AND entity_id = ?2 AND state = 'pending' AND op IN ('create', 'update') "
        "AND CASE op WHEN 'create' THEN json_type(payload, '$.pin_hash') "
        "ELSE json_type(payload, '$.record.pin_hash') END = 'text'",
        (value, member_id),
    )
    return done.rowcount


def lock_state(conn: Connection, member_id: str) -> tuple[int, datetime | None]:
    row = conn.execute("SELECT failures, locked_until FROM member_locks WHERE member_id = ?", (member_id,)).fetchone()
    if not row:
        return 0, None
    return int(row[0]), datetime.fromisoformat(row[1]) if row[1] else None


def set_lock_state(conn: Connection, member_id: str, failures: int, locked_until: datetime | None) -> None:
    conn.execute(
        "INSERT INTO member_locks (member_id, failures, locked_until) VALUES (?, ?, ?) "
        "ON CONFLICT (member_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
        (member_id, failures, encode_datetime(locked_until) if locked_until else None),
    )
