"""A collector's day of cash as the slip hands it over (forms.md, "The cash hand-over slip"): the day's
receipts, the earlier ones voided since their day closed (corrections), the slip's rows and the notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from fieldapp.domain import products as product_registry
from fieldapp.domain.enums import PaymentMethod
from fieldapp.domain.models import DayClosing


@dataclass(frozen=True, slots=True)
class DayReceipt:
    id: str
    series: str
    number: int
    amount: int
    kind: str  # the product's kind (domain.products): an EnrolmentKind member for a built-in one
    method: PaymentMethod
    reference: str | None
    payer: str
    day: date
    void_id: str | None
    void_reason: str | None
    voided_at: datetime | None

    @property
    def label(self) -> str:
        return f"{self.series}/{self.number:07d}"


# Every note the State Bank still issues, down to 100 đ: premiums are priced to the đồng (an HI household of
# three pays 3.688.740 đ a year), so counting only down to 1.000 đ left a difference on every day's slip.
DENOMINATIONS = (500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100)
SMALLEST_NOTE = DENOMINATIONS[-1]


def odd_part_only(difference: int) -> bool:
    """A difference smaller than the smallest note: the part of the amount no note can pay (the slip says so)."""
    return 0 < abs(difference) < SMALLEST_NOTE


@dataclass(frozen=True)
class ProductLine:
    product: str  # "BHYT" or "BHXH"
    receipts: int
    amount: int


@dataclass(frozen=True)
class DayCash:
    day: date
    collector_id: str
    receipts: list[DayReceipt]  # every receipt of the day, voided ones too
    corrections: list[DayReceipt]  # earlier closed days' receipts voided since
    closed: DayClosing | None

    @property
    def valid(self) -> list[DayReceipt]:
        return [r for r in self.receipts if r.void_id is None]

    @property
    def voided(self) -> list[DayReceipt]:
        return [r for r in self.receipts if r.void_id is not None]

    def products(self, method: PaymentMethod = PaymentMethod.CASH) -> list[ProductLine]:
        """The slip's rows (products.SLIP_ROWS, each product's `slip_row`), every row even when empty."""
        by_row: dict[str, list[DayReceipt]] = {row: [] for row in product_registry.SLIP_ROWS}
        for r in self.valid:
            if r.method is method:
                by_row[product_registry.get(r.kind).slip_row].append(r)
        return [ProductLine(row, len(rows), sum(r.amount for r in rows)) for row, rows in by_row.items()]

    @property
    def issued_amount(self) -> int:
        return sum(r.amount for r in self.valid)

    @property
    def transfers(self) -> list[DayReceipt]:
        return [r for r in self.valid if r.method is PaymentMethod.TRANSFER]

    @property
    def transfers_amount(self) -> int:
        """The day's own transfers, as the slip lists them. An earlier transfer voided since its day closed
        is a correction, listed with the others, and no cash of today's: taking it off here made the closing
        of a day without transfers negative, which no closing record may be."""
        return sum(r.amount for r in self.transfers)

    @property
    def corrections_amount(self) -> int:
        return sum(r.amount for r in self.corrections)

    @property
    def cash_expected(self) -> int:
        """Cash receipts of the day, less the cash of earlier receipts voided since their day closed
        (given back out of today's cash)."""
        cash = sum(r.amount for r in self.valid if r.method is PaymentMethod.CASH)
        return cash - sum(r.amount for r in self.corrections if r.method is PaymentMethod.CASH)


def counted(notes: Mapping[int, int]) -> int:
    return sum(int(d) * int(n) for d, n in notes.items())


def fewest_notes(amount: int) -> dict[int, int]:
    """The fewest notes that pay `amount`, its odd part below the smallest note left out; none for nothing."""
    notes: dict[int, int] = {}
    for denomination in DENOMINATIONS:
        n, amount = divmod(max(amount, 0), denomination)
        if n:
            notes[denomination] = n
    return notes
