"""A link that drops, delays, duplicates, replays and cuts requests, a laptop clock days off, a server
killed mid-push: afterwards both laptops and the server hold exactly the same records, none twice."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from fieldapp.domain.clock import utcnow
from fieldapp.domain.models import Person
from fieldapp.storage.records import spec_for
from fieldapp.storage.work import counts
from fieldapp.storage.writer import writing
from fieldapp.sync import SyncError, conflicts
from tests.sync.conftest import add_demo, same_everywhere
from tests.sync.faults import Faults, FaultyTransport

PERSON = spec_for(Person)
FLAKY = dict(drop=0.12, delay=0.2, duplicate=0.15, replay=0.1, cut=0.15)


def sync_through(laptop, faults: Faults, **kw):
    """Sync over the flaky link until one sync runs to the end (a run may give up: that is a result too)."""
    for _ in range(20):
        try:
            return laptop.sync(transport=FaultyTransport(faults), **kw)
        except SyncError as exc:
            assert exc.code == "sync.offline", exc.code
    raise AssertionError("never got through")


def edit_some(laptop, n: int, phone_prefix: str, clock=utcnow) -> None:
    rows = laptop.store.query(f"{PERSON.select_sql} WHERE erased_at IS NULL ORDER BY id LIMIT ?", (n,))
    with writing(laptop.store, laptop.actor(), clock=clock) as w:
        for i, row in enumerate(rows):
            p = PERSON.decode(row)
            w.update(replace(p, phone=f"{phone_prefix}{i:04d}"), ["phone"])


def assert_converged(server, *laptops) -> None:
    same_everywhere(*laptops)
    stats = server.stats()
    mine = counts(laptops[0].store)
    for key in ("persons", "households", "consultations", "enrolments", "payments", "receipts", "follow_ups"):
        assert stats[key] == mine[key], key  # none twice, none missing
    for laptop in laptops:
        states = laptop.outbox_states()
        assert set(states) <= {"accepted", "conflict"}, states  # a conflict op stays as history once settled
        assert conflicts(laptop.store) == []
        assert laptop.store.check() == []


def test_a_flaky_link_still_converges_exactly(server, laptops):
    server.add_team("Tổ gió")
    a, b = laptops("a"), laptops("b")
    a.enrol(server, "Tổ gió")
    b.enrol(server, "Tổ gió")
    add_demo(a, persons=150, days=2, seed=21)
    add_demo(b, persons=150, days=2, seed=22)
    faults = Faults(seed=7, **FLAKY)
    small = dict(push_batch=97, pull_page=113)  # many requests, so every fault happens many times
    sync_through(a, faults, **small)
    sync_through(b, faults, **small)
    sync_through(a, faults, **small)
    edit_some(a, 15, "091200")
    sync_through(a, faults, **small)
    sync_through(b, faults, **small)
    assert all(faults.seen[k] > 0 for k in ("drop", "duplicate", "replay", "cut")), faults.seen
    assert_converged(server, a, b)
    assert conflicts(a.store) == [] and conflicts(b.store) == []


@pytest.mark.sqlite_only
def test_a_laptop_clock_days_off_changes_nothing(server, laptops):
    server.add_team("Tổ giờ")
    a, b = laptops("a"), laptops("b")
    a.enrol(server, "Tổ giờ")
    b.enrol(server, "Tổ giờ")
    add_demo(a, persons=40, days=1, seed=31)
    ahead = lambda: utcnow() + timedelta(days=9)  # noqa: E731
    behind = lambda: utcnow() - timedelta(days=6)  # noqa: E731
    a.sync(clock=ahead)
    b.sync(clock=behind)
    edit_some(b, 5, "098800", clock=behind)  # b's edit is "older" by its clock, and still wins no race
    edit_some(a, 3, "091100", clock=ahead)
    b.sync(clock=behind)
    ra = a.sync(clock=ahead)
    assert ra.new_conflicts == 3  # decided by versions, not by anybody's clock
    for c in conflicts(a.store):
        from fieldapp.sync import resolve_conflict

        resolve_conflict(a.store, a.actor(), c.id, dict.fromkeys(c.fields, "theirs"))
    a.sync(clock=ahead)
    b.sync(clock=behind)
    assert_converged(server, a, b)


def test_a_server_killed_mid_push_loses_nothing_and_applies_nothing_twice(server, laptops):
    import signal

    server.add_team("Tổ mất điện")
    a, b = laptops("a"), laptops("b")
    a.enrol(server, "Tổ mất điện")
    b.enrol(server, "Tổ mất điện")
    add_demo(a, persons=300, days=3, seed=41)
    for delay in (0.05, 0.15, 0.3, 0.5):
        killer = threading.Timer(delay, server.stop, kwargs={"sig": signal.SIGKILL})
        killer.start()
        try:
            a.sync(push_batch=50)
        except SyncError as exc:
            assert exc.code == "sync.offline"
        killer.join()
        server.stop(signal.SIGKILL)
        server.start()
        time.sleep(0.01)
    a.sync()
    b.sync()
    assert_converged(server, a, b)
