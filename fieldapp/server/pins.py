"""The teams' PIN keys on the server, and the check of a member's sealed PIN verifier (issue 13).

A member's PIN verifier travels and rests sealed (fieldapp/domain/pins.py) under their team's PIN key. The
server derives every team's key from one 32-byte secret with HKDF-SHA256 (info = the team id), so nothing
per team is stored, and the secret is **not in the database**: it is the file `pin-secret.key` (0600) in
the server's data folder, made on the first start, or the environment variable FIELDAPP_SERVER_PIN_SECRET
(64 hex digits) where several servers behind a load balancer must share it. A copy of server.db alone,
or of a member row, therefore holds only ciphertext under a key nobody has; back the file up apart from
the database and never copy it with it.

The key reaches the team's laptops over the authenticated API only: in the enrolment answer (`pin_keys`)
and from GET /v1/pin-keys, which a laptop calls at every sync (laptops enrolled before this version).

`pin_hash_refusal` is the check of a pushed `members` create or update: call it from the push's record
validation (fieldapp/server/push.py) and refuse the op with the reason it returns.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fieldapp.domain import pins
from fieldapp.errors import StoreUnavailable

log = logging.getLogger(__name__)

ENV_SECRET = "FIELDAPP_SERVER_PIN_SECRET"  # the secret itself (64 hex), for several servers sharing it
ENV_SECRET_FILE = "FIELDAPP_SERVER_PIN_SECRET_FILE"  # where the secret file is (`server run` tells its workers)
SECRET_FILE = "pin-secret.key"
SECRET_BYTES = 32
_INFO = b"fieldapp pin key v1\x00"
REFUSED = "pin_not_sealed"  # the reason a pushed member op is refused with


def secret_path(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """`<server dir>/pin-secret.key`: beside the default database, but never part of it."""
    from fieldapp.server.settings import server_dir

    return server_dir(data_dir) / SECRET_FILE


def _parse(text: str, where: str) -> bytes:
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError:
        secret = b""
    if len(secret) != SECRET_BYTES:
        raise StoreUnavailable("server.pin_secret_bad", where=where)
    return secret


def load_secret(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> bytes:
    """The server's PIN secret: FIELDAPP_SERVER_PIN_SECRET, else the file (`path`, else
    FIELDAPP_SERVER_PIN_SECRET_FILE, else `secret_path()`), made with 32 random bytes and mode 0600 when
    it does not exist yet. A file others can read is refused (exit 3): it is the one thing that turns a
    copy of the database into PINs."""
    value = os.environ.get(ENV_SECRET)
    if value:
        return _parse(value, ENV_SECRET)
    file = Path(path or os.environ.get(ENV_SECRET_FILE) or secret_path())
    if not file.exists() and create:
        file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(os.urandom(SECRET_BYTES).hex() + "\n")
            log.warning("made the server's PIN secret %s: back it up apart from the database", file)
    if os.name == "posix" and stat.S_IMODE(file.stat().st_mode) & 0o077:
        raise StoreUnavailable("server.pin_secret_open", path=str(file))
    return _parse(file.read_text(encoding="ascii"), str(file))


def team_key(secret: bytes, team_id: str) -> bytes:
    """The team's PIN key: HKDF-SHA256(secret, info = "fieldapp pin key v1" 0 team id), 32 bytes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=pins.KEY_BYTES, salt=None, info=_INFO + team_id.encode()).derive(
        secret
    )


def keys_for(secret: bytes, team_ids: Iterable[str]) -> list[dict[str, str]]:
    """The wire form of the teams' keys: [{"team_id", "key" (hex), "key_id"}] (docs/sync-api.md)."""
    out = []
    for team_id in sorted(set(team_ids)):
        key = team_key(secret, team_id)
        out.append({"team_id": team_id, "key": key.hex(), "key_id": pins.key_id(key)})
    return out


def keys_of_scope(store, team_id: str | None, province: str) -> list[dict[str, str]]:
    """The PIN keys a device gets (`keys_for` under the store's secret): its team's, or, for a province
    device, those of every team of its province."""
    return keys_for(store.pin_secret, [team_id] if team_id else store.team_ids(province))


def pin_hash_refusal(
    value: Any,
    *,
    team_id: Any = None,
    member_id: Any = None,
    secret: bytes | None = None,
) -> str | None:
    """Why a pushed member's `pin_hash` is refused (`REFUSED`), or None when it may be stored.

    Taken: no PIN (None), or a verifier sealed in the format of fieldapp.domain.pins. With the server's
    `secret` (and the record's `team_id` and id), the seal must also open under that team's key for that
    member and hold an Argon2id verifier, so a laptop cannot store a bare verifier, another team's seal or
    a seal copied from another member's row.
    """
    if value is None:
        return None
    if not pins.is_sealed(value):
        return REFUSED
    if secret is None:
        return None
    if not isinstance(team_id, str) or not isinstance(member_id, str):
        return REFUSED
    try:
        pins.unseal(value, pins.keyring(team_key(secret, team_id)), member_id)
    except pins.SealError:
        return REFUSED
    return None


def member_refusal(record: Mapping[str, Any], member_id: str, secret: bytes | None = None) -> str | None:
    """`pin_hash_refusal` of a `members` record as pushed (a create's record, or an update's whole
    `record` when `pin_hash` is among its `changed`)."""
    return pin_hash_refusal(record.get("pin_hash"), team_id=record.get("team_id"), member_id=member_id, secret=secret)


def seal_stored(store, secret: bytes) -> int:
    """Seal the bare verifiers a database from before this version holds (each member row gets a new
    version and feed position, so every laptop pulls the sealed one); returns how many."""

    def sealed(data: dict[str, Any], record_id: str) -> dict[str, Any] | None:
        value, team_id = data.get("pin_hash"), data.get("team_id")
        if not pins.is_verifier(value) or not isinstance(team_id, str):
            return None
        return {**data, "pin_hash": pins.seal(value, team_key(secret, team_id), record_id)}

    done = store.rewrite_records("members", sealed)
    if done:
        log.warning("sealed %d bare member PIN verifiers in the database", done)
    return done
