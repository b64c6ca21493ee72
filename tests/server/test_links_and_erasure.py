"""Two ops that change several records, against a real server on SQLite and PostgreSQL: the links of an
imported prospect list (one op, an array payload), and a person's erasure, which blanks the notes about them."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fieldapp.domain import models as m
from fieldapp.domain.ids import new_id
from tests.server.conftest import LEADERS, consultation, create, now, person


def prospect_list(n: int) -> m.ProspectList:
    return m.ProspectList(new_id(), "Danh sách xã Xuân Trúc", "ab" * 32, n, n, 0, 0, None, now())


def links_op(list_id: str, links: list, op_id: str | None = None) -> dict:
    """The op `services.importer` writes: entity_id is the list's, the payload an array of links."""
    return {
        "op_id": op_id or new_id(),
        "entity": "prospects",
        "entity_id": list_id,
        "op": "create",
        "base_version": None,
        "payload": links,
        "created_at": now().isoformat(),
    }


def erase_op(person_id: str, base_version: int, actor: str) -> dict:
    """An erasure, which the team leader `actor` made (docs/sync-api.md, "Roles")."""
    return {
        "op_id": new_id(),
        "entity": "persons",
        "entity_id": person_id,
        "op": "erase",
        "base_version": base_version,
        "payload": {"erased_at": now().isoformat(timespec="milliseconds")},
        "created_at": now().isoformat(),
        "actor": actor,
    }


def follow_up(person_id: str, note: str, member_id: str) -> m.FollowUp:
    return m.FollowUp(new_id(), person_id, None, member_id, date(2026, 12, 24), note, None, now())


def latest(changes: list[dict]) -> dict[tuple[str, str], dict]:
    return {(c["entity"], c["id"]): c for c in changes}


# --- the links of a prospect list ------------------------------------------------------------------


def test_a_prospect_lists_links_are_taken_as_its_records_once(world):
    a = world.laptop()
    team = a.team
    b = world.laptop(team)  # the same team: sees them after a pull
    people = [person(a.province, f"Người {i}") for i in range(3)]
    plist = prospect_list(len(people))
    links = [[new_id(), p.id, i + 1] for i, p in enumerate(people)]
    op = links_op(plist.id, links)
    results = a.results([*(create(p) for p in people), create(plist), op])
    assert [r["status"] for r in results] == ["accepted"] * 5
    changes, cursor = b.pull_all()
    got = {c["id"]: c["record"] for c in changes if c["entity"] == "prospects"}
    assert got == {
        pid: {"id": pid, "list_id": plist.id, "person_id": person_id, "row_number": row}
        for pid, person_id, row in links
    }
    # the same op again: its first answer, nothing written twice
    (again,) = a.results([op])
    assert again["status"] == "accepted" and again["duplicate"] is True
    # the same links under a new op id (a laptop that lost the answer and rebuilt its outbox): accepted, no change
    (rebuilt,) = a.results([links_op(plist.id, links)])
    assert rebuilt["status"] == "accepted" and rebuilt["duplicate"] is False
    assert b.pull_all(cursor)[0] == []
    # the same op id with other links: 409, parked
    (reused,) = a.results([{**op, "payload": links[:1]}])
    assert (reused["status"], reused["reason"], reused["http"]) == ("rejected", "op_id_reused", 409)
    # a link that is already there with other content: the whole op refused, nothing of it written
    other = [[new_id(), people[0].id, 9], [links[1][0], people[2].id, 2]]
    (exists,) = a.results([links_op(plist.id, other)])
    assert (exists["status"], exists["reason"]) == ("rejected", "exists")
    assert b.pull_all(cursor)[0] == []
    counts = b.http.get("/v1/counts").json()["counts"]
    assert counts["prospects"] == 3


def test_an_empty_list_has_no_links_and_another_team_does_not_see_them(world):
    a = world.laptop()
    other_team = world.laptop(world.team(province=a.province))
    plist = prospect_list(0)
    assert [r["status"] for r in a.results([create(plist), links_op(plist.id, [])])] == ["accepted"] * 2
    p, other_list = person(a.province), prospect_list(1)
    *_made, r = a.results([create(p), create(other_list), links_op(other_list.id, [[new_id(), p.id, 1]])])
    assert r["status"] == "accepted"
    assert [c for c in other_team.pull_all()[0] if c["entity"] in ("prospects", "prospect_lists")] == []


BAD_LINKS = [
    [["x", "y"]],  # two elements
    [[1, "p", 1]],  # the id is not text
    [["a", "p", "1"]],  # the row number is not a number
    [["a", "p", 1], ["a", "q", 2]],  # one id twice
    [None],
    [{"id": "a"}],
    [["", "p", 1]],
]


def test_bad_links_are_refused_as_invalid_not_422_and_the_rest_goes_on(world):
    a = world.laptop()
    good = person(a.province)
    ops = [links_op(new_id(), links) for links in BAD_LINKS]
    # an array for any other entity or op is no record either
    ops.append({**create(good), "op_id": new_id(), "payload": [1, 2]})
    ops.append(create(good))
    r = a.push(ops)
    assert r.status_code == 200, r.text
    statuses = [(x["status"], x["reason"]) for x in r.json()["results"]]
    assert statuses == [("rejected", "invalid")] * (len(ops) - 1) + [("accepted", None)]
    assert [c["id"] for c in a.pull_all()[0] if c["entity"] == "prospects"] == []


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.lists(_json, max_size=5))
@example(payload=[["\x00"]])  # a link's id holding U+0000, which PostgreSQL text cannot hold (was a 500)
@example(payload=[["\x00", "\x00", 1], [new_id(), "a\x00b", 2]])
def test_any_array_gets_an_answer_never_a_500(world, payload):
    if not hasattr(world, "_laptop"):
        world._laptop = world.laptop()
    r = world._laptop.push([links_op(new_id(), payload)])
    assert r.status_code == 200, r.text
    (result,) = r.json()["results"]
    assert result["status"] in ("accepted", "rejected")


# --- erasure ---------------------------------------------------------------------------------------


def test_an_erasure_blanks_the_notes_about_the_person_everywhere(world):
    a = world.laptop()
    b = world.laptop(world.team(province=a.province))  # another team of the province: its own scope
    province = world.laptop(province=a.province)
    p = person(a.province, f"Phạm Thị Xoá {new_id()[-8:]}", birth_year=1980)
    bystander = person(a.province, "Người khác")
    mine = consultation(a.team["id"], p.id, note="nợ 3 tháng, chồng say rượu", refusal_reason="không có tiền")
    theirs = consultation(b.team["id"], p.id, note="gặp ở chợ")
    untouched = consultation(a.team["id"], bystander.id, note="ghi chú khác")
    fu = follow_up(p.id, "gọi lại sau Tết", LEADERS[a.team["id"]])
    assert {x["status"] for x in a.results([create(p), create(bystander), create(mine), create(untouched)])} == {
        "accepted"
    }
    assert b.results([create(theirs)])[0]["status"] == "accepted"
    (fu_made,) = a.results([create(fu)])
    _before, cursor = province.pull_all()
    # in the same batch as the erasure: a consultation made just before it is blanked too
    late = consultation(a.team["id"], p.id, note="ghi chú cuối")
    results = a.results([create(late), erase_op(p.id, 1, LEADERS[a.team["id"]])])
    assert [(x["status"], x["version"]) for x in results] == [("accepted", None), ("accepted", 2)]
    changes, cursor2 = province.pull_all(cursor)
    got = latest(changes)
    assert set(got) == {
        ("persons", p.id),
        ("consultations", mine.id),
        ("consultations", theirs.id),
        ("consultations", late.id),
        ("follow_ups", fu.id),
    }
    erased = got[("persons", p.id)]["record"]
    assert erased["full_name"] == "" and erased["birth_date"] is None and erased["birth_year"] is None
    assert erased["phone"] is None and erased["erased_at"] is not None
    for cid in (mine.id, theirs.id, late.id):
        record = got[("consultations", cid)]["record"]
        assert (record["note"], record["refusal_reason"]) == ("", None)
        assert record["outcome"] == mine.outcome.value  # only the free text goes
    blanked_fu = got[("follow_ups", fu.id)]
    assert blanked_fu["record"]["note"] == "" and blanked_fu["version"] == fu_made["version"] + 1
    assert blanked_fu["record"]["due_on"] == "2026-12-24"
    # every laptop that sees them gets the blanked copies: b sees its own consultation
    b_changes = latest(b.pull_all()[0])
    assert b_changes[("consultations", theirs.id)]["record"]["note"] == ""
    # the bystander's note stays, and the raw rows on the server hold none of the erased text
    assert ("consultations", untouched.id) not in got
    store = world.store()
    try:
        import sqlalchemy as sa

        from fieldapp.server import schema as s

        with store.engine.connect() as conn:
            texts = [row[0] for row in conn.execute(sa.select(s.records.c.data))]
    finally:
        store.close()
    joined = "\n".join(texts)
    for secret in ("chồng say rượu", "không có tiền", "gặp ở chợ", "ghi chú cuối", "gọi lại sau Tết", p.full_name):
        assert secret not in joined
    assert "ghi chú khác" in joined
    # a queued edit of the follow-up made before the erasure (old base) is a conflict, not a silent undo
    from dataclasses import replace

    from tests.server.conftest import update

    (edit,) = a.results([update(replace(fu, note="gọi lại sau Tết"), fu_made["version"], ["note"])])
    assert edit["status"] == "conflict" and edit["current"]["note"] == ""
    assert province.pull_all(cursor2)[0] == []


def test_an_erasure_sent_twice_changes_nothing_the_second_time(world):
    a = world.laptop()
    p = person(a.province)
    c = consultation(a.team["id"], p.id, note="riêng tư")
    a.results([create(p), create(c)])
    op = erase_op(p.id, 1, LEADERS[a.team["id"]])
    (first,) = a.results([op])
    _changes, cursor = a.pull_all()
    (second,) = a.results([op])
    assert second == {**first, "duplicate": True}
    assert a.pull_all(cursor)[0] == []
    # an erasure of a record that is not there: unknown_record, as before
    (unknown,) = a.results([erase_op(new_id(), 1, LEADERS[a.team["id"]])])
    assert (unknown["status"], unknown["reason"]) == ("rejected", "unknown_record")
    record = json.loads(json.dumps(_changes[-1]["record"]))
    assert record
