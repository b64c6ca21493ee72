"""Numbers, money and dates the Vietnamese way (rules.md, "Display"): 1.263.600 đ, 23/07/2026.

The GUI, the CLI and the printouts all format through here, so a figure reads the same on screen and
on paper; tests check the grouping against Qt's QLocale("vi_VN").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

# Vietnam keeps UTC+7 all year (no daylight saving since 1975); a fixed offset needs no tz database,
# which Windows lacks.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def format_number(value: int, lang: str = "vi") -> str:
    text = f"{abs(value):,}"
    text = text.replace(",", "." if lang == "vi" else ",")
    return f"-{text}" if value < 0 else text


def format_vnd(amount: int, lang: str = "vi") -> str:
    return f"{format_number(amount, lang)} đ"


def format_date(value: date, lang: str = "vi") -> str:
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime, lang: str = "vi") -> str:
    return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def parse_date(text: str) -> date:
    """dd/mm/yyyy (also with - or .) or ISO yyyy-mm-dd; ValueError otherwise."""
    text = text.strip()
    if len(text) == 10 and text[4] == "-":
        return date.fromisoformat(text)
    for sep in "/-.":
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            day, month, year = (int(p) for p in parts)
            try:
                return date(year, month, day)
            except OverflowError as exc:  # a day or month too large for a C int
                raise ValueError(text) from exc
    raise ValueError(text)


def local_day(moment: datetime) -> date:
    """The calendar day in Vietnam that a moment counts for in tallies."""
    return moment.astimezone(VIETNAM).date()
