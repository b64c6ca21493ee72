"""Enrolling a laptop that holds work of another team or province (demo data made before enrolment, a
laptop handed over): the person is warned with the count and may cancel; after enrolling, that work is
listed as refused with its own reason, is never sent, and nothing is deleted. The other way round (enrol,
then demo data) has nothing to warn about."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.formats import format_number
from fieldapp.storage import sync as storage
from fieldapp.sync import SyncError, rejected_ops, status
from fieldapp.sync.enrol import OTHER_SCOPE, accept_enrolment, enrol, outside_message, outside_work, request_enrolment
from tests.conftest import cli_env
from tests.sync.conftest import COMPARED, FAST_RETRY, Laptop, add_demo, fieldapp

pytestmark = pytest.mark.sqlite_only  # the laptop's side; the server's scope rules run on both backends elsewhere


def counts(laptop) -> dict[str, int]:
    return {t: laptop.store.query_one(f"SELECT count(*) FROM {t}")[0] for t in COMPARED}


def test_demo_data_then_enrol_in_the_same_province_warns_and_parks_the_demo_teams_work(server, laptops):
    server.add_team("Tổ thật", "33")
    a = laptops("a")
    add_demo(a, persons=40, days=1, seed=61)  # the demo team is the laptop's own, in Hưng Yên (33)
    before = counts(a)
    offer = request_enrolment(a.store, server.url, server.enrol_code("Tổ thật"), retry=FAST_RETRY)
    o = offer.outside
    assert o.ops > 0 and "consultations" in o.by_entity and "teams" in o.by_entity
    assert "persons" not in o.by_entity  # the province's registry is the team's too: people go
    assert len(o.teams) == 1 and o.provinces == ()
    text = outside_message(offer, "vi")
    assert f"{format_number(o.records, 'vi')} bản ghi" in text and "“Tổ thật”" in text and f"“{o.teams[0]}”" in text
    assert "Tổ thật" in outside_message(offer, "en") and "Nothing is deleted" in outside_message(offer, "en")
    assert not status(a.store).enrolled  # nothing kept before the person agrees
    done = accept_enrolment(a.store, offer)
    assert done.outside.ops == o.ops and status(a.store).enrolled
    r = a.sync()
    assert r.new_rejected == 0 and r.rejected == o.ops and r.pending == 0 and r.mismatched == {}, r
    reasons = {x.reason for x in rejected_ops(a.store)}
    assert reasons == {OTHER_SCOPE}  # listed with its own reason; the server refused nothing
    assert server.stats()["consultations"] == 0 and server.stats()["persons"] > 0
    after = counts(a)
    assert all(after[t] >= before[t] for t in COMPARED), "nothing on the laptop is deleted"
    assert a.store.check() == []


def test_another_province_keeps_everything_here_and_sends_none_of_it(server, laptops):
    server.add_team("Tổ Hà Nội", "01")
    a = laptops("a")
    add_demo(a, persons=30, days=1, seed=62)
    before = counts(a)
    seen = []
    done = enrol(a.store, server.url, server.enrol_code("Tổ Hà Nội"), retry=FAST_RETRY,
                 confirm=lambda offer: seen.append(offer) or True)  # fmt: skip
    assert seen and seen[0].outside.provinces == ("33",) and "persons" in seen[0].outside.by_entity
    assert "Hưng Yên" in outside_message(seen[0], "vi")
    r = a.sync()
    assert r.new_rejected == 0 and r.pending == 0, r
    assert server.stats()["persons"] == 0
    assert done.outside.records == seen[0].outside.records
    assert all(counts(a)[t] >= before[t] for t in COMPARED)


def test_cancelling_keeps_nothing_and_the_same_code_works_later_on_this_laptop(server, laptops):
    server.add_team("Tổ sau", "33")
    a = laptops("a")
    add_demo(a, persons=20, days=1, seed=63)
    outbox = a.outbox_states()
    code = server.enrol_code("Tổ sau")
    with pytest.raises(SyncError) as err:
        enrol(a.store, server.url, code, retry=FAST_RETRY, confirm=lambda _o: False)
    assert err.value.code == "sync.enrol_cancelled"
    assert not status(a.store).enrolled and a.outbox_states() == outbox
    with pytest.raises(SyncError) as err:
        a.sync()
    assert err.value.code == "sync.not_enrolled"
    done = enrol(a.store, server.url, code, retry=FAST_RETRY, confirm=lambda _o: True)
    assert done.team_name == "Tổ sau" and status(a.store).enrolled


def test_enrolled_first_then_demo_data_has_nothing_outside(server, laptops):
    server.add_team("Tổ trước", "33")
    a = laptops("a")
    a.enrol(server, "Tổ trước")
    add_demo(a, persons=20, days=1, seed=64)
    with a.store.reading() as conn:
        assert not outside_work(conn, storage.settings(a.store).team_id, "33")
    r = a.sync()
    assert r.rejected == 0 and r.pending == 0, r


def test_the_enrol_command_asks_for_yes_in_a_script_and_changes_nothing_without_it(server, tmp_path):
    server.add_team("Tổ lệnh", "33")
    env = cli_env(tmp_path / "cli")
    made = fieldapp("demo-data", "--persons", "30", "--days", "1", env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    code = server.enrol_code("Tổ lệnh")
    done = fieldapp("enrol", "--server", server.url, "--code", code, env=env)
    assert done.returncode == 1 and "--yes" in done.stderr and "bản ghi" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    done = fieldapp("sync", "--json", env=env)
    assert done.returncode == 1 and "fieldapp enrol" in done.stderr  # still not enrolled
    done = fieldapp("--lang", "en", "enrol", "--server", server.url, "--code", code, "--json", env=env)
    assert done.returncode == 1 and "--yes" in done.stderr and done.stdout == ""
    done = fieldapp("enrol", "--server", server.url, "--code", code, "--yes", "--json", env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["team"] == "Tổ lệnh" and out["other_scope"] > 0
    done = fieldapp("sync", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rejected"] >= out["other_scope"]


PAYLOADS = st.one_of(
    st.text(max_size=30),
    st.builds(json.dumps, st.recursive(
        st.none() | st.integers() | st.text(max_size=8),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(
            st.sampled_from(["team_id", "commune_code", "province_code", "id", "record", "person_id"]), c, max_size=4),
        max_leaves=8)),
)  # fmt: skip


def test_the_look_over_takes_any_outbox_content_without_failing(tmp_path):
    laptop = Laptop(tmp_path / "odd")

    @settings(max_examples=80, deadline=None, database=None)
    @given(entity=st.sampled_from(["persons", "consultations", "teams", "receipts", "devices", "nope"]),
           op=st.sampled_from(["create", "update"]), payload=PAYLOADS)  # fmt: skip
    def look(entity, op, payload):
        with laptop.store.transaction() as conn:
            conn.execute("DELETE FROM outbox")
            conn.execute(
                "INSERT INTO outbox (op_id, entity, entity_id, op, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                ("op-1", entity, "x-1", op, payload, "2026-01-01T00:00:00Z"),
            )
        with laptop.store.reading() as conn:
            found = outside_work(conn, "team-1", "33")
        assert found.ops in (0, 1)

    try:
        look()
    finally:
        laptop.close()
