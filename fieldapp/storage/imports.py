"""SQL for imports: the file already seen, the team's communes, and duplicate look-ups by row."""

from __future__ import annotations

import json

from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store


def already_imported(store: Store, sha256: str) -> bool:
    return store.query_one("SELECT 1 FROM prospect_lists WHERE file_sha256 = ?", (sha256,)) is not None


def team_communes(store: Store) -> list[str]:
    row = store.query_one(
        "SELECT commune_codes FROM teams WHERE id = coalesce((SELECT value FROM meta WHERE key = 'team_id'), id) "
        "ORDER BY created_at LIMIT 1"
    )
    return json.loads(row[0]) if row else []


def person_by_citizen_id(conn: Connection, citizen_id: str) -> str | None:
    row = conn.execute(
        "SELECT coalesce(merged_into, id) FROM persons WHERE citizen_id = ? AND erased_at IS NULL LIMIT 1",
        (citizen_id,),
    ).fetchone()
    return row[0] if row else None


def person_by_name_birth_commune(conn: Connection, name_key: str, birth: str, commune: str) -> str | None:
    row = conn.execute(
        "SELECT coalesce(merged_into, id) FROM persons WHERE name_key = ? AND birth_date = ? AND commune_code = ? "
        "AND erased_at IS NULL LIMIT 1",
        (name_key, birth, commune),
    ).fetchone()
    return row[0] if row else None
