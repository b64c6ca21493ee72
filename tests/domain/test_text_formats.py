"""Vietnamese text (NFC, folded search keys) and the display of numbers, money and dates."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.formats import (
    VIETNAM,
    format_birth,
    format_date,
    format_datetime,
    format_number,
    format_vnd,
    local_day,
    parse_birth,
    parse_date,
)
from fieldapp.domain.text import clean_name, fold, nfc, sort_key, text_sort_key

VIETNAMESE_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"

# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nguyễn Thị Hoà", "nguyen thi hoa"),
        ("Nguyễn Thị Hòa", "nguyen thi hoa"),  # the other tone placement folds the same
        ("Đặng", "dang"),
        ("đặng văn lâm", "dang van lam"),
        ("  TRẦN   Ngọc\tÁnh ", "tran ngoc anh"),
        ("H'Hen Niê", "h'hen nie"),
        ("Ksor H’Blông", "ksor h’blong"),
        ("", ""),
    ],
)
def test_fold(text: str, key: str) -> None:
    assert fold(text) == key


def test_fold_decomposed_input() -> None:
    assert fold(unicodedata.normalize("NFD", "Nguyễn Thị Hoà")) == "nguyen thi hoa"


def test_fold_vietnamese_alphabet_to_ascii() -> None:
    for letter in VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper():
        key = fold(letter)
        assert len(key) == 1
        assert "a" <= key <= "z", letter


def test_fold_idempotent_examples() -> None:
    for text in ("Nguyễn Thị Hoà", "Đặng", "ĐỖ ĐỨC ĐẠT"):
        assert fold(fold(text)) == fold(text)


def test_nfc_and_clean_name() -> None:
    decomposed = unicodedata.normalize("NFD", "Hoà")
    assert nfc(decomposed) == "Hoà"
    assert clean_name(f"  {decomposed}\u00a0\u00a0Bình  ") == "Hoà Bình"


@settings(max_examples=200)
@given(st.text())
def test_fold_properties(text: str) -> None:
    key = fold(text)
    assert fold(key) == key
    assert not any(unicodedata.combining(ch) for ch in key)
    assert "đ" not in key
    assert "Đ" not in key
    assert key == key.strip()
    assert "  " not in key


@settings(max_examples=200)
@given(st.text(st.sampled_from(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " "), max_size=40))
def test_fold_vietnamese_text_is_ascii(text: str) -> None:
    key = fold(text)
    assert key.isascii()
    assert key == fold(unicodedata.normalize("NFD", text))
    assert key == fold(text.upper()) == fold(text.lower())


@settings(max_examples=200)
@given(st.text())
def test_clean_name_idempotent(text: str) -> None:
    once = clean_name(text)
    assert clean_name(once) == once
    assert unicodedata.is_normalized("NFC", once)


# --- numbers and money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (0, "0", "0"),
        (999, "999", "999"),
        (1000, "1.000", "1,000"),
        (1_263_600, "1.263.600", "1,263,600"),
        (-1_263_600, "-1.263.600", "-1,263,600"),
        (-5, "-5", "-5"),
        (46_800_000, "46.800.000", "46,800,000"),
    ],
)
def test_format_number(value: int, vi: str, en: str) -> None:
    assert format_number(value) == vi
    assert format_number(value, "vi") == vi
    assert format_number(value, "en") == en


def test_format_vnd() -> None:
    assert format_vnd(1_263_600) == "1.263.600 đ"
    assert format_vnd(1_263_600, "en") == "1,263,600 đ"
    assert format_vnd(2_906_280, "vi") == "2.906.280 đ"
    assert format_vnd(-330_000) == "-330.000 đ"
    assert format_vnd(0) == "0 đ"


@settings(max_examples=200)
@given(st.integers(-(2**63) + 1, 2**63 - 1))
def test_format_number_agrees_with_qt(value: int) -> None:
    from PySide6.QtCore import QLocale

    assert format_number(value, "vi") == QLocale("vi_VN").toString(value)
    assert format_number(value, "en") == QLocale("en_US").toString(value)


@pytest.mark.parametrize("value", [0, 999, 1000, 9999, 10_000, 1_263_600, -1_263_600, 2**31, -(2**40)])
def test_format_number_agrees_with_qt_examples(value: int) -> None:
    from PySide6.QtCore import QLocale

    assert format_number(value, "vi") == QLocale("vi_VN").toString(value)


# --- dates ---------------------------------------------------------------------------------------


def test_format_date() -> None:
    assert format_date(date(2026, 7, 1)) == "01/07/2026"
    assert format_date(date(2026, 12, 31), "en") == "31/12/2026"


def test_format_datetime_in_vietnam_time() -> None:
    assert format_datetime(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "06:30 01/07/2026"


@pytest.mark.parametrize(
    "text",
    ["23/07/2026", "23-07-2026", "23.07.2026", "2026-07-23", " 23/07/2026 ", "23/7/2026"],
)
def test_parse_date_accepted(text: str) -> None:
    assert parse_date(text) == date(2026, 7, 23)


def test_parse_date_leap_day() -> None:
    assert parse_date("29/02/2024") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "garbage",
        "32/01/2026",
        "29/02/2026",
        "01/13/2026",
        "00/01/2026",
        "01/01/26",
        "2026/07/23",
        "23/07-2026",
        "23 07 2026",
        "2026-13-01",
        "2026-02-30",
        "1/1/0000",
        "99999999999999999999/01/2026",  # too large for a C int: OverflowError before the fix
        "01/99999999999999999999/2026",
        "1" * 5000 + "/01/2026",
    ],
)
def test_parse_date_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


date_like = st.text(alphabet="0123456789/-.T: x", max_size=24)


@settings(max_examples=200)
@given(st.one_of(st.text(), date_like))
def test_parse_date_returns_a_date_or_raises_value_error(text: str) -> None:
    try:
        result = parse_date(text)
    except ValueError:
        return
    assert isinstance(result, date)


@settings(max_examples=200)
@given(st.integers(), st.integers(), st.integers(0, 9999), st.sampled_from("/-."))
def test_parse_date_any_numbers(day: int, month: int, year: int, sep: str) -> None:
    text = f"{abs(day)}{sep}{abs(month)}{sep}{year:04d}"
    try:
        result = parse_date(text)
    except ValueError:
        return
    assert result == date(year, abs(month), abs(day))


@settings(max_examples=200)
@given(st.dates(min_value=date(1000, 1, 1)))
def test_parse_date_reads_format_date(value: date) -> None:
    assert parse_date(format_date(value)) == value
    assert parse_date(value.isoformat()) == value


# --- the local day -------------------------------------------------------------------------------


def test_vietnam_is_utc_plus_7() -> None:
    assert datetime(2026, 1, 1, tzinfo=VIETNAM).utcoffset() == timedelta(hours=7)
    assert datetime(2026, 7, 1, tzinfo=VIETNAM).utcoffset() == timedelta(hours=7)  # no summer time


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 6, 30, 16, 59, 59, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 6, 30, 17, 0, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2026, 7, 1, 0, 30, tzinfo=VIETNAM), date(2026, 7, 1)),
        (datetime(2026, 7, 1, 8, 0, tzinfo=timezone(timedelta(hours=9))), date(2026, 7, 1)),
        (datetime(2026, 7, 1, 1, 30, tzinfo=timezone(timedelta(hours=9))), date(2026, 6, 30)),
    ],
)
def test_local_day(moment: datetime, day: date) -> None:
    assert local_day(moment) == day


@settings(max_examples=200)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_local_day_is_utc_plus_7(moment: datetime) -> None:
    assert local_day(moment) == (moment + timedelta(hours=7)).date()


@pytest.mark.parametrize("text", ["2026-W01-1", "٢٣/٠٧/٢٠٢٦", "2026-07-23T10:00", "20260723", "23/07/26"])
def test_parse_date_takes_only_the_two_written_forms(text):
    with pytest.raises(ValueError):
        parse_date(text)


# --- birth dates given as a year alone ----------------------------------------------------------


@given(st.integers(min_value=1000, max_value=9999), st.sampled_from(["", " ", "  ", "\t"]))
def test_a_year_alone_is_a_year(year, space):
    assert parse_birth(f"{space}{year}{space}") == (None, year)
    assert format_birth(None, year) == str(year)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_a_whole_date_gives_its_year_too(day):
    assert parse_birth(format_date(day)) == (day, day.year)
    assert parse_birth(day.isoformat()) == (day, day.year)
    assert parse_birth(format_birth(day, day.year)) == (day, day.year)


@given(st.text(max_size=12))
def test_any_text_is_a_date_a_year_nothing_or_refused(text):
    try:
        born, year = parse_birth(text)
    except ValueError:
        assert text.strip()  # only typed text is refused
        return
    if born is not None:
        assert year == born.year
    elif year is not None:
        assert text.strip() == str(year) and text.strip().isascii()
    else:
        assert not text.strip()


@pytest.mark.parametrize("text", ["65", "19650", "1965.", "năm 1965", "١٩٦٥", "1965-", "12/1965", "0x7AD"])
def test_what_is_not_a_year_is_refused(text):
    with pytest.raises(ValueError):
        parse_birth(text)


def test_nothing_known_shows_nothing():
    assert parse_birth("  ") == (None, None) and format_birth(None, None) == ""


# --- Vietnamese alphabetical order -------------------------------------------------------------


def test_people_sort_by_given_name_in_the_vietnamese_alphabet():
    names = ["Vũ Văn Bạ", "Đặng Văn Bình", "Hồ Ăn", "Lê Thị Anh", "Nguyễn Văn An", "Dương Văn Bình", "Trần Ánh",
             "Phạm Thị Ân", "Vũ Văn Ba", "Lê Anh", "Nguyễn Đức", "Nguyễn Dũng", "Vũ Văn Bà", "Ngô Ư",
             "Ngô U"]  # fmt: skip
    assert sorted(names, key=sort_key) == [
        "Nguyễn Văn An",  # An before Anh: a shorter given name first
        "Lê Anh", "Lê Thị Anh", "Trần Ánh",  # one given name: then the family name; the tone only breaks ties
        "Hồ Ăn", "Phạm Thị Ân",  # ă and â are letters after a
        "Vũ Văn Ba", "Vũ Văn Bà", "Vũ Văn Bạ",  # tones in their order: ngang, huyền, ..., nặng
        "Dương Văn Bình", "Đặng Văn Bình",  # đ after d, not among them
        "Nguyễn Dũng", "Nguyễn Đức",
        "Ngô U", "Ngô Ư",
    ]  # fmt: skip


@settings(max_examples=300)
@given(st.text(alphabet=VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + " -'0", max_size=40))
def test_the_sort_key_ignores_case_spacing_and_the_unicode_form(name):
    key = sort_key(name)
    assert key == sort_key(name.upper()) == sort_key(unicodedata.normalize("NFD", name))
    assert key == sort_key(f"  {name}  ".replace(" ", "   "))
    assert (key == "") == (clean_name(name) == "")


@settings(max_examples=300)
@given(st.text())
def test_any_text_has_a_sort_key_sqlite_can_store_and_compare(text):
    import sqlite3

    conn = sqlite3.connect(":memory:")
    for key in (sort_key(text), text_sort_key(text)):
        assert conn.execute("SELECT ?", (key,)).fetchone()[0] == key
    assert sort_key(None) == text_sort_key(None) == ""


def test_places_keep_their_word_order():
    places = ["Xóm Chùa", "Thôn Đông", "Thôn Dọc", "Bản Ăng", "Bản An"]
    assert sorted(places, key=text_sort_key) == ["Bản An", "Bản Ăng", "Thôn Dọc", "Thôn Đông", "Xóm Chùa"]
