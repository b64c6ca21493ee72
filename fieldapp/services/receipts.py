"""Receipts after the money: sign the QR when the receipt is made, verify a scanned one offline, void one
with the team leader's PIN, and log every print and reprint.

The device's Ed25519 key is made on the first receipt and kept in the encrypted store; its public half
goes into the `devices` table (and, through sync, to the server, which publishes every team's keys).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from fieldapp.domain import receipt_books as books
from fieldapp.domain import receipt_code
from fieldapp.domain.enums import AuditAction
from fieldapp.domain.formats import local_day
from fieldapp.domain.models import Enrolment, Member, Person, ReceiptVoid
from fieldapp.domain.permissions import Action, require
from fieldapp.domain.receipt_code import PayloadError, ReceiptClaim, Verdict
from fieldapp.errors import InputRefused
from fieldapp.outputs import OutputLike, as_output, write_bytes, write_with
from fieldapp.storage import receipt_books as book_store
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import team as team_store
from fieldapp.storage.receipts import ReceiptRef
from fieldapp.storage.signing_key import device_key, public_bytes
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, writing

log = logging.getLogger(__name__)

MAX_VOID_REASON = 500


def claim_for(
    enrolment: Enrolment, payer: Person, series: str, number: int, amount: int, key_id: bytes
) -> ReceiptClaim:
    return ReceiptClaim(
        key_id=key_id,
        series=series,
        number=number,
        amount=amount,
        day=enrolment.enrolled_on,
        payer_id=receipt_code.mask_id(payer.si_number or payer.citizen_id),
        product=series.split("-")[-3],  # [prefix-]product-agent[.device]-year
        months=enrolment.months,
        start_on=enrolment.start_on,
        end_on=enrolment.end_on,
        people=len(enrolment.lines),
    )


def sign_receipt(w: Writer, enrolment: Enrolment, payer: Person, series: str, number: int, amount: int) -> str:
    """The QR text of a new receipt, signed with this device's key, inside the receipt's transaction."""
    key = device_key(w)
    kid = receipt_code.key_id(public_bytes(key))
    return receipt_code.encode(claim_for(enrolment, payer, series, number, amount, kid), key.sign)


# --- verifying ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verification:
    verdict: Verdict
    claim: ReceiptClaim | None = None
    device: str | None = None  # the issuing device's name, where known
    receipt: ReceiptRef | None = None  # the receipt in this laptop's store, where it is here
    confirmation: str | None = None

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.GENUINE

    @property
    def label(self) -> str | None:
        return None if self.claim is None else f"{self.claim.series}/{self.claim.number:07d}"


def verify(store: Store, text: str) -> Verification:
    """What a scanned or pasted receipt QR is, offline, against the keys and voids this laptop knows
    (README "Verifying a receipt", docs/sync-api.md "Receipts"). In this order:

    - `not_receipt` / `damaged`: it does not decode;
    - `unknown_device`: the signing key, or the device the number's book or the series names, is not known
      here (sync first);
    - `forged`: the signature is not the key's; the key is not that of the device holding the receipt book
      its number falls in (`BI-DV01-2026/0100007`), or of the device whose number is in an older series
      (`BI-DV01.3-2026`: device 3); or this laptop holds that receipt with another amount;
    - `revoked`: the signing device is revoked and the receipt is dated after the day of its revocation;
    - `void`: voided here, or the server told of its void (a void anywhere in the province);
    - `revoked_unconfirmed`: the signing device is revoked, the receipt is dated before, and this laptop does
      not hold it as having reached the server (then the server had it before the revocation: a revoked
      device can push nothing, and the server takes a receipt only from its signer). A thief can back-date;
    - `unconfirmed`: numbered before enrolment (no device part, a number below every book), so it names no
      signer, and this laptop does not hold that very receipt;
    - `genuine`."""
    try:
        signed = receipt_code.decode(text)
    except PayloadError as exc:
        log.info("receipt payload refused: %s", exc.verdict)  # the verdict only, never what was scanned
        return Verification(exc.verdict)
    claim = signed.claim
    confirmation = receipt_code.confirmation_code(signed.signature)

    def answer(verdict: Verdict, receipt: ReceiptRef | None = None) -> Verification:
        return Verification(verdict, claim, (key.name or None) if key else None, receipt, confirmation)

    key = receipt_store.known_key(store, claim.key_id.hex())
    if key is None:
        return answer(Verdict.UNKNOWN_DEVICE)
    if not receipt_code.signature_matches(signed, key.public_key):
        return answer(Verdict.FORGED)
    owner, named = _owner(store, claim, key)
    if named and owner is None:
        return answer(Verdict.UNKNOWN_DEVICE)
    if owner is not None and owner.public_key != key.public_key:  # an enrolled laptop, in another's book or series
        return answer(Verdict.FORGED)
    held = receipt_store.held(store, claim.series, claim.number)
    here = held.ref if held is not None else None
    if here is not None and here.amount != claim.amount:
        # a genuine signature over other facts than ours: the series was reused by a copied key
        return answer(Verdict.FORGED, here)
    if key.revoked_at is not None and claim.day > local_day(key.revoked_at):
        return answer(Verdict.REVOKED, here)
    if (here is not None and here.voided) or receipt_store.void_noticed(
        store, claim.series, claim.number, confirmation
    ):
        return answer(Verdict.VOID, here)
    this_one = held is not None and _same_signed(held.qr_payload, signed)
    if key.revoked_at is not None and not (this_one and held.reached_server):
        return answer(Verdict.REVOKED_UNCONFIRMED, here)
    if not named and not this_one:
        return answer(Verdict.UNCONFIRMED, here)
    return answer(Verdict.GENUINE, here)


def _owner(
    store: Store, claim: ReceiptClaim, key: receipt_store.KnownKey
) -> tuple[receipt_store.KnownKey | None, bool]:
    """The device that alone may sign this receipt, and whether the receipt names one at all:

    - a number from a receipt book (the form's series `BI-330103-2026`, receipt_books.FIRST_NUMBER on): the
      device holding the book it falls in (the devices list gives every device's books);
    - an older series with a device part (`BI-330103.3-2026`): the device with that number;
    - a series without one and a number below every book (numbered before enrolment): none."""
    named = receipt_code.series_device(claim.series)
    if named is not None:
        return (key if key.number == named else receipt_store.device_by_number(store, named)), True
    if books.is_book_number(claim.number):
        return book_store.holder(store, claim.number), True
    return None, False


def _same_signed(stored: str | None, signed: receipt_code.Signed) -> bool:
    """Whether the QR stored with a receipt here is the scanned one (the same signed bytes)."""
    if not stored:
        return False
    try:
        mine = receipt_code.decode(stored)
    except PayloadError:
        return False
    return (mine.message, mine.signature) == (signed.message, signed.signature)


# --- voiding and printing -------------------------------------------------------------------------


def void(store: Store, actor: Actor, receipt_id: str, reason: str, leader: Member) -> ReceiptVoid:
    """Void a receipt. The caller has checked the team leader's PIN (services.team.sign_in); here the
    leader, as the store holds them, must lead (or administer) the team the receipt was issued for. The
    void is a new fact, audited and synced, and the receipt prints and verifies as void from then on."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InputRefused("receipt.void_reason_needed")
    if len(reason) > MAX_VOID_REASON:
        raise InputRefused("receipt.void_reason_long", maximum=MAX_VOID_REASON)
    with writing(store, actor) as w:
        return void_in(w, receipt_id, reason, leader)


def void_in(w: Writer, receipt_id: str, reason: str, leader: Member) -> ReceiptVoid:
    """`void` inside a transaction already open (the demo's, on its own clock); `reason` already checked."""
    state = receipt_store.void_state(w.conn, receipt_id)
    if state is None:
        raise InputRefused("receipt.unknown")
    stored = team_store.member_in(w.conn, leader.id)  # the role and team as they are, not as passed
    require(stored, Action.VOID_RECEIPT, team_store.receipt_team_id(w.conn, receipt_id))
    if state:
        raise InputRefused("receipt.already_void")
    voided = ReceiptVoid(w.ids(), receipt_id, reason, leader.id, w.clock())
    w.add(voided, audit=False)
    w.audit(AuditAction.VOID, "receipts", receipt_id, by=leader.id, asked_by=w.actor.member_id)
    return voided


def log_print(store: Store, actor: Actor, receipt_ids: list[str], *, copy: bool, layout: str) -> None:
    """Every print goes into the audit log; a reprint is marked as a copy (BẢN SAO)."""
    action = AuditAction.REPRINT if copy else AuditAction.PRINT
    with writing(store, actor) as w:
        for receipt_id in receipt_ids:
            w.audit(action, "receipts", receipt_id, layout=layout)


def printed_before(store: Store, receipt_id: str) -> bool:
    """A receipt printed once prints as a copy (BẢN SAO) from then on."""
    return receipt_id in _printed(store, [receipt_id])


def _printed(store: Store, receipt_ids: list[str]) -> set[str]:
    return receipt_store.printed(store, receipt_ids, (AuditAction.PRINT.value, AuditAction.REPRINT.value))


def printable(store: Store, receipt_ids: list[str], *, copy: bool | None = None):
    """The receipts ready for `fieldapp.printing.receipt.write`: a receipt printed before prints as a
    copy (BẢN SAO) unless `copy` says otherwise."""
    from fieldapp.domain.profile import letterhead_of
    from fieldapp.printing.receipt import Printing

    found = receipt_store.records(store, receipt_ids)
    before = _printed(store, [r.id for r in found]) if copy is None else set()
    head = letterhead_of(store.data_dir)
    return [Printing(r, r.id in before if copy is None else copy, head) for r in found]


def save_pdf(store: Store, actor: Actor, receipt_ids: list[str], path: OutputLike, layout: str = "a5") -> Path:
    """Write the receipts into one PDF file (fieldapp.outputs: atomically, never into the data folder, an
    existing file only when the Output says so) and log the print. Raises InputRefused for an unknown
    receipt or layout, or a place the file may not go."""
    from fieldapp.printing import receipt as receipt_pdf

    if layout not in receipt_pdf.LAYOUTS:
        raise InputRefused("receipt.format", value=layout)
    items = printable(store, receipt_ids)
    if len(items) != len(set(receipt_ids)):
        raise InputRefused("receipt.unknown", number=", ".join(receipt_ids))
    out = as_output(path, data_dir=store.data_dir.root)
    write_bytes(out, receipt_pdf.pdf_bytes(items, layout))
    log_printed(store, actor, items, layout)
    return out.path


def log_printed(store: Store, actor: Actor, items, layout: str) -> None:
    """Log receipts that reached paper or a file: the originals as prints, the copies as reprints."""
    for copy in (False, True):
        ids = [p.record.id for p in items if p.copy is copy]
        if ids:
            log_print(store, actor, ids, copy=copy, layout=layout)


def without_labels(store: Store, day, receipt_ids: list[str] | None = None) -> list:
    """The cards and books of a day's receipts (or of the given ones) that get no QR label, each with its
    name and receipt, so the labels and the cards handed over never differ without a word (issue 17, item 7)."""
    from fieldapp.printing.labels import without_label

    return without_label(_handed_over(store, day, receipt_ids))


def _handed_over(store: Store, day, receipt_ids: list[str] | None) -> list:
    """The cards and books of a day's receipts (or of the given ones); a voided receipt hands nothing over."""
    return [i for i in receipt_store.hand_overs(store, day, receipt_ids=receipt_ids) if not i.voided]


def hand_over_file(
    store: Store,
    path: OutputLike,
    *,
    day,
    receipt_ids: list[str] | None = None,
    what: str = "labels",
    layout: str = "sheet",
    team: str = "",
    collector: str = "",
) -> Path:
    """The QR labels (`what="labels"`) or the signed hand-over list (`"list"`) of the HI cards and SI books
    of a day's receipts, or of the given ones; voided receipts hand nothing over."""
    import io

    from fieldapp.domain.clock import utcnow
    from fieldapp.domain.formats import local_day
    from fieldapp.printing.labels import LABEL_LAYOUTS, hand_over_pdf, label_for, labels_pdf

    out = as_output(path, data_dir=store.data_dir.root)
    items = _handed_over(store, day, receipt_ids)
    if what == "list":
        printed_on = local_day(utcnow())
        return write_with(
            out, lambda tmp: hand_over_pdf(items, tmp, day=day, team=team, collector=collector, printed_on=printed_on)
        )
    if layout not in LABEL_LAYOUTS:
        raise InputRefused("receipt.format", value=layout)
    buffer = io.BytesIO()
    labels_pdf([lbl for i in items if (lbl := label_for(i, day))], buffer, layout)
    return write_bytes(out, buffer.getvalue())
