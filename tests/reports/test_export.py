"""Exported tallies read back (openpyxl, csv, pypdf) hold the screen's numbers; an empty day is an empty
report; `fieldapp export tallies` writes each format."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fieldapp.reports.export import compact, table_texts, write
from fieldapp.reports.tallies import build
from tests.conftest import DEMO_END, PASSPHRASE
from tests.reports.helpers import team_and_people

FIRST = DEMO_END - timedelta(days=3)


@pytest.fixture
def report(demo_store):
    team, _l, _m = team_and_people(demo_store)
    return build(demo_store, FIRST, DEMO_END, [team.id])


def test_xlsx_has_a_sheet_per_table_numbers_as_numbers_and_totals(report, tmp_path):
    path = write(report, tmp_path / "t.xlsx", "xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == [t.title[:31] for t in report.tables]
    for table in report.tables:
        ws = wb[table.title[:31]]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        header_at = rows.index([c.header for c in table.columns])
        body = rows[header_at + 1 :]
        expected = [*table.rows, *([table.total] if table.total else [])]
        assert len(body) == len(expected)
        for got, want in zip(body, expected, strict=True):
            for g, w, col in zip(got, want, table.columns, strict=True):
                if w is None:
                    assert g in (None, "chưa giao chỉ tiêu")
                else:
                    assert g == w
                    if col.kind in ("count", "money"):
                        assert isinstance(g, int)


def test_csv_is_utf8_with_bom_and_matches(report, tmp_path):
    path = write(report, tmp_path / "t.csv", "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    summary = report.table("summary")
    at = rows.index([c.header for c in summary.columns])
    assert rows[at + 1][:2] == [summary.rows[0][0], str(summary.rows[0][1])]
    member = report.table("member")
    at = rows.index([c.header for c in member.columns])
    assert rows[at + len(member.rows) + 1][0] == "Tổng cộng"
    assert int(rows[at + len(member.rows) + 1][-1]) == report.collected


def test_pdf_holds_the_same_figures_and_a_place_to_sign(report, tmp_path):
    path = write(report, tmp_path / "t.pdf", "pdf", printed_on=date(2026, 7, 15))
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    assert "\x00" not in text, "a character the PDF's font has no glyph for (the demo's corrections had one)"
    assert "BÁO CÁO KẾT QUẢ TUYÊN TRUYỀN" in flat and "TỔ TRƯỞNG" in flat
    for table in report.tables:
        _headers, rows, _kinds = compact(table, "vi")
        assert rows[-1][-1].replace(" ", "") in flat.replace(" ", "")
    assert table_texts(report.table("summary"), "vi")[0][1] in flat


def test_an_empty_day_exports_an_empty_report(demo_store, tmp_path):
    team, _l, _m = team_and_people(demo_store)
    empty = build(demo_store, date(2026, 1, 5), date(2026, 1, 5), [team.id])
    for fmt in ("xlsx", "csv", "pdf"):
        assert write(empty, tmp_path / f"e.{fmt}", fmt).stat().st_size > 0
    assert "Không có công việc nào" in PdfReader(tmp_path / "e.pdf").pages[0].extract_text()


def _cli(demo_dir, *args: str) -> int:
    from fieldapp.cli import main

    return main(["--data-dir", str(demo_dir.root), "export", *args])


def test_cli_export_tallies(demo_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", PASSPHRASE)
    span = ("--day", FIRST.isoformat(), "--to", DEMO_END.isoformat())
    for fmt in ("xlsx", "csv", "pdf"):
        out = tmp_path / f"cli.{fmt}"
        assert _cli(demo_dir, "tallies", *span, "--format", fmt, "-o", str(out)) == 0 and out.stat().st_size > 0
    code = _cli(demo_dir, "tallies", *span, "--team", "nope", "--format", "csv", "-o", str(tmp_path / "x.csv"))
    assert code == 1 and "nope" in capsys.readouterr().err


def test_declaration_lists(demo_dir, demo_store, tmp_path, monkeypatch):
    from xml.etree import ElementTree as ET

    from fieldapp.reports import declarations

    team, _l, _m = team_and_people(demo_store)
    d05 = declarations.build(demo_store, "d05", FIRST, DEMO_END, [team.id])
    d03 = declarations.build(demo_store, "d03", FIRST, DEMO_END, [team.id])
    (vsi,) = demo_store.query_one(
        "SELECT count(*) FROM receipts r JOIN payments p ON p.id = r.payment_id JOIN enrolments e "
        "ON e.id = p.enrolment_id WHERE e.kind IN ('vsi', 'donated_vsi') AND r.day BETWEEN ? AND ? "
        "AND NOT EXISTS (SELECT 1 FROM receipt_voids v WHERE v.receipt_id = r.id)",
        (FIRST.isoformat(), DEMO_END.isoformat()),
    )
    assert len(d05.rows) == vsi > 0 and d03.rows
    # issue 17: a D03-TS member without an SI number is still identified (citizen ID, birth, sex)
    c3 = {name: i for i, name in enumerate(declarations.D03_COLUMNS)}
    new = [r for r in d03.rows if not r[c3["Mã số BHXH"]]]
    assert new and all(r[c3["Ngày sinh"]] and r[c3["Giới tính"]] in ("Nam", "Nữ") for r in new)
    assert any(r[c3["Số CCCD"]] for r in new)
    # and every member names the clinic they registered at, as their card will (demo: the commune's station)
    clinics = {r[c3["Nơi KCB ban đầu"]] for r in d03.rows}
    assert clinics and all(re.fullmatch(r"33 - \d{3}", c) for c in clinics)
    sheet = load_workbook(declarations.write_xlsx(d03, tmp_path / "d03-direct.xlsx", "")).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    below = rows[rows.index(list(declarations.D03_COLUMNS)) + 1 :]
    assert clinics <= {r[c3["Nơi KCB ban đầu"]] for r in below}
    path = declarations.write_xlsx(d05, tmp_path / "d05.xlsx", "Bưu điện")
    ws = load_workbook(path).active
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    at = values.index(list(declarations.D05_COLUMNS))
    assert values[at + 1][:2] == ["I", "Tăng"] and values[at + 3][1] == d05.rows[0][1]
    total = values[at + 3 + len(d05.rows)]
    assert total[1] == "Cộng" and total[11] == sum(r[11] for r in d05.rows)
    # issue 17: the total adds money, never the monthly incomes; every row says new or continuing
    income = declarations.D05_COLUMNS.index("Mức thu nhập tháng (đồng)")
    assert total[income] is None and total[10] == sum(r[10] for r in d05.rows)
    notes = [r[-1].split(";")[0] for r in d05.rows]
    assert set(notes) <= {declarations.NEW, declarations.CONTINUING} and declarations.NEW in notes
    # printed as the office files it: A4 landscape, the columns on one page's width, headings on each page
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.print_title_rows) == ("landscape", 1, "$4:$4")
    root = ET.parse(declarations.write_xml(d05, tmp_path / "d05.xml")).getroot()
    assert root.tag == "D05-TS" and len(root.findall("LaoDong")) == len(d05.rows)
    assert root.find("LaoDong/HoTen").text == d05.rows[0][1]
    months = [int(x.text) for x in root.findall("LaoDong/Sothang")]
    assert [x.text for x in root.findall("LaoDong/Phuongthuc")] == [declarations.payment_method(m) for m in months]
    assert len(root.findall("LaoDong/TienHotroKhac")) == len(d05.rows)

    monkeypatch.setenv("FIELDAPP_PASSPHRASE", PASSPHRASE)
    span = ("declaration", "--day", FIRST.isoformat(), "--to", DEMO_END.isoformat())
    assert _cli(demo_dir, *span, "--list", "d03", "--format", "xlsx", "-o", str(tmp_path / "d03.xlsx")) == 0
    assert _cli(demo_dir, *span, "--list", "d03", "--format", "xml", "-o", str(tmp_path / "d03.xml")) == 1
    assert _cli(demo_dir, *span, "--list", "d05", "--format", "xml", "-o", str(tmp_path / "c.xml")) == 0


def test_d05_payment_method_and_continuing(tmp_path):
    """Phuongthuc is the way of paying (rules.md), not the months again."""
    from fieldapp.reports import declarations

    assert [declarations.payment_method(m) for m in (1, 3, 6, 12, 24, 60)] == ["01", "03", "06", "12", "VS", "VS"]
