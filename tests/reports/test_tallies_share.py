"""The plan due by a day of a period, the plan spread evenly over the period's days."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from fieldapp.reports.tallies import expected_share

FIRST = date(2026, 11, 1)


def test_twenty_days_of_fifty():
    assert expected_share(FIRST, FIRST + timedelta(days=49), FIRST + timedelta(days=19)) == 0.4


@given(st.integers(0, 400), st.integers(-30, 430))
def test_the_share_grows_from_nothing_to_everything(length, offset):
    last = FIRST + timedelta(days=length)
    today = FIRST + timedelta(days=offset)
    share = expected_share(FIRST, last, today)
    assert 0 <= share <= 1
    assert (share == 0) == (today < FIRST)
    assert (share == 1) == (today >= last)
    assert expected_share(FIRST, last, today + timedelta(days=1)) >= share
