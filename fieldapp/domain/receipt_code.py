"""The signed QR payload of a receipt, verifiable offline by any team.

Built the way the EU digital COVID certificate is: a compact CBOR record, signed with the issuing
device's Ed25519 key, wrapped with its signature in a CBOR array, zlib-compressed only where that is
shorter, and base45-encoded behind a short versioned prefix so it fits a small QR code in alphanumeric
mode. It carries what the receipt itself shows (series, number, amount, day, what was paid) and the
payer's identifier masked: never a name.

    BL1:<base45>    uncompressed
    BL1Z:<base45>   zlib-compressed
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

PREFIX = "BL1"
_COMPRESSED = PREFIX + "Z"
KEY_ID_BYTES = 8
MAX_PAYLOAD_CHARS = 2000  # a QR this size is not ours; refuse before decoding anything


class Verdict(StrEnum):
    """What verifying a scanned payload found; the UI and the CLI translate it (messages `verify.*`)."""

    GENUINE = "genuine"
    FORGED = "forged"  # a well-formed payload whose signature does not match its content
    DAMAGED = "damaged"  # our prefix, but the rest does not decode (a character changed, truncated)
    NOT_RECEIPT = "not_receipt"  # another app's QR, or plain text
    UNKNOWN_DEVICE = "unknown_device"  # the key, or the device its series names, is not known here
    REVOKED = "revoked"  # signed by a revoked device and dated after its revocation
    # signed by a revoked device, dated before the revocation, but this laptop does not hold it as having
    # reached the server before: a thief can back-date (check with the office)
    REVOKED_UNCONFIRMED = "revoked_unconfirmed"
    # a series without a device number (numbered before enrolment) names no signer: genuine only where the
    # laptop holds that receipt; anywhere else, check with the office
    UNCONFIRMED = "unconfirmed"
    VOID = "void"


class PayloadError(ValueError):
    def __init__(self, verdict: Verdict, detail: str) -> None:
        super().__init__(detail)
        self.verdict = verdict


@dataclass(frozen=True, slots=True)
class ReceiptClaim:
    """What a receipt's QR says, signed. `product` is the series' product code (BI, IS, …)."""

    key_id: bytes
    series: str
    number: int
    amount: int
    day: date
    payer_id: str  # masked: the last digits only
    product: str
    months: int
    start_on: date | None
    end_on: date | None
    people: int  # insured persons the payment covers


@dataclass(frozen=True, slots=True)
class Signed:
    claim: ReceiptClaim
    message: bytes  # the exact bytes that were signed
    signature: bytes


# `[prefix-]product-agent[.device]-year` (services.enrolment.receipt_series): the device part, read from the right
_SERIES_DEVICE = re.compile(r"\.(\d{1,9})-\d{4}$")


def series_device(series: str) -> int | None:
    """The device number a receipt series names (`BI-DV01.3-2026` → 3), None for the old form without one.
    Only the device with that number may sign receipts of the series (docs/sync-api.md, "device_number")."""
    found = _SERIES_DEVICE.search(series)
    return int(found.group(1)) if found else None


def key_id(public_key: bytes) -> bytes:
    """The short id a payload names its key by: the first 8 bytes of SHA-256 of the raw public key."""
    return hashlib.sha256(public_key).digest()[:KEY_ID_BYTES]


def mask_id(identifier: str | None) -> str:
    """Keep the last four characters of a citizen ID or SI number; the rest is stars."""
    text = (identifier or "").strip()
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


def confirmation_code(signature: bytes) -> str:
    """A short code printed under the QR (mã xác nhận), derived from the signature: XXXX-XXXX."""
    code = base64.b32encode(hashlib.sha256(signature).digest()[:5]).decode("ascii")
    return f"{code[:4]}-{code[4:]}"


def _ymd(d: date | None) -> int | None:
    return None if d is None else d.year * 10000 + d.month * 100 + d.day


def _from_ymd(value: object) -> date | None:
    if value is None:
        return None
    if not isinstance(value, int):
        raise ValueError("date is not a number")
    return date(value // 10000, value // 100 % 100, value % 100)


def _claim_map(c: ReceiptClaim) -> dict[int, object]:
    return {
        1: 1,
        2: c.key_id,
        3: c.series,
        4: c.number,
        5: c.amount,
        6: _ymd(c.day),
        7: c.payer_id,
        8: [c.product, c.months, _ymd(c.start_on), _ymd(c.end_on), c.people],
    }


def claim_bytes(claim: ReceiptClaim) -> bytes:
    import cbor2

    return cbor2.dumps(_claim_map(claim), canonical=True)


def encode(claim: ReceiptClaim, sign) -> str:
    """Sign the claim with `sign(message) -> signature` and return the QR text."""
    import base45
    import cbor2

    message = claim_bytes(claim)
    envelope = cbor2.dumps([message, sign(message)])
    packed = zlib.compress(envelope, 9)
    if len(packed) < len(envelope):
        return f"{_COMPRESSED}:{base45.b45encode(packed).decode('ascii')}"
    return f"{PREFIX}:{base45.b45encode(envelope).decode('ascii')}"


def decode(text: str) -> Signed:
    """Parse a scanned payload without checking its signature; raises PayloadError with a verdict."""
    import base45
    import cbor2

    text = (text or "").strip()
    head, sep, body = text.partition(":")
    # A scanner may type the prefix in lower case if Caps Lock is on; base45 itself is upper case.
    head = head.upper()
    if text[: len(PREFIX)].upper() != PREFIX:
        raise PayloadError(Verdict.NOT_RECEIPT, "no receipt prefix")
    # Ours by its first letters, but cut before its colon or far too long: a QR read in part (a crease, a
    # scanner that stopped), not another app's code (issue 17)
    if not sep or head not in (PREFIX, _COMPRESSED) or len(text) > MAX_PAYLOAD_CHARS:
        raise PayloadError(Verdict.DAMAGED, "a receipt prefix, then no payload")
    try:
        raw = base45.b45decode(body.upper())
        if head == _COMPRESSED:
            raw = zlib.decompressobj().decompress(raw, 4096)
        envelope = cbor2.loads(raw)
        message, signature = envelope
        if not isinstance(message, bytes) or not isinstance(signature, bytes) or len(signature) != 64:
            raise ValueError("envelope shape")
        fields = cbor2.loads(message)
        if not isinstance(fields, dict) or fields.get(1) != 1:
            raise ValueError("unknown version")
        product, months, start_on, end_on, people = fields[8]
        claim = ReceiptClaim(
            key_id=_typed(fields[2], bytes),
            series=_typed(fields[3], str),
            number=_typed(fields[4], int),
            amount=_typed(fields[5], int),
            day=_from_ymd(fields[6]),  # type: ignore[arg-type]
            payer_id=_typed(fields[7], str),
            product=_typed(product, str),
            months=_typed(months, int),
            start_on=_from_ymd(start_on),
            end_on=_from_ymd(end_on),
            people=_typed(people, int),
        )
        if claim.day is None or len(claim.key_id) != KEY_ID_BYTES:
            raise ValueError("missing fields")
    except Exception as exc:  # any malformed input: base45, zlib, CBOR, shape, dates
        raise PayloadError(Verdict.DAMAGED, f"{type(exc).__name__}: {exc}") from None
    return Signed(claim, message, signature)


def _typed(value: object, kind: type) -> object:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"expected {kind.__name__}")
    return value


def signature_matches(signed: Signed, public_key: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signed.signature, signed.message)
    except (InvalidSignature, ValueError):
        return False
    return True
