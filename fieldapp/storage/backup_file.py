"""The backup file: the store's encrypted database with its wrapped key slot in front, so that it restores
onto another laptop (a new one, after a loss or a theft) with the team leader's passphrase alone.

    16 bytes   MAGIC
     4 bytes   length N of the header, big-endian
     N bytes   header, JSON: format, store_id, encrypted, key_check, slots (the keystore's passphrase
               slots only: Argon2id + AES-GCM, nothing in clear), app_version
     the rest  the database as `VACUUM INTO` wrote it (SQLCipher, the store's key)

A backup made before this format is the bare database; it restores on the laptop that made it, as before.
"""

from __future__ import annotations

import json
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp import __version__
from fieldapp.errors import InputRefused, StoreUnavailable, WrongPassphrase
from fieldapp.outputs import Output, writing
from fieldapp.storage.keystore import KeyStore, key_check, unwrap_key

MAGIC = b"FIELDAPP-BACKUP\x01"
MAX_HEADER = 64 * 1024
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class BackupHeader:
    store_id: str
    encrypted: bool
    key_check: str | None
    slots: list[dict[str, Any]] = field(default_factory=list)
    offset: int = 0  # where the database starts in the file

    def same_key(self, keystore: KeyStore) -> bool:
        return self.store_id == keystore.store_id and self.key_check == keystore.key_check

    def unlock(self, passphrase: str, path: Path) -> bytes:
        """The backup's key from its passphrase slot; InputRefused (exit 1) for a wrong passphrase, a
        backup without a slot, or a slot that cannot be used (costs beyond reason: refused unhashed)."""
        slots = [s for s in self.slots if isinstance(s, dict) and s.get("kind") == "passphrase"]
        if not slots:
            raise InputRefused("restore.no_slot", path=str(path))
        try:
            key = unwrap_key(slots[0], passphrase, self.store_id)
        except WrongPassphrase:
            raise InputRefused("restore.wrong_passphrase", path=str(path)) from None
        except StoreUnavailable as exc:
            raise InputRefused("restore.unreadable", path=str(path)) from exc
        if key_check(key) != self.key_check:
            raise InputRefused("restore.unreadable", path=str(path))
        return key


def header_for(keystore: KeyStore) -> dict[str, Any]:
    return {
        "format": 1,
        "store_id": keystore.store_id,
        "encrypted": keystore.encrypted,
        "key_check": keystore.key_check,
        "slots": [s for s in keystore.slots if s.get("kind") == "passphrase"],
        "app_version": __version__,
    }


def write(out: Output, header: dict[str, Any], database: Path) -> Path:
    """The backup file at `out` (fieldapp.outputs: atomic, 0600, replaced only with force)."""
    data = json.dumps(header, separators=(",", ":")).encode("utf-8")
    with writing(out) as tmp, tmp.open("wb") as f, database.open("rb") as db:
        f.write(MAGIC + _LENGTH.pack(len(data)) + data)
        shutil.copyfileobj(db, f, 1024 * 1024)
    return out.path


def read_header(path: Path) -> BackupHeader | None:
    """The header of a backup file, or None for a bare database (a backup made before this format)."""
    try:
        with path.open("rb") as f:
            start = f.read(len(MAGIC) + _LENGTH.size)
            if not start.startswith(MAGIC):
                return None
            if len(start) < len(MAGIC) + _LENGTH.size:
                raise InputRefused("restore.not_a_backup", path=str(path))
            (length,) = _LENGTH.unpack(start[len(MAGIC) :])
            if length > MAX_HEADER:
                raise InputRefused("restore.not_a_backup", path=str(path))
            raw = json.loads(f.read(length).decode("utf-8"))
            return BackupHeader(
                store_id=str(raw["store_id"]),
                encrypted=bool(raw["encrypted"]),
                key_check=raw.get("key_check"),
                slots=list(raw.get("slots") or []),
                offset=len(start) + length,
            )
    except FileNotFoundError:
        raise InputRefused("restore.missing", path=str(path)) from None
    except IsADirectoryError:
        raise InputRefused("output.is_folder", path=str(path)) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputRefused("restore.not_a_backup", path=str(path)) from None
    except OSError as exc:
        raise InputRefused("restore.unreadable", path=str(path)) from exc


def extract(path: Path, header: BackupHeader, dest: Path) -> None:
    """Copy the backup's database into `dest` (an empty private file in the data folder)."""
    with path.open("rb") as f, dest.open("wb") as out:
        f.seek(header.offset)
        shutil.copyfileobj(f, out, 1024 * 1024)
