"""Teams and members: creating and managing them, signing in with a PIN (Argon2id, sealed, lock after
failures), and the teams' PIN keys.

Member management (add a member, change a role, set someone else's PIN, deactivate) is for a leader or
an admin of that team (fieldapp.domain.permissions); a member sets their own PIN. PIN verifiers are sealed
under the team's PIN key before they are written (fieldapp.domain.pins): the key the server gave at
enrolment or sync, or, on a laptop not enrolled (demo data), a local one made here. A verifier written
by an older version (bare Argon2) still signs in, and is sealed at the next sync
(`storage.pin_keys.seal_members`, run by fieldapp.sync when the keys arrive, and before every push) or when the
PIN is set again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from fieldapp.domain import pins
from fieldapp.domain.clock import utcnow
from fieldapp.domain.enums import AuditAction, Role
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Member, Team
from fieldapp.domain.permissions import LEADERS, Action, require
from fieldapp.domain.pins import PIN_MAX, PIN_MIN, check_pin, hash_pin
from fieldapp.domain.validators import check_name
from fieldapp.errors import InputRefused
from fieldapp.storage import team as team_store
from fieldapp.storage.driver import Connection
from fieldapp.storage.pin_keys import team_key, team_keys
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, Writer, writing

log = logging.getLogger(__name__)

__all__ = ["PIN_MAX", "PIN_MIN", "check_pin", "hash_pin"]  # where callers have always found them


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
    pin_key: bytes,
    phone: str | None = None,
    ids=new_id,
    now: datetime | None = None,
    salt: bytes | None = None,
    nonce: bytes | None = None,
) -> Member:
    """A member record whose PIN verifier is sealed under `pin_key` (`team_key(conn, team_id)`); `salt`
    and `nonce` fixed only for demo data, which comes out the same wherever it is made."""
    name = check_name(full_name)
    if not name.ok:
        raise InputRefused(name.reason.value, **name.params)
    member_id = ids()
    sealed = pins.seal(hash_pin(pin, salt=salt), pin_key, member_id, nonce=nonce if salt else None)
    return Member(member_id, team_id, name.value, role, code, phone, sealed, True, now or utcnow())


# --- the acting member, and managing members ------------------------------------------------------------


def acting_member(w: Writer) -> Member | None:
    """The member the writer acts for, as the store holds them now (role and team not taken on trust)."""
    return team_store.member_in(w.conn, w.actor.member_id)


def _has_leader(conn: Connection, team_id: str) -> bool:
    return any(m.active and m.role in LEADERS for m in team_store.members_in(conn, team_id))


def add_member(w: Writer, member: Member) -> Member:
    """Add a member (made by `new_member`) to their team: by a leader or admin of that team. A team with
    no leader on this laptop yet takes its first members from the system (no signed-in member)."""
    acting = acting_member(w)
    if acting is not None or _has_leader(w.conn, member.team_id):
        require(acting, Action.MANAGE_MEMBERS, member.team_id)
    if member.pin_hash is not None and not pins.is_sealed(member.pin_hash):
        raise InputRefused("pin.not_sealed")
    return w.add(member)


def _managed(w: Writer, member_id: str) -> Member:
    member = team_store.member_in(w.conn, member_id)
    if member is None:
        raise InputRefused("pin.unknown_member")
    require(acting_member(w), Action.MANAGE_MEMBERS, member.team_id)
    return member


def _keep_a_leader(w: Writer, member: Member, role: Role, active: bool) -> None:
    """A team's last active leader is not demoted nor deactivated: nobody could manage the team after."""
    if member.role in LEADERS and member.active and (role not in LEADERS or not active):
        others = [
            m
            for m in team_store.members_in(w.conn, member.team_id)
            if m.id != member.id and m.active and m.role in LEADERS
        ]
        if not others:
            raise InputRefused("members.last_leader")


def change_role(store: Store, actor: Actor, member_id: str, role: Role) -> Member:
    role = Role(role)
    with writing(store, actor) as w:
        member = _managed(w, member_id)
        if member.role is role:
            return member
        _keep_a_leader(w, member, role, member.active)
        return w.update(replace(member, role=role), ["role"])


def set_active(store: Store, actor: Actor, member_id: str, active: bool) -> Member:
    """Deactivate a member (they no longer sign in; their work stays theirs), or take them back."""
    with writing(store, actor) as w:
        member = _managed(w, member_id)
        if member.active is active:
            return member
        _keep_a_leader(w, member, member.role, active)
        return w.update(replace(member, active=active), ["active"])


def set_pin(store: Store, actor: Actor, member: Member, pin: str) -> Member:
    """Set a member's PIN: their own, or anyone's of the team by a leader or admin of it."""
    check_pin(pin)
    with writing(store, actor) as w:
        current = team_store.member_in(w.conn, member.id)
        if current is None:
            raise InputRefused("pin.unknown_member")
        acting = acting_member(w)
        if acting is None or acting.id != current.id or not acting.active:
            require(acting, Action.MANAGE_MEMBERS, current.team_id)
        updated = replace(current, pin_hash=pins.seal(hash_pin(pin), team_key(w.conn, current.team_id), current.id))
        w.update(updated, ["pin_hash"])
    return updated


# --- signing in -----------------------------------------------------------------------------------------


class SignIn(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NO_PIN = "no_pin"
    NO_KEY = "no_key"  # the verifier is sealed under a key this laptop does not have (sync first)


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
        verifier = member.pin_hash
        if not pins.is_verifier(verifier):  # sealed (or damaged): open it with the team's keys
            try:
                verifier = pins.unseal(verifier, team_keys(w.conn, member.team_id), member.id)
            except pins.SealError as exc:
                log.warning("member %s: PIN verifier does not open here (%s)", member_id, exc.reason)
                return SignInResult(SignIn.NO_KEY, member)
        if pins.verify_pin(verifier, pin):
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


def set_recovery_passphrase(store: Store, actor: Actor, passphrase: str) -> None:
    """Wrap the data's key with a (new) recovery passphrase: a leader's decision, since whoever knows it
    opens this laptop's backups anywhere. Settings only offers it to a leader; the refusal is here."""
    with store.reading() as conn:
        require(team_store.member_in(conn, actor.member_id), Action.SET_PASSPHRASE, team_store.current_team_id(conn))
    store.set_passphrase(passphrase)
