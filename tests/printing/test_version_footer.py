"""Every printout says "fieldapp <version>" in its footer, on every page, and in the PDF's creator field:
receipts (every layout), label sheets and rolls, the hand-over list, work lists, the tally report and the
cash hand-over slip; each read back with pypdf."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from fieldapp import __version__
from fieldapp.printing.footer import footer_text, version_mark
from fieldapp.printing.labels import LABEL_LAYOUTS, hand_over_pdf, label_for, labels_pdf
from fieldapp.printing.lists import list_pdf
from fieldapp.printing.receipt import LAYOUTS, Printing, write
from fieldapp.reports import export
from fieldapp.reports.tallies import build
from fieldapp.services import closing
from fieldapp.storage import receipts as receipt_store
from tests.conftest import DEMO_END
from tests.reports.helpers import team_and_people

MARK = f"fieldapp {__version__}"


def every_page_says_the_version(pdf) -> None:
    reader = PdfReader(pdf)
    assert reader.pages
    for i, page in enumerate(reader.pages):
        assert MARK in page.extract_text(), f"page {i + 1} has no version"
    assert reader.metadata.creator == MARK


def test_the_helper():
    assert version_mark() == MARK
    assert footer_text("Tổ 1", "", "15/07/2026") == f"Tổ 1 · 15/07/2026 · {MARK}"


@pytest.fixture
def busy_day(demo_store) -> date:
    (day,) = demo_store.query_one("SELECT day FROM receipts GROUP BY day ORDER BY count(*) DESC LIMIT 1")
    return date.fromisoformat(day)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_receipts(demo_store, tmp_path, layout):
    ids = [r[0] for r in demo_store.query("SELECT id FROM receipts ORDER BY series, number LIMIT 3")]
    pdf = tmp_path / "r.pdf"
    write([Printing(r) for r in receipt_store.records(demo_store, ids)], pdf, layout)
    every_page_says_the_version(pdf)


@pytest.mark.parametrize("layout", LABEL_LAYOUTS)
def test_labels(demo_store, busy_day, tmp_path, layout):
    labels = [lbl for i in receipt_store.hand_overs(demo_store, busy_day) if (lbl := label_for(i, busy_day))]
    assert labels
    pdf = tmp_path / "labels.pdf"
    labels_pdf(labels * (20 if layout == "sheet" else 1), pdf, layout)  # a sheet of more than one page
    every_page_says_the_version(pdf)
    if layout != "sheet":  # one label a page: the version is on each label
        assert len(PdfReader(pdf).pages) == len(labels)


def test_hand_over_list(demo_store, busy_day, tmp_path):
    items = receipt_store.hand_overs(demo_store, busy_day)
    pdf = hand_over_pdf(items, tmp_path / "h.pdf", day=busy_day, team="Tổ 1", collector="", printed_on=busy_day)
    every_page_says_the_version(pdf)


def test_work_list(tmp_path):
    pdf = list_pdf(tmp_path / "l.pdf", "Danh sách", "Tổ 1", ["Họ tên"], [["Nguyễn Thị Hoà"]] * 90, date(2026, 7, 15))
    assert len(PdfReader(pdf).pages) >= 2
    every_page_says_the_version(pdf)


def test_tally_report(demo_store, tmp_path):
    team, _leader, _member = team_and_people(demo_store)
    report = build(demo_store, DEMO_END - timedelta(days=3), DEMO_END, [team.id])
    pdf = export.write(report, tmp_path / "t.pdf", "pdf", DEMO_END)
    every_page_says_the_version(pdf)


def test_cash_slip(demo_store, busy_day, tmp_path):
    _team, leader, _member = team_and_people(demo_store)
    (collector,) = demo_store.query_one(
        "SELECT p.member_id FROM receipts r JOIN payments p ON p.id = r.payment_id WHERE r.day = ? LIMIT 1",
        (busy_day.isoformat(),),
    )
    cash = closing.day_cash(demo_store, busy_day, collector)
    pdf = closing.save_slip(demo_store, cash, leader, tmp_path / "slip.pdf")
    every_page_says_the_version(pdf)
