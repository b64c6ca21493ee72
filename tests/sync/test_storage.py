"""The laptop side of sync without a server: pulled pages applied by spec, push answers settled,
conflicts kept and resolved, parents waited for, merge candidates, the devices list."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from fieldapp.domain.models import Household, Person
from fieldapp.errors import InputRefused
from fieldapp.storage import sync as storage
from fieldapp.storage import sync_devices, sync_pull, sync_push, sync_review
from fieldapp.storage.records import spec_for
from fieldapp.storage.writer import Actor, writing
from tests.services.helpers import COMMUNE, add_team, person

PERSONS = spec_for(Person)
HOUSEHOLDS = spec_for(Household)


def change(record, pos: int, version: int | None = None) -> dict:
    spec = spec_for(record)
    encoded = spec.encode(record)
    if spec.mutable:
        encoded["version"] = version if version is not None else max(1, encoded["version"])
    return {"pos": pos, "entity": spec.table, "id": encoded["id"], "version": encoded.get("version"), "record": encoded}


def row(store, table: str, record_id: str) -> dict | None:
    spec = {"persons": PERSONS, "households": HOUSEHOLDS}[table]
    found = store.query_one(f"{spec.select_sql} WHERE id = ?", (record_id,))
    return None if found is None else dict(zip(spec.fields, found, strict=True))


@pytest.fixture
def team_store(store):
    _team, leader = add_team(store)
    return store, Actor(leader.id, store.device_id)


def test_a_pulled_page_lands_in_its_tables_with_the_cursor_and_no_outbox_rows(team_store):
    store, _actor = team_store
    before = store.query_one("SELECT count(*) FROM outbox")[0]
    people = [person(f"Lê Văn Số {i}") for i in range(120)]
    tally = sync_pull.apply_page(store, [change(p, i + 1) for i, p in enumerate(people)], 120, own_device="me")
    assert tally.applied == 120
    assert store.query_one("SELECT count(*) FROM outbox")[0] == before
    assert storage.settings(store).cursor == 120
    assert row(store, "persons", people[7].id)["version"] == 1
    # the search index knows them (the bulk path indexes the new rows in one statement)
    hits = store.query("SELECT rowid FROM person_names WHERE person_names MATCH 'so'")
    assert len(hits) == 120
    # the same page again changes nothing (a retry whose answer was lost)
    sync_pull.apply_page(store, [change(p, i + 1) for i, p in enumerate(people)], 120, own_device="me")
    assert store.query_one("SELECT count(*) FROM persons")[0] == 120
    assert store.check() == []


def test_a_child_waits_for_its_parent_from_a_later_page(team_store):
    store, _actor = team_store
    household = Household("h-1", COMMUNE, None, "Thôn Đông", *(2 * [person().created_at]))
    child = person("Phạm Thị Con", household_id="h-1", household_order=1)
    tally = sync_pull.apply_page(store, [change(child, 5)], 5, own_device="me")
    assert (tally.applied, tally.parked) == (0, 1)
    assert row(store, "persons", child.id) is None
    assert store.check() == []  # the foreign keys hold between pages
    tally = sync_pull.apply_page(store, [change(household, 9)], 9, own_device="me")
    assert (tally.applied, tally.unparked) == (1, 1)
    assert row(store, "persons", child.id)["household_id"] == "h-1"
    assert store.query_one("SELECT count(*) FROM sync_parked")[0] == 0
    assert store.check() == []


def test_a_record_changed_here_and_not_pushed_is_not_overwritten(team_store):
    store, actor = team_store
    p = person("Ngô Thị Mai")
    sync_pull.apply_page(store, [change(p, 1, version=1)], 1, own_device="me")
    mine = replace(p, phone="0912345678", version=1)
    with writing(store, actor) as w:
        w.update(mine, ["phone"])
    theirs = replace(p, full_name="Ngô Thị Mai Anh")
    tally = sync_pull.apply_page(store, [change(theirs, 2, version=2)], 2, own_device="me")
    assert tally.held == 1
    assert row(store, "persons", p.id)["phone"] == "0912345678"
    assert row(store, "persons", p.id)["full_name"] == "Ngô Thị Mai"
    held = store.query_one("SELECT version, record FROM sync_held WHERE entity_id = ?", (p.id,))
    assert held[0] == 2 and json.loads(held[1])["full_name"] == "Ngô Thị Mai Anh"


def test_push_answers_settle_the_outbox(team_store):
    store, actor = team_store
    p = person("Đỗ Văn Hùng")
    with writing(store, actor) as w:
        w.add(p)
    batch = sync_push.next_batch(store)
    ops = {o.entity_id: o for o in batch}
    results = []
    for o in batch:
        if o.entity_id == p.id:
            results.append({"op_id": o.op_id, "status": "accepted", "version": 1})
        elif o.entity == "members":
            results.append({"op_id": o.op_id, "status": "rejected", "reason": "forbidden", "http": 403})
        else:
            results.append({"op_id": o.op_id, "status": "accepted", "version": 1, "duplicate": True})
    tally = sync_push.settle(store, batch, results)
    assert tally.accepted == len(batch) - 1 and tally.rejected == 1 and tally.duplicates == len(batch) - 2
    assert row(store, "persons", p.id)["version"] == 1
    assert sync_push.next_batch(store) == []
    (rejected,) = sync_review.rejected_ops(store)
    assert (rejected.entity, rejected.reason, rejected.http) == ("members", "forbidden", 403)
    assert ops[p.id].op == "create"


def test_two_edits_in_a_row_go_one_per_batch_on_the_version_the_first_got(team_store):
    store, actor = team_store
    p = person("Vũ Thị Lan")
    sync_pull.apply_page(store, [change(p, 1, version=3)], 1, own_device="me")
    current = replace(p, version=3)
    with writing(store, actor) as w:
        w.update(replace(current, phone="0912000001"), ["phone"])
        w.update(replace(current, phone="0912000002"), ["phone"])
    first = [o for o in sync_push.next_batch(store) if o.entity_id == p.id]
    assert len(first) == 1 and first[0].base_version == 3
    sync_push.settle(store, first, [{"op_id": first[0].op_id, "status": "accepted", "version": 4}])
    second = [o for o in sync_push.next_batch(store) if o.entity_id == p.id]
    assert len(second) == 1 and second[0].base_version == 4
    assert second[0].payload["record"]["phone"] == "0912000002"


def test_a_conflict_is_kept_and_settled_field_by_field(team_store):
    store, actor = team_store
    p = person("Trịnh Văn Nam", phone="0912111111")
    sync_pull.apply_page(store, [change(p, 1, version=1)], 1, own_device="me")
    with writing(store, actor) as w:
        w.update(replace(p, version=1, phone="0912222222", si_number="0123456789"), ["phone", "si_number"])
    batch = [o for o in sync_push.next_batch(store) if o.entity_id == p.id]
    theirs = PERSONS.encode(replace(p, full_name="Trịnh Văn Nam B", phone="0912333333", version=2))
    sync_push.settle(store, batch, [{"op_id": batch[0].op_id, "status": "conflict", "version": 2, "current": theirs}])
    (c,) = sync_review.conflicts(store)
    assert set(c.fields) >= {"full_name", "phone", "si_number"}
    assert row(store, "persons", p.id)["phone"] == "0912222222"  # the local copy stays as the member left it
    # a later pull of the record refreshes theirs, never the local copy
    newer = {**theirs, "version": 3, "hi_valid_to": "2027-12-31"}
    sync_pull.apply_page(store, [{"pos": 2, "entity": "persons", "id": p.id, "version": 3, "record": newer}], 2,
                       own_device="me")  # fmt: skip
    (c,) = sync_review.conflicts(store)
    assert c.their_version == 3 and row(store, "persons", p.id)["hi_valid_to"] is None
    with pytest.raises(InputRefused):
        sync_review.resolve(store, actor, c.id, {"phone": "ours"})
    choices = {f: "theirs" for f in c.fields} | {"phone": "ours"}
    op_id = sync_review.resolve(store, actor, c.id, choices)
    local = row(store, "persons", p.id)
    assert (local["phone"], local["full_name"], local["hi_valid_to"], local["version"]) == (
        "0912222222", "Trịnh Văn Nam B", "2027-12-31", 3,
    )  # fmt: skip
    assert sync_review.conflicts(store) == []
    (out,) = [o for o in sync_push.next_batch(store) if o.entity_id == p.id]
    assert out.op_id == op_id and out.base_version == 3 and out.payload["changed"] == ["phone"]


def test_people_pulled_that_look_like_somebody_here_are_merge_candidates(team_store):
    store, actor = team_store
    from datetime import date

    mine = person("Hoàng Thị Thu", birth_date=date(1970, 5, 1), citizen_id="033170000123")
    with writing(store, actor) as w:
        w.add(mine)
    same_id = person("Hoàng Thu", citizen_id="033170000123")
    same_name = person("hoàng thị thu", birth_date=date(1970, 5, 1))
    other = person("Hoàng Thị Thu", birth_date=date(1971, 5, 1))
    tally = sync_pull.apply_page(
        store, [change(same_id, 1), change(same_name, 2), change(other, 3)], 3, own_device="me"
    )
    assert tally.candidates == 2
    reasons = {(c.reason, frozenset((c.person_id, c.other_id))) for c in sync_review.merge_candidates(store)}
    assert reasons == {
        ("citizen_id", frozenset((mine.id, same_id.id))),
        ("name_birth_commune", frozenset((mine.id, same_name.id))),
    }
    assert store.query_one("SELECT merged_into FROM persons WHERE id = ?", (same_id.id,))[0] is None


def test_the_devices_list_replaces_the_local_one_but_keeps_our_key(team_store):
    store, _actor = team_store
    with store.transaction() as conn:
        storage.ensure_own_device(conn, store.device_id, "laptop")
        conn.execute("UPDATE devices SET key_id = 'k-mine', public_key = 'aa' WHERE id = ?", (store.device_id,))
        conn.execute("INSERT INTO devices (id, name) VALUES ('gone', 'old laptop')")
    listed = [
        {"id": store.device_id, "team_id": None, "name": "laptop", "key_id": None, "public_key": None,
         "enrolled_at": "2026-11-01T00:00:00+00:00", "revoked_at": None},
        {"id": "other", "team_id": "team-of-another-province", "name": "x", "key_id": "k2", "public_key": "bb",
         "enrolled_at": None, "revoked_at": "2026-11-20T00:00:00+00:00"},
    ]  # fmt: skip
    sync_devices.replace_devices(store, listed, store.device_id)
    rows = {r[0]: r[1:] for r in store.query("SELECT id, team_id, key_id, public_key, revoked_at FROM devices")}
    assert set(rows) == {store.device_id, "other"}
    assert rows[store.device_id][1:3] == ("k-mine", "aa")
    assert rows["other"] == (None, "k2", "bb", "2026-11-20T00:00:00+00:00")
    assert store.check() == []


def test_a_refused_edit_lets_the_servers_copy_kept_aside_take_its_place(team_store):
    store, actor = team_store
    p = person("Lý Thị Bé")
    sync_pull.apply_page(store, [change(p, 1, version=1)], 1, own_device="me")
    with writing(store, actor) as w:
        w.update(replace(p, version=1, phone="0912777666"), ["phone"])
    sync_pull.apply_page(store, [change(replace(p, full_name="Lý Thị Bé Hai"), 2, version=2)], 2, own_device="me")
    assert row(store, "persons", p.id)["full_name"] == "Lý Thị Bé"
    (op,) = [o for o in sync_push.next_batch(store) if o.entity_id == p.id]
    sync_push.settle(store, [op], [{"op_id": op.op_id, "status": "rejected", "reason": "forbidden", "http": 403}])
    local = row(store, "persons", p.id)
    assert (local["full_name"], local["phone"], local["version"]) == ("Lý Thị Bé Hai", None, 2)
    assert store.query_one("SELECT count(*) FROM sync_held")[0] == 0


def test_a_page_the_store_refuses_a_record_of_is_written_again_carefully_and_only_that_record_kept_aside(
    team_store, monkeypatch
):
    """A page is written without savepoints first (they cost five times the inserts); when the store refuses
    one of its records, nothing of that attempt stays and the page is written again with them, which finds
    the record: the rest lands, the cursor moves, the record waits in sync_refused."""
    from fieldapp.storage import refused, sync_pull
    from fieldapp.storage.driver import IntegrityError

    store, _actor = team_store
    people = [person(f"Lê Văn Số {i}") for i in range(80)]
    bad = people[33].id
    real = sync_pull._upsert_rows
    careful_calls = []

    def upsert_rows(conn, spec, changes):
        if any(c.id == bad for c in changes):
            raise IntegrityError("CHECK constraint failed")  # as the store would refuse it
        return real(conn, spec, changes)

    real_write = refused.write_or_find

    def write_or_find(conn, changes, write, *, careful=True):
        careful_calls.append(careful)
        return real_write(conn, changes, write, careful=careful)

    monkeypatch.setattr(sync_pull, "_upsert_rows", upsert_rows)
    monkeypatch.setattr(refused, "write_or_find", write_or_find)
    tally = sync_pull.apply_page(store, [change(p, i + 1) for i, p in enumerate(people)], 80, own_device="me")
    assert careful_calls[0] is False and True in careful_calls
    assert (tally.applied, tally.refused) == (79, 1)
    assert store.query_one("SELECT count(*) FROM persons")[0] == 79
    assert row(store, "persons", bad) is None
    assert [r.entity_id for r in refused.refused_pulls(store)] == [bad]
    assert storage.settings(store).cursor == 80
    assert len(store.query("SELECT rowid FROM person_names WHERE person_names MATCH 'so'")) == 79
    assert store.check() == []
