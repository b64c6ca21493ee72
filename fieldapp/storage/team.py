"""Teams, members, PIN lock state and the laptop's own team (SQL for the organisation)."""

from __future__ import annotations

from datetime import datetime

from fieldapp.domain.models import Member, Team
from fieldapp.storage.driver import Connection
from fieldapp.storage.records import encode_datetime, spec_for
from fieldapp.storage.store import Store, put_meta

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
