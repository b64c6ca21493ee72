"""Enrolment: price with the premium engine, then write enrolment, payment and receipt together.

One transaction holds all three, and the receipt number is taken from its series in that same
transaction: never a receipt without its payment, never a payment without its receipt, never a
number twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from fieldapp.domain import products
from fieldapp.domain import receipt_books as books
from fieldapp.domain.changes import Done
from fieldapp.domain.enums import EnrolmentKind, HiStatePath, PaymentMethod, SupportGroup, VsiStatus
from fieldapp.domain.formats import local_day
from fieldapp.domain.models import Enrolment, EnrolmentLine, Member, Payment, Person, Receipt
from fieldapp.domain.premiums import RuleBook, rule_ids
from fieldapp.domain.profile import PREFIX
from fieldapp.errors import InputRefused
from fieldapp.paths import DataDir
from fieldapp.services.receipts import sign_receipt
from fieldapp.settings import RECEIPT_PREFIX, Settings
from fieldapp.storage import receipt_books
from fieldapp.storage.closing import is_closed
from fieldapp.storage.driver import Connection
from fieldapp.storage.issuer import issuer
from fieldapp.storage.receipts import device_number, next_number, store_folder
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, written


@dataclass(frozen=True)
class Enrolled:
    enrolment: Enrolment
    payment: Payment
    receipt: Receipt


def receipt_series(kind: str, agent_code: str, year: int, *, device: int | None = None, prefix: str = "") -> str:
    """Ký hiệu: product, agent code, year (forms.md), `BI-DV01-2026`; the province's prefix in front when its
    profile sets one (`HY-BI-DV01-2026`). `device` makes the older form of a laptop enrolled before receipt
    books (`BI-DV01.3-2026`), which it keeps until its first book arrives; numbers from books need none."""
    agent = f"{agent_code}.{device}" if device is not None else agent_code
    head = f"{prefix}-" if prefix else ""
    return f"{head}{products.get(kind).series}-{agent}-{year}"


def _series_and_number(w: Writer, kind: str, agent_code: str, year: int) -> tuple[str, int]:
    """The Ký hiệu and Số of a new receipt, taken in the receipt's transaction (docs/sync-api.md, "Receipts"):

    - from this laptop's receipt books (the server's number ranges) in the form's series `BI-330103-2026`;
    - a laptop enrolled before books, not synced since: as before, in its device's series `BI-330103.3-2026`;
    - a laptop not enrolled (demo, training): the form's series numbered here from 1, below every book.
    Each is above every number of its series here: never an IntegrityError."""
    prefix = series_prefix(w.conn)
    booked = receipt_books.next_number(w.conn, w.actor.device_id)
    if booked is not None:
        return receipt_series(kind, agent_code, year, prefix=prefix), booked
    device = device_number(w.conn)
    series = receipt_series(kind, agent_code, year, device=device, prefix=prefix)
    number = next_number(w.conn, series)
    if device is None and books.is_book_number(number):
        raise InputRefused("receipt.book_needed")  # never a number a book may hold
    return series, number


def series_prefix(conn: Connection) -> str:
    """The province profile's receipt prefix (settings.json beside the store file), "" when none."""
    folder = store_folder(conn)
    if folder is None:
        return ""
    value = Settings(DataDir(folder).settings).get(RECEIPT_PREFIX)
    return value if PREFIX.fullmatch(value or "") else ""


def state_hi_group(rules: RuleBook, person: Person, on: date) -> HiStatePath | None:
    """Where the HI card of a person the state pays or supports comes from (rules.md: outside household
    HI), or None for everyone else."""
    found = rules.hi_state_group(person.target_group.value, on)
    return HiStatePath(found[0]) if found else None


def _pay_and_receipt(
    w: Writer,
    enrolment: Enrolment,
    collector: Member,
    payer: Person,
    method: PaymentMethod,
    reference: str | None,
) -> Enrolled:
    if enrolment.amount <= 0:
        raise InputRefused("payment.amount_not_positive")
    if not issuer(w.conn, enrolment.team_id):
        # a receipt without its issuer is not the C45-BB form (issue 17): refuse before anything is written
        raise InputRefused("receipt.issuer_unknown")
    if method is PaymentMethod.TRANSFER and not (reference or "").strip():
        raise InputRefused("payment.reference_needed")
    paid_at = w.clock()
    if is_closed(w.conn, local_day(paid_at), collector.id):
        raise InputRefused("closing.day_closed", day=local_day(paid_at), name=collector.full_name)
    payment = Payment(w.ids(), enrolment.id, method, enrolment.amount, reference, paid_at, collector.id)
    series, number = _series_and_number(w, enrolment.kind, collector.code, local_day(paid_at).year)
    receipt = Receipt(
        w.ids(),
        payment.id,
        series,
        number,
        enrolment.amount,
        payer.full_name,
        paid_at,
        local_day(paid_at),
        collector.id,
        sign_receipt(w, enrolment, payer, series, number, enrolment.amount),
    )
    w.add(enrolment)
    w.add(payment)
    w.add(receipt)
    return Enrolled(enrolment, payment, receipt)


def enrol(
    w: Writer,
    rules: RuleBook,
    kind: str,
    *,
    team_id: str,
    collector: Member,
    payer: Person,
    members: Sequence[Person],
    months: int,
    income: int | None = None,
    group: SupportGroup = SupportGroup.OTHER,
    province: str | None = None,
    method: PaymentMethod = PaymentMethod.CASH,
    reference: str | None = None,
    event_id: str | None = None,
    sponsor: str | None = None,
) -> Enrolled:
    """Enrol `members` (in the declared order: for household HI the 1st pays full, the next ones less) in
    the product of `kind`, priced by its quote on the payment day, covered from its cover start; a donated
    product needs its sponsor. The payer's receipt is in the product's series."""
    product = products.get(kind)
    _check_members(product, members, sponsor)
    paid_on = local_day(w.clock())
    cover = _COVERS[product.insures]
    cover.check(rules, product, members, paid_on)
    quote = product.quote(
        rules,
        products.Order(paid_on, months, members=len(members), income=income, group=group, province=province),
    )
    start, end = product.cover(paid_on, product.held_until(members[0]), months)
    enrolment = Enrolment(
        w.ids(),
        str(product.kind),  # the code as plain text, as the store gives it back
        payer.id,
        payer.household_id,
        team_id,
        collector.id,
        event_id,
        paid_on,
        months,
        income if product.insures == products.VSI else None,
        start,
        end,
        quote.total,
        quote.state_support,
        quote.local_support,
        sponsor if product.donated else None,
        rule_ids(quote.quote),
        _lines(members, quote.lines),
        w.clock(),
    )
    done = _pay_and_receipt(w, enrolment, collector, payer, method, reference)
    for person in members:
        cover.extend(w, person, end)
    return done


def _check_members(product: products.Product, members: Sequence[Person], sponsor: str | None) -> None:
    """A donated product names its sponsor; nobody is enrolled twice in one go."""
    if product.donated and not sponsor:
        raise InputRefused("enrolment.sponsor_needed")
    ids = [p.id for p in members]
    if len(set(ids)) != len(ids):
        raise InputRefused("enrolment.member_twice")


def _lines(members: Sequence[Person], priced: Sequence[tuple[int, int]]) -> tuple[EnrolmentLine, ...]:
    """Each member's line, in the declared order, with the monthly amount and the total the quote gave."""
    return tuple(
        EnrolmentLine(p.id, order, monthly, amount)
        for order, (p, (monthly, amount)) in enumerate(zip(members, priced, strict=True), start=1)
    )


@dataclass(frozen=True)
class _Cover:
    """What enrolling does to a person's cover, by what the product insures (products.HI, products.VSI)."""

    extend: Callable[[Writer, Person, date], None]
    check: Callable[[RuleBook, products.Product, Sequence[Person], date], None]


def _no_state_group(rules: RuleBook, product: products.Product, members: Sequence[Person], paid_on: date) -> None:
    """A household pays only for those the state does not (rules.md); a sponsor may pay anyone's card."""
    if product.donated:
        return
    for person in members:
        path = state_hi_group(rules, person, paid_on)
        if path:
            raise InputRefused("enrolment.hi_state_group", name=person.full_name, group=person.target_group, path=path)


def _one_person(rules: RuleBook, product: products.Product, members: Sequence[Person], paid_on: date) -> None:
    if len(members) != 1:
        raise ValueError("a VSI enrolment is one person's")


def _extend_hi(w: Writer, person: Person, end: date) -> None:
    w.update(replace(person, hi_valid_to=end, updated_at=w.clock()), ["hi_valid_to"])


def _extend_vsi(w: Writer, person: Person, end: date) -> None:
    w.update(
        replace(person, vsi_status=VsiStatus.ACTIVE, vsi_paid_to=end, updated_at=w.clock()),
        ["vsi_status", "vsi_paid_to"],
    )


_COVERS = {
    products.HI: _Cover(_extend_hi, _no_state_group),
    products.VSI: _Cover(_extend_vsi, _one_person),
}


def enrol_household_hi(
    w: Writer,
    rules: RuleBook,
    *,
    team_id: str,
    collector: Member,
    payer: Person,
    members: Sequence[Person],
    months: int,
    method: PaymentMethod = PaymentMethod.CASH,
    reference: str | None = None,
    event_id: str | None = None,
    donated_by: str | None = None,
) -> Enrolled:
    """Household HI for `members` in the declared order (the 1st pays full, the next ones less); a donated
    card where `donated_by` names the sponsor."""
    return enrol(
        w,
        rules,
        EnrolmentKind.DONATED_HI if donated_by else EnrolmentKind.HOUSEHOLD_HI,
        team_id=team_id,
        collector=collector,
        payer=payer,
        members=members,
        months=months,
        method=method,
        reference=reference,
        event_id=event_id,
        sponsor=donated_by,
    )


def enrol_vsi(
    w: Writer,
    rules: RuleBook,
    *,
    team_id: str,
    collector: Member,
    person: Person,
    income: int,
    months: int,
    group: SupportGroup = SupportGroup.OTHER,
    province: str | None = None,
    method: PaymentMethod = PaymentMethod.CASH,
    reference: str | None = None,
    event_id: str | None = None,
    donated_by: str | None = None,
) -> Enrolled:
    return enrol(
        w,
        rules,
        EnrolmentKind.DONATED_VSI if donated_by else EnrolmentKind.VSI,
        team_id=team_id,
        collector=collector,
        payer=person,
        members=(person,),
        months=months,
        income=income,
        group=group,
        province=province,
        method=method,
        reference=reference,
        event_id=event_id,
        sponsor=donated_by,
    )


# --- the use case: its own transaction, for the screens (issue 16) ------------------------------------


def take_enrolment(store: Store, actor: Actor, rules: RuleBook, kind: str, **details: Any) -> Done[Enrolled]:
    """`enrol` (its keyword arguments in `details`) in a transaction of its own, with what it changed."""
    return written(store, actor, lambda w: enrol(w, rules, kind, **details))
