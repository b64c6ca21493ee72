"""fieldapp.ahead: the items in order, made on a thread a step ahead; a failure reaches the caller after the
items before it; a caller that stops early leaves nothing running and nothing more made."""

from __future__ import annotations

import threading

import pytest

from fieldapp.ahead import ahead


def test_items_come_in_order_made_on_another_thread():
    made_on = []

    def items():
        for n in range(50):
            made_on.append(threading.current_thread().name)
            yield n * n

    assert list(ahead(items(), "squares")) == [n * n for n in range(50)]
    assert all(name.startswith("squares") for name in made_on)
    assert list(ahead([])) == []


def test_a_failure_reaches_the_caller_after_the_items_before_it():
    def items():
        yield from (0, 1, 2)
        raise ValueError("three")

    got = []
    with pytest.raises(ValueError, match="three"):
        for n in ahead(items()):
            got.append(n)
    assert got == [0, 1, 2]


def test_chained_stages_keep_the_order():
    assert list(ahead(str(n) for n in ahead(range(100), "a"))) == [str(n) for n in range(100)]


def test_a_caller_that_stops_early_makes_no_more():
    made = []

    def items():
        for n in range(1000):
            made.append(n)
            yield n

    stream = ahead(items())
    assert next(stream) == 0
    stream.close()
    assert len(made) <= 2  # the one handed over and at most the one under way
    assert threading.active_count() < 10


def test_quick_handoffs_while_stages_run_and_the_interval_given_back_after():
    import sys

    from fieldapp import ahead as module

    before = sys.getswitchinterval()
    seen = []

    def items():
        for n in range(3):
            seen.append(sys.getswitchinterval())
            yield n

    assert list(ahead(x for x in ahead(items()))) == [0, 1, 2]
    assert seen == pytest.approx([module.SWITCH_INTERVAL] * 3)
    assert sys.getswitchinterval() == before
