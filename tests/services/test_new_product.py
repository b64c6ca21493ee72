"""Products are data (issue 16): a product defined here alone, and nowhere in the app, is quoted, enrolled,
receipted in its own series with its own words, handed over on the cash slip's row it names, declared on its
list and tallied under its own metric, by the rollup's SQL too. Once it is gone from the registry, its kind
is an error everywhere, never another product."""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from fieldapp.domain import products
from fieldapp.domain.enums import EnrolmentKind, TargetGroup
from fieldapp.domain.premiums import default_rules
from fieldapp.printing import labels
from fieldapp.printing import receipt as receipt_pdf
from fieldapp.reports import declarations
from fieldapp.services import closing, enrolment
from fieldapp.services.receipts import printable
from fieldapp.storage import driver, people
from fieldapp.storage import products as product_table
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.receipts import records
from fieldapp.storage.work import day_summary
from fieldapp.storage.writer import Actor, writing
from tests.reports.helpers import team_and_people

DAY = date(2026, 9, 15)
STATE_SHARE = 30  # % of each member's amount the state pays for this product's households (test data)


def quote_average_income_farmers(rules, order: products.Order) -> products.Priced:
    """Household HI at the household rates, less the state's share for each member."""
    q = rules.quote_hi(members=order.members, months=order.months, on=order.on)
    own = tuple(
        (m.monthly - m.monthly * STATE_SHARE // 100, m.amount - m.amount * STATE_SHARE // 100) for m in q.members
    )
    total = sum(amount for _monthly, amount in own)
    return products.Priced(q, own, total, q.total - total, 0)


FARMERS = dataclasses.replace(
    products.get(EnrolmentKind.HOUSEHOLD_HI),
    kind="ar_hi",
    series="AR",
    wording="Tiền đóng BHYT hộ gia đình nông, lâm, ngư nghiệp có mức sống trung bình",
    tally_metric="new_ar",
    quote=quote_average_income_farmers,
)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, tzinfo=UTC)  # 10:00 in Vietnam


def _household(store, n: int = 2):
    (household,) = store.query_one(
        "SELECT household_id FROM persons WHERE household_id IS NOT NULL AND target_group = ? "
        "GROUP BY household_id HAVING count(*) >= ? AND sum(target_group <> ?) = 0 LIMIT 1",
        (TargetGroup.FARMER.value, n, TargetGroup.FARMER.value),
    )
    ids = store.query("SELECT id FROM persons WHERE household_id = ? ORDER BY household_order LIMIT ?", (household, n))
    return [people.get(store, r[0]) for r in ids]


def _enrol(store, kind: str, members):
    team, _leader, member = team_and_people(store)
    with writing(store, Actor(member.id, store.device_id), clock=lambda: _at(DAY)) as w:
        return enrolment.enrol(
            w, default_rules(), kind, team_id=team.id, collector=member, payer=members[0], members=members, months=12
        )


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_product_defined_in_a_test_is_quoted_receipted_declared_and_tallied(demo_store):
    members = _household(demo_store)
    with products.registered(FARMERS):
        product_table.record_open(demo_store)  # the store was open before the product existed
        household = default_rules().quote_hi(members=2, months=12, on=DAY)
        priced = FARMERS.quote(default_rules(), products.Order(DAY, 12, members=2))
        assert priced.total == household.total - priced.state_support and priced.state_support > 0

        done = _enrol(demo_store, "ar_hi", members)
        assert done.enrolment.kind == "ar_hi" and done.enrolment.amount == priced.total
        assert done.enrolment.state_support == priced.state_support
        assert [line.amount for line in done.enrolment.lines] == [amount for _m, amount in priced.lines]
        assert done.receipt.series.startswith("AR-") and done.receipt.amount == priced.total
        assert people.get(demo_store, members[1].id).hi_valid_to == done.enrolment.end_on  # its cover: an HI card

        (record,) = records(demo_store, [done.receipt.id])
        assert record.kind == "ar_hi"
        text = _text(receipt_pdf.pdf_bytes(printable(demo_store, [record.id])))
        assert "nông, lâm, ngư nghiệp có mức sống trung bình" in " ".join(text.split())
        assert "BHYT hộ gia đình, phương thức" not in text  # never worded as another product
        assert labels.is_card("ar_hi")

        label = f"{record.series}/{record.number:07d}"
        d03 = declarations.build(demo_store, products.D03, DAY, DAY)
        number = declarations.D03_COLUMNS.index("Số biên lai")
        assert [r[1] for r in d03.rows if r[number] == label] == [m.full_name for m in members]
        number = declarations.D05_COLUMNS.index("Số biên lai")
        assert not [r for r in declarations.build(demo_store, products.D05, DAY, DAY).rows if r[number] == label]

        cash = closing.day_cash(demo_store, DAY, done.receipt.member_id)
        assert {line.product: line.amount for line in cash.products()}["BHYT"] >= priced.total

        def counted() -> tuple[int, int]:
            figures = tally_store.snapshot(demo_store, DAY, DAY).days[DAY]
            return figures.count("new_ar"), figures.amounts.get("new_ar", 0)

        assert counted() == (2, priced.total)  # by the rollup's triggers, as the enrolment went in
        tally_store.rebuild(demo_store)
        assert counted() == (2, priced.total)  # and from the facts again
        summary = day_summary(demo_store, DAY, None, None)
        assert (summary.new_hi, summary.donated) == (0, 0)  # counted as itself, not as household HI or donated

    # gone from the registry: its kind is an error, never printed or counted as another product
    with pytest.raises(products.UnknownProduct):
        records(demo_store, [done.receipt.id])
    with pytest.raises(products.UnknownProduct):
        _enrol(demo_store, "ar_hi", members)


def test_an_enrolment_of_a_kind_the_store_does_not_know_is_refused_by_the_schema(demo_store):
    """Written past the app (a script, an old build): the rollup has no metric for it, so it does not go in."""
    (row,) = demo_store.query("SELECT * FROM enrolments LIMIT 1")
    columns = [r[1] for r in demo_store.query("PRAGMA table_info(enrolments)")]
    values = dict(zip(columns, row, strict=True)) | {"id": "not-a-product-enrolment", "kind": "mystery"}
    with pytest.raises(driver.Error, match="unknown product kind"), demo_store.transaction() as conn:
        conn.execute(
            f"INSERT INTO enrolments ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        )
