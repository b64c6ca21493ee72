"""The data dir's encryption key: random, kept in the OS keyring and/or wrapped by a passphrase.

keystore.json holds no secret in clear. It has slots, like LUKS: a `keyring` slot names the OS keyring
entry that holds the key; a `passphrase` slot holds the key encrypted with AES-256-GCM under a key
derived from the team leader's passphrase with Argon2id. Either slot opens the store; a `key_check`
tells a wrong key from a damaged database. A store made with the explicit development flag has
`encrypted: false` and no key at all, and opening it without that flag is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp.domain.ids import new_id
from fieldapp.errors import InputRefused, NeedPassphrase, StoreUnavailable, WrongPassphrase
from fieldapp.outputs import write_private

log = logging.getLogger(__name__)

KEY_BYTES = 32
MIN_PASSPHRASE = 8
KEYRING_SERVICE = "fieldapp"
# Argon2id, RFC 9106's second recommended option scaled to a laptop: about 0.1 s here.
ARGON2 = {"time_cost": 3, "memory_cost": 65536, "parallelism": 2}
# What a keystore may ask for before anything is hashed: a file edited to ask for terabytes or a million
# passes would otherwise hang or kill the laptop at start. 1 GiB and 10 passes are far above ARGON2.
ARGON2_LIMITS = {"time_cost": (1, 10), "memory_cost": (8, 1024 * 1024), "parallelism": (1, 16)}
_CHECK_LABEL = b"fieldapp key check v1"


def key_check(key: bytes) -> str:
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def _aad(store_id: str) -> bytes:
    return f"fieldapp keystore {store_id}".encode()


def wrap_key(key: bytes, passphrase: str, store_id: str) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    kek = _derive(passphrase, salt, ARGON2)
    wrapped = AESGCM(kek).encrypt(nonce, key, _aad(store_id))
    return {
        "kind": "passphrase",
        "kdf": "argon2id",
        **ARGON2,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
    }


def kdf_params(slot: dict[str, Any], path: str = "") -> dict[str, int]:
    """The slot's Argon2 costs, once they are integers within ARGON2_LIMITS; StoreUnavailable (exit 3)."""
    params: dict[str, int] = {}
    for name, (low, high) in ARGON2_LIMITS.items():
        value = slot.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise StoreUnavailable("keystore.kdf_absurd", path=path, detail=f"{name}={str(value)[:20]}")
        params[name] = value
    if params["memory_cost"] < 8 * params["parallelism"]:
        raise StoreUnavailable("keystore.kdf_absurd", path=path, detail="memory_cost < 8 x parallelism")
    return params


def unwrap_key(slot: dict[str, Any], passphrase: str, store_id: str, path: str = "") -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    params = kdf_params(slot, path)  # before any hashing
    try:
        kek = _derive(passphrase, _unb64(slot["salt"]), params)
        return AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped"]), _aad(store_id))
    except InvalidTag:
        raise WrongPassphrase("keystore.wrong_passphrase") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise StoreUnavailable("keystore.damaged") from exc


# --- the OS keyring ----------------------------------------------------------------------------


def keyring_available() -> bool:
    """True when an OS keyring can hold secrets. FIELDAPP_KEYRING=off turns it off (servers, CI)."""
    if os.environ.get("FIELDAPP_KEYRING", "").lower() in ("off", "0", "no", "false"):
        return False
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        return not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 0) > 0
    except Exception:  # a broken D-Bus or backend must not stop the app; the passphrase still works
        log.warning("keyring unavailable", exc_info=True)
        return False


def _keyring_get(username: str) -> bytes | None:
    try:
        import keyring

        secret = keyring.get_password(KEYRING_SERVICE, username)
    except Exception:
        log.warning("keyring read failed", exc_info=True)
        return None
    if not secret:
        return None
    try:
        return bytes.fromhex(secret)
    except ValueError:
        log.warning("keyring entry %s is not a key", username)
        return None


def _keyring_set(username: str, key: bytes) -> bool:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, username, key.hex())
        return True
    except Exception:
        log.warning("keyring write failed", exc_info=True)
        return False


# --- the keystore file -------------------------------------------------------------------------


@dataclass
class KeyStore:
    path: Path
    store_id: str
    encrypted: bool
    key_check: str | None = None
    slots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def keyring_username(self) -> str:
        return f"store-{self.store_id}"

    def has_slot(self, kind: str) -> bool:
        return any(s.get("kind") == kind for s in self.slots)

    @classmethod
    def load(cls, path: Path) -> KeyStore:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                path=path,
                store_id=str(data["store_id"]),
                encrypted=bool(data["encrypted"]),
                key_check=data.get("key_check"),
                slots=list(data.get("slots", [])),
            )
        except FileNotFoundError:
            raise
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise StoreUnavailable("keystore.damaged", path=str(path)) from exc

    def save(self) -> None:
        data = {
            "format": 1,
            "store_id": self.store_id,
            "encrypted": self.encrypted,
            "key_check": self.key_check,
            "slots": self.slots,
        }
        write_private(self.path, json.dumps(data, indent=2).encode("utf-8"))

    # --- making and opening ---------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, passphrase: str | None, plaintext: bool = False) -> tuple[KeyStore, bytes | None]:
        """A new random key, kept in the keyring if there is one and wrapped by the passphrase if given."""
        store = cls(path=path, store_id=new_id(), encrypted=not plaintext)
        if plaintext:
            store.save()
            return store, None
        if passphrase is not None:
            check_new_passphrase(passphrase)
        key = secrets.token_bytes(KEY_BYTES)
        store.key_check = key_check(key)
        if keyring_available() and _keyring_set(store.keyring_username, key):
            store.slots.append({"kind": "keyring", "service": KEYRING_SERVICE, "username": store.keyring_username})
        if passphrase is not None:
            store.slots.append(wrap_key(key, passphrase, store.store_id))
        if not store.slots:
            raise NeedPassphrase("keystore.need_new_passphrase")
        store.save()
        return store, key

    def unlock(self, passphrase: str | None) -> bytes:
        """The key from the keyring, else from the passphrase; NeedPassphrase when neither is at hand."""
        if not self.encrypted:
            raise StoreUnavailable("keystore.not_encrypted")
        for slot in self.slots:
            if slot.get("kind") == "keyring" and keyring_available():
                key = _keyring_get(slot.get("username", self.keyring_username))
                if key is not None and key_check(key) == self.key_check:
                    return key
        slots = [s for s in self.slots if s.get("kind") == "passphrase"]
        if not slots:
            raise StoreUnavailable("keystore.keyring_lost")
        if passphrase is None:
            raise NeedPassphrase("keystore.need_passphrase")
        key = unwrap_key(slots[0], passphrase, self.store_id, str(self.path))
        if key_check(key) != self.key_check:
            raise StoreUnavailable("keystore.damaged", path=str(self.path))
        return key

    def set_passphrase(self, key: bytes, passphrase: str) -> None:
        """Add or replace the passphrase slot (the team leader's recovery, or a laptop without keyring)."""
        check_new_passphrase(passphrase)
        self.slots = [s for s in self.slots if s.get("kind") != "passphrase"]
        self.slots.append(wrap_key(key, passphrase, self.store_id))
        self.save()

    def remember_in_keyring(self, key: bytes) -> bool:
        """Keep the key in the OS keyring too, so the laptop opens without the passphrase."""
        if self.has_slot("keyring") or not keyring_available():
            return self.has_slot("keyring")
        if not _keyring_set(self.keyring_username, key):
            return False
        self.slots.append({"kind": "keyring", "service": KEYRING_SERVICE, "username": self.keyring_username})
        self.save()
        return True


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputRefused("keystore.passphrase_short", minimum=MIN_PASSPHRASE)
