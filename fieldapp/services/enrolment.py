"""Enrolment: price with the premium engine, then write enrolment, payment and receipt together.

One transaction holds all three, and the receipt number is taken from its series in that same
transaction: never a receipt without its payment, never a payment without its receipt, never a
number twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from fieldapp.domain.coverage import hi_card_start, period_end, vsi_start
from fieldapp.domain.enums import EnrolmentKind, HiStatePath, PaymentMethod, SupportGroup, VsiStatus
from fieldapp.domain.formats import local_day
from fieldapp.domain.models import Enrolment, EnrolmentLine, Member, Payment, Person, Receipt
from fieldapp.domain.premiums import RuleBook, rule_ids
from fieldapp.errors import InputRefused
from fieldapp.paths import DataDir
from fieldapp.profile import PREFIX
from fieldapp.services.receipts import sign_receipt
from fieldapp.settings import RECEIPT_PREFIX, Settings
from fieldapp.storage.closing import is_closed
from fieldapp.storage.driver import Connection
from fieldapp.storage.receipts import device_number, next_number, store_folder
from fieldapp.storage.writer import Writer

PRODUCT_CODES = {
    EnrolmentKind.VSI: "IS",
    EnrolmentKind.HOUSEHOLD_HI: "BI",
    EnrolmentKind.DONATED_HI: "BI",
    EnrolmentKind.DONATED_VSI: "IS",
}


@dataclass(frozen=True)
class Enrolled:
    enrolment: Enrolment
    payment: Payment
    receipt: Receipt


def receipt_series(
    kind: EnrolmentKind, agent_code: str, year: int, *, device: int | None = None, prefix: str = ""
) -> str:
    """Ký hiệu: product, agent code, year (forms.md), `BI-DV01-2026`. An enrolled laptop adds its device
    number, unique on the server, to the agent part (`BI-DV01.3-2026`): one collector issuing receipts on
    two laptops, offline too, never numbers twice in one series. The province's prefix goes in front
    when its profile sets one (`HY-BI-DV01.3-2026`)."""
    agent = f"{agent_code}.{device}" if device is not None else agent_code
    head = f"{prefix}-" if prefix else ""
    return f"{head}{PRODUCT_CODES[kind]}-{agent}-{year}"


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
    if method is PaymentMethod.TRANSFER and not (reference or "").strip():
        raise InputRefused("payment.reference_needed")
    paid_at = w.clock()
    if is_closed(w.conn, local_day(paid_at), collector.id):
        raise InputRefused("closing.day_closed", day=local_day(paid_at), name=collector.full_name)
    payment = Payment(w.ids(), enrolment.id, method, enrolment.amount, reference, paid_at, collector.id)
    series = receipt_series(
        enrolment.kind,
        collector.code,
        local_day(paid_at).year,
        device=device_number(w.conn),
        prefix=series_prefix(w.conn),
    )
    number = next_number(w.conn, series)  # above every number of the series here: never an IntegrityError
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
    """Household HI for `members` in the declared order (the 1st pays full, the next ones less)."""
    ids = [p.id for p in members]
    if len(set(ids)) != len(ids):
        raise InputRefused("enrolment.member_twice")
    paid_on = local_day(w.clock())
    if not donated_by:  # a sponsor may pay anyone's card; a household pays only for those the state does not
        for person in members:
            path = state_hi_group(rules, person, paid_on)
            if path:
                raise InputRefused(
                    "enrolment.hi_state_group", name=person.full_name, group=person.target_group, path=path
                )
    quote = rules.quote_hi(members=len(members), months=months, on=paid_on)
    start = hi_card_start(paid_on, members[0].hi_valid_to)
    end = period_end(start, months)
    lines = tuple(
        EnrolmentLine(p.id, q.order, q.monthly, q.amount) for p, q in zip(members, quote.members, strict=True)
    )
    kind = EnrolmentKind.DONATED_HI if donated_by else EnrolmentKind.HOUSEHOLD_HI
    enrolment = Enrolment(
        w.ids(),
        kind,
        payer.id,
        payer.household_id,
        team_id,
        collector.id,
        event_id,
        paid_on,
        months,
        None,
        start,
        end,
        quote.total,
        0,
        0,
        donated_by,
        rule_ids(quote),
        lines,
        w.clock(),
    )
    done = _pay_and_receipt(w, enrolment, collector, payer, method, reference)
    for person in members:
        w.update(replace(person, hi_valid_to=end, updated_at=w.clock()), ["hi_valid_to"])
    return done


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
    paid_on = local_day(w.clock())
    quote = rules.quote_vsi(income=income, months=months, on=paid_on, group=group, province=province)
    start = vsi_start(paid_on, person.vsi_paid_to)
    end = period_end(start, months)
    kind = EnrolmentKind.DONATED_VSI if donated_by else EnrolmentKind.VSI
    line = EnrolmentLine(person.id, 1, quote.monthly_due, quote.total)
    enrolment = Enrolment(
        w.ids(),
        kind,
        person.id,
        person.household_id,
        team_id,
        collector.id,
        event_id,
        paid_on,
        months,
        income,
        start,
        end,
        quote.total,
        quote.state_support_monthly * months,
        quote.local_support_monthly * months,
        donated_by,
        rule_ids(quote),
        (line,),
        w.clock(),
    )
    done = _pay_and_receipt(w, enrolment, collector, person, method, reference)
    w.update(
        replace(person, vsi_status=VsiStatus.ACTIVE, vsi_paid_to=end, updated_at=w.clock()),
        ["vsi_status", "vsi_paid_to"],
    )
    return done
