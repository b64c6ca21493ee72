"""Issue 13, point 8: the log carries command names, option names, ids and error codes, never a name, a
citizen ID, a phone number, an enrolment code or a token; every CSV and XLSX the app writes is safe from
formula injection (one function, `fieldapp.outputs.safe_cell`), with numbers kept as numbers."""

from __future__ import annotations

import csv
import os
import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.outputs import FORMULA_TRIGGERS
from tests.conftest import cli_env
from tests.security.helpers import small_demo
from tests.test_cli import run

NAME = "Nguyễn Thị Hoà"
CITIZEN_ID = "001088012345"
PHONE = "0912345678"
EVIL = "=cmd|' /C calc'!A0"
TRIGGERS = FORMULA_TRIGGERS  # the fullwidth ＝ ＋ － ＠ too: some spreadsheets read them as the ASCII ones


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("sec-privacy") / "data"
    small_demo(root, seed=6)
    return root


def log_text(data_dir: Path) -> str:
    return (data_dir / "logs" / "fieldapp.log").read_text(encoding="utf-8")


# --- the log -----------------------------------------------------------------------------------------


def test_the_log_names_the_command_and_its_options_not_their_values(cli_dir):
    done = run("people", "search", f"{NAME} {CITIZEN_ID} {PHONE}", "--limit", "5", "--json", data_dir=cli_dir)
    assert done.returncode == 0, done.stderr
    text = log_text(cli_dir)
    for secret in (NAME, CITIZEN_ID, PHONE, "Nguy"):
        assert secret not in text
    assert "people search" in text and "--limit" in text


def test_an_enrolment_code_never_reaches_the_log(cli_dir):
    env = cli_env(cli_dir, FIELDAPP_SYNC_ATTEMPTS="1")
    done = run("enrol", "--server", "http://127.0.0.1:9", "--code", "K7P2-QX9M-SECRET", env=env)
    assert done.returncode == 1, done.stderr
    assert "K7P2" not in log_text(cli_dir) and "SECRET" not in log_text(cli_dir)


def test_a_refusal_is_logged_by_its_code_without_the_values(cli_dir, tmp_path):
    done = run("receipt", "pdf", f"{NAME} {PHONE}", "-o", str(tmp_path / "x.pdf"), data_dir=cli_dir)
    assert done.returncode == 1 and PHONE in done.stderr  # the person at the keyboard sees what was refused
    done = run("receipt", "void", "BI-X-2026/1", "--reason", NAME, "--leader", CITIZEN_ID, data_dir=cli_dir)
    assert done.returncode == 1
    text = log_text(cli_dir)
    assert "receipt.unknown" in text
    for secret in (NAME, CITIZEN_ID, PHONE):
        assert secret not in text


# --- formula injection ---------------------------------------------------------------------------------


@given(st.text())
def test_an_escaped_cell_never_starts_a_formula_and_keeps_its_text(text):
    from fieldapp.outputs import safe_cell

    cell = safe_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(TRIGGERS)
    if text.startswith(TRIGGERS):
        assert cell == "'" + text
    else:
        assert cell == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.booleans(), st.dates()))
def test_numbers_and_other_values_stay_as_they_are(value):
    from fieldapp.outputs import safe_cell

    assert safe_cell(value) is value


def _report(scope: str, row_name: str):
    from fieldapp.reports.tallies import Column, Report, Table

    columns = [Column("name", "Tên", "text"), Column("consultations", "Tư vấn", "count")]
    table = Table("members", "Thành viên", columns, [[row_name, 7], ["-12", -3]], ["+Tổng", 4])
    return Report(date(2026, 7, 1), date(2026, 7, 1), scope, [table], [], [], 0, 0, 0, "vi")


def test_tally_csv_cells_are_escaped_and_numbers_stay_numbers(tmp_path):
    from fieldapp.reports.export import write

    out = write(_report(EVIL, "@SUM(A1)"), tmp_path / "t.csv", "csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    cells = [c for row in rows for c in row]
    assert "'" + "@SUM(A1)" in cells and "'-12" in cells and "'+Tổng" in cells
    assert not any(c.startswith(TRIGGERS) for c in cells if not c.lstrip("-").isdigit())
    assert any(EVIL in c for c in cells) and not any(c.startswith("=") for c in cells)
    assert "7" in cells and "-3" in cells  # numbers are written as numbers


def test_tally_xlsx_cells_are_text_not_formulas(tmp_path):
    from openpyxl import load_workbook

    from fieldapp.reports.export import write

    out = write(_report(EVIL, '=HYPERLINK("http://x","y")'), tmp_path / "t.xlsx", "xlsx")
    ws = load_workbook(out).active
    values = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any(c.data_type == "f" for c in values)
    assert not any(isinstance(c.value, str) and c.value.startswith(TRIGGERS) for c in values)
    assert 7 in [c.value for c in values] and -3 in [c.value for c in values]


def test_declaration_xlsx_cells_are_text_not_formulas(tmp_path):
    from openpyxl import load_workbook

    from fieldapp.reports.declarations import D03_COLUMNS, Declaration, write_xlsx

    row = [
        1,
        EVIL,
        "+841234",
        "=1+1",
        "01/01/1990",
        "Nữ",
        1,
        "@thôn",
        "=HYPERLINK(1)",
        "15/07/2026",
        "-BI/1",
        12,
        "01/08/2026",
    ]
    row += ["31/07/2027", 1_263_600, "", ""]
    assert len(row) == len(D03_COLUMNS)
    out = write_xlsx(Declaration("d03", date(2026, 7, 15), date(2026, 7, 15), [row]), tmp_path / "d03.xlsx", "=unit")
    ws = load_workbook(out).active
    cells = [c for r in ws.iter_rows() for c in r if c.value is not None]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith(TRIGGERS) for c in cells)
    assert "'" + EVIL in [c.value for c in cells]
    assert 1_263_600 in [c.value for c in cells]


def test_import_error_files_are_escaped_and_private(cli_dir, tmp_path):
    source = tmp_path / "ds.csv"
    source.write_text(f"Họ và tên,Ngày sinh,Xã\n{NAME},04/04/1977,{EVIL}\n", encoding="utf-8-sig")
    done = run("import", "people", str(source), "--province", "33", "--json", data_dir=cli_dir)
    assert done.returncode == 1, done.stderr  # every row refused
    import json

    errors = Path(json.loads(done.stdout)["errors_file"])
    assert stat.S_IMODE(os.stat(errors).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(errors.parent).st_mode) == 0o700
    cells = [c for row in csv.reader(errors.read_text(encoding="utf-8-sig").splitlines()) for c in row]
    assert "'" + EVIL in cells
    assert not any(c.startswith(TRIGGERS) for c in cells)
