"""Enrolment (docs/sync-api.md, "Authentication"): the one-time codes, and the challenges and proofs with
which a laptop shows that it holds its device's key.

Challenges are made and checked without a table, so every worker and every machine behind a load balancer
takes the others': `v1.<unix time>.<nonce>.<HMAC>`, the HMAC keyed by a key derived from the server's one
secret (the bundle keys' seed, migration 0002). A challenge is good for ten minutes of the server's clock;
the laptop's clock plays no part."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fieldapp.domain import enrol_proof, receipt_code

LIFETIME = 600  # seconds
AHEAD = 60  # a challenge from a machine whose clock is a little ahead of this one's
_VERSION = "v1"


def key_for(store) -> bytes:
    """The HMAC key, derived (HKDF-SHA256) from the server's bundle signing key, itself from its seed."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from fieldapp.protocol.bundle import raw_private
    from fieldapp.server.bundle import server_keys

    seed = raw_private(server_keys(store).sign)
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"fieldapp enrol challenge v1").derive(seed)


def make(key: bytes, now: float | None = None) -> tuple[str, int]:
    """A new challenge and the unix time it stops being taken."""
    issued = int(time.time() if now is None else now)
    body = f"{_VERSION}.{issued}.{secrets.token_hex(16)}"
    return f"{body}.{_mac(key, body)}", issued + LIFETIME


def fresh(key: bytes, challenge: str, now: float | None = None) -> bool:
    """Whether this server (or one with the same secret) made the challenge less than LIFETIME ago."""
    parts = challenge.split(".")
    if len(parts) != 4 or parts[0] != _VERSION or not parts[1].isdigit():
        return False
    if not hmac.compare_digest(parts[3], _mac(key, ".".join(parts[:3]))):
        return False
    issued, now = int(parts[1]), time.time() if now is None else now
    return issued - AHEAD <= now <= issued + LIFETIME


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Proof:
    """An enrolment's signature over `signed` (fieldapp.domain.enrol_proof.message), its challenge found
    fresh by the app (fieldapp.server.challenges)."""

    signed: bytes
    signature: str

    def by(self, public_key: str | None) -> bool:
        return public_key is not None and enrol_proof.verifies(public_key, self.signature, self.signed)


def key_id_of(public_key: str | None) -> str | None:
    """The key id laptops look a receipt's key up by, computed here: a key id sent with another device's key
    id would make every laptop check that device's receipts against the wrong key."""
    try:
        return receipt_code.key_id(bytes.fromhex(public_key)).hex() if public_key else None
    except ValueError:
        return None


# Codes are typed from a screen or scanned: no 0/O, 1/I/L; 16 of these carry 80 bits.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    """What a person typed: any case, spaces or no dashes."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))
