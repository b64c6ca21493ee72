"""Teams and members: creating them, and signing in with a PIN (argon2, lock after failures)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import AuditAction, Role
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Member, Team
from fieldapp.domain.validators import check_name
from fieldapp.errors import InputRefused
from fieldapp.storage import team as team_store
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, writing

log = logging.getLogger(__name__)

PIN_MIN, PIN_MAX = 4, 8
# PINs are short, so the hash's strength is the store's encryption and the lock-out; keep it quick.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def check_pin(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise InputRefused("pin.format", minimum=PIN_MIN, maximum=PIN_MAX)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    check_pin(pin)
    return _hasher.hash(pin, salt=salt) if salt else _hasher.hash(pin)


def new_team(
    name: str,
    province_code: str,
    organisation: str,
    communes: tuple[str, ...],
    *,
    ids=new_id,
    now: datetime | None = None,
) -> Team:
    return Team(ids(), name.strip(), province_code, organisation.strip(), communes, now or utcnow())


def new_member(
    team_id: str,
    full_name: str,
    role: Role,
    code: str,
    pin: str,
    *,
    phone: str | None = None,
    ids=new_id,
    now: datetime | None = None,
    salt: bytes | None = None,
) -> Member:
    name = check_name(full_name)
    if not name.ok:
        raise InputRefused(name.reason.value, **name.params)
    return Member(ids(), team_id, name.value, role, code, phone, hash_pin(pin, salt=salt), True, now or utcnow())


def add_member(w: Writer, member: Member) -> Member:
    return w.add(member)


class SignIn(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NO_PIN = "no_pin"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    member: Member | None = None
    remaining: int = 0  # tries left before the lock
    locked_until: datetime | None = None


def sign_in(
    store: Store,
    member_id: str,
    pin: str,
    *,
    max_failures: int = 5,
    lock_minutes: int = 5,
    now: datetime | None = None,
) -> SignInResult:
    """Check a member's PIN. Failures are counted on this laptop; too many lock the member for a while."""
    now = now or utcnow()
    member = team_store.member(store, member_id)
    if member is None or not member.active:
        raise InputRefused("pin.unknown_member")
    actor = Actor(member_id, store.device_id)
    with writing(store, actor) as w:
        failures, locked_until = team_store.lock_state(w.conn, member_id)
        if locked_until and locked_until > now:
            return SignInResult(SignIn.LOCKED, member, 0, locked_until)
        if not member.pin_hash:
            return SignInResult(SignIn.NO_PIN, member)
        try:
            ok = _hasher.verify(member.pin_hash, pin)
        except (VerificationError, InvalidHashError):
            ok = False
        if ok:
            team_store.set_lock_state(w.conn, member_id, 0, None)
            w.audit(AuditAction.SIGN_IN, "members", member_id)
            return SignInResult(SignIn.OK, member)
        failures += 1
        w.audit(AuditAction.SIGN_IN_FAILED, "members", member_id, failures=failures)
        if failures >= max_failures:
            until = now + timedelta(minutes=lock_minutes)
            team_store.set_lock_state(w.conn, member_id, 0, until)
            log.warning("member %s locked until %s after %s failed PINs", member_id, until, failures)
            return SignInResult(SignIn.LOCKED, member, 0, until)
        team_store.set_lock_state(w.conn, member_id, failures, None)
        return SignInResult(SignIn.WRONG, member, max_failures - failures)


def set_pin(store: Store, actor: Actor, member: Member, pin: str) -> Member:
    from dataclasses import replace

    updated = replace(member, pin_hash=hash_pin(pin))
    with writing(store, actor) as w:
        w.update(updated, ["pin_hash"])
    return updated
