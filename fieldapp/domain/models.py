"""The records of the domain as plain dataclasses.

Every record has a UUIDv7 `id` made on the device. Mutable records (hamlet, team, member, household,
person, follow-up, campaign, target, site) carry `version`, which the server assigns (0 = never synced);
facts (consultations, events, enrolments, payments, receipts, voids, outreach results, audit entries)
are immutable once written: a correction is a new fact that refers to the old one.
Times are aware UTC datetimes; `day` is the local calendar day the work counts for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import ClassVar

from fieldapp.domain.enums import (
    AuditAction,
    EventKind,
    Metric,
    Outcome,
    OutreachKind,
    PaymentMethod,
    PeriodKind,
    Role,
    ScopeKind,
    Sex,
    SiteKind,
    TargetGroup,
    Topic,
    VsiStatus,
)

# --- reference data (shipped in resources/, not synced) ---------------------------------------


@dataclass(frozen=True, slots=True)
class Province:
    code: str  # official two-digit code since 2025-07-01, e.g. "33" Hưng Yên
    name: str
    kind: str  # "tỉnh" or "thành phố trung ương"


@dataclass(frozen=True, slots=True)
class Commune:
    code: str  # official five-digit code
    province_code: str
    name: str
    kind: str  # "xã", "phường" or "đặc khu"


# --- organisation -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hamlet:
    """A hamlet, village or residential group: free text per commune, a list the team grows."""

    id: str
    commune_code: str
    name: str
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    province_code: str
    organisation: str  # collection-service organisation or VSS office, for receipts
    commune_codes: tuple[str, ...]
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class Member:
    id: str
    team_id: str
    full_name: str
    role: Role
    code: str  # collector / agent code printed on receipts
    phone: str | None
    pin_hash: str | None
    active: bool
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    team_id: str | None
    name: str
    key_id: str | None
    public_key: str | None  # Ed25519, hex
    enrolled_at: datetime | None
    revoked_at: datetime | None = None
    number: int | None = None  # given by the server: the device part of its receipt series (only it signs there)


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    name: str
    province_code: str
    starts_on: date
    ends_on: date
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class CampaignPeriod:
    id: str
    campaign_id: str
    name: str
    kind: PeriodKind
    starts_on: date
    ends_on: date
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class Target:
    """A number to reach in a period, for a province, commune, team or member."""

    id: str
    campaign_id: str
    period_id: str | None  # None: the whole campaign
    scope: ScopeKind
    scope_ref: str  # province code, commune code, team id or member id
    metric: Metric
    value: int
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    team_id: str
    commune_code: str
    hamlet_id: str | None
    name: str
    kind: SiteKind
    created_at: datetime
    version: int = 0


# --- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Household:
    id: str
    commune_code: str
    hamlet_id: str | None
    address: str
    created_at: datetime
    updated_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    full_name: str  # NFC, diacritics exactly as typed
    birth_date: date | None
    sex: Sex | None
    citizen_id: str | None
    si_number: str | None
    phone: str | None  # normalised: 0xxxxxxxxx
    commune_code: str
    hamlet_id: str | None
    household_id: str | None
    household_order: int | None  # 1 = the head; the order the members were declared
    target_group: TargetGroup
    consent_at: datetime | None  # when the person agreed that their data is kept
    hi_valid_to: date | None  # the HI card is valid until this day
    vsi_status: VsiStatus
    vsi_paid_to: date | None  # VSI paid up to the end of this month's day
    created_at: datetime
    updated_at: datetime
    version: int = 0
    merged_into: str | None = None  # a duplicate merged into this person id (never automatically)
    erased_at: datetime | None = None  # personal data erased on request; the row stays, emptied
    birth_year: int | None = None  # known alone ("1965") or from birth_date, whose year it always is
    hi_clinic: str | None = None  # the registered clinic (nơi KCB ban đầu) as the HI card codes it: "33 - 105"

    def __post_init__(self) -> None:
        if self.birth_date is not None and self.birth_year != self.birth_date.year:
            object.__setattr__(self, "birth_year", self.birth_date.year)

    # What an erasure on request empties (the row stays: receipts and tallies refer to it): the name to '',
    # the rest to null. The laptop's erasure, its store and the server's answer to an `erase` op all read it.
    PERSONAL: ClassVar[tuple[str, ...]] = (
        "full_name", "birth_date", "birth_year", "sex", "citizen_id", "si_number", "phone", "hamlet_id", "consent_at",
        "hi_clinic",
    )  # fmt: skip

    def erased(self, at: datetime) -> Person:
        """This person with their personal data erased at `at`."""
        empty = {name: "" if name == "full_name" else None for name in self.PERSONAL}
        return replace(self, **empty, erased_at=at, updated_at=at)


@dataclass(frozen=True, slots=True)
class PersonMerge:
    """A member decided that `merged_id` is the same person as `kept_id`."""

    id: str
    kept_id: str
    merged_id: str
    member_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ProspectList:
    """A list of people to visit that a commune or the city sent, as imported."""

    id: str
    name: str
    file_sha256: str
    rows: int
    imported: int
    duplicates: int
    rejected: int
    member_id: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Prospect:
    id: str
    list_id: str
    person_id: str
    row_number: int


# --- the work ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutreachEvent:
    """A conference, market stall or door-to-door round, with its attendance."""

    id: str
    team_id: str
    campaign_id: str | None
    site_id: str | None
    kind: EventKind
    title: str
    held_on: date
    attendance: int
    member_id: str
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Consultation:
    id: str
    person_id: str | None  # None: a walk-in who gave no details
    event_id: str | None
    site_id: str | None
    team_id: str
    member_id: str
    at: datetime
    day: date
    target_group: TargetGroup
    topics: tuple[Topic, ...]
    outcome: Outcome
    follow_up_on: date | None
    refusal_reason: str | None
    note: str
    consent: bool


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: str
    person_id: str
    consultation_id: str | None
    member_id: str
    due_on: date
    note: str
    done_at: datetime | None
    created_at: datetime
    version: int = 0


@dataclass(frozen=True, slots=True)
class EnrolmentLine:
    """One insured person of an enrolment: for household HI, in the declared member order."""

    person_id: str
    order: int
    monthly: int
    amount: int


@dataclass(frozen=True, slots=True)
class Enrolment:
    id: str
    kind: str  # a product of domain.products (the built-in ones are EnrolmentKind members)
    person_id: str  # the payer / first participant
    household_id: str | None
    team_id: str
    member_id: str
    event_id: str | None
    enrolled_on: date
    months: int
    income: int | None  # VSI: the chosen monthly income
    start_on: date
    end_on: date
    amount: int  # what the participant (or sponsor) pays, đồng
    state_support: int
    local_support: int
    sponsor: str | None  # donated cards and books
    rules: tuple[str, ...]  # ids of the rules the quote used
    lines: tuple[EnrolmentLine, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    enrolment_id: str
    method: PaymentMethod
    amount: int
    reference: str | None  # bank transfer reference
    paid_at: datetime
    member_id: str


@dataclass(frozen=True, slots=True)
class Receipt:
    id: str
    payment_id: str
    series: str  # Ký hiệu, e.g. "BI-DV01-2026"
    number: int  # Số, unique in the series
    amount: int
    payer_name: str
    issued_at: datetime
    day: date
    member_id: str
    qr_payload: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiptVoid:
    id: str
    receipt_id: str
    reason: str
    member_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class OutreachResult:
    """Other outreach work: a VssID install, a non-cash pension sign-up."""

    id: str
    kind: OutreachKind
    person_id: str | None
    event_id: str | None
    team_id: str
    member_id: str
    at: datetime
    day: date
    note: str


@dataclass(frozen=True, slots=True)
class DayClosing:
    """A collector's day closed by the team leader (db/0005 `day_closings`), append-only: synced so the
    lock on that day's receipts holds on every laptop of the team. `notes`: {denomination: count} (the
    keys as text, JSON's); `voids`/`corrections`: receipt-void ids."""

    id: str
    day: date
    collector_id: str
    team_id: str
    closed_by: str
    closed_at: datetime
    receipts: int
    receipts_amount: int
    cash_expected: int
    cash_counted: int
    transfers: int
    difference: int
    explanation: str
    notes: dict[str, int]
    voids: tuple[str, ...]
    corrections: tuple[str, ...]

    @property
    def note_counts(self) -> dict[int, int]:
        """The notes counted: denomination (VND) -> number of notes."""
        return {int(k): int(v) for k, v in self.notes.items()}


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what, append-only. `detail` holds ids and counts, never personal data."""

    id: str
    at: datetime
    member_id: str | None
    device_id: str
    action: AuditAction
    entity: str
    entity_id: str | None
    detail: dict[str, object] = field(default_factory=dict)
