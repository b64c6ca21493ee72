"""Every domain write carries its outbox op and audit entry in the same transaction."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from fieldapp.domain.enums import AuditAction, Outcome, TargetGroup, Topic
from fieldapp.services.fieldwork import record_consultation
from fieldapp.storage import driver
from fieldapp.storage import team as team_store
from fieldapp.storage.receipts import next_number
from fieldapp.storage.writer import Actor, writing
from tests.services.helpers import many_persons, person


def table_counts(store):
    return {t: store.query_one(f"SELECT count(*) FROM {t}")[0] for t in ("persons", "outbox", "audit_log")}


def test_add_writes_row_outbox_and_audit_together(store):
    before = table_counts(store)
    p = person("Lê Thị Thu Hằng")
    with writing(store, Actor("member-1", store.device_id)) as w:
        w.add(p)
    after = table_counts(store)
    assert {k: after[k] - before[k] for k in after} == {"persons": 1, "outbox": 1, "audit_log": 1}
    op = store.query_one("SELECT entity, entity_id, op, base_version, payload, state FROM outbox ORDER BY seq DESC")
    assert op[:4] == ("persons", p.id, "create", None)
    assert json.loads(op[4])["full_name"] == "Lê Thị Thu Hằng"
    assert op[5] == "pending"
    audit = store.query_one("SELECT member_id, device_id, action, entity, entity_id FROM audit_log ORDER BY seq DESC")
    assert audit == ("member-1", store.device_id, "create", "persons", p.id)


def test_an_error_inside_the_transaction_leaves_nothing(store):
    before = table_counts(store)
    with pytest.raises(RuntimeError), writing(store, Actor(None, store.device_id)) as w:
        w.add(person())
        w.add_all(many_persons(10))
        raise RuntimeError("power cut")
    assert table_counts(store) == before


def test_a_failing_insert_rolls_back_its_outbox_row(store):
    p = person()
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(p)
    before = table_counts(store)
    with pytest.raises(driver.IntegrityError), writing(store, Actor(None, store.device_id)) as w:
        w.add(person("Phạm Văn Đồng"))
        w.add(p)  # the same id again
    assert table_counts(store) == before


def test_add_all_is_one_audit_entry(store):
    before = table_counts(store)
    with writing(store, Actor(None, store.device_id)) as w:
        w.add_all(many_persons(250), action=AuditAction.IMPORT, source="test")
    after = table_counts(store)
    assert {k: after[k] - before[k] for k in after} == {"persons": 250, "outbox": 250, "audit_log": 1}
    detail = json.loads(store.query_one("SELECT detail FROM audit_log ORDER BY seq DESC")[0])
    assert detail == {"count": 250, "source": "test"}


def test_update_sends_the_version_the_editor_saw(store):
    p = person()
    with writing(store, Actor(None, store.device_id)) as w:
        w.add(p)
    edited = replace(p, phone="0912345678", version=3)
    with writing(store, Actor(None, store.device_id)) as w:
        w.update(edited, ["phone"])
    op, base, payload = store.query_one("SELECT op, base_version, payload FROM outbox ORDER BY seq DESC")
    assert (op, base) == ("update", 3)
    assert json.loads(payload)["changed"] == ["phone"]
    assert store.query_one("SELECT phone FROM persons WHERE id = ?", (p.id,))[0] == "0912345678"


def test_facts_cannot_be_edited_or_deleted(demo_store):
    team = team_store.current_team(demo_store)
    member = team_store.members(demo_store, team.id)[0]
    with writing(demo_store, Actor(member.id, demo_store.device_id)) as w:
        c = record_consultation(
            w,
            team_id=team.id,
            person_id=None,
            target_group=TargetGroup.OTHER,
            topics=[Topic.VSI],
            outcome=Outcome.ALREADY_INSURED,
        )
        with pytest.raises(TypeError):
            w.update(c, ["note"])
    for sql in (
        "UPDATE consultations SET note = 'x'",
        "DELETE FROM consultations",
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "DELETE FROM receipts",
        "UPDATE receipts SET amount = 1",
        "DELETE FROM payments",
    ):
        with pytest.raises(driver.IntegrityError, match="append-only"), demo_store.transaction() as conn:
            conn.execute(sql)


def test_receipt_numbers_never_repeat_and_roll_back_with_their_receipt(store):
    with store.transaction() as conn:
        assert next_number(conn, "BI-330101-2026") == 1
        assert next_number(conn, "IS-330101-2026") == 1
    with pytest.raises(RuntimeError), store.transaction() as conn:
        assert next_number(conn, "BI-330101-2026") == 2
        raise RuntimeError("the receipt was not saved")
    with store.transaction() as conn:
        assert next_number(conn, "BI-330101-2026") == 2


def test_a_batch_sends_each_record_as_a_single_add_would(demo_store):
    """The ops of `add_all` are built by SQL: every payload of the demo's batches (households, persons,
    hamlets, targets, sites …) is what `add` makes of the same record, byte for byte, in the same order."""
    from fieldapp.storage.records import BY_TABLE
    from fieldapp.storage.writer import _create_payload

    checked = 0
    for table, spec in BY_TABLE.items():
        ops = demo_store.query(
            "SELECT entity_id, payload FROM outbox o WHERE entity = ?1 AND op = 'create' AND NOT EXISTS "
            "(SELECT 1 FROM outbox u WHERE u.entity = ?1 AND u.entity_id = o.entity_id AND u.op <> 'create')",
            (table,),
        )
        stored = {r[0]: spec.decode(r) for r in demo_store.query(spec.select_sql)}
        for entity_id, payload in ops:
            if entity_id in stored:
                assert payload == _create_payload(spec.fields, spec.values(stored[entity_id])), table
                checked += 1
    assert checked > 1000
    seqs = [
        r[0]
        for r in demo_store.query(
            "SELECT entity_id FROM outbox WHERE entity = 'persons' AND op = 'create' ORDER BY seq"
        )
    ]
    assert seqs == [r[0] for r in demo_store.query("SELECT id FROM persons ORDER BY pk")][: len(seqs)]


def test_a_batch_payload_keeps_text_exactly(store):
    tricky = [person(name) for name in ('Nguyễn Thị "Út"', "Lê Văn Tám", "H'Hen Niê", "Đinh\\Văn")]
    tricky = [replace(p, phone=None, citizen_id=None) for p in tricky]
    with writing(store, Actor(None, store.device_id)) as w:
        w.add_all(tricky)
    payloads = [
        json.loads(r[0]) for r in store.query("SELECT payload FROM outbox WHERE entity = 'persons' ORDER BY seq")
    ]
    assert [p["full_name"] for p in payloads] == [p.full_name for p in tricky]
    assert all("phone" not in p and "citizen_id" not in p for p in payloads)
