"""Closed days travel: a day closed on the leader's laptop reaches the server and the team's other laptop,
where that collector's day is locked too (a new receipt for it is refused with the usual message)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.errors import InputRefused
from fieldapp.server import admin
from fieldapp.services import closing
from fieldapp.storage import closing as closing_store
from fieldapp.storage import tallies as tally_store
from fieldapp.storage import team as team_store
from fieldapp.storage.writer import Actor
from tests.conftest import DEMO_END
from tests.reports.helpers import at, enrol_hi, team_and_people
from tests.sync.conftest import add_demo, two_of_one_team

DAY = DEMO_END + timedelta(days=2)  # after the demo's work: only what the test makes


@pytest.fixture
def team_of_two(server, laptops):
    a, b = two_of_one_team(server, laptops)
    add_demo(a, seed=1)
    add_demo(b, seed=2)
    return server, a, b


def test_a_closed_day_locks_the_collector_on_the_other_laptop(team_of_two):
    server, a, b = team_of_two
    team, leader, collector = team_and_people(a.store)
    other = next(m for m in team_store.members(a.store, team.id) if m.id not in (leader.id, collector.id))
    done = enrol_hi(a.store, collector, team, at(DAY, 2))
    closed = closing.close_day(
        a.store,
        Actor(leader.id, a.device_id),
        leader,
        day=DAY,
        collector_id=collector.id,
        team_id=team.id,
        notes={},
        explanation="Nộp bằng chuyển khoản ngày mai",
    )
    assert closed.difference == -done.receipt.amount
    for laptop in (a, b, a):
        r = laptop.sync()
        assert (r.rejected, r.conflicts, r.pending, r.mismatched) == (0, 0, 0, {}), r
    held = admin.open_store(server.database_url)
    try:
        assert held.counts()["day_closings"] == 1  # the server keeps it (a fact, in the team's scope)
    finally:
        held.close()
    # B holds the closing as A made it, and the day is locked there
    pulled = closing_store.closing(b.store, DAY, collector.id)
    assert pulled == closing_store.closing(a.store, DAY, collector.id) == closed
    b_collector = team_store.member(b.store, collector.id)
    b_team = team_store.current_team(b.store)
    with pytest.raises(InputRefused) as err:
        enrol_hi(b.store, b_collector, b_team, at(DAY, 5))
    assert err.value.code == "closing.day_closed"
    # another collector still takes money on B that day, and A's collector the next day on A
    enrol_hi(b.store, team_store.member(b.store, other.id), b_team, at(DAY, 5))
    enrol_hi(a.store, collector, team, at(DAY + timedelta(days=1), 5))
    # the closed day cannot be closed again on B either
    with pytest.raises(InputRefused) as err:
        closing.close_day(b.store, Actor(leader.id, b.device_id), team_store.member(b.store, leader.id),
                          day=DAY, collector_id=collector.id, team_id=team.id, notes={}, explanation="x")  # fmt: skip
    assert err.value.code == "closing.already_closed"
    b.sync()
    a.sync()
    assert a.records(("day_closings",)) == b.records(("day_closings",))
    # and the rollup on both is what a rebuild makes of the facts
    for laptop in (a, b):
        before = sorted(laptop.store.query("SELECT * FROM tallies"))
        tally_store.rebuild(laptop.store)
        assert sorted(laptop.store.query("SELECT * FROM tallies")) == before


def test_the_same_day_closed_on_two_laptops_is_kept_once(team_of_two):
    """Two leaders close the same collector's day offline: the server keeps the first closing it gets and
    refuses the second (reason day_closed, parked on its laptop for the leader to see); both laptops then
    hold the first, and the collector's day stays locked everywhere."""
    from fieldapp.sync import rejected_ops

    server, a, b = team_of_two
    a.sync()
    b.sync()
    team, leader, collector = team_and_people(a.store)
    enrol_hi(a.store, collector, team, at(DAY, 2))
    first = closing.close_day(a.store, Actor(leader.id, a.device_id), leader, day=DAY, collector_id=collector.id,
                              team_id=team.id, notes={}, explanation="Nộp sau")  # fmt: skip
    b_leader = team_store.member(b.store, leader.id)
    second = closing.close_day(b.store, Actor(leader.id, b.device_id), b_leader, day=DAY, collector_id=collector.id,
                               team_id=team.id, notes={})  # fmt: skip
    assert first.id != second.id
    assert a.sync().new_rejected == 0
    rb = b.sync()
    assert rb.new_rejected == 1 and rb.pending == 0 and rb.mismatched == {}
    (parked,) = [op for op in rejected_ops(b.store) if op.entity == "day_closings"]
    assert (parked.entity_id, parked.reason) == (second.id, "day_closed")
    held = admin.open_store(server.database_url)
    try:
        assert held.counts()["day_closings"] == 1
    finally:
        held.close()
    assert closing_store.closing(a.store, DAY, collector.id).id == first.id
    # B keeps its own row (append-only, the leader sees it refused), and the day is locked there too
    assert closing_store.closing(b.store, DAY, collector.id).id == second.id
    with pytest.raises(InputRefused) as err:
        enrol_hi(b.store, team_store.member(b.store, collector.id), team_store.current_team(b.store), at(DAY, 6))
    assert err.value.code == "closing.day_closed"
    assert a.sync().mismatched == {} and b.sync().mismatched == {}
