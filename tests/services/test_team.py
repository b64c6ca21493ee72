"""Signing in with a member PIN: argon2 hash, failures counted, a lock after too many."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.demo import DEMO_PIN
from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import Role
from fieldapp.errors import InputRefused
from fieldapp.services.team import SignIn, check_pin, hash_pin, new_member, set_pin, sign_in
from fieldapp.storage import team as team_store
from fieldapp.storage.writer import Actor


def leader(store):
    team = team_store.current_team(store)
    return team_store.members(store, team.id)[0]


def test_pin_is_stored_hashed_and_sealed(demo_store):
    from fieldapp.domain import pins
    from fieldapp.storage.pin_keys import team_keys

    member = leader(demo_store)
    assert member.role is Role.TEAM_LEADER
    assert member.pin_hash.startswith("fapin1$")  # sealed under the team's PIN key (issue 13)
    with demo_store.reading() as conn:
        verifier = pins.unseal(member.pin_hash, team_keys(conn, member.team_id), member.id)
    assert verifier.startswith("$argon2id$")
    assert DEMO_PIN not in member.pin_hash and DEMO_PIN not in verifier


def test_right_pin_signs_in_and_is_audited(demo_store):
    member = leader(demo_store)
    result = sign_in(demo_store, member.id, DEMO_PIN)
    assert result.outcome is SignIn.OK and result.member.id == member.id
    assert (
        demo_store.query_one("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY seq DESC", (member.id,))[0]
        == "sign_in"
    )


def test_wrong_pins_lock_the_member_for_a_while(demo_store):
    member = leader(demo_store)
    now = utcnow()
    for remaining in (4, 3, 2, 1):
        result = sign_in(demo_store, member.id, "0000", max_failures=5, lock_minutes=5, now=now)
        assert result.outcome is SignIn.WRONG and result.remaining == remaining
    result = sign_in(demo_store, member.id, "0000", max_failures=5, lock_minutes=5, now=now)
    assert result.outcome is SignIn.LOCKED
    assert result.locked_until == now + timedelta(minutes=5)
    # even the right PIN waits for the lock to end
    assert sign_in(demo_store, member.id, DEMO_PIN, now=now + timedelta(minutes=4)).outcome is SignIn.LOCKED
    assert sign_in(demo_store, member.id, DEMO_PIN, now=now + timedelta(minutes=6)).outcome is SignIn.OK
    failed = demo_store.query_one(
        "SELECT count(*) FROM audit_log WHERE entity_id = ? AND action = 'sign_in_failed'", (member.id,)
    )[0]
    assert failed == 5


def test_a_success_resets_the_count(demo_store):
    member = leader(demo_store)
    for _ in range(3):
        sign_in(demo_store, member.id, "9999")
    assert sign_in(demo_store, member.id, DEMO_PIN).outcome is SignIn.OK
    assert sign_in(demo_store, member.id, "9999").remaining == 4


def test_unknown_member_is_refused(demo_store):
    with pytest.raises(InputRefused):
        sign_in(demo_store, "no-such-member", DEMO_PIN)


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "١٢٣٤", " 1234"])
def test_bad_pins_are_refused(pin):
    with pytest.raises(InputRefused) as err:
        check_pin(pin)
    assert err.value.code == "pin.format"


def test_set_pin(demo_store):
    member = leader(demo_store)
    set_pin(demo_store, Actor(member.id, demo_store.device_id), member, "5678")
    assert sign_in(demo_store, member.id, "5678").outcome is SignIn.OK
    assert sign_in(demo_store, member.id, DEMO_PIN).outcome is SignIn.WRONG


def test_member_names_are_validated():
    with pytest.raises(InputRefused) as err:
        new_member("t", "Nguyen 123", Role.MEMBER, "X1", "1234", pin_key=bytes(32))
    assert err.value.code == "reason.name.digits"
    assert hash_pin("1234") != hash_pin("1234")  # salted
