"""When cover starts and ends (rules.md): HI card validity and VSI months paid."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.coverage import HI_WAITING_DAYS, add_months, hi_card_start, period_end, vsi_start

DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))

# --- add_months ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 7, 1), 12, date(2027, 7, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 7, 1), 0, date(2026, 7, 1)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 31), -2, date(2025, 11, 30)),
        (date(2026, 7, 15), -19, date(2024, 12, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@settings(max_examples=200)
@given(DAYS, st.integers(-240, 240))
def test_add_months_properties(day: date, months: int) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(day.day, last)
    if day.day <= 28:
        assert add_months(result, -months) == day


# --- HI card -------------------------------------------------------------------------------------


def test_first_card_waits_30_days() -> None:
    assert HI_WAITING_DAYS == 30
    assert hi_card_start(date(2026, 7, 1), None) == date(2026, 7, 31)
    assert hi_card_start(date(2026, 12, 15), None) == date(2027, 1, 14)


@pytest.mark.parametrize("paid_on", [date(2026, 5, 1), date(2026, 6, 29), date(2026, 6, 30)])
def test_renewal_before_the_end_continues_the_day_after(paid_on: date) -> None:
    assert hi_card_start(paid_on, date(2026, 6, 30)) == date(2026, 7, 1)


@pytest.mark.parametrize("paid_on", [date(2026, 7, 1), date(2026, 8, 15), date(2026, 9, 1), date(2026, 9, 29)])
def test_renewal_within_3_months_after_the_end_starts_on_payment(paid_on: date) -> None:
    assert hi_card_start(paid_on, date(2026, 6, 30)) == paid_on


@pytest.mark.parametrize("paid_on", [date(2026, 10, 1), date(2026, 12, 1), date(2028, 1, 1)])
def test_after_a_break_of_3_months_or_more_waits_30_days(paid_on: date) -> None:
    assert hi_card_start(paid_on, date(2026, 6, 30)) == paid_on + timedelta(days=30)


@settings(max_examples=200)
@given(DAYS, st.none() | DAYS)
def test_hi_card_start_properties(paid_on: date, valid_to: date | None) -> None:
    start = hi_card_start(paid_on, valid_to)
    assert start >= paid_on
    assert start <= max(paid_on + timedelta(days=HI_WAITING_DAYS), (valid_to or paid_on) + timedelta(days=1))
    if valid_to is not None and start != paid_on + timedelta(days=HI_WAITING_DAYS):
        assert start > valid_to  # never overlaps the old card


# --- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 7, 1), 12, date(2027, 6, 30)),
        (date(2026, 7, 1), 3, date(2026, 9, 30)),
        (date(2026, 7, 1), 1, date(2026, 7, 31)),
        (date(2026, 2, 1), 1, date(2026, 2, 28)),
        (date(2024, 2, 1), 1, date(2024, 2, 29)),
        (date(2026, 7, 31), 6, date(2027, 1, 30)),
        (date(2026, 7, 15), 6, date(2027, 1, 14)),
        (date(2026, 1, 1), 60, date(2030, 12, 31)),
    ],
)
def test_period_end(start: date, months: int, end: date) -> None:
    assert period_end(start, months) == end


@settings(max_examples=200)
@given(DAYS, st.integers(1, 60))
def test_period_end_of_a_month_start(day: date, months: int) -> None:
    """VSI periods start on the 1st: n months end on the last day of the n-th month."""
    start = day.replace(day=1)
    end = period_end(start, months)
    assert end.day == calendar.monthrange(end.year, end.month)[1]
    assert vsi_start(end + timedelta(days=1), end) == end + timedelta(days=1)  # the next period follows on


@settings(max_examples=200)
@given(DAYS, st.integers(1, 60))
def test_period_end_properties(start: date, months: int) -> None:
    end = period_end(start, months)
    assert end >= start
    later = add_months(start, months)
    # the day before the same day `months` later; the month's last day when it has no such day
    assert end == (later if later.day < start.day else later - timedelta(days=1))
    assert (end - start).days + 1 >= 28 * months


# --- VSI -----------------------------------------------------------------------------------------


def test_vsi_start_first_payment_is_the_payment_month() -> None:
    assert vsi_start(date(2026, 7, 15), None) == date(2026, 7, 1)


def test_vsi_start_continues_after_the_last_month_paid() -> None:
    assert vsi_start(date(2026, 7, 15), date(2026, 12, 31)) == date(2027, 1, 1)
    assert vsi_start(date(2026, 7, 15), date(2026, 7, 31)) == date(2026, 8, 1)


def test_vsi_start_after_a_gap_is_the_payment_month() -> None:
    assert vsi_start(date(2026, 7, 15), date(2026, 6, 30)) == date(2026, 7, 1)
    assert vsi_start(date(2026, 7, 15), date(2025, 12, 31)) == date(2026, 7, 1)


@settings(max_examples=200)
@given(DAYS, st.none() | DAYS)
def test_vsi_start_properties(paid_on: date, paid_to: date | None) -> None:
    start = vsi_start(paid_on, paid_to)
    assert start >= paid_on.replace(day=1)
    if paid_to is not None:
        assert start > paid_to or start == paid_on.replace(day=1)


def test_a_period_from_a_month_end_ends_on_the_last_day_of_a_short_month():
    assert period_end(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert period_end(date(2026, 1, 30), 1) == date(2026, 2, 28)
    assert period_end(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert period_end(date(2026, 1, 28), 1) == date(2026, 2, 27)
    assert period_end(date(2026, 3, 31), 1) == date(2026, 4, 30)
    assert period_end(date(2026, 2, 1), 12) == date(2027, 1, 31)


def test_a_break_counts_from_the_day_after_the_card_ended():
    ended = date(2026, 3, 31)  # break starts 1 April; 3 months of break are over on 1 July
    assert hi_card_start(date(2026, 6, 30), ended) == date(2026, 6, 30)
    assert hi_card_start(date(2026, 7, 1), ended) == date(2026, 7, 31)
