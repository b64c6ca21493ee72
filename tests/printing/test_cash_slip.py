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
