"""This laptop's receipt signing key (docs/sync-api.md, "Receipts"): an Ed25519 key made on first use and kept
in the encrypted store, its public half recorded on the laptop's device record for the server and the other
laptops to verify with. Receipts (services.receipts) sign with it; enrolment (sync.enrol) sends its public half."""

from __future__ import annotations

import logging
from functools import lru_cache

from fieldapp.domain import receipt_code
from fieldapp.domain.enums import AuditAction
from fieldapp.domain.models import Device
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage.writer import Writer

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _private_key(raw_hex: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(raw_hex))


def public_bytes(key) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def device_key(w: Writer):
    """This laptop's signing key, made (and its public half recorded) on first use, in `w`'s transaction."""
    raw = receipt_store.signing_key_hex(w.conn)
    if raw is None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()
        receipt_store.put_signing_key_hex(w.conn, raw)
        public = public_bytes(key)
        device = Device(
            w.actor.device_id,
            receipt_store.team_id(w.conn),
            "laptop",
            receipt_code.key_id(public).hex(),
            public.hex(),
            None,
        )
        if receipt_store.set_device_key(w.conn, device.id, device.key_id, device.public_key):
            w.audit(AuditAction.UPDATE, "devices", device.id, fields=["key_id", "public_key"])
        else:
            w.add(device)
        log.info("device %s made its receipt signing key %s", device.id, device.key_id)
    return _private_key(raw)
