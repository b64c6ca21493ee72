"""The teams' PIN keys as this laptop keeps them (docs/sync-api.md, "Member PINs"): the key new verifiers are
sealed under, the earlier ones a verifier may still be sealed under, the server's keys when it gives them, and
the members' verifiers sealed again under the current key. Sign-in (services.team) and sync (the keys the
server sends, by network or by USB stick) both use them."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from fieldapp.domain import pins
from fieldapp.storage import team as team_store
from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store

log = logging.getLogger(__name__)


def team_key(conn: Connection, team_id: str) -> bytes:
    """The key new verifiers of `team_id` are sealed under: the server's, or a local one made now (a laptop
    not enrolled in that team: demo data). The server's replaces a local one when it arrives."""
    keys = team_store.pin_keys(conn)
    entry = keys.get(team_id)
    if entry and entry.get("key"):
        return bytes.fromhex(entry["key"])
    key = secrets.token_bytes(pins.KEY_BYTES)
    keys[team_id] = {"key": key.hex(), "server": False, "old": []}
    team_store.save_pin_keys(conn, keys)
    log.info("made a local PIN key %s for team %s", pins.key_id(key), team_id)
    return key


def team_keys(conn: Connection, team_id: str) -> dict[str, bytes]:
    """Every key a verifier of `team_id` may be sealed under here (current and earlier), by key id."""
    entry = team_store.pin_keys(conn).get(team_id) or {}
    return pins.keyring(*(bytes.fromhex(k) for k in [entry.get("key"), *entry.get("old", ())] if k))


def remember_pin_keys(store: Store, answer: Any) -> int:
    """Keep the PIN keys the server gave (the enrolment answer's `pin_keys`, or GET /v1/pin-keys) and seal
    the members' verifiers under them; returns how many verifiers were sealed again. An answer without
    keys (an older server) changes nothing."""
    entries = answer.get("keys") if isinstance(answer, Mapping) else answer
    given: dict[str, bytes] = {}
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("team_id"), str):
            continue
        try:
            key = bytes.fromhex(str(entry.get("key")))
        except ValueError:
            continue
        if len(key) == pins.KEY_BYTES:
            given[entry["team_id"]] = key
    with store.transaction() as conn:
        keys = team_store.pin_keys(conn)
        changed = False
        for team_id, key in given.items():
            entry = keys.get(team_id) or {"key": None, "server": False, "old": []}
            if entry.get("key") == key.hex() and entry.get("server"):
                continue
            old = [k for k in [entry.get("key"), *entry.get("old", ())] if k and k != key.hex()]
            keys[team_id] = {"key": key.hex(), "server": True, "old": old}
            changed = True
        if changed:
            team_store.save_pin_keys(conn, keys)
        return seal_members(conn, given)


def seal_members(conn: Connection, team_ids: Iterable[str] | None = None) -> int:
    """Seal under the current key every verifier of these teams' members (all teams: None) that is bare
    (written by an older version, or pulled from one) or sealed under an earlier key of the team; the ops
    still waiting to carry those rows get the new seal too. A verifier sealed under a key this laptop does
    not have is left as it is. Returns how many were sealed again."""
    keys = team_store.pin_keys(conn)
    teams = set(keys) if team_ids is None else {t for t in team_ids if t in keys}
    done = 0
    for team_id in sorted(teams):
        current = bytes.fromhex(keys[team_id]["key"])
        known = team_keys(conn, team_id)
        kid = pins.key_id(current)
        for member in team_store.members_in(conn, team_id):
            value = member.pin_hash
            if not value or pins.sealed_key_id(value) == kid:
                continue
            if pins.is_verifier(value):
                verifier = value
            else:
                try:
                    verifier = pins.unseal(value, known, member.id)
                except pins.SealError:
                    continue
            sealed = pins.seal(verifier, current, member.id)
            team_store.put_pin_hash(conn, member.id, sealed)
            team_store.reseal_pending_ops(conn, member.id, sealed)
            done += 1
    if done:
        log.info("sealed %d member PIN verifiers under their team's PIN key", done)
    return done
