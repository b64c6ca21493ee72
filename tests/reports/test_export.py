"""Exported tallies read back (openpyxl, csv, pypdf) hold the screen's numbers; an empty day is an empty
report; `fieldapp export tallies` writes each format."""

from __future__ import annotations

import csv
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


def test_cli_export_tallies(demo_dir, tmp_path, monkeypatch, capsys):
    from fieldapp.cli import main

    monkeypatch.setenv("FIELDAPP_PASSPHRASE", PASSPHRASE)
    for fmt in ("xlsx", "csv", "pdf"):
        out = tmp_path / f"cli.{fmt}"
        code = main(["--data-dir", str(demo_dir.root), "export", "tallies", "--day", FIRST.isoformat(), "--to",
                     DEMO_END.isoformat(), "--format", fmt, "-o", str(out)])  # fmt: skip
        assert code == 0 and out.stat().st_size > 0
    code = main(["--data-dir", str(demo_dir.root), "export", "tallies", "--day", "2026-07-15", "--team", "nope",
                 "--format", "csv", "-o", str(tmp_path / "x.csv")])  # fmt: skip
    assert code == 1 and "nope" in capsys.readouterr().err
