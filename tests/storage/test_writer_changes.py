"""A writer says what it wrote (issue 16): the record types and ids it put in the outbox, once committed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fieldapp.domain.changes import NOTHING, Changes
from fieldapp.storage.writer import Actor, writing
from tests.services.helpers import many_persons, person


def test_changes_are_empty_until_something_is_written():
    assert not NOTHING
    assert not Changes.of({"persons": []})
    assert not NOTHING.touches("persons")


def test_changes_name_types_and_ids_and_join():
    a = Changes.of({"persons": ["p1"]})
    b = Changes.of({"persons": ["p2"], "households": ["h1"]})
    both = a | b
    assert both.ids("persons") == {"p1", "p2"}
    assert both.touches("receipts", "households")
    assert not both.touches("receipts")
    assert both.entities == {"persons", "households"}
    assert a.ids("persons") == {"p1"}  # joined, not changed


def test_adds_updates_and_ops_are_recorded(store):
    p = person("Lê Thị Thu Hằng")
    other = person("Phạm Văn Đức")
    with writing(store, Actor("member-1", store.device_id)) as w:
        w.add(p)
        w.add(other)
        w.update(replace(p, phone="0912345678"), ["phone"])
        w.outbox("households", "h-1", "erase", None, "{}")
        w.audit("export", "persons", "p-x")  # an audit entry alone changes no record
    assert w.changes.by_entity == {"persons": {p.id, other.id}, "households": {"h-1"}}


def test_a_batch_records_every_id(store):
    batch = many_persons(30)
    with writing(store, Actor(None, store.device_id)) as w:
        w.add_all(batch)
    assert w.changes.ids("persons") == {p.id for p in batch}


def test_listeners_hear_a_committed_write_only(store):
    heard: list[Changes] = []
    store.on_written.append(heard.append)
    with writing(store, Actor(None, store.device_id)) as w:
        w.audit("export", "persons", "p-x")
    assert heard == []  # nothing a screen shows was written
    with pytest.raises(RuntimeError), writing(store, Actor(None, store.device_id)) as w:
        w.add(person())
        raise RuntimeError("rolled back")
    assert heard == []
    p = person()
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(p)
    assert [c.ids("persons") for c in heard] == [{p.id}]


def test_a_failing_listener_does_not_undo_or_fail_the_write(store):
    def broken(_changes: Changes) -> None:
        raise ValueError("a broken screen")

    store.on_written.append(broken)
    p = person()
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(p)
    assert store.query_one("SELECT count(*) FROM persons WHERE id = ?", (p.id,))[0] == 1
