"""The QR codes people already carry (forms.md): citizen ID cards and HI cards, as a USB scanner types them.

A scan is read into a `ScannedPerson` for the member to confirm before anything is saved; a scan that
is damaged, of another kind, or whose parts disagree gives a `Reason`-like code naming what is wrong.
Decoding is strict on purpose: a wrongly decoded name is worse than a refused scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fieldapp.domain.enums import Sex
from fieldapp.domain.validators import check_citizen_id, check_hi_card, check_name

_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")
# What scanners add around the text: line ends, tabs, a BOM, stray spaces.
_TRIM = "\r\n\t \ufeff"


class ScanKind(StrEnum):
    CITIZEN_ID = "citizen_id"
    HI_CARD = "hi_card"


class ScanError(StrEnum):
    EMPTY = "scan.empty"
    UNKNOWN = "scan.unknown"
    CCCD_FIELDS = "scan.cccd.fields"
    CCCD_NUMBER = "scan.cccd.number"
    CCCD_NAME = "scan.cccd.name"
    CCCD_DATE = "scan.cccd.date"
    CCCD_SEX = "scan.cccd.sex"
    HI_FIELDS = "scan.hi.fields"
    HI_CODE = "scan.hi.code"
    HI_NAME_HEX = "scan.hi.name_hex"
    HI_NAME = "scan.hi.name"
    HI_DATE = "scan.hi.date"
    HI_SEX = "scan.hi.sex"


@dataclass(frozen=True, slots=True)
class ScannedPerson:
    kind: ScanKind
    full_name: str
    birth_date: date | None
    birth_year: int | None  # some HI cards print only the year
    sex: Sex | None
    citizen_id: str | None = None
    old_id: str | None = None
    si_number: str | None = None
    hi_card_code: str | None = None
    address: str | None = None
    clinic: str | None = None
    hi_valid_from: date | None = None
    hi_valid_to: date | None = None
    issued_on: date | None = None


@dataclass(frozen=True, slots=True)
class ScanResult:
    person: ScannedPerson | None = None
    error: ScanError | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def _fail(error: ScanError, detail: str = "") -> ScanResult:
    return ScanResult(None, error, detail)


def _ddmmyyyy(text: str) -> date:
    text = text.strip()
    if "/" in text:
        day, month, year = text.split("/")
    elif len(text) == 8 and text.isdigit():
        day, month, year = text[:2], text[2:4], text[4:]
    else:
        raise ValueError(text)
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        raise ValueError(text)
    return date(int(year), int(month), int(day))


def read_scan(text: str) -> ScanResult:
    """Recognise and decode a scanned citizen ID or HI card QR."""
    text = text.strip(_TRIM)
    if not text:
        return _fail(ScanError.EMPTY)
    if text.endswith("$") or (text.count("|") >= 8 and _looks_like_card_code(text.split("|", 1)[0])):
        return read_hi_card(text)
    first = text.split("|", 1)[0]
    if "|" in text and first.isdigit() and len(first) == 12:
        return read_citizen_id_card(text)
    return _fail(ScanError.UNKNOWN)


def _looks_like_card_code(field: str) -> bool:
    return len(field) in (10, 15) and field[-10:].isdigit()


def read_citizen_id_card(text: str) -> ScanResult:
    """`ID12|old ID9|Full name|DDMMYYYY birth|Nam/Nữ|Address|DDMMYYYY issue date`."""
    fields = text.strip(_TRIM).split("|")
    if len(fields) < 7:
        return _fail(ScanError.CCCD_FIELDS, str(len(fields)))
    number, old_id, name, born, sex_text, address, issued = (f.strip() for f in fields[:7])
    try:
        birth_date = _ddmmyyyy(born)
        issued_on = _ddmmyyyy(issued) if issued else None
    except ValueError:
        return _fail(ScanError.CCCD_DATE)
    sex = {"nam": Sex.MALE, "nữ": Sex.FEMALE, "nu": Sex.FEMALE}.get(sex_text.casefold())
    if sex is None:
        return _fail(ScanError.CCCD_SEX, sex_text)
    checked = check_citizen_id(number, birth_date=birth_date, sex=sex)
    if not checked.ok:
        return _fail(ScanError.CCCD_NUMBER, checked.reason.value)
    checked_name = check_name(name)
    if not checked_name.ok:
        return _fail(ScanError.CCCD_NAME, checked_name.reason.value)
    return ScanResult(
        ScannedPerson(
            kind=ScanKind.CITIZEN_ID,
            full_name=checked_name.value,
            birth_date=birth_date,
            birth_year=birth_date.year,
            sex=sex,
            citizen_id=checked.value.number,
            old_id=old_id or None,
            address=address or None,
            issued_on=issued_on,
        )
    )


def _hex_text(field: str) -> str | None:
    """A field written as the hex of its UTF-8 bytes; None when it is not valid hex or not UTF-8."""
    if not _HEX.match(field):
        return None
    try:
        return bytes.fromhex(field).decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_hi_card(text: str) -> ScanResult:
    """Fields separated by `|`, ending in `$`: code, name (hex UTF-8), birth, sex (1/2), address (hex or -),
    clinic, valid from, valid to (or -), issue date; later fields vary by card version."""
    body = text.strip(_TRIM)
    body = body.removesuffix("$").rstrip("|")
    fields = [f.strip() for f in body.split("|")]
    if len(fields) < 7:
        return _fail(ScanError.HI_FIELDS, str(len(fields)))
    code = check_hi_card(fields[0])
    if not code.ok:
        return _fail(ScanError.HI_CODE, code.reason.value)
    name = _hex_text(fields[1])
    if name is None:
        return _fail(ScanError.HI_NAME_HEX)
    checked_name = check_name(name)
    if not checked_name.ok:
        return _fail(ScanError.HI_NAME, checked_name.reason.value)
    birth_date, birth_year = None, None
    try:
        if fields[2].isdigit() and len(fields[2]) == 4:
            birth_year = int(fields[2])
        else:
            birth_date = _ddmmyyyy(fields[2])
            birth_year = birth_date.year
        valid_from = _ddmmyyyy(fields[6]) if fields[6] not in ("", "-") else None
        valid_to = _ddmmyyyy(fields[7]) if len(fields) > 7 and fields[7] not in ("", "-") else None
        issued_on = _ddmmyyyy(fields[8]) if len(fields) > 8 and fields[8] not in ("", "-") else None
    except ValueError:
        return _fail(ScanError.HI_DATE)
    sex = {"1": Sex.MALE, "2": Sex.FEMALE}.get(fields[3])
    if sex is None:
        return _fail(ScanError.HI_SEX, fields[3])
    address = None if fields[4] in ("", "-") else (_hex_text(fields[4]) or fields[4])
    return ScanResult(
        ScannedPerson(
            kind=ScanKind.HI_CARD,
            full_name=checked_name.value,
            birth_date=birth_date,
            birth_year=birth_year,
            sex=sex,
            si_number=code.value.si_number,
            hi_card_code=code.value.code,
            address=address,
            clinic=fields[5] or None,
            hi_valid_from=valid_from,
            hi_valid_to=valid_to,
            issued_on=issued_on,
        )
    )


def hi_card_text(
    card_code: str,
    full_name: str,
    birth_date: date | None,
    sex: Sex | None,
    valid_from: date,
    valid_to: date | None,
    issued_on: date,
    *,
    address: str | None = None,
    clinic: str = "-",
    birth_year: int | None = None,
) -> str:
    """The text of an HI card's QR (forms.md), as `read_hi_card` reads it: for the labels handed over with a
    card bought on the spot, so a clinic's scanner reads it like the card the card office will print."""

    def hexed(text: str | None) -> str:
        return text.encode("utf-8").hex() if text else "-"

    born = birth_date.strftime("%d/%m/%Y") if birth_date else (str(birth_year) if birth_year else "-")
    fields = [
        card_code,
        hexed(full_name),
        born,
        {Sex.MALE: "1", Sex.FEMALE: "2"}.get(sex, "-") if sex else "-",
        hexed(address),
        clinic or "-",
        valid_from.strftime("%d/%m/%Y"),
        valid_to.strftime("%d/%m/%Y") if valid_to else "-",
        issued_on.strftime("%d/%m/%Y"),
    ]
    return "|".join(fields) + "|$"
