"""Products are data: every premium product the app sells, and everything that differs between them.

A product is what an enrolment's `kind` names: its receipt series code (forms.md: `IS`, `BI`, `AR` …), the
words of the receipt's "Nội dung thu", the row of the cash slip it is handed over in, the declaration list
it goes on (D05-TS or D03-TS), the tally metric it counts for, how it is quoted and when its cover starts.
Quote, enrolment, receipts, labels, declarations, tallies (the rollup reads the `products` table that
`fieldapp.storage.products` fills from here), the cash slip and the GUI all read this registry; a kind it
does not hold is an error (`UnknownProduct`), never a fallback to another product.

Adding a product is adding a `Product` to `BUILT_IN` (and its name to resources/messages under
`enum.EnrolmentKind`); `register` does it at run time (a test, a province's own product).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldapp.domain.coverage import hi_card_start, period_end, vsi_start
from fieldapp.domain.enums import EnrolmentKind, Metric, SupportGroup
from fieldapp.domain.formats import format_date, format_vnd
from fieldapp.domain.premiums import HiQuote, RuleBook, VsiQuote

# What a product insures: which cover of a person it extends (the HI card's `hi_valid_to`, the VSI months'
# `vsi_paid_to`), what the enrolment asks for (household members in order, or one person's income), and
# what is handed over (an HI card, an SI book).
HI, VSI = "hi", "vsi"
# The declaration lists (forms.md) and the cash slip's rows (the receipts' product codes).
D03, D05 = "d03", "d05"
SLIP_HI, SLIP_VSI = "BHYT", "BHXH"
# A sponsor's money is handed over on rows of its own: it is neither a household's HI nor a person's own VSI.
SLIP_DONATED_HI, SLIP_DONATED_VSI = "BHYT-TANG", "BHXH-TANG"
SLIP_ROWS = (SLIP_HI, SLIP_VSI, SLIP_DONATED_HI, SLIP_DONATED_VSI)  # in the slip's order


class UnknownProduct(KeyError):
    """An enrolment kind no product of the registry has: refused, never counted or printed as another."""

    def __init__(self, kind: object) -> None:
        super().__init__(f"unknown product kind {kind!r}")
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Order:
    """What a quote is asked for, whatever the product: VSI reads income, group and province; HI members."""

    on: date
    months: int
    members: int = 1
    income: int | None = None
    group: SupportGroup = SupportGroup.OTHER
    province: str | None = None


@dataclass(frozen=True, slots=True)
class Priced:
    """A quote as an enrolment keeps it: per insured person in order, (monthly amount, period amount); what
    the payer pays; the supports for the whole period; the engine's own quote (its rules, warnings)."""

    quote: VsiQuote | HiQuote
    lines: tuple[tuple[int, int], ...]
    total: int
    state_support: int
    local_support: int

    @property
    def warnings(self) -> tuple[str, ...]:
        """Message codes the member should see before the money is taken (VSI: the support limit)."""
        return getattr(self.quote, "warnings", ())


def quote_vsi(rules: RuleBook, order: Order) -> Priced:
    q = rules.quote_vsi(
        income=order.income or 0, months=order.months, on=order.on, group=order.group, province=order.province
    )
    months = q.months
    state, local = q.state_support_monthly * months, q.local_support_monthly * months
    return Priced(q, ((q.monthly_due, q.total),), q.total, state, local)


def quote_household_hi(rules: RuleBook, order: Order) -> Priced:
    q = rules.quote_hi(members=order.members, months=order.months, on=order.on)
    return Priced(q, tuple((m.monthly, m.amount) for m in q.members), q.total, 0, 0)


def _months_vsi(rules: RuleBook, on: date) -> tuple[int, ...]:
    return rules.vsi_allowed_months(on)


def _months_hi(rules: RuleBook, on: date) -> tuple[int, ...]:
    return rules.hi_allowed_months(on)


def _ever_vsi(rules: RuleBook) -> frozenset[int]:
    return frozenset(rules.months_ever("vsi.methods", "periodic_months", "ahead_months"))


def _ever_hi(rules: RuleBook) -> frozenset[int]:
    return frozenset(rules.months_ever("hi.periods", "months"))


# The receipt's words for the period paid: VSI counts months, an HI card runs between days.
_PERIOD: dict[str, Callable[[date, date], str]] = {
    VSI: lambda start, end: f"từ tháng {start:%m/%Y} đến tháng {end:%m/%Y}",
    HI: lambda start, end: f"từ ngày {format_date(start)} đến ngày {format_date(end)}",
}
# The person's field that holds the cover a product extends, and so where a new period starts from.
_COVER_FIELD = {HI: "hi_valid_to", VSI: "vsi_paid_to"}
# The receipt's heading of the participants' code column: an HI card may still carry the old 15-character code.
_CODE_HEADING = {VSI: "Mã số BHXH", HI: "Mã số BHXH/mã thẻ"}


@dataclass(frozen=True)
class Product:
    kind: str  # the enrolment's stored and synced code; the built-ins are EnrolmentKind members
    insures: str  # HI or VSI
    series: str  # Ký hiệu's product part: IS, BI, AR …
    wording: str  # the receipt's "Nội dung thu", before the months and the period
    slip_row: str  # the cash slip's row: one of SLIP_ROWS
    declaration: str  # D03 or D05
    tally_metric: str  # a Metric value, or a code of the product's own
    quote: Callable[[RuleBook, Order], Priced]
    months: Callable[[RuleBook, date], tuple[int, ...]]  # the payment periods on a day
    months_ever: Callable[[RuleBook], frozenset[int]]  # any period any rule allowed: what a record may hold
    cover_start: Callable[[date, date | None], date]  # (payment day, cover held until) -> first day covered
    donated: bool = False  # paid by a sponsor, who is named on the enrolment and the receipt

    def __post_init__(self) -> None:
        if self.insures not in (HI, VSI):
            raise ValueError(f"{self.kind}: insures {self.insures!r}, not {HI!r} or {VSI!r}")
        if self.declaration not in (D03, D05):
            raise ValueError(f"{self.kind}: declaration {self.declaration!r}, not {D03!r} or {D05!r}")
        if self.slip_row not in SLIP_ROWS:
            raise ValueError(f"{self.kind}: slip row {self.slip_row!r}, not one of {SLIP_ROWS}")

    @property
    def message(self) -> str:
        """The message catalog's code of the product's name (the GUI's label)."""
        return f"enum.EnrolmentKind.{self.kind}"

    @property
    def code_heading(self) -> str:
        return _CODE_HEADING[self.insures]

    def held_until(self, person: object) -> date | None:
        """The last day `person` is covered by what this product insures (None: never covered)."""
        return getattr(person, _COVER_FIELD[self.insures])

    def cover(self, paid_on: date, held_until: date | None, months: int) -> tuple[date, date]:
        """First and last day covered by `months` paid on `paid_on` by someone covered until `held_until`."""
        start = self.cover_start(paid_on, held_until)
        return start, period_end(start, months)

    def paid_for(self, months: int, start: date, end: date, income: int | None) -> str:
        """The receipt's "Nội dung thu" (forms.md), before the sponsor."""
        text = f"{self.wording}, phương thức đóng {months} tháng, {_PERIOD[self.insures](start, end)}"
        if income:
            text += f", mức thu nhập làm căn cứ đóng {format_vnd(income)}/tháng"
        return text


# What the built-in products of one insurance share; each adds its kind, tally metric and whether it is donated.
_VSI_PRODUCT: dict[str, Any] = dict(
    insures=VSI,
    series="IS",
    wording="Đóng tiền tham gia BHXH tự nguyện",
    slip_row=SLIP_VSI,
    declaration=D05,
    quote=quote_vsi,
    months=_months_vsi,
    months_ever=_ever_vsi,
    cover_start=vsi_start,
)
_HOUSEHOLD_HI_PRODUCT: dict[str, Any] = dict(
    insures=HI,
    series="BI",
    wording="Tiền đóng BHYT hộ gia đình",
    slip_row=SLIP_HI,
    declaration=D03,
    quote=quote_household_hi,
    months=_months_hi,
    months_ever=_ever_hi,
    cover_start=hi_card_start,
)

# In the order the enrolment screen offers them (Alt+1 …).
BUILT_IN: tuple[Product, ...] = (
    Product(kind=EnrolmentKind.VSI, tally_metric=Metric.NEW_VSI.value, **_VSI_PRODUCT),
    Product(kind=EnrolmentKind.HOUSEHOLD_HI, tally_metric=Metric.NEW_HI.value, **_HOUSEHOLD_HI_PRODUCT),
    Product(
        kind=EnrolmentKind.DONATED_HI,
        tally_metric=Metric.DONATED_CARDS.value,
        donated=True,
        **{**_HOUSEHOLD_HI_PRODUCT, "slip_row": SLIP_DONATED_HI},
    ),
    Product(
        kind=EnrolmentKind.DONATED_VSI,
        tally_metric=Metric.DONATED_BOOKS.value,
        donated=True,
        **{**_VSI_PRODUCT, "slip_row": SLIP_DONATED_VSI},
    ),
)

_registry: dict[str, Product] = {p.kind: p for p in BUILT_IN}
_all: list[tuple[Product, ...]] = [BUILT_IN]  # the registry's products; a new tuple at each change


def get(kind: object) -> Product:
    """The product of an enrolment kind (its code or EnrolmentKind member); UnknownProduct if none."""
    try:
        return _registry[kind]  # type: ignore[index]
    except (KeyError, TypeError):
        raise UnknownProduct(kind) from None


def all_products() -> tuple[Product, ...]:
    """Every product, built-in ones first; the same tuple until the registry changes."""
    return _all[0]


def kinds(**where: object) -> tuple[str, ...]:
    """The kinds of the products whose fields equal `where`: kinds(declaration=D05), kinds(insures=HI)."""
    return tuple(p.kind for p in _all[0] if all(getattr(p, k) == v for k, v in where.items()))


def register(product: Product) -> None:
    """Add a product (or replace one of the same kind). Stores opened afterwards tally it
    (fieldapp.storage.products); one already open learns it from `storage.products.record`."""
    _registry[product.kind] = product
    _all[0] = tuple(_registry.values())


def unregister(kind: str) -> None:
    if any(p.kind == kind for p in BUILT_IN):
        raise ValueError(f"{kind} is built in")
    _registry.pop(kind, None)
    _all[0] = tuple(_registry.values())


@contextmanager
def registered(product: Product) -> Iterator[Product]:
    """The product registered for the block (a test's own product)."""
    register(product)
    try:
        yield product
    finally:
        unregister(product.kind)
