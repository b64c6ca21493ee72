"""Issue 13, point 6: a copy of server.db, or of the pulled member rows, gives no member's PIN.

Member PIN verifiers leave a laptop, and rest on the server, only sealed (AES-256-GCM) under the team's PIN
key, which the server derives from a secret kept outside its database and hands only to the team's
enrolled laptops. So the rows hold no Argon2 verifier an offline guess could test, while a member still
signs in on any laptop of the team after a sync.

The tests use the real-server harness of tests/sync (`server`, `laptops`, imported below), not the
security suite's own (tests/security/conftest.py): the test functions take them by name.
"""

# ruff: noqa: F811

from __future__ import annotations

import os
import stat

import pytest
import sqlalchemy as sa

from fieldapp.domain import pins
from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Role
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Member
from fieldapp.server import pins as server_pins
from fieldapp.server.store import ServerStore
from fieldapp.services.team import SignIn, hash_pin, set_pin, sign_in
from fieldapp.storage import team as team_store
from fieldapp.storage.pin_keys import team_keys
from fieldapp.storage.writer import Actor, writing
from tests.sync.conftest import add_demo, laptops, server, two_of_one_team  # noqa: F401 (the tests/sync harness)

ARGON = "$argon2"


def leader_of(laptop) -> Member:
    team = team_store.current_team(laptop.store)
    return next(m for m in team_store.members(laptop.store, team.id) if m.role is Role.TEAM_LEADER)


def server_members(server) -> list[str]:
    """The member rows as the server's database holds them (its JSON text)."""
    store = ServerStore(server.database_url)
    try:
        with store.engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.text("SELECT data FROM records WHERE entity = 'members'"))]
    finally:
        store.close()


def secret_file(server):
    return server.root / "laptop-unused" / "server" / server_pins.SECRET_FILE


def no_verifier_in_the_servers_database(server) -> None:
    rows = server_members(server)
    assert rows and all(ARGON not in r for r in rows)
    if server.backend == "sqlite":  # the file itself, and its write-ahead log
        for path in server.root.glob("server.db*"):
            assert ARGON.encode() not in path.read_bytes(), path


# --- the seal itself ------------------------------------------------------------------------------------


def test_a_seal_opens_only_with_its_team_key_and_for_its_member():
    key, wrong = os.urandom(32), os.urandom(32)
    verifier = hash_pin("1234")
    sealed = pins.seal(verifier, key, "m1")
    assert sealed.startswith(pins.SEALED_PREFIX) and ARGON not in sealed and pins.is_sealed(sealed)
    assert pins.unseal(sealed, pins.keyring(key), "m1") == verifier
    with pytest.raises(pins.SealError) as err:  # another team's key
        pins.unseal(sealed, pins.keyring(wrong), "m1")
    assert err.value.reason == "no_key"
    with pytest.raises(pins.SealError) as err:  # a key claiming the right id is still the wrong key
        pins.unseal(sealed, {pins.key_id(key): wrong}, "m1")
    assert err.value.reason == "damaged"
    with pytest.raises(pins.SealError) as err:  # copied into another member's row
        pins.unseal(sealed, pins.keyring(key), "m2")
    assert err.value.reason == "damaged"
    assert pins.seal(verifier, key, "m1") != sealed  # a fresh nonce every time


def test_the_laptop_keeps_and_queues_only_sealed_verifiers(demo_store):
    rows = demo_store.query("SELECT id, pin_hash FROM members")
    assert rows and all(pins.is_sealed(h) for _id, h in rows)
    payloads = demo_store.query("SELECT payload FROM outbox WHERE entity = 'members'")
    assert payloads and all(ARGON not in p for (p,) in payloads)


def test_an_old_bare_verifier_still_signs_in_and_is_sealed_when_the_pin_is_set(demo_store):
    team = team_store.current_team(demo_store)
    member = next(m for m in team_store.members(demo_store, team.id) if m.role is Role.MEMBER)
    with demo_store.transaction() as conn:  # as a store of the version before holds it
        team_store.put_pin_hash(conn, member.id, hash_pin("4321"))
    assert sign_in(demo_store, member.id, "4321").outcome is SignIn.OK
    set_pin(demo_store, Actor(member.id, demo_store.device_id), member, "8642")
    stored = team_store.member(demo_store, member.id).pin_hash
    assert pins.is_sealed(stored)
    assert sign_in(demo_store, member.id, "8642").outcome is SignIn.OK


def test_a_verifier_under_a_key_this_laptop_lacks_says_so(demo_store):
    team = team_store.current_team(demo_store)
    member = team_store.members(demo_store, team.id)[0]
    with demo_store.transaction() as conn:
        team_store.put_pin_hash(conn, member.id, pins.seal(hash_pin("1234"), os.urandom(32), member.id))
    assert sign_in(demo_store, member.id, "1234").outcome is SignIn.NO_KEY


# --- the server's check and its secret ------------------------------------------------------------------


def test_the_server_refuses_what_is_not_a_sealed_verifier_of_that_team_and_member():
    secret = os.urandom(32)
    key = server_pins.team_key(secret, "team-1")
    good = pins.seal(hash_pin("1234"), key, "m1")
    check = server_pins.pin_hash_refusal
    assert check(None) is None and check(good) is None
    assert check(good, team_id="team-1", member_id="m1", secret=secret) is None
    refused = server_pins.REFUSED
    assert check(hash_pin("1234")) == refused  # bare: the thing an offline guess could test
    assert check("") == refused and check(123) == refused and check("fapin1$zz$abc") == refused
    assert check(good, team_id="team-2", member_id="m1", secret=secret) == refused  # another team's seal
    assert check(good, team_id="team-1", member_id="m2", secret=secret) == refused  # another member's
    other = pins.seal(hash_pin("1234"), os.urandom(32), "m1")
    assert check(other, team_id="team-1", member_id="m1", secret=secret) == refused  # a key of its own
    record = {"id": "m1", "team_id": "team-1", "pin_hash": good}
    assert server_pins.member_refusal(record, "m1", secret) is None
    assert server_pins.member_refusal({**record, "pin_hash": hash_pin("1111")}, "m1", secret) == refused
    # each team its own key; the same secret gives the same key on every server that shares it
    assert key != server_pins.team_key(secret, "team-2") == server_pins.team_key(secret, "team-2")


def test_the_secret_is_made_0600_and_refused_when_others_can_read_it(tmp_path, monkeypatch):
    from fieldapp.errors import StoreUnavailable

    monkeypatch.delenv(server_pins.ENV_SECRET, raising=False)
    path = tmp_path / "server" / server_pins.SECRET_FILE
    secret = server_pins.load_secret(path)
    assert len(secret) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert server_pins.load_secret(path) == secret
    path.chmod(0o644)
    with pytest.raises(StoreUnavailable) as err:
        server_pins.load_secret(path)
    assert err.value.code == "server.pin_secret_open"
    monkeypatch.setenv(server_pins.ENV_SECRET, "ab" * 32)  # several servers behind a load balancer
    assert server_pins.load_secret(path) == bytes.fromhex("ab" * 32)
    monkeypatch.setenv(server_pins.ENV_SECRET, "not hex")
    with pytest.raises(StoreUnavailable):
        server_pins.load_secret(path)


# --- against a real server ------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_pin_works_on_a_second_laptop_and_no_copy_holds_a_verifier(backend, server, laptops):
    assert server.backend == backend
    a, b = two_of_one_team(server, laptops)
    add_demo(a, persons=60, days=1)
    ra = a.sync()
    rb = b.sync()
    assert (ra.rejected, rb.rejected) == (0, 0)
    leader = leader_of(b)
    assert sign_in(b.store, leader.id, "1234").outcome is SignIn.OK  # offline, on the other laptop
    assert sign_in(b.store, leader.id, "0000").outcome is SignIn.WRONG
    # what was pushed, what the server holds, what was pulled: ciphertext only
    pushed = a.store.query("SELECT payload FROM outbox WHERE entity = 'members'")
    assert pushed and all(ARGON not in p for (p,) in pushed)
    no_verifier_in_the_servers_database(server)
    pulled = [h for (h,) in b.store.query("SELECT pin_hash FROM members")]
    assert pulled and all(pins.is_sealed(h) for h in pulled)
    # the key is not in the database: it comes from the secret file (0600), beside it but apart
    path = secret_file(server)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = server_pins.load_secret(path, create=False)
    assert secret.hex().encode() not in b"".join(r.encode() for r in server_members(server))
    right = pins.keyring(server_pins.team_key(secret, leader.team_id))
    assert pins.is_verifier(pins.unseal(leader.pin_hash, right, leader.id))
    with pytest.raises(pins.SealError):  # a wrong team key can't unseal
        pins.unseal(leader.pin_hash, pins.keyring(server_pins.team_key(os.urandom(32), leader.team_id)), leader.id)
    with b.store.reading() as conn:
        assert team_keys(conn, leader.team_id) == right  # what the laptop was given


def test_old_bare_verifiers_are_sealed_at_the_next_sync(server, laptops):
    a, b = two_of_one_team(server, laptops)
    add_demo(a, persons=30, days=1)
    team = team_store.current_team(a.store)
    old = Member(new_id(), team.id, "Đỗ Thị Cũ", Role.MEMBER, "330177", None, hash_pin("4321"), True, utcnow())
    leader = next(m for m in team_store.members(a.store, team.id) if m.role is Role.TEAM_LEADER)
    with writing(a.store, Actor(leader.id, a.device_id)) as w:  # as the version before wrote it, not sent yet
        w.add(old)
    assert a.sync().rejected == 0
    assert pins.is_sealed(team_store.member(a.store, old.id).pin_hash)
    no_verifier_in_the_servers_database(server)
    b.sync()
    assert sign_in(b.store, old.id, "4321").outcome is SignIn.OK


def test_the_server_seals_the_bare_verifiers_it_already_holds(server, laptops):
    a, b = two_of_one_team(server, laptops)
    add_demo(a, persons=30, days=1)
    a.sync()
    leader = leader_of(a)
    server.stop()
    store = ServerStore(server.database_url)  # a database from before this version: bare verifiers
    try:
        bare = hash_pin("1357")
        assert store.rewrite_records("members", lambda d, rid: {**d, "pin_hash": bare} if rid == leader.id else None)
    finally:
        store.close()
    assert any(ARGON in r for r in server_members(server))
    server.start()  # sealed at start, with a new version every laptop pulls
    no_verifier_in_the_servers_database(server)
    b.sync()
    assert sign_in(b.store, leader.id, "1357").outcome is SignIn.OK
    assert pins.is_sealed(team_store.member(b.store, leader.id).pin_hash)


def test_a_laptop_that_syncs_only_by_usb_stick_gets_the_key_in_the_answer(server, laptops, tmp_path):
    from fieldapp.sync.bundle import import_bundle
    from tests.conftest import cli_env
    from tests.sync.conftest import fieldapp

    a, b = two_of_one_team(server, laptops)
    add_demo(b, persons=30, days=1)
    b.sync()  # the team's members, sealed under the team's key, are on the server
    a.sync()  # a laptop enrolled before this version (no PIN key yet) that has had its server keys once...
    with a.store.transaction() as conn:
        team_store.save_pin_keys(conn, {})  # ...and now meets the sealed rows with no key
    leader = leader_of(a)
    assert sign_in(a.store, leader.id, "1234").outcome is SignIn.NO_KEY
    up = tmp_path / "a.fab"
    done = fieldapp("bundle", "export", "-o", str(up), "--json", env=cli_env(a.data_dir.root))
    assert done.returncode == 0, done.stderr
    done = fieldapp("server", "bundle", "import", str(up), "--json", "--database-url", server.database_url,
                    env=cli_env(server.root / "laptop-unused"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    import_bundle(a.store, tmp_path / "a.answer.fab")
    assert sign_in(a.store, leader.id, "1234").outcome is SignIn.OK
