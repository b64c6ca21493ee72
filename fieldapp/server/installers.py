"""Installers on the province's server, for IT to run on the laptops (issue 8).

`fieldapp server installer add FILE --version V --platform linux|windows [--province CODE]` copies the
file into `<server dir>/installers/` and records its SHA-256; a laptop asks `GET /v1/installers/latest`
for the newest one of its platform (its province's, or one for every province) and downloads it from
`GET /v1/installers/{id}` with the hash in `X-Content-SHA256`, to check it before IT runs it.

The table's `path` is where the file is: every server process (and machine) serving the API must see it
there (a shared folder when several machines sit behind a load balancer).

The routes are fieldapp/server/routes/installers.py, the queries fieldapp/server/store_installers.py.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

from fieldapp.domain.admin_units import normalise_province_code
from fieldapp.domain.ids import new_id
from fieldapp.errors import InputRefused
from fieldapp.outputs import private_folder, private_writing
from fieldapp.protocol.versions import version_key
from fieldapp.server import store_installers

PLATFORMS = ("linux", "windows")
HASH_HEADER = "X-Content-SHA256"
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,3}([a-z0-9.+-]{0,20})$")
_SAFE_NAME = re.compile(r"[^0-9A-Za-z._-]+")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def add(store, source: Path, version: str, platform: str, province: str | None, folder: Path) -> dict[str, Any]:
    """Copy the installer into `folder` and record it; refused (nothing stored) when the input is wrong."""
    from fieldapp.server.store import utcnow

    if not _VERSION.match(version):
        raise InputRefused("installer.bad_version", version=version)
    if platform not in PLATFORMS:
        raise InputRefused("installer.bad_platform", platform=platform)
    if province is not None:
        code = normalise_province_code(province)
        if code is None:
            raise InputRefused("demo.unknown_province", code=province)
        province = code
    if not source.is_file():
        raise InputRefused("installer.no_file", path=str(source))
    if source.stat().st_size == 0:
        raise InputRefused("installer.empty", path=str(source))
    if store_installers.exists(store, version, platform, province or ""):
        raise InputRefused("installer.exists", version=version, platform=platform)
    private_folder(folder)  # the server's data: its owner's only
    ident = new_id()
    name = _SAFE_NAME.sub("-", source.name)[:120] or "installer"
    dest = folder / f"{ident}-{name}"
    with private_writing(dest) as tmp:
        shutil.copyfile(source, tmp)
        digest = file_sha256(tmp)
    row = {
        "id": ident,
        "version": version,
        "platform": platform,
        "province_code": province or "",
        "filename": name,
        "path": str(dest.resolve()),
        "size": dest.stat().st_size,
        "sha256": digest,
        "added_at": utcnow(),
    }
    try:
        store_installers.insert(store, row)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return row


def newest(store, platform: str, province: str) -> dict[str, Any] | None:
    """The newest installer of `platform` for a laptop of `province` (its own, or one for every province)."""
    found = store_installers.of_platform(store, platform, [province, ""])
    if not found:
        return None
    # the newest version; of two of the same version, the province's own
    return max(found, key=lambda r: (version_key(r["version"]), r["province_code"] != "", r["added_at"]))


def by_id(store, installer_id: str) -> dict[str, Any] | None:
    return store_installers.by_id(store, installer_id)


def listing(store) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "path"} for r in store_installers.every(store)]


def wire(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "version": row["version"],
        "platform": row["platform"],
        "province_code": row["province_code"] or None,
        "filename": row["filename"],
        "size": row["size"],
        "sha256": row["sha256"],
        "url": f"/v1/installers/{row['id']}",
    }
