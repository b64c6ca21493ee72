"""Member PINs: the Argon2id verifier, and the seal it rests in and travels in (issue 13).

A PIN has 10^4 to 10^8 values, so its Argon2 verifier alone falls to an offline guess in minutes whatever
the cost. The verifier therefore never leaves a laptop bare: it is *sealed* with AES-256-GCM under the
team's PIN key, a 256-bit key the server derives from a secret kept outside its database and hands only
to the team's enrolled laptops (fieldapp/server/pins.py; a laptop not enrolled makes a local one). The
member rows in server.db, in a pull or in a bundle hold only

    fapin1$<key id: 16 hex>$<base64url(nonce 12 bytes | ciphertext | tag 16 bytes)>

and testing one PIN against that means finding the key first. The associated data binds the seal to the
member's id and the key id, so a verifier copied into another member's row does not open.

No Qt, no SQL, no HTTP here: laptop and server share this module.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fieldapp.errors import InputRefused

PIN_MIN, PIN_MAX = 4, 8
# What one sign-in can afford: about 0.2-0.3 s on a field laptop (bench/pin_guess.py measures it). Tests
# make it cheap through a fixture (tests/conftest.py), as they do for the store's passphrase.
ARGON2: dict[str, int] = {"time_cost": 4, "memory_cost": 65536, "parallelism": 1}

SEALED_PREFIX = "fapin1$"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_SEALED = re.compile(r"^fapin1\$([0-9a-f]{16})\$([A-Za-z0-9_-]{40,400})$")
# An Argon2id verifier as argon2-cffi writes it: what a seal must hold.
_VERIFIER = re.compile(
    r"^\$argon2id\$v=19\$m=\d{1,8},t=\d{1,4},p=\d{1,3}\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}$"
)


class SealError(Exception):
    """A sealed verifier that does not open: no key with its id here, another member's, or damaged."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "not_sealed", "format", "no_key", "damaged"


def check_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise InputRefused("pin.format", minimum=PIN_MIN, maximum=PIN_MAX)


def _hasher() -> PasswordHasher:
    return PasswordHasher(**ARGON2)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """The PIN's Argon2id verifier (not sealed: see `seal`)."""
    check_pin(pin)
    return _hasher().hash(pin, salt=salt) if salt else _hasher().hash(pin)


def verify_pin(verifier: str, pin: str) -> bool:
    """Does `pin` match this (unsealed) verifier? Its own parameters are used, whatever ARGON2 says now."""
    try:
        return PasswordHasher().verify(verifier, pin)
    except (VerificationError, InvalidHashError):
        return False


def is_verifier(text: object) -> bool:
    return isinstance(text, str) and _VERIFIER.fullmatch(text) is not None


# --- the seal --------------------------------------------------------------------------------------


def key_id(key: bytes) -> str:
    """A short public name of a PIN key (the first 8 bytes of a SHA-256 of it): which key sealed a verifier."""
    return hashlib.sha256(b"fieldapp pin key id\x00" + key).digest()[:8].hex()


def _aad(kid: str, member_id: str) -> bytes:
    return f"fieldapp pin v1\x00{kid}\x00{member_id}".encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_sealed(value: object) -> bool:
    """A well-formed sealed verifier (says nothing of whether it opens)."""
    return isinstance(value, str) and _SEALED.fullmatch(value) is not None


def sealed_key_id(value: object) -> str | None:
    match = _SEALED.fullmatch(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def seal(verifier: str, key: bytes, member_id: str, *, nonce: bytes | None = None) -> str:
    """The verifier sealed for `member_id` under the team's PIN key (a fresh random nonce each time).

    `nonce`: only for a verifier made from a fixed salt (demo data), whose seal must come out the same on
    every laptop; one nonce with one key is safe for one plaintext only, and such a verifier is one."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(key) != KEY_BYTES:
        raise ValueError("a PIN key has 32 bytes")
    if not is_verifier(verifier):
        raise ValueError("only an Argon2id verifier is sealed")
    kid = key_id(key)
    nonce = nonce if nonce is not None and len(nonce) == NONCE_BYTES else os.urandom(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, verifier.encode("ascii"), _aad(kid, member_id))
    return f"{SEALED_PREFIX}{kid}${_b64(nonce + body)}"


def unseal(sealed: str, keys: Mapping[str, bytes], member_id: str) -> str:
    """The verifier inside `sealed`, opened with the key of its id among `keys` (key id -> key)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    match = _SEALED.fullmatch(sealed) if isinstance(sealed, str) else None
    if match is None:
        raise SealError("not_sealed" if is_verifier(sealed) else "format")
    kid, body = match.groups()
    key = keys.get(kid)
    if key is None:
        raise SealError("no_key")
    try:
        raw = _unb64(body)
    except ValueError:
        raise SealError("format") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES + 1:
        raise SealError("format")
    try:
        verifier = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(kid, member_id)).decode("ascii")
    except (InvalidTag, UnicodeDecodeError):
        raise SealError("damaged") from None
    if not is_verifier(verifier):
        raise SealError("damaged")
    return verifier


def keyring(*keys: bytes) -> dict[str, bytes]:
    """Keys by their id, as `unseal` takes them."""
    return {key_id(k): k for k in keys}
