"""What the server answers to each pushed op, decided in plain Python against the records it holds.

`Planner.decide` takes one op and the state left by the ops before it (in this batch and in the database)
and gives its answer and the record it changes, if any; `store.ServerStore.push` writes the results. The
rules are docs/sync-api.md's, plus one it adds: a device's own queued edits follow each other. A laptop
keeps the version it last heard from the server on every edit it makes until it syncs, so its second
offline edit of a record carries the same `base_version` as its first. An edit whose base_version is the
one this device's previous accepted edit of the record carried, with no other device writing in between,
is therefore applied, not answered as a conflict: the only changes it has not seen are its own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fieldapp.domain.admin_units import communes
from fieldapp.server.codec import ERASED_FIELDS, REGISTRY, Invalid, _datetime, codec

FORBIDDEN, REUSED = 403, 409


@dataclass(frozen=True)
class Device:
    id: str
    team_id: str | None
    province_code: str
    role: str  # "team" or "province"
    name: str = ""
    revoked_at: str | None = None
    last_seen: str | None = None


@dataclass(frozen=True)
class OpIn:
    op_id: str
    entity: str
    entity_id: str
    op: str
    base_version: int | None
    payload: Any
    created_at: str | None = None

    def content_sha256(self) -> str:
        """SHA-256 of the canonical JSON of [entity, entity_id, op, base_version, payload], keys sorted."""
        text = json.dumps(
            [self.entity, self.entity_id, self.op, self.base_version, self.payload],
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Answer:
    op_id: str
    status: str  # accepted / conflict / rejected
    version: int | None = None
    reason: str | None = None
    http: int | None = None
    current: dict[str, Any] | None = None
    duplicate: bool = False

    def stored(self) -> str:
        """The answer as kept in `ops.result` (the op id is the row's key)."""
        if self.current is None:
            return _plain_answer(self.status, self.version, self.reason, self.http)
        body = {"status": self.status, "version": self.version, "reason": self.reason, "http": self.http}
        body["current"] = self.current
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_stored(cls, op_id: str, text: str, *, duplicate: bool) -> Answer:
        body = json.loads(text)
        return cls(
            op_id,
            body["status"],
            body.get("version"),
            body.get("reason"),
            body.get("http"),
            body.get("current"),
            duplicate,
        )

    def wire(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "status": self.status,
            "version": self.version,
            "reason": self.reason,
            "http": self.http,
            "current": self.current,
            "duplicate": self.duplicate,
        }


@lru_cache(maxsize=256)  # most answers are one of a few: accepted at version 1, accepted fact, forbidden...
def _plain_answer(status: str, version: int | None, reason: str | None, http: int | None) -> str:
    body = {"status": status, "version": version, "reason": reason, "http": http}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Rec:
    """A record as the server holds it; `db_pos` is its feed position in the database (None: not there)."""

    entity: str
    id: str
    scope_team: str
    scope_province: str
    version: int | None
    data: dict[str, Any]
    db_pos: int | None
    last_device: str | None
    chain_base: int | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.entity, self.id)


@dataclass(frozen=True)
class PriorOp:
    device_id: str
    content_sha256: str
    result: str  # Answer.stored()


class _Refused(Exception):
    def __init__(self, reason: str, http: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http = http


def visible(device: Device, scope_team: str, scope_province: str) -> bool:
    if scope_province != device.province_code:
        return False
    return device.role == "province" or scope_team in ("", device.team_id)


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "version"}


class Planner:
    """Decides the ops of one push, in order, for one device.

    `prior_ops` and `records` are what the database holds for this batch's op ids and records (loaded by
    the store); they are updated as ops are decided, so a later op sees the earlier ones' effects.
    """

    def __init__(
        self,
        device: Device,
        prior_ops: dict[str, PriorOp],
        records: dict[tuple[str, str], Rec],
        team_province: Callable[[str], str | None],
    ) -> None:
        self.device = device
        self.prior_ops = prior_ops
        self.records = records
        self.team_province = team_province

    def decide(self, op: OpIn) -> tuple[Answer, bool, Rec | None]:
        """(answer, whether to keep it under the op id, the record as it now is if the op changed it)."""
        sha = op.content_sha256()
        prior = self.prior_ops.get(op.op_id)
        if prior is not None:
            if prior.device_id == self.device.id and prior.content_sha256 == sha:
                return Answer.from_stored(op.op_id, prior.result, duplicate=True), False, None
            return Answer(op.op_id, "rejected", reason="op_id_reused", http=REUSED), False, None
        try:
            answer, rec = self._apply(op)
        except _Refused as refused:
            answer, rec = Answer(op.op_id, "rejected", reason=refused.reason, http=refused.http), None
        if rec is not None:
            self.records[rec.key] = rec
        self.prior_ops[op.op_id] = PriorOp(self.device.id, sha, answer.stored())
        return answer, True, rec

    def forget(self, op: OpIn, before: Rec | None) -> None:
        """Undo `decide` of an op whose write failed (the store answers it `invalid` instead)."""
        self.prior_ops.pop(op.op_id, None)
        key = (op.entity, op.entity_id)
        if before is None:
            self.records.pop(key, None)
        else:
            self.records[key] = before

    # --- the rules -------------------------------------------------------------------------------

    def _apply(self, op: OpIn) -> tuple[Answer, Rec | None]:
        c = codec(op.entity)
        if c is None:
            raise _Refused("unknown_entity")
        if op.entity == "devices":
            return self._device_op(op)
        if op.op == "create":
            return self._create(op, c)
        if op.op in ("update", "erase"):
            return self._edit(op, c)
        raise _Refused("invalid")

    def _create(self, op: OpIn, c) -> tuple[Answer, Rec | None]:
        record = self._normalise(c, op.payload)
        if record["id"] != op.entity_id:
            raise _Refused("invalid")
        scope = self._scope(op.entity, record)
        existing = self.records.get((op.entity, op.entity_id))
        if existing is not None:
            if not visible(self.device, existing.scope_team, existing.scope_province):
                raise _Refused("forbidden", FORBIDDEN)
            if _without_version(existing.data) == _without_version(record):
                return Answer(op.op_id, "accepted", version=existing.version), None
            if c.mutable:
                return self._conflict(op, existing), None
            raise _Refused("exists")
        if op.entity == "teams":  # teams are made on the server (`fieldapp server team add`)
            raise _Refused("forbidden", FORBIDDEN)
        version = None
        if c.mutable:
            version = 1
            record["version"] = version
        rec = Rec(op.entity, op.entity_id, *scope, version, record, None, self.device.id, 0)
        return Answer(op.op_id, "accepted", version=version), rec

    def _edit(self, op: OpIn, c) -> tuple[Answer, Rec | None]:
        if not c.mutable:
            raise _Refused("immutable")
        existing = self.records.get((op.entity, op.entity_id))
        if existing is None:
            raise _Refused("unknown_record")
        if not visible(self.device, existing.scope_team, existing.scope_province):
            raise _Refused("forbidden", FORBIDDEN)
        base = op.base_version
        if not isinstance(base, int) or isinstance(base, bool):
            raise _Refused("invalid")
        own_chain = existing.last_device == self.device.id and base == existing.chain_base
        if base != existing.version and not own_chain:
            return self._conflict(op, existing), None
        data = dict(existing.data)
        payload = op.payload
        if op.op == "update":
            if not isinstance(payload, dict) or not isinstance(payload.get("changed"), list):
                raise _Refused("invalid")
            incoming = self._normalise(c, payload.get("record"))
            if incoming["id"] != op.entity_id:
                raise _Refused("invalid")
            for name in payload["changed"]:
                if not isinstance(name, str) or not c.has(name) or name in ("id", "version"):
                    raise _Refused("invalid")
                data[name] = incoming[name]
        else:
            if not c.has("erased_at") or not isinstance(payload, dict):
                raise _Refused("invalid")
            try:
                erased_at = _datetime(payload.get("erased_at"))
            except (TypeError, ValueError):
                raise _Refused("invalid") from None
            for name in ERASED_FIELDS:
                data[name] = "" if name == "full_name" else None
            data["erased_at"] = data["updated_at"] = erased_at
        if self._scope(op.entity, data) != (existing.scope_team, existing.scope_province):
            raise _Refused("forbidden", FORBIDDEN)
        version = (existing.version or 0) + 1
        data["version"] = version
        chain_base = existing.chain_base if own_chain else base
        rec = dataclasses.replace(
            existing, version=version, data=data, last_device=self.device.id, chain_base=chain_base
        )
        return Answer(op.op_id, "accepted", version=version), rec

    def _device_op(self, op: OpIn) -> tuple[Answer, Rec | None]:
        """Device rows are the server's (made at enrolment): a laptop's create of its own row is taken as
        said and changes nothing; anything else is refused."""
        if op.op == "create" and op.entity_id == self.device.id:
            return Answer(op.op_id, "accepted"), None
        if op.op != "create":
            raise _Refused("immutable")
        raise _Refused("forbidden", FORBIDDEN)

    def _conflict(self, op: OpIn, existing: Rec) -> Answer:
        return Answer(op.op_id, "conflict", version=existing.version, current=existing.data)

    @staticmethod
    def _normalise(c, raw: Any) -> dict[str, Any]:
        try:
            return c.normalise(raw)
        except Invalid:
            raise _Refused("invalid") from None

    def _scope(self, entity: str, record: dict[str, Any]) -> tuple[str, str]:
        """(scope_team, scope_province) the record is filed under, or _Refused when outside the device's."""
        device = self.device
        team_id = record.get("team_id")
        if team_id is not None:
            if device.role == "province":
                if self.team_province(team_id) != device.province_code:
                    raise _Refused("forbidden", FORBIDDEN)
            elif team_id != device.team_id:
                raise _Refused("forbidden", FORBIDDEN)
        province = record.get("province_code")
        if province is not None and province != device.province_code:
            raise _Refused("forbidden", FORBIDDEN)
        if entity in REGISTRY:
            commune = communes().get(record.get("commune_code"))
            if commune is None:
                raise _Refused("invalid")
            if commune.province_code != device.province_code:
                raise _Refused("forbidden", FORBIDDEN)
            return ("", commune.province_code)
        if entity == "teams":
            if device.role == "team" and record["id"] != device.team_id:
                raise _Refused("forbidden", FORBIDDEN)
            return ("", device.province_code)
        return (team_id or device.team_id or "", device.province_code)
