"""Receipts bind series to signer (issue 13): what the server checks of a pushed receipt, and the void
notice it publishes to the whole province when a receipt is voided (docs/sync-api.md, "Receipts").

A receipt's series names the device that numbered it (`BI-DV01.3-2026`: device 3), so only that device may
push a receipt in it, and the receipt's QR must be signed by the key that device registered, over the same
series, number and amount as the record. A series without a device part (receipts numbered before the
laptop was enrolled) names no device; its QR must still be the pushing device's."""

from __future__ import annotations

from typing import Any, Protocol

from fieldapp.domain import receipt_code

FORGED = "forged"


class Signer(Protocol):
    public_key: str | None  # hex Ed25519, as registered at enrolment
    number: int | None  # the device part of its series


def refusal(device: Signer, record: dict[str, Any]) -> str | None:
    """None when `device` may push this (decoded) receipt record; else the reason it is refused."""
    named = receipt_code.series_device(record["series"])
    if named is not None and named != device.number:
        return FORGED
    text = record.get("qr_payload")
    if text is None:
        return None  # nothing signed to check (nothing a verifier could be shown either)
    try:
        signed = receipt_code.decode(text)
        public = bytes.fromhex(device.public_key or "")
    except (receipt_code.PayloadError, ValueError):
        return FORGED
    claim = signed.claim
    if (claim.series, claim.number, claim.amount) != (record["series"], record["number"], record["amount"]):
        return FORGED
    if claim.key_id != receipt_code.key_id(public) or not receipt_code.signature_matches(signed, public):
        return FORGED
    return None


def void_notice(void: dict[str, Any], receipt: dict[str, Any]) -> dict[str, Any]:
    """The `void_notices` record of a receipt void: what a laptop of the province needs to answer `void`
    for the receipt's QR without holding the receipt (no names, no amounts, no reason)."""
    confirmation = None
    if receipt.get("qr_payload"):
        try:
            confirmation = receipt_code.confirmation_code(receipt_code.decode(receipt["qr_payload"]).signature)
        except receipt_code.PayloadError:
            confirmation = None
    return {
        "id": void["id"],
        "series": receipt["series"],
        "number": receipt["number"],
        "confirmation": confirmation,
        "at": void["at"],
    }
