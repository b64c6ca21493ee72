"""The proof an enrolment carries that it comes from the holder of the device's key (docs/sync-api.md,
"Authentication"): an Ed25519 signature, by the receipt-signing key the laptop registered, over a challenge
the server gave a moment ago, bound to the device id, the code and the public key of the request.

A device id belongs to its key: the server enrols a device id it knows only with such a proof, so a fresh
code and a victim's id (ids are public) give nobody the victim's series or kill its token."""

from __future__ import annotations

import hashlib

CONTEXT = "fieldapp-enrol-v1"


def message(challenge: str, device_id: str, code: str, public_key: str | None) -> bytes:
    """The bytes signed: the code as sent goes in as its SHA-256 only (a signature is no place for it)."""
    code_sha256 = hashlib.sha256(code.encode()).hexdigest()
    return f"{CONTEXT}\n{challenge}\n{device_id}\n{code_sha256}\n{public_key or ''}".encode()


def verifies(public_key_hex: str | None, signature_hex: str, signed: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex or ""))
        key.verify(bytes.fromhex(signature_hex), signed)
    except (InvalidSignature, ValueError):
        return False
    return True
