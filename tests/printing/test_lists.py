"""A printed work list holds every row it was given, reports its pages as it goes, and can be stopped
without leaving a file (issue 18: a list of 17,294 people silently stopped at 5,000 after 12 s)."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from fieldapp.outputs import Output, write_with
from fieldapp.printing.lists import ROWS_PER_PAGE, list_pdf

HEADERS = ["Họ tên", "Ngày sinh", "Xã", "Thôn"]


def rows(n: int) -> list[list[str]]:
    return [[f"Nguyễn Thị Hoà {i:05d}", "12/03/1965", "Xã Đông Hưng", "Thôn Đông & Tây <A>"] for i in range(n)]


def test_every_row_is_printed_and_each_page_reported(tmp_path):
    seen: list[tuple[int, int]] = []
    pdf = list_pdf(
        tmp_path / "l.pdf",
        "Danh sách",
        "Tổ 1",
        HEADERS,
        rows(700),
        date(2026, 12, 8),
        progress=lambda *p: seen.append(p),
    )
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert all(f"Nguyễn Thị Hoà {i:05d}" in text for i in range(700))
    assert "Thôn Đông & Tây <A>" in text  # shown as typed, not read as markup
    pages = len(PdfReader(pdf).pages)
    assert [p for p, _ in seen] == list(range(1, pages + 1))
    assert abs(pages - 700 / ROWS_PER_PAGE) <= 0.25 * pages  # the estimate a progress bar shows is near
    assert all(expected >= page for page, expected in seen)


def test_a_long_value_wraps_in_its_column_instead_of_running_off_the_page(tmp_path):
    long = [["Nguyễn " * 30, "1965", "Xã Đông Hưng", "Thôn Đông"]]
    pdf = list_pdf(tmp_path / "l.pdf", "Danh sách", "", HEADERS, long, date(2026, 12, 8))
    text = PdfReader(pdf).pages[0].extract_text()
    assert text.count("Nguyễn") == 30 and "Xã Đông Hưng" in text


class Stop(Exception):
    pass


def test_stopping_half_way_leaves_no_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "l.pdf"
    target.write_bytes(b"the list printed yesterday")

    def stop_at_3(page: int, _pages: int) -> None:
        if page == 3:
            raise Stop

    with pytest.raises(Stop):
        write_with(
            Output(target, force=True),
            lambda tmp: list_pdf(tmp, "Danh sách", "", HEADERS, rows(400), date(2026, 12, 8), progress=stop_at_3),
        )
    assert target.read_bytes() == b"the list printed yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.pdf"]
