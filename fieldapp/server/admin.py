"""What the `fieldapp server ...` commands do, on the same store the running server uses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fieldapp.domain.admin_units import normalise_province_code
from fieldapp.domain.ids import new_id
from fieldapp.errors import InputRefused
from fieldapp.outputs import OutputLike, write_with
from fieldapp.protocol.entities import COUNTED_TABLES
from fieldapp.server.settings import CODE_VALID
from fieldapp.server.store import ServerStore, migrate

# Kinds that sync carries but `fieldapp stats` does not count; `server stats` shows them after its keys.
MAX_ORGANISATION = 300  # protocol.records: a team's organisation is Text(300)
_SYNCED_ONLY = ("devices", "campaign_periods", "person_merges", "prospect_lists", "prospects")


def open_store(url: str) -> ServerStore:
    store = ServerStore(url)
    try:
        migrate(store.engine)
    except Exception:
        store.close()
        raise
    return store


def add_team(store: ServerStore, name: str, province: str, organisation: str = "") -> dict:
    """A team; `organisation` is who issues its receipts (storage.issuer: the laptops take it from the team's
    record, before the province profile's), printed on them as "Do … tổ chức được BHXH uỷ quyền thu phát hành"."""
    name = " ".join(name.split())
    if not name:
        raise InputRefused("server.team_name_empty")
    code = normalise_province_code(province)
    if code is None:
        raise InputRefused("demo.unknown_province", code=province)
    organisation = " ".join(organisation.split())
    if len(organisation) > MAX_ORGANISATION:
        raise InputRefused("server.organisation_long", maximum=MAX_ORGANISATION)
    return store.add_team(name, code, new_id(), organisation)


def enrol_code(store: ServerStore, *, team: str | None, province: str | None) -> tuple[str, str, str | None, str]:
    """A one-time code for a laptop of `team` (name or id), or for a province-role device: (code,
    expires_at, team name, province)."""
    team_id = team_name = None
    if team is not None:
        found = store.find_team(team)
        if found is None:
            raise InputRefused("server.team_unknown", name=team)
        team_id, team_name, code = found
    else:
        code = normalise_province_code(province or "")
        if code is None:
            raise InputRefused("demo.unknown_province", code=province or "")
    expires = (datetime.now(UTC) + CODE_VALID).isoformat(timespec="milliseconds")
    return store.new_code(team_id, code, expires), expires, team_name, code


def write_qr(code: str, path: OutputLike) -> Path:
    """The code as a QR PNG, for the laptop's camera or a printout (fieldapp.outputs: atomic, 0600)."""
    import zxingcpp
    from PIL import Image

    symbol = zxingcpp.create_barcode(code, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(symbol.to_image(scale=8, add_quiet_zones=True))
    rows, cols = pixels.shape
    image = Image.frombytes("L", (cols, rows), pixels.tobytes())
    return write_with(path, lambda tmp: image.save(tmp, format="PNG"))


def device_list(store: ServerStore) -> list[dict]:
    return [
        {
            "id": d["id"],
            "team": d["team"],
            "name": d["name"],
            "role": d["role"],
            "province_code": d["province_code"],
            "enrolled_at": d["enrolled_at"],
            "last_seen": d["last_seen"],
            "revoked": d["revoked_at"] is not None,
            "revoked_at": d["revoked_at"],
        }
        for d in store.list_devices()
    ]


def revoke(store: ServerStore, device_id: str) -> None:
    if not store.revoke(device_id):
        raise InputRefused("server.device_unknown", id=device_id)


def stats(store: ServerStore) -> dict[str, int]:
    """Records per kind, with the keys of the laptop's `fieldapp stats` (audit entries stay on laptops)."""
    held = store.counts()
    out = {key: held.get(table, 0) for key, table in COUNTED_TABLES.items() if table != "audit_log"}
    out["audit_entries"] = 0
    for entity in _SYNCED_ONLY:
        out[entity] = held.get(entity, 0)
    return out
