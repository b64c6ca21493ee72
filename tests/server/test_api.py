"""The wire contract of docs/sync-api.md against a real server process, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx

from fieldapp.domain.admin_units import communes_of
from fieldapp.domain.ids import new_id
from tests.server.conftest import LEADERS, consultation, create, encoded, member, person, update


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from fieldapp.server.store import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def test_health_needs_no_token(world):
    body = httpx.get(f"{world.server.base}/v1/health").json()
    assert body["ok"] is True and body["schema"] == _head_revision()


def test_an_enrolment_code_works_once(world):
    team = world.team()
    code = world.code(team)
    c = world.client()

    def enrol(code_text):
        return c.post("/v1/enrol", json={"code": code_text, "device_id": new_id(), "name": "L", "public_key": "ab"})

    wrong = enrol("AAAA-BBBB-CCCC-DDDD")
    assert (wrong.status_code, wrong.json()["detail"]["code"]) == (401, "code_unknown")
    first = enrol(code.lower().replace("-", " "))  # as typed: any case, spaces
    assert first.status_code == 201
    body = first.json()
    assert body["team"]["id"] == team["id"] and body["province_code"] == team["province_code"] and body["token"]
    again = enrol(code)
    assert (again.status_code, again.json()["detail"]["code"]) == (409, "code_used")


def test_an_enrolment_retried_by_the_same_laptop_gets_a_new_token(world):
    """Its first answer lost, the laptop sends the code again, with a proof its key signed (tests/security)."""
    from tests.security.rogue import Rogue

    code = world.code(world.team())
    laptop = Rogue(world)
    first, retry = laptop.enrol(code), laptop.enrol(code)
    assert first.status_code == retry.status_code == 201
    old, new = first.json()["token"], retry.json()["token"]
    assert old != new
    assert world.client(old).get("/v1/counts").status_code == 401
    assert world.client(new).get("/v1/counts").status_code == 200


def test_an_expired_code_is_refused(world):
    team = world.team()
    store = world.store()
    try:
        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat(timespec="milliseconds")
        code = store.new_code(team["id"], team["province_code"], past)
    finally:
        store.close()
    r = world.client().post("/v1/enrol", json={"code": code, "device_id": new_id(), "name": "L"})
    assert (r.status_code, r.json()["detail"]["code"]) == (410, "code_expired")


def test_push_then_another_laptop_of_the_team_pulls_it(world):
    team = world.team()
    a, b = world.laptop(team), world.laptop(team)
    people = [person(team["province_code"], f"Người {i}") for i in range(30)]
    talks = [consultation(team["id"], p.id) for p in people]
    results = a.results([create(r) for r in [*people, *talks]])
    assert [r["status"] for r in results] == ["accepted"] * 60
    assert {r["version"] for r in results[:30]} == {1} and {r["version"] for r in results[30:]} == {None}
    changes, _cursor = b.pull_all()
    got = {(c["entity"], c["id"]): c for c in changes}
    for p in people:
        rec = got[("persons", p.id)]["record"]
        assert rec == {**encoded(p), **{k: None for k, v in encoded_full(p).items() if v is None}, "version": 1}
    for talk in talks:
        assert got[("consultations", talk.id)]["record"] == encoded_full(talk)
    assert ("teams", team["id"]) in got and ("devices", a.device_id) in got


def encoded_full(record):
    from fieldapp.storage.records import spec_for

    return spec_for(record).encode(record)


def test_the_same_op_twice_answers_the_same_and_applies_once(world):
    laptop = world.laptop()
    p = person(laptop.province)
    ops = [create(p), update(replace(p, full_name="Lê Thị Hoa"), 0, ["full_name"])]
    first = laptop.results(ops)
    second = laptop.results(ops)
    assert [r["status"] for r in first] == ["accepted", "accepted"]
    assert [{**r, "duplicate": False} for r in second] == first
    assert all(r["duplicate"] for r in second)
    changes, _ = laptop.pull_all()
    (rec,) = [c for c in changes if c["id"] == p.id]
    assert rec["version"] == 2 and rec["record"]["full_name"] == "Lê Thị Hoa"


def test_the_same_op_id_with_other_content_is_parked_and_the_rest_goes_on(world):
    laptop = world.laptop()
    p, q, later = (person(laptop.province, n) for n in ("A", "B", "C"))
    op = create(p)
    laptop.results([op])
    reused = create(q, op_id=op["op_id"])
    results = laptop.results([reused, create(later)])
    assert results[0]["status"] == "rejected" and results[0]["reason"] == "op_id_reused"
    assert results[0]["http"] == 409
    assert results[1]["status"] == "accepted"
    ids = {c["id"] for c in laptop.pull_all()[0]}
    assert q.id not in ids and later.id in ids


def test_a_stale_base_version_is_a_conflict_with_the_current_record(world):
    team = world.team()
    a, b = world.laptop(team), world.laptop(team)
    p = person(team["province_code"])
    assert a.results([create(p)])[0]["version"] == 1
    assert a.results([update(replace(p, phone="0988000111", version=1), 1, ["phone"])])[0]["version"] == 2
    theirs = b.results([update(replace(p, full_name="Tên khác", version=1), 1, ["full_name"])])[0]
    assert theirs["status"] == "conflict" and theirs["version"] == 2
    assert theirs["current"]["phone"] == "0988000111" and theirs["current"]["version"] == 2
    assert theirs["current"]["full_name"] == p.full_name
    settled = b.results([update(replace(p, full_name="Tên khác", version=2), 2, ["full_name"])])[0]
    assert (settled["status"], settled["version"]) == ("accepted", 3)


def test_a_laptops_own_queued_edits_follow_each_other(world):
    laptop = world.laptop()
    p = person(laptop.province)
    results = laptop.results(
        [
            create(p),
            update(replace(p, phone="0911111111"), 0, ["phone"]),
            update(replace(p, phone="0911111111", full_name="Đổi tên"), 0, ["full_name"]),
        ]
    )
    assert [(r["status"], r["version"]) for r in results] == [("accepted", 1), ("accepted", 2), ("accepted", 3)]


def test_ops_outside_the_devices_scope_are_forbidden(world):
    mine, theirs = world.team(), world.team()
    laptop, other = world.laptop(mine), world.laptop(theirs)
    talk = consultation(theirs["id"])  # names another team
    far = person(theirs["province_code"])  # a commune of another province
    own = consultation(mine["id"])
    results = laptop.results([create(talk), create(far), create(own)])
    assert [(r["status"], r["reason"], r["http"]) for r in results] == [
        ("rejected", "forbidden", 403),
        ("rejected", "forbidden", 403),
        ("accepted", None, None),
    ]
    theirs_person = person(theirs["province_code"])
    other.results([create(theirs_person)])
    edit = laptop.results([update(replace(theirs_person, version=1), 1, ["full_name"])])[0]
    assert (edit["status"], edit["reason"]) == ("rejected", "forbidden")
    assert own.id not in {c["id"] for c in other.pull_all()[0]}


def test_a_team_sees_its_provinces_registry_but_not_another_teams_work(world):
    t1 = world.team()
    t2 = world.team(province=t1["province_code"])
    a, b = world.laptop(t1), world.laptop(t2)
    p = person(t1["province_code"])
    a.results([create(p), create(consultation(t1["id"], p.id))])
    seen = {c["entity"] for c in b.pull_all()[0] if c["entity"] in ("persons", "consultations")}
    assert seen == {"persons"}


def test_a_province_device_sees_every_team_of_its_province(world):
    t1 = world.team()
    t2 = world.team(province=t1["province_code"])
    a = world.laptop(t1)
    province = world.laptop(province=t1["province_code"])
    assert province.team is None
    talk = consultation(t1["id"])
    a.results([create(talk)])
    leader = member(t2["id"])  # t2 has no laptop yet: the province's device makes its leader
    assert province.results([create(leader)])[0]["status"] == "accepted"
    assert province.results([create(consultation(t2["id"], member_id=leader.id))])[0]["status"] == "accepted"
    assert talk.id in {c["id"] for c in province.pull_all()[0]}


def test_rejections_name_their_reason(world):
    laptop = world.laptop()
    p = person(laptop.province)
    talk = consultation(laptop.team["id"])
    bad = create(person(laptop.province))
    del bad["payload"]["full_name"]
    wrong_type = create(person(laptop.province))
    wrong_type["payload"]["household_order"] = "first"
    unknown_commune = create(person(laptop.province, commune_code="99999"))
    results = laptop.results(
        [
            create(talk),
            update(talk, 0, ["note"]),
            update(p, 0, ["full_name"]),
            bad,
            wrong_type,
            unknown_commune,
            {**create(p), "entity": "spaceships"},
            create(replace(talk, note="other")) | {"entity_id": talk.id},
        ]
    )
    assert [r["reason"] for r in results] == [
        None,
        "immutable",
        "unknown_record",
        "invalid",
        "invalid",
        "invalid",
        "unknown_entity",
        "exists",
    ]


def test_malformed_requests_get_a_code(world):
    laptop = world.laptop()
    broken = laptop.http.post("/v1/push", content=b'{"ops": [', headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["detail"]["code"] == "invalid_request"
    typed = laptop.http.post("/v1/push", json={"ops": [{"op_id": 5}]})
    assert typed.status_code == 422 and typed.json()["detail"]["code"] == "invalid_request"
    assert laptop.http.get("/v1/pull", params={"since": "x"}).json()["detail"]["code"] == "invalid_request"
    assert laptop.http.get("/v1/nowhere").json()["detail"]["code"] == "not_found"


def test_too_many_ops_and_too_big_a_body_are_413(world):
    laptop = world.laptop()
    ops = [create(person(laptop.province)) for _ in range(501)]
    r = laptop.push(ops)
    assert (r.status_code, r.json()["detail"]["code"]) == (413, "too_many_ops")
    huge = b'{"ops": [' + b" " * (9 * 1024 * 1024) + b"]}"
    r = laptop.http.post("/v1/push", content=huge, headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["detail"]["code"]) == (413, "too_large")

    def chunks():  # no Content-Length: the limit counts the bytes as they come
        yield b'{"ops": ['
        for _ in range(10):
            yield b" " * (1024 * 1024)
        yield b"]}"

    r = laptop.http.post("/v1/push", content=chunks(), headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["detail"]["code"]) == (413, "too_large")
    assert laptop.results([create(person(laptop.province))])[0]["status"] == "accepted"


def test_a_wrong_or_missing_token_is_401(world):
    for headers in ({"Authorization": "Bearer not-a-token"}, {}, {"Authorization": "Basic abc"}):
        for method, path in (("GET", "/v1/pull"), ("POST", "/v1/push"), ("GET", "/v1/counts")):
            r = world.client().request(method, path, headers=headers, json={"ops": []})
            assert (r.status_code, r.json()["detail"]["code"]) == (401, "token_unknown"), (headers, path)


def test_a_revoked_device_can_neither_push_nor_pull(world):
    from tests.server.test_cli import run_cli

    laptop = world.laptop()
    assert laptop.results([create(person(laptop.province))])[0]["status"] == "accepted"
    done = run_cli(world.server, "server", "device", "revoke", laptop.device_id)
    assert done.returncode == 0, done.stderr
    for r in (laptop.http.get("/v1/pull"), laptop.push([create(person(laptop.province))])):
        assert (r.status_code, r.json()["detail"]["code"]) == (403, "device_revoked")
    keys = {d["id"]: d for d in world.laptop().http.get("/v1/devices").json()["devices"]}
    assert keys[laptop.device_id]["revoked_at"] is not None


def test_pull_pages_and_a_record_appears_once_at_its_latest_position(world):
    laptop = world.laptop()
    people = [person(laptop.province, f"P{i}") for i in range(1200)]
    for i in range(0, 1200, 500):
        laptop.results([create(p) for p in people[i : i + 500]])
    _, cursor = laptop.pull_all()
    first = people[0]
    laptop.results([update(replace(first, phone="0900000000", version=1), 1, ["phone"])])
    changes, after = laptop.pull_all(cursor)
    assert [c["id"] for c in changes] == [first.id] and after > cursor

    pages, since = [], 0
    while True:
        page = laptop.http.get("/v1/pull", params={"since": since, "limit": 500}).json()
        pages.append(page)
        positions = [c["pos"] for c in page["changes"]]
        assert positions == sorted(positions) and all(p > since for p in positions)
        since = page["next"]
        if not page["more"]:
            break
    ids = [c["id"] for p in pages for c in p["changes"]]
    assert len(ids) == len(set(ids))
    assert {p.id for p in people} <= set(ids)
    assert len(pages) == 3
    end = laptop.http.get("/v1/pull", params={"since": since}).json()
    assert end == {"changes": [], "next": since, "more": False}


def test_counts_match_what_a_pull_gives(world):
    laptop = world.laptop()
    laptop.results([create(person(laptop.province)) for _ in range(7)] + [create(consultation(laptop.team["id"]))])
    counts = laptop.http.get("/v1/counts").json()["counts"]
    pulled = {}
    for c in laptop.pull_all()[0]:
        pulled[c["entity"]] = pulled.get(c["entity"], 0) + 1
    assert counts == pulled
    assert counts["persons"] == 7 and counts["consultations"] == 1


def test_the_devices_list_gives_every_public_key(world):
    a = world.laptop()
    b = world.laptop()  # another team, another province: only what verifying its receipts needs
    c = world.laptop(world.team(province=a.province))
    devices = {d["id"]: d for d in a.http.get("/v1/devices").json()["devices"]}
    assert {a.device_id, b.device_id, c.device_id} <= set(devices)
    assert set(devices[b.device_id]) == {"id", "key_id", "public_key", "revoked_at", "number", "blocks"}
    assert set(devices[c.device_id]) == {
            "id", "team_id", "name", "key_id", "public_key", "enrolled_at", "revoked_at", "number", "blocks"
        }  # fmt: skip
    assert len(devices[b.device_id]["public_key"]) == 64


def test_an_erasure_empties_the_person_everywhere(world):
    team = world.team()
    a, b = world.laptop(team), world.laptop(team)
    p = person(team["province_code"], citizen_id="001080012345")
    a.results([create(p)])
    at = datetime.now(UTC).isoformat(timespec="milliseconds")
    erase = {
        "op_id": new_id(),
        "entity": "persons",
        "entity_id": p.id,
        "op": "erase",
        "base_version": 1,
        "payload": {"erased_at": at},
        "actor": LEADERS[team["id"]],  # an erasure is the team leader's (docs/sync-api.md, "Roles")
    }
    assert a.results([erase])[0]["version"] == 2
    (rec,) = [c["record"] for c in b.pull_all()[0] if c["id"] == p.id]
    assert rec["full_name"] == "" and rec["citizen_id"] is None and rec["erased_at"] == at


def test_unicode_and_odd_bytes_go_through_unchanged(world):
    laptop = world.laptop()
    with_nul = person(laptop.province, "Nguyễn Thị Ánh \u0000 Tuyết")  # PostgreSQL text cannot hold it
    refused = laptop.results([create(with_nul)])[0]
    assert (refused["status"], refused["reason"], refused["detail"]) == (
        "rejected",
        "invalid",
        "full_name: a control character",
    )
    p = person(laptop.province, "Nguyễn Thị Ánh Tuyết ☃ 🙂")
    assert laptop.results([create(p)])[0]["status"] == "accepted"
    (rec,) = [c["record"] for c in laptop.pull_all()[0] if c["id"] == p.id]
    assert rec["full_name"] == p.full_name
    assert json.loads(json.dumps(rec))["full_name"] == p.full_name
    assert communes_of(laptop.province)
