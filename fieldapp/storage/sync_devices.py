"""The devices list a laptop keeps from the server (docs/sync-api.md, "Devices"): every device's public key,
number, receipt books and revocation, for verifying receipts offline (fieldapp.storage.sync re-exports it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fieldapp.storage import receipt_books
from fieldapp.storage.driver import Connection
from fieldapp.storage.receipts import set_device_number
from fieldapp.storage.store import Store

__all__ = ["merge_devices", "replace_devices"]


def replace_devices(store: Store, devices: Sequence[Mapping[str, Any]], own_device: str) -> int:
    """The server's devices list replaces the local one (the laptop's own key is kept)."""
    with store.transaction() as conn:
        return merge_devices(conn, devices, own_device, replace=True)


def merge_devices(conn: Connection, devices: Sequence[Mapping[str, Any]], own: str, *, replace: bool) -> int:
    teams = {r[0] for r in conn.execute("SELECT id FROM teams").fetchall()}
    mine = conn.execute("SELECT key_id, public_key FROM devices WHERE id = ?", (own,)).fetchone()
    if replace:
        conn.execute("DELETE FROM devices WHERE id <> ?", (own,))
    rows = []
    for d in devices:
        key_id, public_key = d.get("key_id"), d.get("public_key")
        if d.get("id") == own and mine is not None and mine[1]:
            key_id, public_key = mine  # the laptop's own key is the one it signs with
        number = d.get("number")
        if d.get("id") == own and isinstance(number, int) and not isinstance(number, bool) and number > 0:
            set_device_number(conn, number)  # a laptop enrolled before devices had numbers learns its own
        team = d.get("team_id") if d.get("team_id") in teams else None  # other teams' rows are not here
        if not (isinstance(number, int) and not isinstance(number, bool) and number > 0):
            number = None
        rows.append(
            (d["id"], team, d.get("name") or "", key_id, public_key, d.get("enrolled_at"), d.get("revoked_at"), number)
        )
    # other provinces' devices come without name and enrolment time (only what verifying needs)
    conn.executemany(
        "INSERT INTO devices (id, team_id, name, key_id, public_key, enrolled_at, revoked_at, number) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET team_id = excluded.team_id, "
        "name = excluded.name, key_id = excluded.key_id, public_key = excluded.public_key, "
        "enrolled_at = excluded.enrolled_at, revoked_at = excluded.revoked_at, "
        "number = coalesce(excluded.number, devices.number)",
        rows,
    )
    if replace:  # the devices list (not a pulled devices record) gives every device's receipt books
        receipt_books.replace_others(conn, devices, own)
    return len(rows)
