"""Numbers, money and dates the Vietnamese way (rules.md, "Display"): 1.263.600 đ, 23/07/2026.

The GUI, the CLI and the printouts all format through here, so a figure reads the same on screen and
on paper; tests check the grouping against Qt's QLocale("vi_VN").
"""

from __future__ import annotations

import re
from datetime import date, datetime

from fieldapp.domain.clock import VIETNAM
from fieldapp.i18n import format_date, format_number

__all__ = ["format_birth", "format_date", "format_datetime", "format_number", "format_vnd", "local_day"]
__all__ += ["parse_birth", "parse_date"]


def format_vnd(amount: int, lang: str = "vi") -> str:
    return f"{format_number(amount, lang)} đ"


def format_datetime(value: datetime, lang: str = "vi") -> str:
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")


def parse_date(text: str) -> date:
    """dd/mm/yyyy (also with - or .) or ISO yyyy-mm-dd, ASCII digits only; ValueError otherwise."""
    text = text.strip()
    if _ISO.fullmatch(text) and text.isascii():
        return date.fromisoformat(text)
    match = _DMY.fullmatch(text)
    if match and text.isascii():
        return date(int(match.group(4)), int(match.group(3)), int(match.group(1)))
    raise ValueError(text)


_YEAR = re.compile(r"\d{4}")


def parse_birth(text: str) -> tuple[date | None, int | None]:
    """A birth date as people give it: a whole date (as `parse_date`) or the year alone ("1965").

    Returns (date, year): (None, None) for empty text, (None, 1965) for a year only; ValueError otherwise.
    """
    text = text.strip()
    if not text:
        return None, None
    if _YEAR.fullmatch(text) and text.isascii():
        return None, int(text)
    born = parse_date(text)
    return born, born.year


def format_birth(birth_date: date | None, birth_year: int | None) -> str:
    """23/07/1988, or 1988 when only the year is known, or nothing."""
    if birth_date is not None:
        return format_date(birth_date)
    return str(birth_year) if birth_year else ""


def local_day(moment: datetime) -> date:
    """The calendar day in Vietnam that a moment counts for in tallies."""
    return moment.astimezone(VIETNAM).date()
