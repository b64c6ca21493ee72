"""A newer release on the province's server: learnt at sync, told to the member and IT, downloaded and
checked against its published SHA-256 into `<data dir>/downloads/` for IT to run. Never run from here.

At the end of every sync the engine calls `note_newest` (GET /v1/installers/latest, docs/sync-api.md);
the answer is kept in meta (`update_available`) only when it is newer than the running app, so the status
bar and `fieldapp update check` can say so offline. `download` streams the file with the device's token,
hashes it while writing, and deletes it when the hash is not the published one.

Qt-free; the GUI calls `available` and `download` on a worker thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp import __version__
from fieldapp.errors import InputRefused
from fieldapp.outputs import OutputLike, as_output, inside, private_folder, private_writing, writing
from fieldapp.protocol.versions import version_key
from fieldapp.storage import sync as sync_storage
from fieldapp.storage.store import Store, delete_meta, put_meta
from fieldapp.sync.errors import HttpRefused, SyncCancelled, SyncError
from fieldapp.sync.transport import RetryPolicy, Transport, default_timeout

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

META_AVAILABLE = "update_available"
HASH_HEADER = "X-Content-SHA256"
CHUNK = 1 << 16


@dataclass(frozen=True)
class Available:
    id: str
    version: str
    platform: str
    filename: str
    size: int
    sha256: str
    url: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def platform_name() -> str:
    return "windows" if sys.platform.startswith("win") else "linux"


def downloads_dir(store: Store) -> Path:
    return store.data_dir.root / "downloads"


def _from(installer: Any) -> Available | None:
    if not isinstance(installer, dict):
        return None
    try:
        found = Available(
            id=str(installer["id"]),
            version=str(installer["version"]),
            platform=str(installer.get("platform") or platform_name()),
            filename=Path(str(installer["filename"])).name or "installer",
            size=int(installer["size"]),
            sha256=str(installer["sha256"]).lower(),
            url=str(installer["url"]),
        )
    except (KeyError, TypeError, ValueError):
        log.warning("the server's installer answer is not readable: %r", installer)
        return None
    if len(found.sha256) != 64 or not found.url.startswith("/v1/installers/"):
        log.warning("the server's installer answer is not usable: %r", installer)
        return None
    return found


def is_newer(version: str) -> bool:
    return version_key(version) > version_key(__version__)


def record(store: Store, installer: Any) -> Available | None:
    """Keep the server's newest installer in meta when it is newer than this app; forget it otherwise."""
    found = _from(installer)
    with store.transaction() as conn:
        if found is not None and is_newer(found.version):
            put_meta(conn, META_AVAILABLE, json.dumps(found.as_json(), sort_keys=True))
        else:
            delete_meta(conn, META_AVAILABLE)
    if found is not None and is_newer(found.version):
        log.info("a newer version is on the server: %s (this is %s)", found.version, __version__)
        return found
    return None


def note_newest(store: Store, http: Transport) -> Available | None:
    """Ask the server for the newest installer (the end of a sync); a server without installers is fine."""
    try:
        answer = http.get("/v1/installers/latest", {"platform": platform_name()})
    except (HttpRefused, SyncError) as exc:  # an older server (404), or the link went: nothing changed
        log.info("no answer about installers: %s", exc)
        return available(store)
    return record(store, answer.get("installer"))


def available(store: Store) -> Available | None:
    """The newer version learnt at the last sync (None when there is none, or this app is already it)."""
    text = store.meta(META_AVAILABLE)
    if not text:
        return None
    try:
        found = _from(json.loads(text))
    except ValueError:
        return None
    return found if found is not None and is_newer(found.version) else None


def check(store: Store, *, transport: httpx.BaseTransport | None = None, retry: RetryPolicy | None = None):
    """Ask the server now (`fieldapp update check`), without a whole sync."""
    settings = sync_storage.settings(store)
    if not settings.enrolled:
        raise SyncError("sync.not_enrolled")
    with Transport(settings.server_url or "", settings.token, transport=transport, retry=retry) as http:
        return note_newest(store, http)


def download(
    store: Store,
    out: OutputLike | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Save the newer installer (to `out`, or downloads/ in the data dir) once its SHA-256 is the one the
    server published; a file that does not match is deleted and refused. Returns the saved path. `out`
    goes through fieldapp.outputs: an existing file is replaced only when the Output says so, and a folder,
    a device, a link or a place in the data folder is refused."""
    found = available(store)
    if found is None:
        raise InputRefused("update.none", version=__version__)
    settings = sync_storage.settings(store)
    if not settings.enrolled:
        raise SyncError("sync.not_enrolled")
    dest, saving = _destination(store, found.filename, out)
    headers = {"Authorization": f"Bearer {settings.token}", "User-Agent": f"fieldapp/{__version__}"}
    digest = hashlib.sha256()
    got = 0
    import httpx

    with saving as tmp:
        with httpx.Client(base_url=settings.server_url or "", transport=transport, timeout=default_timeout()) as client:
            try:
                with client.stream("GET", found.url, headers=headers) as response:
                    if response.status_code != 200:
                        response.read()
                        raise _refused(response)
                    published = (response.headers.get(HASH_HEADER) or found.sha256).lower()
                    with tmp.open("wb") as f:
                        for chunk in response.iter_bytes(CHUNK):
                            if cancelled is not None and cancelled():
                                raise SyncCancelled()
                            f.write(chunk)
                            digest.update(chunk)
                            got += len(chunk)
                            if progress is not None:
                                progress(got, found.size)
                        f.flush()
                        os.fsync(f.fileno())
            except httpx.TransportError as exc:
                log.warning("installer download cut: %s", exc)
                raise SyncError("sync.offline", server=settings.server_url or "") from exc
        actual = digest.hexdigest()
        if actual != found.sha256 or published != found.sha256:
            log.error("installer %s: SHA-256 %s, published %s / %s", found.id, actual, found.sha256, published)
            raise InputRefused("update.hash_mismatch", version=found.version, expected=found.sha256, actual=actual)
        # never made executable from here (0600, as every file written): IT runs it
    log.info("installer %s saved to %s (%d bytes, SHA-256 checked)", found.version, dest, got)
    return dest


def _destination(store: Store, filename: str, out: OutputLike | None) -> tuple[Path, AbstractContextManager[Path]]:
    """Where the installer goes (`out`, or downloads/ in the data dir), its folder made if need be, and the
    writer that puts it there only once it is whole."""
    if out is None:
        dest = downloads_dir(store) / filename
        try:
            private_folder(dest.parent)
        except OSError as exc:
            raise InputRefused("receipt.no_folder", path=str(dest.parent)) from exc
        return dest, private_writing(dest)
    target = as_output(out, data_dir=store.data_dir.root)
    folder = target.path.parent
    if not folder.exists() and not inside(folder, store.data_dir.root):  # IT names a new folder on a stick
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise InputRefused("receipt.no_folder", path=str(folder)) from exc
    return target.path, writing(target)


def _refused(response: httpx.Response) -> Exception:
    try:
        detail = response.json().get("detail") or {}
        code = detail.get("code", "") if isinstance(detail, dict) else ""
    except ValueError:
        code = ""
    if response.status_code == 401:
        return SyncError("sync.enrol_again")
    if response.status_code == 403 and code == "device_revoked":
        return SyncError("sync.revoked")
    return SyncError("update.download_failed", status=str(response.status_code), code=code or "-")
