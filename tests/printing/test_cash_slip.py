"""The cash hand-over slip read back: its rows per product and its notes down to the smallest legal one."""

from __future__ import annotations

from datetime import date

from fieldapp.domain.cash import DENOMINATIONS, DayCash, DayReceipt
from fieldapp.domain.enums import EnrolmentKind, PaymentMethod
from fieldapp.printing.cash_slip import SlipParties, cash_slip_pdf
from tests.printing.conftest import pdf_text

DAY = date(2027, 3, 4)
PARTIES = SlipParties("BẢO HIỂM XÃ HỘI TỈNH HƯNG YÊN", "Bưu điện", "Tổ 1", "Nguyễn Thị Hoà", "NV01", "Trần Văn Đức")


def receipt(number: int, amount: int, kind: str = EnrolmentKind.HOUSEHOLD_HI) -> DayReceipt:
    return DayReceipt(f"r{number}", "BI-NV01-2027", number, amount, kind, PaymentMethod.CASH, None, "Lê Văn An", DAY,
                      None, None, None)  # fmt: skip


def slip_text(cash: DayCash, notes: dict[int, int], tmp_path, explanation: str = "") -> str:
    path = tmp_path / "slip.pdf"
    cash_slip_pdf(cash, PARTIES, path, notes, explanation)
    return " ".join(" ".join(pdf_text(path)).split())


def test_small_notes_count_an_hi_total_to_the_last_hundred(tmp_path):
    """3.688.740 đ: notes down to 1.000 đ left −740 đ every day; the 500, 200 and 100 đ notes the State Bank
    still issues count it to −40 đ, and the slip says that odd part has no note to pay it with."""
    assert {500, 200, 100} <= set(DENOMINATIONS) and DENOMINATIONS[-1] == 100
    cash = DayCash(DAY, "m1", [receipt(1, 3_688_740)], [], None)
    notes = {500_000: 7, 100_000: 1, 50_000: 1, 20_000: 1, 10_000: 1, 5_000: 1, 2_000: 1, 1_000: 1, 500: 1, 200: 1}
    text = slip_text(cash, notes, tmp_path)
    assert "3.688.700" in text  # counted
    assert "Chênh lệch: -40 đồng" in text
    assert "phần lẻ dưới 100 đồng" in text
    for note in ("500 ", "200 ", "100 "):
        assert note in text


def test_donated_cards_and_books_have_their_own_rows(tmp_path):
    """Issue 17, item 6: a sponsor's money is not household HI (nor the participant's own VSI)."""
    cash = DayCash(DAY, "m1", [receipt(1, 1_000_000), receipt(2, 2_000_000, EnrolmentKind.DONATED_HI),
                               receipt(3, 3_000_000, EnrolmentKind.DONATED_VSI)], [], None)  # fmt: skip
    rows = {line.product: (line.receipts, line.amount) for line in cash.products()}
    assert rows["BHYT"] == (1, 1_000_000) and rows["BHXH"] == (0, 0)
    assert sorted(v for k, v in rows.items() if k not in ("BHYT", "BHXH")) == [(1, 2_000_000), (1, 3_000_000)]
    text = slip_text(cash, {}, tmp_path, "chưa kiểm")
    assert "Thu tiền BHYT hộ gia đình 1 1.000.000" in text
    assert "Thu tiền tặng thẻ BHYT 1 2.000.000" in text
    assert "Thu tiền tặng sổ BHXH 1 3.000.000" in text
