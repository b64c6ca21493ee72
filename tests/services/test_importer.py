"""Importing the prospect lists communes send: encodings, Excel's habits, bad files, all or nothing."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.errors import InputRefused
from fieldapp.services import importer, table_files
from fieldapp.services.importer import plan_import, run_import
from fieldapp.storage.writer import Actor

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Xã", "Thôn"]
ROWS = [
    ["1", "Nguyễn Văn Bình", "12/03/1970", "Nam", "033070001234", "0912345678", "Xuân Trúc", "Thôn Đông"],
    ["2", "Lê Thị Hạnh", "1965", "Nữ", "", "", "Xã Xuân Trúc", "Thôn Tây"],
    ["3", "Trần Văn 3", "01/01/1990", "Nam", "", "", "Xuân Trúc", ""],
    ["4", "Đỗ Thị Lụa", "05/05/1985", "Nữ", "", "", "Hà Nội", ""],
]


TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_form(text: str) -> str:
    """Windows-1258 has ơ, ư, â… but writes tones as combining marks after the letter."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out)


def write_csv(path: Path, rows, encoding="utf-8", delimiter=",", title=True) -> Path:
    lines = (["DANH SÁCH NGƯỜI CẦN VẬN ĐỘNG THAM GIA BHYT"] if title else []) + [
        delimiter.join(r) for r in [HEADER, *rows]
    ]
    text = "\r\n".join(lines)
    path.write_bytes((cp1258_form(text) if encoding == "cp1258" else text).encode(encoding))
    return path


def do_import(store, path, **kw):
    return run_import(
        store, plan_import(path), Actor(None, store.device_id), province="33", errors_dir=path.parent / "errors", **kw
    )


def persons(store) -> int:
    return store.query_one("SELECT count(*) FROM persons")[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_every_encoding_and_delimiter(demo_store, tmp_path, encoding, delimiter):
    before = persons(demo_store)
    path = write_csv(tmp_path / "list.csv", ROWS, encoding, delimiter)
    result = do_import(demo_store, path)
    assert (result.rows, result.imported, result.duplicates, result.rejected) == (4, 2, 0, 2)
    names = {r[0] for r in demo_store.query("SELECT full_name FROM persons")}
    assert {"Nguyễn Văn Bình", "Lê Thị Hạnh"} <= names  # diacritics intact whatever the encoding
    assert persons(demo_store) == before + 2
    text = result.errors_file.read_text(encoding="utf-8-sig")
    assert "Trần Văn 3" in text and "Hà Nội" in text and "chữ số" in text


def test_excel_lost_the_leading_zeros(store, tmp_path):
    rows = [["1", "Nguyễn Văn Bình", "12/03/1970", "Nam", "33070001234", "912345678", "Xuân Trúc", ""]]
    result = do_import(store, write_csv(tmp_path / "z.csv", rows))
    assert result.imported == 1
    assert store.query_one("SELECT citizen_id, phone FROM persons")[0:2] == ("033070001234", "0912345678")


def test_xlsx_with_a_merged_two_row_header_numbers_and_empty_rows(store, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH"])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Giấy tờ", None, "Xã"])
    ws.append([None, None, None, "Số CCCD", "Số điện thoại", None])
    ws.merge_cells("D2:E2")
    ws.append([1, "Nguyễn Thị Hoà", "12/05/1988", 33188001234, 912000111, "Xuân Trúc"])
    ws.append([None, None, None, None, None, None])
    ws.append([2, "Vũ Văn Tài", "02/02/1972", None, None, "Xuân Trúc"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    plan = plan_import(path)
    assert {"full_name", "citizen_id", "phone", "commune"} <= set(plan.mapping)
    result = do_import(store, path)
    assert (result.imported, result.rejected) == (2, 0)
    assert store.query_one("SELECT citizen_id FROM persons WHERE citizen_id IS NOT NULL")[0] == "033188001234"


def test_duplicates_against_the_registry_and_within_the_file(demo_store, tmp_path):
    name, born, cid = demo_store.query_one(
        "SELECT full_name, birth_date, citizen_id FROM persons WHERE citizen_id IS NOT NULL LIMIT 1"
    )
    y, m, d = born.split("-")
    commune = demo_store.query_one(
        "SELECT c.name FROM persons p JOIN communes c ON c.code = p.commune_code WHERE p.citizen_id = ?", (cid,)
    )[0]
    rows = [
        ["1", "Người Mới", "", "", cid, "", commune, ""],
        ["2", name, f"{d}/{m}/{y}", "", "", "", commune, ""],
        ["3", "Hà Văn Khải", "03/03/1983", "Nam", "", "", commune, ""],
        ["4", "Hà Văn Khải", "03/03/1983", "Nam", "", "", commune, ""],
    ]
    before = persons(demo_store)
    result = do_import(demo_store, write_csv(tmp_path / "d.csv", rows))
    assert (result.imported, result.duplicates, result.rejected) == (1, 3, 0), result.errors
    assert persons(demo_store) == before + 1
    linked = demo_store.query_one("SELECT count(*) FROM prospects WHERE list_id = ?", (result.list_id,))[0]
    assert linked == 2  # rows 1 and 2 are the same known person (by ID, by name): listed once; and the new one


def test_dry_run_saves_nothing_and_the_same_file_twice_is_refused(store, tmp_path):
    path = write_csv(tmp_path / "l.csv", ROWS)
    result = do_import(store, path, dry_run=True)
    assert result.imported == 2 and persons(store) == 0
    do_import(store, path)
    with pytest.raises(InputRefused) as err:
        do_import(store, path)
    assert err.value.code == "import.already"


def test_all_or_nothing_when_it_breaks_halfway(store, tmp_path, monkeypatch):
    """Parts of ten rows: two parts and their hamlets are written when making the third one's people fails."""
    rows = [[str(i), f"Nguyễn Văn {chr(65 + i % 20)}ành", "", "", "", "", "Xuân Trúc", f"Thôn {i}"] for i in range(50)]
    calls = {"n": 0}
    real = importer.new_person

    def breaking(*args, **kw):
        calls["n"] += 1
        if calls["n"] == 25:
            raise OSError("the USB stick was pulled out")
        return real(*args, **kw)

    monkeypatch.setattr(importer, "PART", 10)
    monkeypatch.setattr(importer, "new_person", breaking)
    with pytest.raises(OSError):
        do_import(store, write_csv(tmp_path / "b.csv", rows))
    assert calls["n"] == 25
    assert persons(store) == 0
    assert store.query_one("SELECT count(*) FROM hamlets")[0] == 0


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "import.empty"),
        (os.urandom(4096), "import.not_a_table"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\n" + bytes(range(256)) * 10, "import.not_a_table"),
        (b"PK\x03\x04not really a zip", "import.not_a_table"),
        ("chỉ là một dòng chữ\nkhông có tiêu đề\n".encode(), "import.no_header"),
    ],
)
def test_files_that_are_not_lists(store, tmp_path, content, code):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputRefused) as err:
        do_import(store, path)
    assert err.value.code == code
    assert persons(store) == 0


def test_too_big(store, tmp_path, monkeypatch):
    monkeypatch.setattr(table_files, "MAX_BYTES", 1000)
    path = write_csv(tmp_path / "big.csv", ROWS * 20)
    with pytest.raises(InputRefused) as err:
        do_import(store, path)
    assert err.value.code == "import.too_big"


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000) | st.text(max_size=2000).map(lambda s: s.encode("utf-8")))
def test_any_bytes_are_read_or_refused(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        plan = plan_import(path)
    except InputRefused:
        return
    assert isinstance(plan.rows, list)


def test_a_year_alone_is_imported_and_deduplicated_by_it(store, tmp_path):
    rows = [
        ["1", "Lê Thị Hạnh", "1965", "Nữ", "", "", "Xuân Trúc", ""],
        ["2", "LÊ THỊ HẠNH", "14/02/1965", "Nữ", "", "", "Xuân Trúc", ""],  # the same woman, her date found
        ["3", "Lê Thị Hạnh", "1966", "Nữ", "", "", "Xuân Trúc", ""],  # another year: another person
        ["4", "Vũ Văn Tài", "02/02/1972", "Nam", "", "", "Xuân Trúc", ""],
        ["5", "Vũ Văn Tài", "03/02/1972", "Nam", "", "", "Xuân Trúc", ""],  # another day: another person
        ["6", "Vũ Văn Tài", "1972", "Nam", "", "", "Xuân Trúc", ""],  # the first of the two
        ["7", "Lò Văn Pả", "2031", "Nam", "", "", "Xuân Trúc", ""],
    ]
    result = do_import(store, write_csv(tmp_path / "y.csv", rows))
    assert (result.imported, result.duplicates, result.rejected) == (4, 2, 1), result.errors
    assert result.errors[0].row == 9 and result.errors[0].code == "reason.birth_date.future"
    stored = store.query("SELECT full_name, birth_date, birth_year FROM persons ORDER BY pk")
    assert stored[:2] == [("Lê Thị Hạnh", None, 1965), ("Lê Thị Hạnh", None, 1966)]
    again = write_csv(tmp_path / "y2.csv", [["1", "Lê Thị Hạnh", "1965", "", "", "", "Xuân Trúc", ""]])
    assert (do_import(store, again).imported, persons(store)) == (0, 4)  # known now: linked, not added


def test_a_lists_total_and_signatures_are_not_people(store, tmp_path):
    """A commune's list as offices write it (issue 17, item 11): a title over the header, and under the
    people a total line, the place and day, the signers' titles and their names. Only the people are rows;
    a person whose name reads like a total ("Tống Công") is still a person."""
    people = [
        ["1", "Nguyễn Văn Bình", "12/03/1970", "Nam", "033070001234", "0912345678", "Xuân Trúc", "Thôn Đông"],
        ["2", "Tống Công", "1965", "Nam", "", "", "Xuân Trúc", "Thôn Tây"],
    ]
    foot = [
        ["", "Tổng cộng: 2 người", "", "", "", "", "", ""],
        ["", "", "", "", "", "Xuân Trúc, ngày 05 tháng 12 năm 2026", "", ""],
        ["", "Người lập biểu", "", "", "", "Trưởng thôn", "", ""],
        ["", "(Ký, ghi rõ họ tên)", "", "", "", "(Ký, ghi rõ họ tên)", "", ""],
        ["", "Lê Văn Lập", "", "", "", "Phạm Văn Trưởng", "", ""],
    ]
    plan = plan_import(write_csv(tmp_path / "foot.csv", people + foot))
    assert [cells[1] for _n, cells in plan.rows] == ["Nguyễn Văn Bình", "Tống Công"]
    result = do_import(store, plan.path)
    assert (result.rows, result.imported, result.rejected) == (2, 2, 0)
    names = {r[0] for r in store.query("SELECT full_name FROM persons")}
    assert "Tống Công" in names and "Lê Văn Lập" not in names


@pytest.mark.parametrize(
    "row",
    [
        ["", "Cộng", "", "", "", "", "", ""],
        ["Tổng số: 15"],
        ["", "Người lập danh sách"],
        ["", "", "Ngày .... tháng .... năm 2026"],
    ],
)
def test_each_kind_of_foot_ends_the_list(row):
    rows = [HEADER, ROWS[0], row, ROWS[1]]
    assert table_files.foot(rows, 1) == 2


def test_the_registered_clinic_column_is_read_and_checked(store, tmp_path):
    """Issue 17, item 2: a commune's list names the clinic each person is registered at, as the card does."""
    path = tmp_path / "kcb.csv"
    path.write_text(
        "Họ và tên,Ngày sinh,Xã,Nơi đăng ký KCB ban đầu\r\n"
        "Nguyễn Văn Bình,12/03/1970,Xuân Trúc,33-105\r\n"
        "Lê Thị Hạnh,1965,Xuân Trúc,\r\n"
        "Đỗ Thị Lụa,05/05/1985,Xuân Trúc,Trạm y tế\r\n",
        encoding="utf-8",
    )
    plan = plan_import(path)
    assert plan.mapping["hi_clinic"] == 3
    result = do_import(store, path)
    assert (result.imported, result.rejected) == (2, 1)
    assert (result.errors[0].column, result.errors[0].code) == ("hi_clinic", "reason.clinic.format")
    assert store.query("SELECT full_name, hi_clinic FROM persons ORDER BY pk") == [
        ("Nguyễn Văn Bình", "33 - 105"),
        ("Lê Thị Hạnh", None),
    ]
    (payload,) = store.query_one("SELECT payload FROM outbox WHERE entity = 'persons' ORDER BY seq LIMIT 1")
    assert json.loads(payload)["hi_clinic"] == "33 - 105"  # the bulk path's outbox carries it too
