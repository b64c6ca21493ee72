"""Joining a laptop to a team on the server with a one-time code (docs/sync-api.md, "Authentication").

The laptop sends its device id, a name and its receipt-signing public key (made now if it has none), and
keeps the token, the team (made the current team) and the province in its encrypted store's meta.

Work made before enrolment may belong elsewhere: demo data is made for a demo team of its own, and a laptop
handed from one team (or province) to another holds the first one's work. The server refuses such ops
(403 `forbidden`), so enrolling is two steps: `request_enrolment` asks the server and looks over the work
not sent yet with the same scope rules the server applies (a record naming another team, a registry record
of another province, and whatever refers to one of those); the person sees how much will not sync and
may cancel; `accept_enrolment` keeps the token and parks those ops as refused with the reason
`other_scope`, so they are listed with it and never sent. Nothing is deleted. The code stays usable by
this laptop (the server answers the same device id again), so a cancelled enrolment can be done later.
`enrol` does both, with a `confirm` callback deciding (None: go on).
"""

from __future__ import annotations

import json
import logging
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fieldapp.domain import enrol_proof
from fieldapp.domain.admin_units import communes
from fieldapp.domain.clock import utcnow
from fieldapp.domain.receipt_books import valid_blocks
from fieldapp.errors import InputRefused
from fieldapp.protocol.encoding import encode_datetime
from fieldapp.protocol.roles import needs_leader_actor
from fieldapp.storage import receipt_books
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import sync as storage
from fieldapp.storage.driver import Connection
from fieldapp.storage.pin_keys import remember_pin_keys
from fieldapp.storage.signing_key import device_key
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, writing
from fieldapp.sync.errors import HttpRefused, SyncError
from fieldapp.sync.transport import RetryPolicy, Transport

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

OTHER_SCOPE = "other_scope"  # the reason of an op parked at enrolment
_CODE_ERRORS = {
    "code_unknown": "sync.code_unknown",
    "code_used": "sync.code_used",
    "code_expired": "sync.code_expired",
    "device_taken": "sync.device_taken",
    "key_taken": "sync.device_taken",
}


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    server_url: str
    team_id: str | None
    team_name: str | None
    province_code: str | None
    clock_skew_seconds: float | None  # server time minus laptop time at enrolment (nothing depends on it)
    outside: Outside | None = None  # the work parked as of another team or province


def normalise_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) < len("http://x"):
        raise InputRefused("sync.bad_url", url=url)
    return url


@dataclass(frozen=True)
class Outside:
    """The work not sent yet that the team enrolled in cannot take."""

    ops: int = 0
    records: int = 0
    by_entity: dict[str, int] = field(default_factory=dict)  # records per table
    teams: tuple[str, ...] = ()  # the other teams the work was made for (names, else ids)
    provinces: tuple[str, ...] = ()  # the other provinces (codes) of registry records
    op_ids: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ops > 0


@dataclass(frozen=True)
class Offer:
    """The server's answer to an enrolment, not kept yet: the laptop is enrolled by accept_enrolment."""

    server_url: str
    token: str
    name: str
    team: dict[str, Any] | None
    province_code: str | None
    skew: float | None
    outside: Outside
    bundle_keys: Any = None  # the server's keys for sync by USB stick (fieldapp.sync.bundle)
    device_number: int | None = None  # the device part of this laptop's receipt series (before books)
    pin_keys: Any = field(default=None, repr=False)  # the team's PIN key (fieldapp.services.team)
    receipt_blocks: Any = None  # its receipt books, [[first, last], …] (fieldapp.domain.receipt_books)

    @property
    def team_id(self) -> str | None:
        return (self.team or {}).get("id")

    @property
    def team_name(self) -> str | None:
        return (self.team or {}).get("name")


def _text(value: Any) -> str | None:
    """A field as the server reads an id or a code; anything else is the server's to call invalid."""
    return value if isinstance(value, str) and value else None


def outside_work(conn: Connection, team_id: str | None, province: str | None) -> Outside:
    """The unsent ops the server would refuse as `forbidden` for a device of this team (or, with team_id
    None, of this province): the server's scope rules (docs/sync-api.md, "Scope"), and every record that
    refers to such a record (a receipt of a refused enrolment would be an orphan on the server)."""
    teams = storage.local_teams(conn)
    codes = communes()
    out_keys: set[tuple[str, str]] = set()
    out_ops: list[str] = []
    other_teams: set[str] = set()
    other_provinces: set[str] = set()
    fks: dict[str, tuple[tuple[str, str], ...]] = {}

    def outside(entity: str, entity_id: str, op: str, rec: dict[str, Any] | None, actor: str | None) -> bool:
        if (entity, entity_id) in out_keys:
            return True
        if needs_leader_actor(entity, op) and ("members", actor) in out_keys:
            return True  # a leader's work, by another team's leader (docs/sync-api.md, "Roles")
        if entity == "devices" or not isinstance(rec, dict):
            return False
        tid = _text(rec.get("team_id"))
        if entity == "teams":
            if op == "create":  # teams are made on the server: only the enrolled team's own row goes
                tid = entity_id if entity_id != team_id else None
            else:  # a team device edits its own team; a province device its province's (checked below)
                tid = entity_id if team_id is not None else None
        if tid is not None and tid != team_id:
            in_province = team_id is None and entity != "teams" and teams.get(tid, ("", None))[1] == province
            if not in_province:  # a province device takes its province's teams' work, nothing else
                other_teams.add(teams.get(tid, (tid, None))[0] or tid)
                return True
        code = _text(rec.get("commune_code"))
        commune = codes.get(code) if code else None
        for where in (_text(rec.get("province_code")), commune.province_code if commune else None):
            if where is not None and where != province:
                other_provinces.add(where)
                return True
        if entity not in fks:
            fks[entity] = storage.foreign_keys(conn, entity) if entity in storage.BY_TABLE else ()
        return any((parent, _text(rec.get(col))) in out_keys for col, parent in fks[entity])

    for op_id, entity, entity_id, op, payload, actor in storage.unsent_ops(conn):
        try:
            body = json.loads(payload)
        except ValueError:
            continue  # the server will say what it is (invalid); not a matter of scope
        rec = body if op == "create" else body.get("record") if isinstance(body, dict) else None
        if outside(entity, entity_id, op, rec, actor):
            out_keys.add((entity, entity_id))
            out_ops.append(op_id)
    by_entity: dict[str, int] = {}
    for entity, _id in out_keys:
        by_entity[entity] = by_entity.get(entity, 0) + 1
    return Outside(len(out_ops), len(out_keys), by_entity, tuple(sorted(other_teams)), tuple(sorted(other_provinces)),
                   tuple(out_ops))  # fmt: skip


def outside_message(offer: Offer, lang: str) -> str:
    """The warning shown before enrolling when some work will not sync (empty when all of it will)."""
    from fieldapp.domain.admin_units import provinces
    from fieldapp.i18n import t

    o = offer.outside
    if not o:
        return ""
    names = provinces()
    where = [t("sync.the_team", lang, team=team) for team in o.teams]
    where += [t("sync.the_province", lang, province=names[p].name if p in names else p) for p in o.provinces]
    if offer.team_name:
        target = t("sync.the_team", lang, team=offer.team_name)
    else:
        p = offer.province_code or ""
        target = t("sync.the_province", lang, province=names[p].name if p in names else p)
    return t("sync.enrol_outside", lang, records=o.records, where=", ".join(where), team=target)


def request_enrolment(
    store: Store,
    server_url: str,
    code: str,
    *,
    name: str | None = None,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> Offer:
    """Ask the server to enrol this laptop; nothing of the answer is kept yet (see accept_enrolment)."""
    url = normalise_url(server_url)
    code = (code or "").strip()
    if not code:
        raise SyncError("sync.code_unknown")
    name = (name or platform.node() or "laptop").strip()[:80]
    with writing(store, Actor(None, store.device_id)) as w:
        # the device row is the server's to publish: made here without an op, then given its key
        storage.ensure_own_device(w.conn, store.device_id, name)
        key = device_key(w)
        key_id, public_key = storage.own_device_key(w.conn, store.device_id)
    body = {"code": code, "device_id": store.device_id, "name": name, "public_key": public_key, "key_id": key_id}
    with Transport(url, transport=transport, retry=retry) as http:
        try:
            proof = _proof(http, key, code, store.device_id, public_key)
            if proof is not None:
                body["proof"] = proof
            answer = http.post("/v1/enrol", body, auth=False)
        except HttpRefused as exc:
            raise SyncError(_CODE_ERRORS.get(exc.code, "sync.refused"), code=exc.code or str(exc.status)) from exc
        except SyncError as exc:
            if exc.code == "sync.enrol_again":  # a 401 without a code's reason: the code is not known
                raise SyncError("sync.code_unknown") from exc
            raise
    token = answer.get("token")
    if not token:
        raise SyncError("sync.bad_answer", what="enrol")
    team = answer.get("team")
    province = answer.get("province_code") or (team or {}).get("province_code")
    skew = None
    if answer.get("server_time"):
        try:
            skew = (datetime.fromisoformat(answer["server_time"]) - utcnow()).total_seconds()
        except (TypeError, ValueError):
            skew = None
    if skew is not None and abs(skew) > 300:
        log.warning("the laptop's clock is %.0f s off the server's; sync does not depend on it", -skew)
    with store.reading() as conn:
        outside = outside_work(conn, (team or {}).get("id"), province)
    if outside:
        log.warning("enrolment offered: %d ops of other teams or provinces (%s)", outside.ops, outside.by_entity)
    number = answer.get("device_number")
    number = number if isinstance(number, int) and not isinstance(number, bool) and number > 0 else None
    return Offer(url, token, name, team, province, skew, outside, answer.get("bundle_keys"), number,
                 pin_keys=answer.get("pin_keys"), receipt_blocks=answer.get("receipt_blocks"))  # fmt: skip


def _proof(http: Transport, key, code: str, device_id: str, public_key: str | None) -> dict[str, str] | None:
    """This laptop's proof that it holds its device's key, over a challenge the server gives now (docs/sync-api.md,
    "Authentication"): what lets it enrol its device id again (an answer lost, a new team). An older server
    without challenges answers 404: it is sent nothing to check."""
    try:
        challenge = http.get("/v1/enrol/challenge").get("challenge")
    except HttpRefused as exc:
        if exc.status in (404, 405):
            return None
        raise
    if not isinstance(challenge, str) or not challenge:
        raise SyncError("sync.bad_answer", what="enrol")
    signature = key.sign(enrol_proof.message(challenge, device_id, code, public_key))
    return {"challenge": challenge, "signature": signature.hex()}


def accept_enrolment(store: Store, offer: Offer) -> Enrolled:
    """Keep the server's answer; the unsent work outside the new scope (looked over again now, the laptop
    may have been used meanwhile) is parked as refused with the reason `other_scope`, in the same
    transaction."""
    team = offer.team
    with store.transaction() as conn:
        outside = outside_work(conn, offer.team_id, offer.province_code)
        storage.save_enrolment(conn, server_url=offer.server_url, token=offer.token,
                               province_code=offer.province_code, team=team)  # fmt: skip
        storage.set_own_device(
            conn, store.device_id, offer.team_id, offer.name, encode_datetime(utcnow()), offer.device_number
        )
        if offer.device_number is not None:
            receipt_store.set_device_number(conn, offer.device_number)
        receipt_books.put_own(conn, store.device_id, valid_blocks(offer.receipt_blocks))  # numbers from now on
        storage.park_unsent(conn, outside.op_ids, OTHER_SCOPE)
    from fieldapp.sync.bundle import remember_server_keys  # the bundle's cryptography, when it is needed

    remember_server_keys(store, offer.bundle_keys)
    remember_pin_keys(store, offer.pin_keys)  # and the team's verifiers sealed under it
    log.info("enrolled at %s: team %s, province %s; %d ops parked as of another scope", offer.server_url,
             offer.team_id, offer.province_code, outside.ops)  # fmt: skip
    return Enrolled(store.device_id, offer.server_url, offer.team_id, offer.team_name, offer.province_code,
                    offer.skew, outside)  # fmt: skip


def enrol(
    store: Store,
    server_url: str,
    code: str,
    *,
    name: str | None = None,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
    confirm: Callable[[Offer], bool] | None = None,
) -> Enrolled:
    """Both steps. With work outside the new scope, `confirm(offer)` decides; False raises SyncError
    `sync.enrol_cancelled` and keeps nothing (None: enrol, and park that work as refused)."""
    offer = request_enrolment(store, server_url, code, name=name, transport=transport, retry=retry)
    if offer.outside and confirm is not None and not confirm(offer):
        raise SyncError("sync.enrol_cancelled")
    return accept_enrolment(store, offer)
