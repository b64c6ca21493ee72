"""Two laptops of one team against a real server process: each sees the other's work, edits of one
person on both become a conflict a member settles, a revoked laptop keeps its data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fieldapp.domain.models import Person
from fieldapp.storage.records import spec_for
from fieldapp.storage.writer import writing
from fieldapp.sync import SyncError, conflicts, resolve_conflict, status
from tests.sync.conftest import add_demo, same_everywhere, two_of_one_team

PERSON = spec_for(Person)


def person(laptop, person_id: str) -> Person:
    return PERSON.decode(laptop.store.query_one(f"{PERSON.select_sql} WHERE id = ?", (person_id,)))


def some_person_id(laptop) -> str:
    return laptop.store.query_one("SELECT id FROM persons WHERE erased_at IS NULL AND merged_into IS NULL "
                                  "ORDER BY id LIMIT 1")[0]  # fmt: skip


@pytest.fixture
def team_of_two(server, laptops):
    a, b = two_of_one_team(server, laptops)
    return server, a, b


def test_two_laptops_see_each_others_work(team_of_two):
    server, a, b = team_of_two
    add_demo(a, seed=1)
    add_demo(b, seed=2)
    ra = a.sync()
    rb = b.sync()
    assert ra.pushed > 0 and rb.pushed > 0 and rb.pulled > 0
    ra2 = a.sync()
    assert ra2.pulled > 0 and ra2.pushed == 0
    for r in (ra, rb, ra2):
        assert (r.rejected, r.conflicts, r.pending, r.mismatched) == (0, 0, 0, {}), r
    same_everywhere(a, b)
    counts = server.stats()
    assert counts["persons"] == a.store.query_one("SELECT count(*) FROM persons")[0] > 200
    for table in ("consultations", "enrolments", "receipts"):
        mine = {r[0] for r in a.store.query(f"SELECT id FROM {table}")}
        assert mine and mine == {r[0] for r in b.store.query(f"SELECT id FROM {table}")}
    assert a.store.check() == [] and b.store.check() == []
    # the devices list holds both laptops' receipt keys, so each verifies the other's receipts offline
    keys = {r[0] for r in a.store.query("SELECT id FROM devices WHERE public_key IS NOT NULL")}
    assert {a.device_id, b.device_id} <= keys
    st = status(a.store)
    assert st.enrolled and st.last_ok is not None and st.pending == 0


def test_the_same_person_edited_on_both_is_a_conflict_nothing_overwritten(team_of_two):
    _server, a, b = team_of_two
    add_demo(a, persons=40, days=1, seed=3)
    a.sync()
    b.sync()
    pid = some_person_id(a)
    pa, pb = person(a, pid), person(b, pid)
    assert pa == pb
    with writing(a.store, a.actor()) as w:
        w.update(replace(pa, phone="0912000111"), ["phone"])
    with writing(b.store, b.actor()) as w:
        w.update(replace(pb, phone="0988000222", si_number="3312345678"), ["phone", "si_number"])
    assert a.sync().conflicts == 0
    rb = b.sync()
    assert rb.new_conflicts == 1 and rb.conflicts == 1
    (c,) = conflicts(b.store)
    assert c.entity == "persons" and c.entity_id == pid
    assert c.ours["phone"] == "0988000222" and c.theirs["phone"] == "0912000111"
    assert set(c.fields) >= {"phone", "si_number"}
    assert person(b, pid).phone == "0988000222"  # until settled, the local copy stays as the member left it
    # a sync in between changes nothing of it
    b.sync()
    assert person(b, pid).phone == "0988000222" and len(conflicts(b.store)) == 1
    resolve_conflict(b.store, b.actor(), c.id, {f: ("ours" if f == "si_number" else "theirs") for f in c.fields})
    assert b.sync().conflicts == 0
    a.sync()
    for laptop in (a, b):
        got = person(laptop, pid)
        assert (got.phone, got.si_number) == ("0912000111", "3312345678")
    same_everywhere(a, b)


def test_an_edit_made_while_a_conflict_is_open_is_shown_in_it_and_settled_by_it(team_of_two):
    """Found by the model test: laptop B edits a person whose conflict is open, before any push folds the
    edit in. The conflict shows B's record as it is now, and the member's choice settles that edit too."""
    _server, a, b = team_of_two
    add_demo(a, persons=20, days=1, seed=5)
    a.sync()
    b.sync()
    pid = some_person_id(a)
    with writing(a.store, a.actor()) as w:
        w.update(replace(person(a, pid), phone="0912000111"), ["phone"])
    with writing(b.store, b.actor()) as w:
        w.update(replace(person(b, pid), si_number="3312345678"), ["si_number"])
    a.sync()
    assert b.sync().new_conflicts == 1
    with writing(b.store, b.actor()) as w:  # no sync in between: the conflict still holds the older copy
        w.update(replace(person(b, pid), phone="0977000333"), ["phone"])
    (c,) = conflicts(b.store)
    assert c.ours["phone"] == "0977000333" and "phone" in c.fields
    resolve_conflict(b.store, b.actor(), c.id, dict.fromkeys(c.fields, "theirs"))
    b.sync()
    a.sync()
    for laptop in (a, b):  # the later edit does not go out after the choice and undo it
        got = person(laptop, pid)
        assert (got.phone, got.si_number) == ("0912000111", None)
    same_everywhere(a, b)


def test_a_revoked_laptop_gets_the_revoked_error_and_keeps_its_data(team_of_two):
    server, a, _b = team_of_two
    add_demo(a, persons=30, days=1, seed=4)
    a.sync()
    with writing(a.store, a.actor()) as w:
        pid = some_person_id(a)
        w.update(replace(person(a, pid), phone="0912999888"), ["phone"])
    before = a.records()
    server.revoke(a.device_id)
    with pytest.raises(SyncError) as err:
        a.sync()
    assert err.value.code == "sync.revoked"
    assert a.records() == before
    assert a.outbox_states().get("pending") == 1


@pytest.mark.sqlite_only
def test_a_wrong_or_used_code_is_refused(server, laptops):
    from fieldapp.sync import enrol

    server.add_team("Tổ 2")
    a, b = laptops("a"), laptops("b")
    with pytest.raises(SyncError) as err:
        enrol(a.store, server.url, "NOT-A-CODE")
    assert err.value.code == "sync.code_unknown"
    code = server.enrol_code("Tổ 2")
    enrol(a.store, server.url, code)
    with pytest.raises(SyncError) as err:
        enrol(b.store, server.url, code)
    assert err.value.code == "sync.code_used"
    assert not status(b.store).enrolled


@pytest.mark.sqlite_only
def test_no_network_is_a_clear_error_and_nothing_is_lost(team_of_two, tmp_path):
    from fieldapp.storage import sync as storage
    from fieldapp.sync.transport import RetryPolicy

    server, a, _b = team_of_two
    add_demo(a, persons=20, days=1, seed=5)
    before = a.outbox_states()
    server.stop()
    from fieldapp.sync import SyncEngine

    with pytest.raises(SyncError) as err:
        SyncEngine(a.store, retry=RetryPolicy(attempts=3, base=0.001, cap=0.002)).sync()
    assert err.value.code == "sync.offline"
    assert a.outbox_states() == before
    assert storage.settings(a.store).last_ok is None
