"""SQL for imports: the file already seen, the team's communes, and duplicate look-ups by row."""

from __future__ import annotations

from fieldapp.domain.models import Prospect
from fieldapp.storage.driver import Connection
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import Store


def already_imported(store: Store, sha256: str) -> bool:
    return store.query_one("SELECT 1 FROM prospect_lists WHERE file_sha256 = ?", (sha256,)) is not None


BATCH = 500


def persons_by_citizen_ids(conn: Connection, citizen_ids: list[str]) -> dict[str, str]:
    """citizen ID -> the id of the person who has it (a merged record answers with the one kept)."""
    found: dict[str, str] = {}
    for i in range(0, len(citizen_ids), BATCH):
        chunk = citizen_ids[i : i + BATCH]
        marks = ",".join("?" * len(chunk))
        found.update(
            conn.execute(
                f"SELECT citizen_id, coalesce(merged_into, id) FROM persons WHERE citizen_id IN ({marks}) "
                "AND erased_at IS NULL",
                chunk,
            ).fetchall()
        )
    return found


def persons_by_name_year_commune(
    conn: Connection, keys: list[tuple[str, int, str]]
) -> dict[tuple[str, int, str], list[tuple[str | None, str]]]:
    """(folded name, birth year, commune) -> [(birth date or None, person id)] of the people already in
    the registry under those keys; the caller decides which birth dates agree."""
    found: dict[tuple[str, int, str], list[tuple[str | None, str]]] = {}
    names = sorted({k[0] for k in keys})
    wanted = set(keys)
    for i in range(0, len(names), BATCH):
        chunk = names[i : i + BATCH]
        marks = ",".join("?" * len(chunk))
        for name_key, year, commune, birth, person_id in conn.execute(
            f"SELECT name_key, birth_year, commune_code, birth_date, coalesce(merged_into, id) FROM persons "
            f"WHERE name_key IN ({marks}) AND birth_year IS NOT NULL AND erased_at IS NULL ORDER BY pk",
            chunk,
        ):
            if (name_key, year, commune) in wanted:
                found.setdefault((name_key, year, commune), []).append((birth, person_id))
    return found


def add_prospects(conn: Connection, prospects: list) -> None:
    """The links of a list, in one statement (sync carries them as one op with the list)."""
    spec = spec_for(Prospect)
    conn.executemany(spec.insert_sql, [spec.row(p) for p in prospects])
