"""What the laptop holds as the server counts it, and what waits for a person: the SQL of a sync's last
steps (docs/sync-api.md, "Pull": counts compared after every pull)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fieldapp.storage import refused
from fieldapp.storage.clashes import kept_aside
from fieldapp.storage.records import BY_TABLE
from fieldapp.storage.store import Store


def local_counts(store: Store, entities: Iterable[str]) -> dict[str, int]:
    """Records per entity as the server should count them: without creates it never took."""
    out = {}
    with store.reading() as conn:
        for entity in entities:
            if entity not in BY_TABLE or entity == "devices":
                continue
            (total,) = conn.execute(f"SELECT count(*) FROM {entity}").fetchone()
            (unsent,) = conn.execute(
                "SELECT count(DISTINCT entity_id) FROM outbox WHERE entity = ? AND op = 'create' AND "
                "(state = 'pending' OR (state = 'rejected' AND coalesce(result ->> '$.reason', '') <> 'exists'))",
                # day_closed: the server has the day's first closing instead, here kept aside (clashes.py)
                (entity,),
            ).fetchone()
            out[entity] = total - unsent + kept_aside(conn, entity) + refused.kept(conn, entity)
    return out


@dataclass(frozen=True)
class Waiting:
    pending: int
    conflicts: int
    rejected: int
    parked: int
    candidates: int
    refused: int = 0  # pulled records kept aside because this laptop refuses them (storage.refused)


def waiting(store: Store) -> Waiting:
    row = store.query_one(
        "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending'), "
        "(SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL), "
        "(SELECT count(*) FROM outbox WHERE state = 'rejected'), "
        "(SELECT count(*) FROM sync_parked), "
        "(SELECT count(*) FROM merge_candidates WHERE settled_at IS NULL), "
        "(SELECT count(*) FROM sync_refused)"
    )
    return Waiting(*row)
