"""The clock: the moment, at the millisecond precision the store keeps, and the day in Vietnam.

Every "today" of the app (a receipt's day, a quote's date, a work list, a default `--day`) is the day in
Vietnam (UTC+7, no daylight saving), whatever time zone the laptop or server is set to: `today()`, never
`vietnam_today()`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

# Vietnam keeps UTC+7 all year (no daylight saving since 1975); a fixed offset needs no tz database,
# which Windows lacks.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def utcnow() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def today() -> date:
    """The calendar day in Vietnam now."""
    return datetime.now(VIETNAM).date()
