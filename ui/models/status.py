"""How an insurance status reads at a glance: the text and a colour."""

from __future__ import annotations

from datetime import date, timedelta

from fieldapp.domain.formats import format_date

EXPIRING_DAYS = 30


def hi_status(valid_to: date | None, today: date) -> tuple[str, str | None]:
    """The HI card column text and its colour: red when lapsed or absent, amber when ending soon."""
    if valid_to is None:
        return "—", "#c62828"
    if valid_to < today:
        return format_date(valid_to), "#c62828"
    if valid_to <= today + timedelta(days=EXPIRING_DAYS):
        return format_date(valid_to), "#ef6c00"
    return format_date(valid_to), None
