"""A rogue laptop pushes hostile records of every type; the province's honest laptops sync on unharmed.

Issue 13, "One op stops a province's sync for good": the server checked field types only, so a person with
`household_order` = 2^70 (or a negative months count, a negative amount, a NUL in a name ...) was accepted,
and every laptop of the province then failed its sync. Now the server refuses what breaks the one
definition of a valid record (`fieldapp.protocol.records`), with the field named, and never stores it;
references must be records of the device's scope; leader-only records need a leader.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain.ids import new_id
from fieldapp.protocol.records import check, definition
from tests.security.conftest import Province, honest_laptops_still_sync, op

pytestmark = pytest.mark.slow

RNG = random.Random(13)


def _fresh(p: Province, entity: str, **changes) -> dict:
    """A copy of one of laptop A's records under a new id, with `changes`."""
    return {**p.one(p.a, entity), "id": new_id(), **changes}


def valid_ops(p: Province, entity: str) -> list[dict]:
    """Ops that make one new valid record of `entity` as team 1's leader would (parents it needs first)."""
    a, leader = p.a, p.leader_a
    person = p.one(a, "persons")
    if entity == "members":
        rec = _fresh(p, "members", role="member", code=f"R{RNG.randint(100, 999)}", pin_hash=None)
    elif entity == "campaign_periods":
        campaign = p.one(a, "campaigns")
        rec = {"id": new_id(), "campaign_id": campaign["id"], "name": "Tuần 9", "kind": "week",
               "starts_on": campaign["starts_on"], "ends_on": campaign["starts_on"], "created_at": person["created_at"],
               "version": 0}  # fmt: skip
    elif entity == "receipts":
        payment = _fresh(p, "payments")
        series = f"BI-3301.{p.rogue.number}-2026"  # the rogue's own series (only its device may use it)
        rec = _fresh(p, "receipts", payment_id=payment["id"], series=series, number=RNG.randint(1, 9_999_999),
                     qr_payload=None)  # fmt: skip
        return [op("payments", payment, actor=leader), op("receipts", rec, actor=leader)]
    elif entity == "receipt_voids":
        *chain, receipt_op = valid_ops(p, "receipts")
        void = {"id": new_id(), "receipt_id": receipt_op["entity_id"], "reason": "Ghi sai số tiền", "member_id": leader,
                "at": person["created_at"]}  # fmt: skip
        return [*chain, receipt_op, op("receipt_voids", void, actor=leader)]
    elif entity == "person_merges":
        kept, merged = p.records(a, "persons")[:2]
        rec = {"id": new_id(), "kept_id": kept["id"], "merged_id": merged["id"], "member_id": leader,
               "at": person["created_at"]}  # fmt: skip
    elif entity == "prospect_lists":
        rec = {"id": new_id(), "name": "Danh sách xã", "file_sha256": "ab" * 32, "rows": 1, "imported": 1,
               "duplicates": 0, "rejected": 0, "member_id": leader, "at": person["created_at"]}  # fmt: skip
    elif entity == "prospects":
        (list_op,) = valid_ops(p, "prospect_lists")
        rec = {"id": new_id(), "list_id": list_op["entity_id"], "person_id": person["id"], "row_number": 1}
        return [list_op, op("prospects", rec, actor=leader)]
    elif entity == "day_closings":
        day = date(2030, 1, 1) + timedelta(days=RNG.randint(0, 20_000))
        rec = {"id": new_id(), "day": day.isoformat(), "collector_id": leader, "team_id": person_id_team(p),
               "closed_by": leader, "closed_at": person["created_at"], "receipts": 0, "receipts_amount": 0,
               "cash_expected": 0, "cash_counted": 0, "transfers": 0, "difference": 0, "explanation": "",
               "notes": "{}", "voids": "[]", "corrections": "[]"}  # fmt: skip
    else:
        rec = _fresh(p, entity)
    return [op(entity, rec, actor=leader)]


def person_id_team(p: Province) -> str:
    return p.one(p.a, "teams")["id"]


ENTITIES = (
    "hamlets", "members", "campaigns", "campaign_periods", "targets", "sites", "households", "persons", "events",
    "consultations", "follow_ups", "enrolments", "payments", "receipts", "receipt_voids", "outreach_results",
    "person_merges", "prospect_lists", "prospects", "day_closings",
)  # fmt: skip


def test_a_valid_record_of_every_type_is_taken(province: Province):
    """The baseline the hostile tests stand on: unchanged, every template is accepted."""
    for entity in ENTITIES:
        results = province.rogue.push(valid_ops(province, entity))
        assert [r["status"] for r in results] == ["accepted"] * len(results), (entity, results)
    honest_laptops_still_sync(province)


# --- the defects of issue 13, one by one -----------------------------------------------------------


def _refused(p: Province, entity: str, reason: str = "invalid", **changes) -> dict:
    *parents, last = valid_ops(p, entity)
    last = {**last, "payload": {**last["payload"], **changes}}
    *parent_results, result = p.rogue.push([*parents, last])
    assert {r["status"] for r in parent_results} <= {"accepted"}
    assert (result["status"], result["reason"]) == ("rejected", reason), result
    return result


@pytest.mark.parametrize(
    ("entity", "changes", "field"),
    [
        ("persons", {"household_order": 2**70}, "household_order"),
        ("persons", {"full_name": "Nguyễn\x00Văn A"}, "full_name"),
        ("enrolments", {"months": -12}, "months"),
        ("enrolments", {"months": 7}, "months"),  # not a payment period of the rules
        ("payments", {"amount": -330_000}, "amount"),
        ("receipts", {"amount": -1}, "amount"),
        ("events", {"attendance": -5}, "attendance"),
        ("targets", {"value": -1}, "value"),
        ("campaigns", {"starts_on": "2026-12-31", "ends_on": "2026-01-01"}, "ends_on"),
        ("consultations", {"day": "9999-12-31"}, "day"),
        ("consultations", {"at": "2026-07-01T08:00:00"}, "at"),  # no UTC offset
        ("households", {"address": "x" * 100_000}, "address"),
        ("persons", {"citizen_id": "00108001234X"}, "citizen_id"),
        ("day_closings", {"difference": 5}, "difference"),
    ],
)
def test_a_record_that_breaks_the_definition_is_refused_with_its_field(province, entity, changes, field):
    result = _refused(province, entity, **changes)
    assert result["detail"].split(":")[0] == field


def test_references_outside_the_devices_scope_are_refused(province: Province):
    p = province
    event_b = p.one(p.b, "events")  # sites are the province's places (its registry); events are a team's own
    _refused(p, "consultations", "unknown_reference", member_id=p.leader_b)  # another team's member
    _refused(p, "consultations", "unknown_reference", event_id=event_b["id"])  # another team's event
    _refused(p, "consultations", "unknown_reference", person_id=new_id())  # nobody
    _refused(p, "persons", "unknown_reference", household_id=new_id())
    line = {"person_id": new_id(), "order": 1, "monthly": 330_000, "amount": 3_960_000}
    _refused(p, "enrolments", "unknown_reference", lines=f"[{_json(line)}]")
    honest_laptops_still_sync(p)


def _json(value) -> str:
    import json

    return json.dumps(value, separators=(",", ":"))


def test_leader_only_records_need_a_leader_of_the_team(province: Province):
    p = province
    # a void and a day closing name the leader who made them
    _refused(p, "receipt_voids", "role", member_id=p.member_a)
    _refused(p, "day_closings", "role", closed_by=p.member_a)
    # targets, campaigns and members carry the acting member on the op
    for entity in ("targets", "campaigns", "members"):
        (last,) = valid_ops(p, entity)
        for actor in (p.member_a, None, p.leader_b):
            (result,) = p.rogue.push([{**last, "op_id": new_id(), "actor": actor}])
            assert (result["status"], result["reason"], result["http"]) == ("rejected", "role", 403), (entity, actor)
    # an erasure of a person, too
    person = p.one(p.a, "persons")
    erase = {"op_id": new_id(), "entity": "persons", "entity_id": person["id"], "op": "erase",
             "base_version": person["version"], "payload": {"erased_at": person["created_at"]},
             "actor": p.member_a}  # fmt: skip
    (result,) = p.rogue.push([erase])
    assert (result["status"], result["reason"]) == ("rejected", "role")
    honest_laptops_still_sync(p)


def test_a_member_may_set_their_own_pin_and_nobody_elses(province: Province):
    p = province
    me = next(r for r in p.records(p.a, "members") if r["id"] == p.member_a)
    other = next(r for r in p.records(p.a, "members") if r["id"] not in (p.member_a, p.leader_a))

    def pin_op(record: dict, actor: str) -> dict:
        return {"op_id": new_id(), "entity": "members", "entity_id": record["id"], "op": "update",
                "base_version": record["version"], "payload": {"record": record, "changed": ["pin_hash"]},
                "actor": actor}  # fmt: skip

    (mine,) = p.rogue.push([pin_op(me, p.member_a)])
    assert mine["status"] == "accepted", mine
    (theirs,) = p.rogue.push([pin_op(other, p.member_a)])
    assert (theirs["status"], theirs["reason"]) == ("rejected", "role")
    promote = {**pin_op(me, p.member_a), "payload": {"record": {**me, "role": "team_leader"}, "changed": ["role"]}}
    (result,) = p.rogue.push([promote])
    assert (result["status"], result["reason"]) == ("rejected", "role")
    p.a.sync()  # the accepted PIN change came back to A with a new version: nothing else moved


# --- hostile payloads of every type (hypothesis) ------------------------------------------------------

HOSTILE = st.one_of(
    st.sampled_from([2**70, -(2**70), 2**63, 2**63 - 1, -1, 0, 10**13, -(10**13)]),
    st.integers(),
    st.sampled_from(["", "\x00", "a\x00b", "\x1b[31m", "\u202e", "\ud800", "=cmd|' /C calc'!A0", "x" * 5000]),
    st.text(max_size=12),
    st.sampled_from(["2026-02-30", "9999-12-31", "0001-01-01", "2026-13-01", "26-1-1", "2026-07-01T08:00:00"]),
    st.sampled_from([None, True, False, 1.5, [], {}, [1], {"a": 1}]),
    st.sampled_from(["[]", "{}", "[1,2]", '[{"person_id": 1}]', "null", "[" * 500]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    entity=st.sampled_from(ENTITIES),
    mutations=st.lists(st.tuples(st.integers(min_value=0), HOSTILE), min_size=1, max_size=3),
    reference=st.sampled_from(["", "missing", "team_b"]),
)
def test_any_hostile_record_is_refused_or_valid_and_the_province_syncs_on(province, entity, mutations, reference):
    p = province
    *parents, last = valid_ops(p, entity)
    record = dict(last["payload"])
    fields = [f for f in definition(entity).fields if f != "id"]
    for index, value in mutations:
        record[fields[index % len(fields)]] = value
    refs = [f for f in fields if f.endswith("_id") and f not in ("team_id",)]
    if reference and refs:
        record[refs[0]] = new_id() if reference == "missing" else p.one(p.b, "members")["id"]
    *parent_results, result = p.rogue.push([*parents, {**last, "payload": record}])
    assert {r["status"] for r in parent_results} <= {"accepted"}
    if result["status"] == "accepted":
        check(entity, record)  # what the server took is a valid record
    else:
        refusals = ("invalid", "unknown_reference", "role", "forbidden", "day_closed", "forged", "pin_not_sealed")
        assert result["reason"] in refusals, result
    honest_laptops_still_sync(p)
