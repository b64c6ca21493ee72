"""Validators of identifiers and names (rules.md, "Identifiers"): which part is wrong, and why."""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.enums import Sex
from fieldapp.domain.validators import (
    MAX_AGE_YEARS,
    NAME_MAX_LENGTH,
    Checked,
    Reason,
    cccd_provinces,
    check_birth_date,
    check_citizen_id,
    check_clinic,
    check_hi_card,
    check_name,
    check_phone,
    check_si_number,
    mobile_prefixes,
)
from fieldapp.i18n import catalog, t

TODAY = date(2026, 7, 1)
PROVINCES = sorted(cccd_provinces())


def _citizen_id(text: str, **kw: Any) -> Checked[Any]:
    kw.setdefault("today", TODAY)
    return check_citizen_id(text, **kw)


def _placeholders(message: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(message) if name}


# --- every Reason: one refused example, with the parameters its message needs -------------------

REFUSALS: list[tuple[Reason, Callable[[], Checked[Any]], dict[str, Any]]] = [
    (Reason.EMPTY, lambda: check_si_number("   "), {}),
    (Reason.CITIZEN_ID_NOT_DIGITS, lambda: _citizen_id("00108801234a"), {}),
    (Reason.CITIZEN_ID_LENGTH, lambda: _citizen_id("00108801234"), {"length": 11}),
    (Reason.CITIZEN_ID_PROVINCE, lambda: _citizen_id("003088012345"), {"code": "003"}),
    (Reason.CITIZEN_ID_CENTURY_SEX, lambda: _citizen_id("001688012345"), {"digit": 6}),
    (Reason.CITIZEN_ID_FUTURE, lambda: _citizen_id("001227012345"), {"year": 2027}),
    (
        Reason.CITIZEN_ID_BIRTH_YEAR,
        lambda: _citizen_id("001088012345", birth_date=date(1989, 3, 29)),
        {"id_year": 1988, "typed_year": 1989},
    ),
    (
        Reason.CITIZEN_ID_SEX,
        lambda: _citizen_id("001088012345", sex=Sex.FEMALE),
        {"id_sex": Sex.MALE, "typed_sex": Sex.FEMALE},
    ),
    (Reason.SI_NUMBER_NOT_DIGITS, lambda: check_si_number("01234567x9"), {}),
    (Reason.SI_NUMBER_LENGTH, lambda: check_si_number("012345678"), {"length": 9}),
    (Reason.HI_CARD_LENGTH, lambda: check_hi_card("GD47901234567"), {"length": 13}),
    (Reason.HI_CARD_GROUP, lambda: check_hi_card("1D4790123456789"), {"group": "1D"}),
    (Reason.HI_CARD_LEVEL, lambda: check_hi_card("GD6790123456789"), {"level": "6"}),
    (Reason.HI_CARD_PROVINCE, lambda: check_hi_card("GD47A0123456789"), {"province": "7A"}),
    (Reason.HI_CARD_SI_NUMBER, lambda: check_hi_card("GD479012345678X"), {}),
    (Reason.PHONE_NOT_DIGITS, lambda: check_phone("09123a5678"), {}),
    (Reason.PHONE_LENGTH, lambda: check_phone("091234567"), {"length": 9}),
    (Reason.PHONE_START, lambda: check_phone("8412345678"), {}),
    (Reason.PHONE_NOT_MOBILE, lambda: check_phone("0241234567"), {"prefix": "024"}),
    (Reason.NAME_TOO_SHORT, lambda: check_name("A"), {}),
    (
        Reason.NAME_TOO_LONG,
        lambda: check_name("Nguyễn " + "a" * NAME_MAX_LENGTH),
        {"maximum": NAME_MAX_LENGTH, "length": NAME_MAX_LENGTH + 7},
    ),
    (Reason.NAME_DIGITS, lambda: check_name("Nguyễn Văn 2"), {}),
    (Reason.NAME_CHARACTER, lambda: check_name("Lan 😀"), {"char": "😀"}),
    (Reason.BIRTH_DATE_FUTURE, lambda: check_birth_date(date(2026, 7, 2), today=TODAY), {}),
    (
        Reason.BIRTH_DATE_TOO_OLD,
        lambda: check_birth_date(date(1905, 1, 1), today=TODAY),
        {"maximum": MAX_AGE_YEARS},
    ),
    (Reason.CLINIC_FORMAT, lambda: check_clinic("C54"), {}),
]


def test_every_reason_has_an_example() -> None:
    assert {reason for reason, _f, _p in REFUSALS} == set(Reason)


@pytest.mark.parametrize(("reason", "check", "params"), REFUSALS, ids=[r.value for r, _c, _p in REFUSALS])
def test_refusal_names_the_part_and_why(reason: Reason, check: Callable[[], Checked[Any]], params: dict) -> None:
    result = check()
    assert not result.ok
    assert result.value is None
    assert result.reason is reason
    assert result.params == params


@pytest.mark.parametrize(("reason", "check", "params"), REFUSALS, ids=[r.value for r, _c, _p in REFUSALS])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_refusal_params_fill_the_message(
    reason: Reason, check: Callable[[], Checked[Any]], params: dict, lang: str
) -> None:
    result = check()
    assert _placeholders(catalog(lang)[reason.value]) <= set(result.params)
    shown = t(reason.value, lang, **result.params)
    assert "{" not in shown
    assert shown != reason.value


def test_sex_mismatch_reads_in_the_language() -> None:
    result = _citizen_id("001088012345", sex=Sex.FEMALE)
    assert t(result.reason, "vi", **result.params) == "Số CCCD ghi giới tính Nam nhưng đã chọn Nữ."
    assert "Male" in t(result.reason, "en", **result.params)


# --- citizen ID ---------------------------------------------------------------------------------


def test_citizen_id_decoded() -> None:
    result = _citizen_id("001088012345")
    assert result.ok
    cid = result.value
    assert cid.number == "001088012345"
    assert cid.province_code == "001"
    assert cid.province_name == "Hà Nội"
    assert cid.sex is Sex.MALE
    assert cid.birth_year == 1988


def test_citizen_id_spaces_are_removed() -> None:
    assert _citizen_id(" 001 088 012 345\t").value.number == "001088012345"


def test_citizen_id_province_list_is_the_63_old_codes() -> None:
    codes = cccd_provinces()
    assert len(codes) == 63
    assert all(len(c) == 3 and c.isdigit() and "001" <= c <= "096" for c in codes)
    assert "003" not in codes  # the codes have gaps


@pytest.mark.parametrize(
    ("number", "sex", "year"),
    [
        ("079088000001", Sex.MALE, 1988),
        ("079188000001", Sex.FEMALE, 1988),
        ("079200000001", Sex.MALE, 2000),
        ("079305000001", Sex.FEMALE, 2005),
        ("079326000001", Sex.FEMALE, 2026),  # born this year
        ("079000000001", Sex.MALE, 1900),
        ("079199000001", Sex.FEMALE, 1999),
    ],
)
def test_citizen_id_century_and_sex_digit(number: str, sex: Sex, year: int) -> None:
    cid = _citizen_id(number).value
    assert (cid.sex, cid.birth_year) == (sex, year)


@pytest.mark.parametrize(("digit", "sex"), [(4, Sex.MALE), (5, Sex.FEMALE)])
def test_citizen_id_2100s(digit: int, sex: Sex) -> None:
    number = f"001{digit}01123456"
    future = _citizen_id(number)
    assert (future.reason, future.params) == (Reason.CITIZEN_ID_FUTURE, {"year": 2101})
    later = check_citizen_id(number, today=date(2101, 1, 1))
    assert (later.value.sex, later.value.birth_year) == (sex, 2101)


@pytest.mark.parametrize("digit", [6, 7, 8, 9])
def test_citizen_id_century_digit_above_5(digit: int) -> None:
    result = _citizen_id(f"001{digit}88012345")
    assert (result.reason, result.params) == (Reason.CITIZEN_ID_CENTURY_SEX, {"digit": digit})


def test_citizen_id_future_year_in_2000s() -> None:
    assert _citizen_id("001226012345").ok  # 2026
    assert _citizen_id("001227012345").reason is Reason.CITIZEN_ID_FUTURE


def test_citizen_id_agrees_with_typed_birth_date_and_sex() -> None:
    result = _citizen_id("001305012345", birth_date=date(2005, 2, 28), sex=Sex.FEMALE)
    assert result.ok
    assert result.value.birth_year == 2005


def test_citizen_id_typed_year_in_the_other_century() -> None:
    result = _citizen_id("001005012345", birth_date=date(2005, 1, 1))  # digit 0: 1905
    assert result.reason is Reason.CITIZEN_ID_BIRTH_YEAR
    assert result.params == {"id_year": 1905, "typed_year": 2005}


def test_citizen_id_birth_year_reported_before_sex() -> None:
    result = _citizen_id("001088012345", birth_date=date(1990, 1, 1), sex=Sex.FEMALE)
    assert result.reason is Reason.CITIZEN_ID_BIRTH_YEAR


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", Reason.EMPTY),
        (" \t ", Reason.EMPTY),
        ("００１０８８０１２３４５", Reason.CITIZEN_ID_NOT_DIGITS),  # full-width digits
        ("001-088-012345", Reason.CITIZEN_ID_NOT_DIGITS),
        ("0010880123456", Reason.CITIZEN_ID_LENGTH),
        ("000088012345", Reason.CITIZEN_ID_PROVINCE),
        ("097088012345", Reason.CITIZEN_ID_PROVINCE),
    ],
)
def test_citizen_id_refused(text: str, reason: Reason) -> None:
    assert _citizen_id(text).reason is reason


# --- SI number and HI card -----------------------------------------------------------------------


def test_si_number() -> None:
    assert check_si_number("0123456789").value == "0123456789"
    assert check_si_number(" 01234 56789 ").value == "0123456789"
    assert check_si_number("01234567890").params == {"length": 11}
    assert check_si_number("٠١٢٣٤٥٦٧٨٩").reason is Reason.SI_NUMBER_NOT_DIGITS  # Arabic-Indic digits


def test_hi_card_ten_digits() -> None:
    card = check_hi_card("0111077012").value
    assert (card.code, card.si_number, card.group, card.level, card.province) == (
        "0111077012",
        "0111077012",
        None,
        None,
        None,
    )


def test_hi_card_fifteen_characters_upper_cased() -> None:
    card = check_hi_card(" gd 4 79 0123456789 ").value
    assert card.code == "GD4790123456789"
    assert (card.group, card.level, card.province, card.si_number) == ("GD", 4, "79", "0123456789")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", Reason.EMPTY),
        ("01234567AB", Reason.HI_CARD_SI_NUMBER),
        ("GD4000123456789", Reason.HI_CARD_PROVINCE),
        ("GD0790123456789", Reason.HI_CARD_LEVEL),
        ("ĐD4790123456789", Reason.HI_CARD_GROUP),
        ("0123456789012", Reason.HI_CARD_LENGTH),
    ],
)
def test_hi_card_refused(text: str, reason: Reason) -> None:
    assert check_hi_card(text).reason is reason


# --- phone ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "+84912345678",
        "+84 91 234 5678",
        "84912345678",
        "091.234.5678",
        "(091) 234-5678",
        " 0912 345 678 ",
    ],
)
def test_phone_normalised(text: str) -> None:
    assert check_phone(text).value == "0912345678"


@pytest.mark.parametrize(
    ("text", "reason", "params"),
    [
        ("", Reason.EMPTY, {}),
        ("+1 202 555 0100", Reason.PHONE_NOT_MOBILE, {"prefix": "+120"}),
        ("0912 345 67a", Reason.PHONE_NOT_DIGITS, {}),
        ("09123456789", Reason.PHONE_LENGTH, {"length": 11}),
        ("0123456789", Reason.PHONE_NOT_MOBILE, {"prefix": "012"}),
        ("+84241234567", Reason.PHONE_NOT_MOBILE, {"prefix": "024"}),  # a Hà Nội landline
    ],
)
def test_phone_refused(text: str, reason: Reason, params: dict) -> None:
    result = check_phone(text)
    assert (result.reason, result.params) == (reason, params)


def test_mobile_prefixes_are_three_digits_starting_with_0() -> None:
    prefixes = mobile_prefixes()
    assert len(prefixes) >= 30
    assert all(len(p) == 3 and p.isdigit() and p.startswith("0") for p in prefixes)


# --- names and birth dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Hoà",
        "Đặng Văn Lâm",
        "Trần Thị Ngọc Ánh",
        "H'Hen Niê",
        "Ksor H’Blông",
        "Y-Moan Ênuôl",
        "Lò Văn Pọm",
        "Hoàng A Sử",
        "Nguyễn T. Bình",
    ],
)
def test_vietnamese_names_accepted_as_typed(name: str) -> None:
    assert check_name(name).value == name


def test_name_spaces_collapsed_and_trimmed() -> None:
    assert check_name("  Nguyễn   Thị\u00a0 Hoà \n").value == "Nguyễn Thị Hoà"


def test_name_stored_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    assert decomposed != "Nguyễn Thị Hoà"
    value = check_name(decomposed).value
    assert value == "Nguyễn Thị Hoà"
    assert unicodedata.is_normalized("NFC", value)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Nguyễn Văn ٣", Reason.NAME_DIGITS),
        ("Lan²", Reason.NAME_DIGITS),
        ("Lan ❤", Reason.NAME_CHARACTER),
        ("Nguyễn@Văn", Reason.NAME_CHARACTER),
        ("Nguyễn\u200bVăn", Reason.NAME_CHARACTER),
        ("' -", Reason.NAME_TOO_SHORT),
        ("\n\t", Reason.EMPTY),
    ],
)
def test_name_refused(name: str, reason: Reason) -> None:
    assert check_name(name).reason is reason


def test_name_unprintable_character_shown_as_code_point() -> None:
    assert check_name("Lan\x07").params == {"char": "U+0007"}


def test_name_at_maximum_length() -> None:
    name = "Nguyễn " + "a" * (NAME_MAX_LENGTH - 7)
    assert check_name(name).value == name


def test_birth_date() -> None:
    assert check_birth_date(TODAY, today=TODAY).ok
    assert check_birth_date(date(TODAY.year - MAX_AGE_YEARS, 1, 1), today=TODAY).ok
    assert check_birth_date(date(TODAY.year - MAX_AGE_YEARS - 1, 12, 31), today=TODAY).reason is (
        Reason.BIRTH_DATE_TOO_OLD
    )


# --- properties ----------------------------------------------------------------------------------

TEXT_CHECKS: list[Callable[[str], Checked[Any]]] = [
    check_citizen_id,
    check_clinic,
    check_si_number,
    check_hi_card,
    check_phone,
    check_name,
]


def _one_of_value_or_reason(result: Checked[Any]) -> None:
    assert isinstance(result, Checked)
    assert (result.value is None) != (result.reason is None)
    if result.reason is not None:
        assert isinstance(result.reason, Reason)
        assert not result.ok
    else:
        assert result.params == {}


@settings(max_examples=200)
@given(st.text())
def test_validators_never_raise_on_any_text(text: str) -> None:
    for check in TEXT_CHECKS:
        _one_of_value_or_reason(check(text))


identifier_like = st.text(alphabet="0123456789 +-.()abcdGDHNđ\u00a0", max_size=20)


@settings(max_examples=200)
@given(identifier_like, st.none() | st.dates(), st.none() | st.sampled_from(Sex))
def test_validators_never_raise_on_identifier_like_text(text: str, birth: date | None, sex: Sex | None) -> None:
    for check in TEXT_CHECKS:
        _one_of_value_or_reason(check(text))
    _one_of_value_or_reason(check_citizen_id(text, birth_date=birth, sex=sex, today=TODAY))


@settings(max_examples=200)
@given(st.dates())
def test_birth_date_never_raises(value: date) -> None:
    _one_of_value_or_reason(check_birth_date(value, today=TODAY))


@st.composite
def citizen_ids(draw: st.DrawFn) -> tuple[str, int, Sex, str]:
    province = draw(st.sampled_from(PROVINCES))
    year = draw(st.integers(1900, 2199))
    sex = draw(st.sampled_from(Sex))
    digit = 2 * ((year - 1900) // 100) + (1 if sex is Sex.FEMALE else 0)
    tail = draw(st.text(alphabet=string.digits, min_size=6, max_size=6))
    return f"{province}{digit}{year % 100:02d}{tail}", year, sex, province


@settings(max_examples=200)
@given(citizen_ids(), st.integers(1, 12), st.integers(1, 28))
def test_well_formed_citizen_id_validates(generated: tuple[str, int, Sex, str], month: int, day: int) -> None:
    number, year, sex, province = generated
    today = date(2199, 12, 31)
    for result in (
        check_citizen_id(number, today=today),
        check_citizen_id(number, birth_date=date(year, month, day), sex=sex, today=today),
    ):
        assert result.ok
        cid = result.value
        assert (cid.number, cid.birth_year, cid.sex, cid.province_code) == (number, year, sex, province)
        assert cid.province_name == cccd_provinces()[province]


@settings(max_examples=200)
@given(citizen_ids())
def test_citizen_id_born_after_today_is_future(generated: tuple[str, int, Sex, str]) -> None:
    number, year, _sex, _province = generated
    result = check_citizen_id(number, today=TODAY)
    if year > TODAY.year:
        assert (result.reason, result.params) == (Reason.CITIZEN_ID_FUTURE, {"year": year})
    else:
        assert result.ok


@st.composite
def typed_phones(draw: st.DrawFn) -> tuple[str, str]:
    prefix = draw(st.sampled_from(sorted(mobile_prefixes())))
    rest = draw(st.text(alphabet=string.digits, min_size=7, max_size=7))
    number = prefix + rest
    national = number[1:]
    shape = draw(
        st.sampled_from(
            [
                number,
                "+84" + national,
                "84" + national,
                f"+84 {national[:2]} {national[2:5]} {national[5:]}",
                f"{number[:4]}.{number[4:7]}.{number[7:]}",
                f" {number[:4]} {number[4:7]}-{number[7:]} ",
            ]
        )
    )
    return shape, number


@settings(max_examples=200)
@given(typed_phones())
def test_phone_normalised_and_idempotent_for_every_prefix(typed: tuple[str, str]) -> None:
    text, number = typed
    value = check_phone(text).value
    assert value == number
    assert check_phone(value).value == value


@pytest.mark.parametrize("prefix", sorted(mobile_prefixes()))
def test_every_mobile_prefix_accepted(prefix: str) -> None:
    number = prefix + "1234567"
    assert check_phone(number).value == number
    assert check_phone("+84" + number[1:]).value == number


@settings(max_examples=200)
@given(st.text())
def test_check_name_idempotent(text: str) -> None:
    first = check_name(text)
    if first.ok:
        again = check_name(first.value)
        assert again.ok
        assert again.value == first.value


vietnamese_letters = st.sampled_from(
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


@settings(max_examples=200)
@given(st.lists(st.text(vietnamese_letters, min_size=1, max_size=8), min_size=2, max_size=5))
def test_generated_vietnamese_names_accepted(words: list[str]) -> None:
    name = " ".join(w.capitalize() for w in words)
    assert check_name(name).value == unicodedata.normalize("NFC", name)
    assert check_name(unicodedata.normalize("NFD", name)).value == unicodedata.normalize("NFC", name)


def test_phone_written_with_both_country_code_and_zero():
    assert check_phone("+84 0912 345 678").value == "0912345678"
    assert check_phone("84 0912345678").value == "0912345678"


def test_ten_digits_not_starting_with_zero_say_so():
    result = check_phone("8412345678")
    assert result.reason is Reason.PHONE_START


def _name_the_long_way(text: str):
    """check_name as it was before its fast path: every character looked up."""
    from fieldapp.domain.text import clean_name
    from fieldapp.domain.validators import NAME_MAX_LENGTH

    name = clean_name(text)
    if not name:
        return (False, "empty")
    letters = 0
    for ch in name:
        category = unicodedata.category(ch)
        if category.startswith("L"):
            letters += 1
        elif category == "Nd" or ch.isdigit():
            return (False, "digits")
        elif ch not in " '’-." and not category.startswith("M"):
            return (False, "character")
    if letters < 2:
        return (False, "short")
    if len(name) > NAME_MAX_LENGTH:
        return (False, "long")
    return (True, name)


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẢÃẠàáảãạằắẳẵặầấẩẫậỳýỷỹỵĐƯ ỮÆß'’-.1²_\u0301\t", max_size=90))
def test_the_fast_path_for_names_agrees_with_the_long_way(text):
    checked, expected = check_name(text), _name_the_long_way(text)
    assert checked.ok == expected[0]
    if checked.ok:
        assert checked.value == expected[1]


# --- the registered clinic (nơi KCB ban đầu) -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "held"),
    [
        ("01 - C54", "01 - C54"),  # as the HI card's QR has it (forms.md, field [5])
        ("33-105", "33 - 105"),
        ("33105", "33 - 105"),
        (" 33 105 ", "33 - 105"),
        ("79.024", "79 - 024"),
        ("01 - c54", "01 - C54"),
    ],
)
def test_a_clinic_code_is_held_as_the_card_prints_it(typed: str, held: str) -> None:
    assert check_clinic(typed).value == held


@pytest.mark.parametrize(
    "typed", ["C54", "1 - 105", "33 - ", "33 - 10٥", "Trạm y tế xã", "33 - 105 - 7", "33 - " + "1" * 11]
)
def test_what_is_no_clinic_code_says_so(typed: str) -> None:
    assert check_clinic(typed).reason is Reason.CLINIC_FORMAT


@given(st.text(max_size=40))
def test_a_clinic_code_kept_is_one_the_wire_takes_and_reads_the_same_again(text: str) -> None:
    """Whatever is typed: refused, or held in a form the sync protocol's bound takes and that checks to itself."""
    checked = check_clinic(text)
    if checked.ok:
        assert re.fullmatch(r"[0-9A-Za-z .-]{1,30}", checked.value)
        assert check_clinic(checked.value).value == checked.value
    else:
        assert checked.reason in (Reason.EMPTY, Reason.CLINIC_FORMAT)
