"""What a receipt and a hand-over are as printed: the facts the store reads (`storage.receipts`) and the
printouts lay out (`fieldapp.printing`), so a receipt reprinted later is the same paper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fieldapp.domain.enums import PaymentMethod


@dataclass(frozen=True, slots=True)
class Participant:
    name: str
    si_number: str | None
    order: int
    amount: int
    # what identifies a member without an SI number on the D03-TS (the office issues the number from these)
    citizen_id: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    sex: str | None = None
    hi_clinic: str | None = None  # the registered clinic, named on the D03-TS


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    """Everything a printed receipt shows, as stored; the printing package lays it out."""

    id: str
    series: str
    number: int
    amount: int
    day: date
    issued_at: datetime
    qr_payload: str | None
    kind: str  # the product's kind (domain.products): an EnrolmentKind member for a built-in one
    months: int
    start_on: date
    end_on: date
    income: int | None
    state_support: int
    local_support: int
    sponsor: str | None
    method: PaymentMethod
    reference: str | None
    payer_name: str
    payer_si_number: str | None
    payer_citizen_id: str | None
    address: str  # hamlet; commune; province
    province_code: str
    province_name: str
    province_kind: str
    organisation: str
    collector_name: str
    collector_code: str
    participants: tuple[Participant, ...]
    void_reason: str | None
    voided_at: datetime | None
    rules_version: str | None = None  # the premium rules that priced it (enrolments made since rules 2027.1)


@dataclass(frozen=True, slots=True)
class HandOver:
    """A card or book handed over with a receipt: one insured person of an enrolment."""

    person_id: str
    name: str
    birth_date: date | None
    birth_year: int | None
    sex: str | None
    si_number: str | None
    kind: str  # the product's kind (domain.products): an EnrolmentKind member for a built-in one
    start_on: date
    end_on: date
    receipt: str  # the receipt's label
    hamlet: str
    voided: bool
    clinic: str | None = None  # the registered clinic: field [5] of the card label's QR
