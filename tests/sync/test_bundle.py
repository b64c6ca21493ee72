"""Sync by USB stick end to end: laptops with real encrypted data dirs, a real server process on SQLite,
the bundles written to files and imported with the `fieldapp` commands IT and team leaders run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.domain.models import Person
from fieldapp.protocol.bundle import BundleRefused
from fieldapp.storage.records import spec_for
from fieldapp.storage.writer import writing
from fieldapp.sync import conflicts, rejected_ops
from fieldapp.sync.bundle import export_bundle, import_bundle
from tests.conftest import cli_env
from tests.sync.conftest import add_demo, fieldapp, same_everywhere

PERSON = spec_for(Person)


def server_import(server, path: Path, *extra: str):
    return fieldapp(
        "server", "bundle", "import", str(path), "--json", "--database-url", server.database_url, *extra,
        env=cli_env(server.root / "laptop-unused"),
    )  # fmt: skip


def snapshot(laptop) -> tuple:
    """Everything an import may change: the records, the outbox, the conflicts, the cursor and meta."""
    return (
        laptop.records(),
        laptop.store.query("SELECT op_id, state, result FROM outbox ORDER BY seq"),
        laptop.store.query("SELECT * FROM sync_conflicts ORDER BY id"),
        laptop.store.query("SELECT key, value FROM meta WHERE key NOT LIKE 'sync_last_ok' ORDER BY key"),
        laptop.store.query("SELECT * FROM devices ORDER BY id"),
    )


def later(laptop) -> int:
    """Pending ops a bundle made now leaves for the next one: a record's second op waits for the first's answer."""
    pending, records = laptop.store.query_one(
        "SELECT count(*), count(DISTINCT entity || entity_id) FROM outbox WHERE state = 'pending'"
    )
    return pending - records


@pytest.fixture
def team(server, laptops):
    server.add_team("Tổ 1")
    a, b = laptops("a"), laptops("b")
    a.enrol(server, "Tổ 1")
    b.enrol(server, "Tổ 1")
    return server, a, b


def round_trip(server, laptop, folder: Path, name: str = "a") -> tuple[dict, dict]:
    up = folder / f"{name}.fab"
    done = fieldapp("bundle", "export", "-o", str(up), "--json", env=cli_env(laptop.data_dir.root))
    assert done.returncode == 0, done.stderr
    exported = json.loads(done.stdout)
    imported = server_import(server, up)
    assert imported.returncode == 0, imported.stderr
    server_answer = json.loads(imported.stdout)
    assert server_answer["answer"]["file"] == str(folder / f"{name}.answer.fab")
    return exported, server_answer


def test_round_trip_by_usb_ends_as_an_online_sync_would(team, tmp_path):
    server, a, b = team
    add_demo(b, persons=60, days=1, seed=2)
    assert b.sync().pushed > 0  # b is online; a is in the mountains
    add_demo(a, persons=60, days=1, seed=1)
    pending = a.outbox_states()["pending"]
    records = a.store.query_one("SELECT count(DISTINCT entity || entity_id) FROM outbox WHERE state = 'pending'")[0]
    # the team's demo roster is the team's own (demo.builder._roster): b made the same members, already there
    shared = a.store.query_one("SELECT count(*) FROM outbox WHERE state = 'pending' AND entity = 'members'")[0]
    a.close()  # the CLI opens the data dir itself
    exported, answer = round_trip(server, a, tmp_path)
    # what a push would send now: one op per record (a record's second op goes once the first is answered)
    assert exported["ops"] == records and exported["seq"] == 1
    assert answer["ops"] == records and answer["accepted"] == records
    assert (answer["duplicates"], answer["conflicts"], answer["rejected"], answer["already_imported"]) == (
        0,
        0,
        0,
        False,
    )
    assert answer["answer"]["pulled"] > 0
    done = fieldapp("bundle", "import", str(tmp_path / "a.answer.fab"), "--json", env=cli_env(a.data_dir.root))
    assert done.returncode == 0, done.stderr
    taken = json.loads(done.stdout)
    assert taken["accepted"] == records and taken["pending"] == pending - records and taken["pulled"] > 0
    assert taken["already_imported"] is False
    trip, left = 1, taken["pending"]
    while left:  # the next trips take the rest: a record's next op once its last is answered
        trip += 1
        exported, answer = round_trip(server, a, tmp_path, f"a{trip}")
        assert exported["seq"] == trip and 0 < answer["accepted"] == exported["ops"] <= left
        done = fieldapp(
            "bundle", "import", str(tmp_path / f"a{trip}.answer.fab"), "--json", env=cli_env(a.data_dir.root)
        )
        assert done.returncode == 0
        assert json.loads(done.stdout)["pending"] == left - answer["accepted"]
        left -= answer["accepted"]
    assert trip <= 4  # the demo writes a person at most four times in a day
    a.__init__(a.data_dir.root)  # open it again in this process
    assert a.outbox_states() == {"accepted": pending}
    # b gets a's work online; then both hold the same records, as after online syncs
    assert b.sync().pulled >= records - shared  # a record changed twice comes once
    same_everywhere(a, b)
    # a back online: nothing is sent or applied twice, and the counts agree with the server's
    again = a.sync()
    assert (again.pushed, again.pending, again.rejected, again.conflicts, again.mismatched) == (0, 0, 0, 0, {})
    assert again.resync is False
    same_everywhere(a, b)
    assert a.store.check() == []


def test_importing_twice_changes_nothing(team, tmp_path):
    server, a, _b = team
    add_demo(a, persons=30, days=1, seed=3)
    left = later(a)
    a.close()
    _exported, first = round_trip(server, a, tmp_path)
    again = server_import(server, tmp_path / "a.fab", "--no-answer")
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert second["already_imported"] is True and second["accepted"] == first["accepted"]
    a.__init__(a.data_dir.root)
    taken = import_bundle(a.store, tmp_path / "a.answer.fab")
    assert taken.already_imported is False and taken.pending == left
    before = snapshot(a)
    twice = import_bundle(a.store, tmp_path / "a.answer.fab")
    assert twice.already_imported is True
    assert snapshot(a) == before
    a.close()
    said = fieldapp("bundle", "import", str(tmp_path / "a.answer.fab"), "--lang", "en", env=cli_env(a.data_dir.root))
    assert said.returncode == 0 and "already imported" in said.stdout
    a.__init__(a.data_dir.root)


def test_online_sync_between_export_and_answer_sends_nothing_twice(team, tmp_path):
    server, a, b = team
    add_demo(a, persons=30, days=1, seed=4)
    pending = a.outbox_states()["pending"]
    sent = pending - later(a)
    export_bundle(a.store, tmp_path / "a.fab")
    assert server_import(server, tmp_path / "a.fab").returncode == 0
    online = a.sync()  # the network came back before the stick did: the same ops again, the same answers
    assert online.pushed == pending and online.rejected == 0 and online.pending == 0
    taken = import_bundle(a.store, tmp_path / "a.answer.fab")
    assert taken.settled_before == sent and taken.accepted == 0
    assert a.outbox_states() == {"accepted": pending}
    assert a.sync().mismatched == {}
    b.sync()
    same_everywhere(a, b)


def test_a_conflict_by_bundle_lands_in_the_conflicts_list(team, tmp_path):
    server, a, b = team
    add_demo(a, persons=20, days=1, seed=5)
    a.sync()
    b.sync()
    pid = a.store.query_one("SELECT id FROM persons WHERE erased_at IS NULL ORDER BY id LIMIT 1")[0]
    pa = PERSON.decode(a.store.query_one(f"{PERSON.select_sql} WHERE id = ?", (pid,)))
    pb = PERSON.decode(b.store.query_one(f"{PERSON.select_sql} WHERE id = ?", (pid,)))
    with writing(b.store, b.actor()) as w:
        w.update(replace(pb, phone="0988000222"), ["phone"])
    b.sync()
    with writing(a.store, a.actor()) as w:
        w.update(replace(pa, phone="0912000111"), ["phone"])
    export_bundle(a.store, tmp_path / "a.fab")
    assert server_import(server, tmp_path / "a.fab").returncode == 0
    taken = import_bundle(a.store, tmp_path / "a.answer.fab")
    assert taken.conflicts == 1 and taken.open_conflicts == 1
    (c,) = conflicts(a.store)
    assert c.entity_id == pid and c.ours["phone"] == "0912000111" and c.theirs["phone"] == "0988000222"


def test_no_server_key_yet_is_said_clearly(server, laptops, tmp_path):
    server.add_team("Tổ 1")
    a = laptops("a")
    with pytest.raises(BundleRefused) as refused:
        export_bundle(a.store, tmp_path / "a.fab")
    assert refused.value.code == "bundle.not_enrolled"
    a.enrol(server, "Tổ 1")
    with a.store.transaction() as conn:  # as a laptop enrolled before bundles existed
        conn.execute("DELETE FROM meta WHERE key = 'bundle_server_keys'")
    a.close()
    done = fieldapp("bundle", "export", "-o", str(tmp_path / "a.fab"), env=cli_env(a.data_dir.root))
    assert done.returncode == 1 and "đồng bộ qua mạng một lần" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "a.fab").exists()
    a.__init__(a.data_dir.root)
    a.sync()  # its next online sync brings the key
    assert export_bundle(a.store, tmp_path / "a.fab").ops == 0


def test_wrong_device_wrong_direction_and_older_answers_are_refused(team, tmp_path):
    server, a, b = team
    add_demo(a, persons=20, days=1, seed=6)
    export_bundle(a.store, tmp_path / "a.fab")
    assert server_import(server, tmp_path / "a.fab").returncode == 0
    second = fieldapp(
        "server", "bundle", "export", "--device", a.device_id, "-o", str(tmp_path / "a2.fab"), "--json",
        "--database-url", server.database_url, env=cli_env(server.root / "laptop-unused"),
    )  # fmt: skip
    assert second.returncode == 0, second.stderr and json.loads(second.stdout)["seq"] == 2
    before_b = snapshot(b)
    for path, code in ((tmp_path / "a.answer.fab", "bundle.wrong_device"), (tmp_path / "a.fab", "bundle.wrong_kind")):
        with pytest.raises(BundleRefused) as refused:
            import_bundle(b.store, path)
        assert refused.value.code == code
    assert snapshot(b) == before_b
    import_bundle(a.store, tmp_path / "a2.fab")
    before = snapshot(a)
    with pytest.raises(BundleRefused) as refused:
        import_bundle(a.store, tmp_path / "a.answer.fab")
    assert refused.value.code == "bundle.older"
    assert snapshot(a) == before


def test_a_revoked_laptops_bundle_is_refused_by_the_server(team, tmp_path):
    server, a, _b = team
    add_demo(a, persons=20, days=1, seed=7)
    export_bundle(a.store, tmp_path / "a.fab")
    before = server.stats()
    server.revoke(a.device_id)
    done = server_import(server, tmp_path / "a.fab")
    assert done.returncode == 1 and "thu hồi" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "a.answer.fab").exists()
    assert server.stats() == before


@pytest.fixture
def stick(team, tmp_path):
    """A laptop bundle and the server's answer to it, as bytes, with the laptop's state before the answer."""
    server, a, _b = team
    add_demo(a, persons=20, days=1, seed=8)
    a.left = later(a)
    export_bundle(a.store, tmp_path / "a.fab")
    up = (tmp_path / "a.fab").read_bytes()
    from fieldapp.server import admin

    store = admin.open_store(server.database_url)
    try:
        before = store.counts()
        yield server, a, store, up, before, tmp_path
    finally:
        store.close()


def _mangle(data: bytes, cut: int | None, flip: int | None, bit: int) -> bytes:
    if cut is not None:
        return data[: cut % len(data)]
    i = flip % len(data)
    return data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1 :]


mangling = st.one_of(
    st.tuples(st.integers(0, 10**9), st.none(), st.just(0)),
    st.tuples(st.none(), st.integers(0, 10**9), st.integers(0, 7)),
)


def test_a_bit_flipped_or_cut_laptop_bundle_changes_nothing_on_the_server(stick):
    from fieldapp.server.bundle import import_bundle as server_import_bundle

    _server, _a, store, up, before, _tmp = stick

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(mangling)
    def check(m):
        bad = _mangle(up, *m)
        with pytest.raises(BundleRefused):
            server_import_bundle(store, bad)
        assert store.counts() == before

    check()
    assert server_import_bundle(store, up).accepted > 0  # the genuine one still goes in


def test_a_bit_flipped_or_cut_answer_changes_nothing_on_the_laptop(stick):
    from fieldapp.server.bundle import answer_bundle
    from fieldapp.server.bundle import import_bundle as server_import_bundle

    _server, a, store, up, _before, tmp = stick
    left = a.left
    server_import_bundle(store, up)
    down, _info = answer_bundle(store, a.device_id)
    before = snapshot(a)
    path = tmp / "bad.fab"

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(mangling)
    def check(m):
        path.write_bytes(_mangle(down, *m))
        with pytest.raises(BundleRefused):
            import_bundle(a.store, path)
        assert snapshot(a) == before

    check()
    path.write_bytes(down)
    assert import_bundle(a.store, path).pending == left


def test_a_bundle_signed_by_another_key_is_forged(stick):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from fieldapp.protocol.bundle import UP, read_header, seal
    from fieldapp.server.bundle import import_bundle as server_import_bundle
    from fieldapp.server.bundle import public_keys

    _server, a, store, up, before, _tmp = stick
    header, _aad, _rest = read_header(up)
    body = {"bundle_id": header.bundle_id, "device_id": a.device_id, "seq": header.seq, "ops": [],
            "cursor": 0, "reply_key": "00" * 32}  # fmt: skip
    fake = seal(
        body, kind=UP, device_id=a.device_id, bundle_id=header.bundle_id, seq=header.seq,
        created_at=header.created_at, recipient=bytes.fromhex(public_keys(store)["box"]),
        signer=Ed25519PrivateKey.generate(),
    )  # fmt: skip
    with pytest.raises(BundleRefused) as refused:
        server_import_bundle(store, fake)
    assert refused.value.code == "bundle.forged"
    assert store.counts() == before


def test_rejections_by_bundle_are_listed_like_online_ones(team, tmp_path):
    server, a, _b = team
    add_demo(a, persons=10, days=1, seed=9)
    left = later(a)
    # an op the server refuses (a team other than the laptop's): parked with its reason, the rest goes in
    row = a.store.query_one("SELECT op_id, payload FROM outbox WHERE entity = 'consultations' ORDER BY seq LIMIT 1")
    payload = json.loads(row[1])
    payload["team_id"] = "someone-elses-team"
    with a.store.transaction() as conn:
        conn.execute("UPDATE outbox SET payload = ? WHERE op_id = ?", (json.dumps(payload), row[0]))
    export_bundle(a.store, tmp_path / "a.fab")
    answer = json.loads(server_import(server, tmp_path / "a.fab").stdout)
    assert answer["rejected"] == 1 and answer["rejected_reasons"] == {"forbidden": 1}
    taken = import_bundle(a.store, tmp_path / "a.answer.fab")
    assert taken.rejected == 1 and taken.pending == left
    (refused,) = rejected_ops(a.store)
    assert refused.op_id == row[0] and refused.reason == "forbidden" and refused.http == 403


def test_an_unusable_data_dir_or_database_exits_3(server, tmp_path):
    from tests.conftest import cli_env as env_for

    locked = env_for(tmp_path / "laptop")
    assert fieldapp("stats", env=locked).returncode == 0  # made, encrypted with the tests' passphrase
    del locked["FIELDAPP_PASSPHRASE"]
    done = fieldapp("bundle", "export", "-o", str(tmp_path / "a.fab"), env=locked)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    (tmp_path / "up.fab").write_bytes(b"FIELDAPP-BUNDLE\n")
    done = fieldapp("server", "bundle", "import", str(tmp_path / "up.fab"), "--database-url",
                    "postgresql://nobody@127.0.0.1:1/none", env=env_for(tmp_path / "srv"))  # fmt: skip
    assert done.returncode == 3 and "Traceback" not in done.stderr, done.stderr


def test_a_laptop_that_syncs_only_by_usb_gets_its_next_receipt_book(team, tmp_path):
    """Its book used up in the mountains: the up bundle says so (receipt_next), the server gives the next
    book on import, and the answer's devices list brings it (docs/sync-api.md, "Receipts")."""
    server, a, _b = team
    ((first, last),) = a.store.query("SELECT first, last FROM receipt_blocks WHERE device_id = ?", (a.device_id,))
    with a.store.transaction() as conn:  # as after its last number was issued
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('receipt_book_last', ?)", (str(last),))
    a.close()
    round_trip(server, a, tmp_path)
    done = fieldapp("bundle", "import", str(tmp_path / "a.answer.fab"), "--json", env=cli_env(a.data_dir.root))
    assert done.returncode == 0, done.stderr
    a.__init__(a.data_dir.root)
    books = a.store.query("SELECT first, last FROM receipt_blocks WHERE device_id = ? ORDER BY first", (a.device_id,))
    assert books[0] == (first, last) and len(books) == 2 and books[1][0] > last
