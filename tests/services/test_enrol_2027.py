"""Enrolling on both sides of 2027-01-01 (issue 14): the enrolment, its receipt and the D05-TS carry the
figures of the rules in force on the payment day, and name the rules version; the receipt never says a rule
is unconfirmed; a household does not pay for a member whose HI card the state pays or supports."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from fieldapp.domain.enums import SupportGroup
from fieldapp.domain.premiums import default_rules
from fieldapp.errors import InputRefused
from fieldapp.printing import receipt as receipt_pdf
from fieldapp.reports import declarations
from fieldapp.services import enrolment
from fieldapp.services.receipts import printable
from fieldapp.storage import people
from fieldapp.storage.receipts import records
from fieldapp.storage.writer import Actor, writing
from tests.reports.helpers import team_and_people


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, tzinfo=UTC)  # 10:00 in Vietnam


def _farmers(store, n: int = 2):
    rows = store.query("SELECT id FROM persons WHERE target_group = 'farmer' AND household_order = 1 LIMIT ?", (n,))
    return [people.get(store, r[0]) for r in rows]


def _vsi(store, person, day: date, income: int):
    team, _leader, member = team_and_people(store)
    with writing(store, Actor(member.id, store.device_id), clock=lambda: _at(day)) as w:
        return enrolment.enrol_vsi(
            w, default_rules(), team_id=team.id, collector=member, person=person, income=income, months=12,
            group=SupportGroup.OTHER, province="33",
        )  # fmt: skip


@pytest.mark.parametrize(
    ("day", "income", "monthly_due", "support"),
    [(date(2026, 12, 31), 1_500_000, 264_000, 66_000), (date(2027, 1, 5), 2_200_000, 387_200, 96_800)],
)
def test_the_receipt_and_the_d05_carry_the_figures_of_the_payment_day(demo_store, day, income, monthly_due, support):
    (person,) = _farmers(demo_store, 1)
    done = _vsi(demo_store, person, day, income)
    assert done.enrolment.amount == monthly_due * 12 and done.enrolment.state_support == support * 12
    assert done.enrolment.rules[-1] == "rules@2027.1"
    (record,) = records(demo_store, [done.receipt.id])
    assert record.rules_version == "2027.1"
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(receipt_pdf.pdf_bytes(printable(demo_store, [record.id])))).pages
    )
    assert f"{monthly_due * 12:,}".replace(",", ".") in text
    assert "Quy định mức đóng 2027.1" in text
    assert not any(word in text for word in ("chưa xác nhận", "chưa đối chiếu", "unconfirmed"))
    decl = declarations.build(demo_store, "d05", day, day)
    (row,) = [r for r in decl.rows if r[6] == f"{record.series}/{record.number:07d}"]
    c = {name: i for i, name in enumerate(declarations.D05_COLUMNS)}
    assert row[c["Mức thu nhập tháng (đồng)"]] == income
    assert row[c["NSNN hỗ trợ: số tiền (đồng)"]] == support * 12
    assert row[c["NSNN hỗ trợ: tỷ lệ (%)"]] == 20.0  # the state's rate for "everyone else", whatever the income
    assert row[c["Số tiền phải đóng (đồng)"]] == income * 22 // 100 * 12


def test_an_income_under_the_2027_floor_is_refused_from_the_day(demo_store):
    (person,) = _farmers(demo_store, 1)
    with pytest.raises(InputRefused) as refused:
        _vsi(demo_store, person, date(2027, 1, 1), 1_500_000)
    assert refused.value.code == "premium.vsi_income" and refused.value.params["floor"] == 2_200_000


def test_a_household_does_not_pay_for_a_member_the_state_covers(demo_store):
    team, leader, member = team_and_people(demo_store)
    payer, other = _farmers(demo_store, 2)
    with demo_store.transaction() as conn:
        conn.execute("UPDATE persons SET target_group = 'poor' WHERE id = ?", (other.id,))
    poor = people.get(demo_store, other.id)
    before = demo_store.query_one("SELECT count(*) FROM receipts")[0]
    with pytest.raises(InputRefused) as refused, writing(demo_store, Actor(member.id, demo_store.device_id)) as w:
        enrolment.enrol_household_hi(
            w, default_rules(), team_id=team.id, collector=member, payer=payer, members=[payer, poor], months=12
        )
    assert refused.value.code == "enrolment.hi_state_group"
    from fieldapp.i18n import t

    assert "ngân sách nhà nước đóng toàn bộ thẻ" in t(refused.value.code, "vi", **refused.value.params)
    assert demo_store.query_one("SELECT count(*) FROM receipts")[0] == before
    with writing(demo_store, Actor(leader.id, demo_store.device_id)) as w:  # a sponsor may pay anyone's card
        done = enrolment.enrol_household_hi(
            w, default_rules(), team_id=team.id, collector=leader, payer=poor, members=[poor], months=12,
            donated_by="Hội Chữ thập đỏ",
        )  # fmt: skip
    assert json.loads(demo_store.query_one("SELECT rules FROM enrolments WHERE id = ?", (done.enrolment.id,))[0])


def test_the_d05_tells_a_new_participant_from_one_who_continues(demo_store):
    """D05-TS "Ghi chú" (issue 17): the first VSI enrolment of a person is "Tăng mới", the next one, paid for
    the months after, "Đóng tiếp"."""
    (first_person,) = _farmers(demo_store, 1)
    first = _vsi(demo_store, first_person, date(2026, 12, 1), 1_500_000)
    again = _vsi(demo_store, people.get(demo_store, first_person.id), date(2026, 12, 2), 1_500_000)
    decl = declarations.build(demo_store, "d05", date(2026, 12, 1), date(2026, 12, 2))
    note = {r[6]: r[-1] for r in decl.rows}
    number = {d.receipt.id: f"{d.receipt.series}/{d.receipt.number:07d}" for d in (first, again)}
    assert note[number[first.receipt.id]] == declarations.NEW
    assert note[number[again.receipt.id]] == declarations.CONTINUING
