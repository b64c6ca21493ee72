"""When cover starts and ends (rules.md): HI card validity and VSI months paid."""

from __future__ import annotations

from datetime import date, timedelta

HI_WAITING_DAYS = 30
HI_BREAK_MONTHS = 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def hi_card_start(paid_on: date, previous_valid_to: date | None) -> date:
    """A first card, or one bought after a break of 3 months or more, is valid 30 days after payment;
    a renewal paid before the old card ends continues the day after it ends; one paid within 3 months
    after it ended is valid from the payment date."""
    if previous_valid_to is None:
        return paid_on + timedelta(days=HI_WAITING_DAYS)
    if paid_on <= previous_valid_to:
        return previous_valid_to + timedelta(days=1)
    break_starts = previous_valid_to + timedelta(days=1)
    if paid_on < add_months(break_starts, HI_BREAK_MONTHS):
        return paid_on
    return paid_on + timedelta(days=HI_WAITING_DAYS)


def period_end(start: date, months: int) -> date:
    """The last day covered by `months` months from `start`: the day before the same day `months` later,
    or, when that month has no such day, its last day (a card from 31 Jan for a month ends 28/29 Feb)."""
    later = add_months(start, months)
    if later.day < start.day:  # clamped: the month has no such day
        return later
    return later - timedelta(days=1)


def vsi_start(paid_on: date, paid_to: date | None) -> date:
    """VSI months run from the month after the last one paid, or from the payment month."""
    first_of_month = paid_on.replace(day=1)
    if paid_to is not None and paid_to >= first_of_month:
        return paid_to + timedelta(days=1)
    return first_of_month
