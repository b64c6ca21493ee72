"""What the server answers to each pushed op, decided in plain Python against the records it holds.

`Planner.decide` takes one op and the state left by the ops before it (in this batch and in the database)
and gives its answer and the record it changes, if any; `store.ServerStore.push` writes the results. The
rules are docs/sync-api.md's, plus one it adds: a device's own queued edits follow each other. A laptop
keeps the version it last heard from the server on every edit it makes until it syncs, so its second
offline edit of a record carries the same `base_version` as its first. An edit whose base_version is the
one this device's previous accepted edit of the record carried, with no other device writing in between,
is therefore applied, not answered as a conflict: the only changes it has not seen are its own.

Most ops change one record. Two change several, and `Planner.decide_all` gives them all:
- the links of an imported prospect list: one `prospects` create whose `entity_id` is the list's id and
  whose payload is an array `[[prospect id, person id, row number], ...]` (what `services.importer` writes):
  taken as the creates of those `prospects` records, all or none, under the one op id;
- a person's erasure, which also blanks the notes written about them wherever they are filed
  (consultations' `note` and `refusal_reason`, follow-ups' `note`), as `services.registry.erase` does on
  the laptop, so the emptied notes reach every laptop through the feed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from fieldapp.domain.admin_units import communes
from fieldapp.domain.models import Person
from fieldapp.domain.permissions import LEADERS  # who leads a team, on the laptop and here
from fieldapp.protocol.bounds import Invalid, is_id
from fieldapp.protocol.checks import Definition, check_time
from fieldapp.protocol.entities import REGISTRY
from fieldapp.protocol.ops import Op
from fieldapp.protocol.records import definition, references
from fieldapp.protocol.roles import LEADER_FIELD, needs_leader_actor
from fieldapp.server.ops import Answer, Device, PriorOp, Rec, visible
from fieldapp.server.pins import member_refusal
from fieldapp.server.receipts_check import refusal as receipt_refusal

__all__ = ["NOTES", "Answer", "Device", "Planner", "PriorOp", "Rec", "leads", "record_keys", "visible"]

FORBIDDEN, REUSED = 403, 409


class _Refused(Exception):
    def __init__(self, reason: str, http: int | None = None, detail: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.http = http
        self.detail = detail


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "version"}


def record_keys(op: Op) -> list[tuple[str, str]]:
    """The records an op may change, which the store reads before deciding it."""
    if op.is_links:
        return [("prospects", link[0]) for link in op.payload if isinstance(link, list) and link and is_id(link[0])]
    return [(op.entity, op.entity_id)]


def _raw_record(op: Op) -> Any:
    """The record an op carries, as sent (a create's payload, an update's `record`), or None."""
    if op.op == "create":
        return op.payload
    if op.op == "update" and isinstance(op.payload, dict):
        return op.payload.get("record")
    return None


# The free text about a person that their erasure blanks: entity -> {field: blank value}.
NOTES = {"consultations": {"note": "", "refusal_reason": None}, "follow_ups": {"note": ""}}


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
        notes_about: Callable[[str], list[Rec]] = lambda _person_id: [],
        has_leader: Callable[[str], bool] = lambda _team_id: False,
        pin_secret: bytes | None = None,
    ) -> None:
        """`notes_about(person_id)`: the consultations and follow-ups in the database about that person;
        `has_leader(team_id)`: whether the database holds an active team leader of that team."""
        self.device = device
        self.prior_ops = prior_ops
        self.records = records
        self.team_province = team_province
        self.notes_about = notes_about
        self.has_leader = has_leader
        self.pin_secret = pin_secret  # members' PINs are sealed under their team's key (server/pins.py)
        self._checked: dict[int, tuple[Op, dict[str, Any] | Invalid]] = {}

    def wanted(self, ops: list[Op] | tuple[Op, ...]) -> set[tuple[str, str]]:
        """Every record the ops may change or name (their references and their actor): the store reads them
        all at once before deciding, so that deciding asks the database nothing op by op."""
        keys: set[tuple[str, str]] = set()
        for op in ops:
            keys.update(record_keys(op))
            if is_id(op.actor):
                keys.add(("members", op.actor))
            if op.is_links:
                keys.add(("prospect_lists", op.entity_id))
                keys.update(
                    ("persons", link[1]) for link in op.payload if isinstance(link, list) and len(link) == 3
                    and is_id(link[1])
                )  # fmt: skip
                continue
            d = definition(op.entity)
            if d is None or not isinstance(_raw_record(op), dict):
                continue
            try:
                record = self._op_record(op, d)
            except _Refused:
                continue
            keys.update((entity, rid) for _field, entity, rid in references(op.entity, record))
        return keys

    def _op_record(self, op: Op, d: Definition) -> dict[str, Any]:
        """The op's record checked by its definition (once per op: `wanted` checked it first); a copy."""
        hit = self._checked.get(id(op))
        if hit is None or hit[0] is not op:
            try:
                result: dict[str, Any] | Invalid = d.check(_raw_record(op))
            except Invalid as exc:
                result = exc
            hit = self._checked[id(op)] = (op, result)  # the op is kept: its id stays its own
        if isinstance(hit[1], Invalid):
            raise _Refused("invalid", detail=str(hit[1]))
        return dict(hit[1])

    def decide(self, op: Op) -> tuple[Answer, bool, Rec | None]:
        """(answer, whether to keep it under the op id, the record as it now is if the op changed it).

        For ops that change one record; an op that changes several (see the module's docstring) raises
        ValueError here, after its decision: use `decide_all`."""
        answer, keep, recs = self.decide_all(op)
        if len(recs) > 1:
            raise ValueError(f"op {op.op_id} changes {len(recs)} records: use decide_all")
        return answer, keep, recs[0] if recs else None

    def decide_all(self, op: Op) -> tuple[Answer, bool, list[Rec]]:
        """(answer, whether to keep it under the op id, every record the op changed, as it now is)."""
        sha = op.content_sha256()
        prior = self.prior_ops.get(op.op_id)
        if prior is not None:
            if prior.device_id == self.device.id and prior.content_sha256 == sha:
                return Answer.from_stored(op.op_id, prior.result, duplicate=True), False, []
            return Answer(op.op_id, "rejected", reason="op_id_reused", http=REUSED), False, []
        try:
            answer, recs = self._apply(op)
        except _Refused as refused:
            answer = Answer(op.op_id, "rejected", reason=refused.reason, http=refused.http, detail=refused.detail)
            recs = []
        for rec in recs:
            self.records[rec.key] = rec
        self.prior_ops[op.op_id] = PriorOp(self.device.id, sha, answer.stored())
        return answer, True, recs

    def forget(self, op: Op, before: dict[tuple[str, str], Rec | None]) -> None:
        """Undo `decide_all` of an op whose write failed (the store answers it `invalid` instead);
        `before`: the records it changed as they were (None: not there)."""
        self.prior_ops.pop(op.op_id, None)
        for key, rec in before.items():
            if rec is None:
                self.records.pop(key, None)
            else:
                self.records[key] = rec

    # --- the rules -------------------------------------------------------------------------------

    def _apply(self, op: Op) -> tuple[Answer, list[Rec]]:
        c = definition(op.entity)
        if c is None:
            raise _Refused("unknown_entity")
        if op.entity == "devices":
            answer, rec = self._device_op(op)
        elif op.is_links:
            return self._links(op, c)
        elif not isinstance(op.payload, dict):
            raise _Refused("invalid")
        elif op.op == "create":
            answer, rec = self._create(op, c)
        elif op.op in ("update", "erase"):
            answer, rec = self._edit(op, c)
            if rec is not None and op.op == "erase" and op.entity == "persons":
                return answer, [rec, *self._blank_notes(op.entity_id)]
        else:
            raise _Refused("invalid")
        return answer, [] if rec is None else [rec]

    def _links(self, op: Op, c: Definition) -> tuple[Answer, list[Rec]]:
        """A prospect list's links as the creates of its `prospects` records: all of them, or none. Each
        link's shape first (invalid), then what it names (the list, the person) and what is there."""
        records: dict[str, dict[str, Any]] = {}
        for link in op.payload:
            if not isinstance(link, list) or len(link) != 3:
                raise _Refused("invalid", detail="payload: a link is not [id, person id, row number]")
            prospect_id, person_id, row_number = link
            if not is_id(prospect_id) or prospect_id in records:
                raise _Refused("invalid", detail="payload: a link's id is missing or twice")
            raw = {"id": prospect_id, "list_id": op.entity_id, "person_id": person_id, "row_number": row_number}
            records[prospect_id] = self._normalise(c, raw)
        made: list[Rec] = []
        for prospect_id, record in records.items():
            scope = self._scope("prospects", record)
            self._check_references("prospects", record)
            existing = self.records.get(("prospects", prospect_id))
            if existing is not None:
                if not visible(self.device, existing.scope_team, existing.scope_province):
                    raise _Refused("forbidden", FORBIDDEN)
                if existing.data != record:
                    raise _Refused("exists")
                continue  # the same link sent before (under another op id): nothing to write
            made.append(Rec("prospects", prospect_id, *scope, None, record, None, self.device.id, 0))
        return Answer(op.op_id, "accepted"), made

    def _blank_notes(self, person_id: str) -> list[Rec]:
        """The person's consultations and follow-ups with their notes blanked, wherever they are filed:
        those in the database and those this batch made. Each goes to a new feed position; a follow-up
        also gets a new version, and no device's queued edit of it follows on without a conflict."""
        found = {rec.key: rec for rec in self.notes_about(person_id)}
        for key, rec in self.records.items():
            if key[0] in NOTES and rec.data.get("person_id") == person_id:
                found[key] = rec
        blanked = []
        for key, found_rec in found.items():
            rec = self.records.get(key, found_rec)  # this batch's copy, when it has one, is the newer
            blanks = NOTES[key[0]]
            if rec.data.get("person_id") != person_id or all(rec.data.get(k) == v for k, v in blanks.items()):
                continue
            data = {**rec.data, **blanks}
            version = rec.version
            if version is not None:
                version += 1
                data["version"] = version
            blanked.append(dataclasses.replace(rec, version=version, data=data, last_device=None, chain_base=None))
        return blanked

    def _create(self, op: Op, c: Definition) -> tuple[Answer, Rec | None]:
        record = self._op_record(op, c)
        if record["id"] != op.entity_id:
            raise _Refused("invalid")
        scope = self._scope(op.entity, record)
        if op.entity == "receipts" and (refused := receipt_refusal(self.device, record)):
            raise _Refused(refused)  # only the series' device, signing with its own key (issue 13)
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
        self._check_references(op.entity, record)
        self._check_role(op, record)
        self._check_pin(op.entity, record, op.entity_id)
        version = None
        if c.mutable:
            version = 1
            record["version"] = version
        rec = Rec(op.entity, op.entity_id, *scope, version, record, None, self.device.id, 0)
        return Answer(op.op_id, "accepted", version=version), rec

    def _edit(self, op: Op, c: Definition) -> tuple[Answer, Rec | None]:
        if not c.mutable:
            raise _Refused("immutable")
        existing = self.records.get((op.entity, op.entity_id))
        if existing is None:
            raise _Refused("unknown_record")
        if not visible(self.device, existing.scope_team, existing.scope_province):
            raise _Refused("forbidden", FORBIDDEN)
        self._check_role(op, existing.data)  # before the version: a refused edit learns nothing more
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
            incoming = self._op_record(op, c)
            if incoming["id"] != op.entity_id:
                raise _Refused("invalid", detail="id: not the op's entity_id")
            changed = payload["changed"]
            for name in changed:
                if not isinstance(name, str) or not c.has(name) or name in ("id", "version"):
                    raise _Refused("invalid", detail="changed: not a field that can change")
                data[name] = incoming[name]
            data = self._normalise(c, data)  # the rules between fields hold for the record as it now is
            self._check_references(op.entity, data, changed)
            if "pin_hash" in changed:
                self._check_pin(op.entity, data, op.entity_id)
        else:
            if not c.has("erased_at") or not isinstance(payload, dict):
                raise _Refused("invalid", detail="op: only a person is erased")
            try:
                erased_at = check_time(payload.get("erased_at"))
            except (TypeError, ValueError):
                raise _Refused("invalid", detail="erased_at: not a time") from None
            for name in Person.PERSONAL:
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

    def _device_op(self, op: Op) -> tuple[Answer, Rec | None]:
        """Device rows are the server's (made at enrolment): a laptop's create of its own row is taken as
        said and changes nothing; anything else is refused."""
        if op.op == "create" and op.entity_id == self.device.id:
            return Answer(op.op_id, "accepted"), None
        if op.op != "create":
            raise _Refused("immutable")
        raise _Refused("forbidden", FORBIDDEN)

    def _conflict(self, op: Op, existing: Rec) -> Answer:
        return Answer(op.op_id, "conflict", version=existing.version, current=existing.data)

    @staticmethod
    def _normalise(c: Definition, raw: Any) -> dict[str, Any]:
        try:
            return c.check(raw)
        except Invalid as exc:
            raise _Refused("invalid", detail=str(exc)) from None

    # --- references and roles ----------------------------------------------------------------------

    def _check_references(self, entity: str, record: dict[str, Any], fields: list[str] | None = None) -> None:
        """Every record this one names (of `fields` only, for an edit) is on the server and in the device's
        scope; a member it names is of the record's team. Refused alike whether missing or another team's:
        the answer never tells which ids exist elsewhere."""
        team = record.get("team_id")
        for name, target, rid in references(entity, record):
            if fields is not None and name not in fields:
                continue
            rec = self.records.get((target, rid))
            if (
                rec is None
                or not visible(self.device, rec.scope_team, rec.scope_province)
                or (target == "members" and team is not None and rec.data.get("team_id") != team)
                or (target == "teams" and self.device.role == "team" and rid != self.device.team_id)
            ):
                raise _Refused("unknown_reference", detail=f"{name}: not on the server for this device")

    def _check_role(self, op: Op, record: dict[str, Any]) -> None:
        """Leader-only records from a team leader of the device's team (docs/sync-api.md, "Roles"). The laptop
        checked the member's PIN; the server checks that the member it names may do this. A province device
        (IT's) may do all of it."""
        if self.device.role == "province":
            return
        team = self.device.team_id or ""
        if op.entity in LEADER_FIELD:
            field = LEADER_FIELD[op.entity]
            if not self._is_leader(record.get(field), team):
                raise _Refused("role", FORBIDDEN, detail=f"{field}: not a leader of this team")
            return
        if op.entity == "members" and (self._own_pin(op) or (op.op == "create" and not self._team_has_leader(team))):
            return  # a member's own PIN; the team's first leader, before the team has one
        if needs_leader_actor(op.entity, op.op) and not self._is_leader(op.actor, team):
            raise _Refused("role", FORBIDDEN, detail="actor: not a leader of this team")

    def _check_pin(self, entity: str, record: dict[str, Any], record_id: str) -> None:
        """A member's PIN verifier only sealed, under the team's key, for that member (docs/sync-api.md,
        "Member PINs")."""
        if entity == "members" and (refused := member_refusal(record, record_id, self.pin_secret)):
            raise _Refused(refused, 422, detail="pin_hash: not sealed for this member and team")

    def _is_leader(self, member_id: Any, team: str) -> bool:
        rec = self.records.get(("members", member_id)) if is_id(member_id) else None
        return rec is not None and rec.scope_team == team and leads(rec.data, team)

    def _team_has_leader(self, team: str) -> bool:
        if any(key[0] == "members" and leads(rec.data, team) for key, rec in self.records.items()):
            return True
        return self.has_leader(team)

    @staticmethod
    def _own_pin(op: Op) -> bool:
        changed = op.payload.get("changed") if isinstance(op.payload, dict) else None
        return op.op == "update" and op.actor == op.entity_id and changed == ["pin_hash"]

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


def leads(member: dict[str, Any], team: str) -> bool:
    """An active team leader (or admin) of the team."""
    return member.get("team_id") == team and member.get("role") in LEADERS and member.get("active") == 1
