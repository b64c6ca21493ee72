"""Receipts bind their number to their signer (issues 13 and 17): what the server checks of a pushed
receipt, and the void notice it publishes to the whole province when a receipt is voided (docs/sync-api.md,
"Receipts").

A receipt in the form's series (`BI-330103-2026`) numbered from a receipt book (a number from
receipt_books.FIRST_NUMBER on) may be pushed only by the device holding that book; one in an older series
naming its device (`BI-DV01.3-2026`: device 3) only by that device; and the receipt's QR must be signed by
the key the device registered, over the same series, number and amount as the record. A receipt numbered
before the laptop was enrolled (a series without a device part, a number below any book) names no device;
its QR must still be the pushing device's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from fieldapp.domain import receipt_books as books
from fieldapp.domain import receipt_code
from fieldapp.server.ops import Device, Rec, visible

FORGED = "forged"
VOID_NOTICES = "void_notices"  # made by the server for every receipt void, filed for the province


class Signer(Protocol):
    public_key: str | None  # hex Ed25519, as registered at enrolment
    number: int | None  # the device part of its series
    blocks: tuple[tuple[int, int], ...]  # its receipt books


def refusal(device: Signer, record: dict[str, Any]) -> str | None:
    """None when `device` may push this (decoded) receipt record; else the reason it is refused."""
    named = receipt_code.series_device(record["series"])
    if named is not None and named != device.number:
        return FORGED
    number = record["number"]
    if named is None and books.is_book_number(number) and not books.holds(getattr(device, "blocks", ()), number):
        return FORGED  # another device's book, or one nobody was given
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


def void_notices(device: Device, recs: list[Rec], receipt: Callable[[str], Rec | None]) -> list[Rec]:
    """A `void_notices` record for each receipt void these records make (`receipt(id)`: the receipt as the
    push sees it), filed for the whole province: a laptop of another team never holds the receipt, yet must
    answer `void` for its QR. Only the void of a receipt the pushing device can see is published: another
    team's laptop cannot void my receipt for the province."""
    out = []
    for rec in recs:
        if rec.entity != "receipt_voids" or rec.db_pos is not None:
            continue
        voided = receipt(rec.data.get("receipt_id"))
        if voided is None or not visible(device, voided.scope_team, voided.scope_province):
            continue
        notice = void_notice(rec.data, voided.data)
        out.append(Rec(VOID_NOTICES, rec.id, "", voided.scope_province, None, notice, None, None, None))
    return out
