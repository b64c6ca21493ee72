"""Validators for the identifiers and names people type or scan (rules.md, "Identifiers").

Each returns a `Checked`: the normalised value, or a `Reason` code naming which part is wrong and
why, with the parameters the message needs. The UI and the CLI translate the code
(`fieldapp.i18n.t(reason, **params)`); nothing here knows a language.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any, Generic, TypeVar

from fieldapp.domain.clock import today as vietnam_today
from fieldapp.domain.enums import Sex
from fieldapp.domain.text import clean_name
from fieldapp.paths import resource_path

T = TypeVar("T")

NAME_MAX_LENGTH = 80
MAX_AGE_YEARS = 120
_PHONE_SEPARATORS = str.maketrans("", "", " .-()\u00a0")
_NAME_PUNCTUATION = frozenset(" '’-.")
# Latin letters, with or without marks (every Vietnamese letter is one), and the space between words: a
# name made of these alone needs no look-up per character, which is most names on an import of 100,000.
_PLAIN_NAME = frozenset(
    ch
    for ch in map(chr, (*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)))
    if unicodedata.category(ch).startswith("L")
) | {" "}


class Reason(StrEnum):
    """Why an input was refused. The value is the message code."""

    EMPTY = "reason.empty"
    CITIZEN_ID_NOT_DIGITS = "reason.citizen_id.not_digits"
    CITIZEN_ID_LENGTH = "reason.citizen_id.length"
    CITIZEN_ID_PROVINCE = "reason.citizen_id.province"
    CITIZEN_ID_CENTURY_SEX = "reason.citizen_id.century_sex"
    CITIZEN_ID_FUTURE = "reason.citizen_id.future"
    CITIZEN_ID_BIRTH_YEAR = "reason.citizen_id.birth_year"
    CITIZEN_ID_SEX = "reason.citizen_id.sex"
    SI_NUMBER_NOT_DIGITS = "reason.si_number.not_digits"
    SI_NUMBER_LENGTH = "reason.si_number.length"
    HI_CARD_LENGTH = "reason.hi_card.length"
    HI_CARD_GROUP = "reason.hi_card.group"
    HI_CARD_LEVEL = "reason.hi_card.level"
    HI_CARD_PROVINCE = "reason.hi_card.province"
    HI_CARD_SI_NUMBER = "reason.hi_card.si_number"
    PHONE_NOT_DIGITS = "reason.phone.not_digits"
    PHONE_LENGTH = "reason.phone.length"
    PHONE_START = "reason.phone.start"
    PHONE_NOT_MOBILE = "reason.phone.not_mobile"
    NAME_TOO_SHORT = "reason.name.too_short"
    NAME_TOO_LONG = "reason.name.too_long"
    NAME_DIGITS = "reason.name.digits"
    NAME_CHARACTER = "reason.name.character"
    BIRTH_DATE_FUTURE = "reason.birth_date.future"
    BIRTH_DATE_TOO_OLD = "reason.birth_date.too_old"
    CLINIC_FORMAT = "reason.clinic.format"


@dataclass(frozen=True, slots=True)
class Checked(Generic[T]):
    value: T | None = None
    reason: Reason | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.reason is None


def _refuse(reason: Reason, **params: Any) -> Checked[Any]:
    return Checked(None, reason, params)


# --- citizen ID (CCCD) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitizenId:
    number: str
    province_code: str  # the birth province, one of the 63 pre-2025 codes
    province_name: str
    sex: Sex
    birth_year: int


@cache
def cccd_provinces() -> dict[str, str]:
    with resource_path("identifiers", "cccd_provinces.csv").open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def check_citizen_id(
    text: str,
    *,
    birth_date: date | None = None,
    sex: Sex | None = None,
    today: date | None = None,
    birth_year: int | None = None,
) -> Checked[CitizenId]:
    """12 digits: birth province (3), century and sex (1), birth year (2), random (6); no check digit."""
    number = "".join(text.split())
    if not number:
        return _refuse(Reason.EMPTY)
    if not number.isascii() or not number.isdigit():
        return _refuse(Reason.CITIZEN_ID_NOT_DIGITS)
    if len(number) != 12:
        return _refuse(Reason.CITIZEN_ID_LENGTH, length=len(number))
    province = number[:3]
    provinces = cccd_provinces()
    if province not in provinces:
        return _refuse(Reason.CITIZEN_ID_PROVINCE, code=province)
    marker = int(number[3])
    if marker > 5:
        return _refuse(Reason.CITIZEN_ID_CENTURY_SEX, digit=marker)
    year = 1900 + 100 * (marker // 2) + int(number[4:6])
    id_sex = Sex.MALE if marker % 2 == 0 else Sex.FEMALE
    today = today or vietnam_today()
    if year > today.year:
        return _refuse(Reason.CITIZEN_ID_FUTURE, year=year)
    typed_year = birth_date.year if birth_date is not None else birth_year  # a year alone is checked too
    if typed_year is not None and typed_year != year:
        return _refuse(Reason.CITIZEN_ID_BIRTH_YEAR, id_year=year, typed_year=typed_year)
    if sex is not None and sex != id_sex:
        return _refuse(Reason.CITIZEN_ID_SEX, id_sex=id_sex, typed_sex=sex)  # t() shows their labels
    return Checked(CitizenId(number, province, provinces[province], id_sex, year))


# --- SI number and HI card code ---------------------------------------------------------------


def check_si_number(text: str) -> Checked[str]:
    """Mã số BHXH: 10 digits, no check digit."""
    number = "".join(text.split())
    if not number:
        return _refuse(Reason.EMPTY)
    if not number.isascii() or not number.isdigit():
        return _refuse(Reason.SI_NUMBER_NOT_DIGITS)
    if len(number) != 10:
        return _refuse(Reason.SI_NUMBER_LENGTH, length=len(number))
    return Checked(number)


@dataclass(frozen=True, slots=True)
class HiCardCode:
    code: str  # as printed: 10 digits, or the 15-character code of older cards
    si_number: str
    group: str | None  # 2-letter group code, older cards only
    level: int | None  # benefit level 1-5, older cards only
    province: str | None  # 2-digit province, older cards only


def check_hi_card(text: str) -> Checked[HiCardCode]:
    """The 10-digit SI number (cards since 2021) or group (2 letters) + level (1-5) + province (2) + SI."""
    code = "".join(text.split()).upper()
    if not code:
        return _refuse(Reason.EMPTY)
    if len(code) == 10:
        si = check_si_number(code)
        if not si.ok:
            return _refuse(Reason.HI_CARD_SI_NUMBER, **si.params)
        return Checked(HiCardCode(code, code, None, None, None))
    if len(code) != 15:
        return _refuse(Reason.HI_CARD_LENGTH, length=len(code))
    group, level, province, si_number = code[:2], code[2], code[3:5], code[5:]
    if not (group.isascii() and group.isalpha()):
        return _refuse(Reason.HI_CARD_GROUP, group=group)
    if level not in "12345":
        return _refuse(Reason.HI_CARD_LEVEL, level=level)
    if not (province.isascii() and province.isdigit()) or province == "00":
        return _refuse(Reason.HI_CARD_PROVINCE, province=province)
    if not check_si_number(si_number).ok:
        return _refuse(Reason.HI_CARD_SI_NUMBER)
    return Checked(HiCardCode(code, si_number, group, int(level), province))


# --- phone ------------------------------------------------------------------------------------


@cache
def mobile_prefixes() -> frozenset[str]:
    with resource_path("identifiers", "mobile_prefixes.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(row["prefix"] for row in csv.DictReader(f))


def check_phone(text: str) -> Checked[str]:
    """A Vietnamese mobile number, normalised to ten digits starting with 0 (+84 accepted)."""
    raw = text.strip().translate(_PHONE_SEPARATORS)
    if not raw:
        return _refuse(Reason.EMPTY)
    if raw.startswith("+"):
        raw = raw[1:]
        if not raw.startswith("84"):
            return _refuse(Reason.PHONE_NOT_MOBILE, prefix="+" + raw[:3])
    if not raw.isascii() or not raw.isdigit():
        return _refuse(Reason.PHONE_NOT_DIGITS)
    if raw.startswith("840") and len(raw) == 12:  # "+84 0912 345 678": the 0 kept after the country code
        raw = raw[2:]
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    if len(raw) != 10:
        return _refuse(Reason.PHONE_LENGTH, length=len(raw))
    if not raw.startswith("0"):
        return _refuse(Reason.PHONE_START)
    if raw[:3] not in mobile_prefixes():
        return _refuse(Reason.PHONE_NOT_MOBILE, prefix=raw[:3])
    return Checked(raw)


# The registered clinic's code (nơi KCB ban đầu) as the HI card prints it: the province's two digits, then the
# facility's code ("01 - C54", "33 - 105"). Typed as "33-105", "33105" or "33 105" it is the same code.
_CLINIC = re.compile(r"(\d{2})\s*[-.]?\s*([0-9A-Z]{1,10})")


def check_clinic(text: str) -> Checked[str]:
    """A registered clinic's code, normalised to the card's "PP - CODE"."""
    raw = " ".join(text.split()).upper()
    if not raw:
        return _refuse(Reason.EMPTY)
    found = _CLINIC.fullmatch(raw) if raw.isascii() else None
    if found is None:
        return _refuse(Reason.CLINIC_FORMAT)
    return Checked(f"{found[1]} - {found[2]}")


# --- names and birth dates --------------------------------------------------------------------


def check_name(text: str) -> Checked[str]:
    """A person's name: NFC, single spaces, letters as typed (apostrophes and hyphens allowed)."""
    name = clean_name(text)
    if not name:
        return _refuse(Reason.EMPTY)
    if _PLAIN_NAME.issuperset(name):
        letters = len(name) - name.count(" ")
    else:
        letters = _count_letters(name)
        if not isinstance(letters, int):
            return letters
    if letters < 2:
        return _refuse(Reason.NAME_TOO_SHORT)
    if len(name) > NAME_MAX_LENGTH:
        return _refuse(Reason.NAME_TOO_LONG, maximum=NAME_MAX_LENGTH, length=len(name))
    return Checked(name)


def _count_letters(name: str) -> int | Checked[str]:
    """The letters of a name, or why one of its characters is not allowed."""
    letters = 0
    for ch in name:
        category = unicodedata.category(ch)
        if category.startswith("L"):
            letters += 1
        elif category == "Nd" or ch.isdigit():
            return _refuse(Reason.NAME_DIGITS)
        elif ch not in _NAME_PUNCTUATION and not category.startswith("M"):
            return _refuse(Reason.NAME_CHARACTER, char=ch if ch.isprintable() else f"U+{ord(ch):04X}")
    return letters


def check_birth_date(value: date, *, today: date | None = None) -> Checked[date]:
    today = today or vietnam_today()
    if value > today:
        return _refuse(Reason.BIRTH_DATE_FUTURE)
    if today.year - value.year > MAX_AGE_YEARS:
        return _refuse(Reason.BIRTH_DATE_TOO_OLD, maximum=MAX_AGE_YEARS)
    return Checked(value)


def check_birth_year(year: int, *, today: date | None = None) -> Checked[int]:
    """A year of birth given alone: the same bounds as a whole date."""
    today = today or vietnam_today()
    if year > today.year:
        return _refuse(Reason.BIRTH_DATE_FUTURE)
    if today.year - year > MAX_AGE_YEARS:
        return _refuse(Reason.BIRTH_DATE_TOO_OLD, maximum=MAX_AGE_YEARS)
    return Checked(year)
