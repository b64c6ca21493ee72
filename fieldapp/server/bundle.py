"""The server's side of sync by USB stick (docs/sync-api.md, "Bundles").

`import_bundle` opens a laptop's bundle (encrypted to the server's box key, signed by the laptop's Ed25519
key the server got at enrolment) and applies its ops through `ServerStore.push`, the code path of an
online push: one answer per op id for good, duplicates answered as the first time, the same op id with
other bytes parked (409), scope checked, a revoked laptop refused. `answer_bundle` makes the way back:
the answers of the laptop's latest imported bundle and the change feed since the cursor that bundle
carried, signed with the server's bundle key and encrypted to the reply key the laptop put in its bundle.

The queries of the bundle tables (migration 0002) are in the data layer's `store_bundle.py`; the records
and the feed are only touched through `ServerStore`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from fieldapp.domain.ids import new_id
from fieldapp.domain.receipt_books import MAX_NUMBER
from fieldapp.protocol.bundle import DOWN, UP, BundleRefused, ServerKeys, read_header, seal, unseal
from fieldapp.protocol.ops import Op
from fieldapp.server import store_bundle
from fieldapp.server.ops import Device
from fieldapp.server.settings import MAX_OPS, MAX_PULL
from fieldapp.server.store import ServerStore, utcnow

log = logging.getLogger(__name__)


def server_keys(store: ServerStore) -> ServerKeys:
    """The server's bundle keys; the secret is made on first use (two workers at once: the first wins)."""
    return ServerKeys.from_seed(bytes.fromhex(store_bundle.key_seed(store)))


def public_keys(store: ServerStore) -> dict[str, str]:
    return server_keys(store).public()


@dataclass(frozen=True)
class _Sender:
    device: Device
    public_key: str | None


def _device(store: ServerStore, device_id: str) -> _Sender | None:
    found = store_bundle.device(store, device_id)
    return None if found is None else _Sender(*found)


def _sender(store: ServerStore, device_id: str) -> _Sender:
    sender = _device(store, device_id)
    if sender is None:
        raise BundleRefused("bundle.device_unknown", id=device_id)
    if sender.device.revoked_at is not None:
        raise BundleRefused("bundle.device_revoked", id=device_id)
    return sender


# --- laptop → server ---------------------------------------------------------------------------------


@dataclass
class Imported:
    device_id: str
    bundle_id: str
    seq: int
    ops: int = 0
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    already_imported: bool = False
    reasons: dict[str, int] = field(default_factory=dict)  # rejected ops by reason

    def as_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "bundle_id": self.bundle_id,
            "seq": self.seq,
            "ops": self.ops,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "rejected_reasons": self.reasons,
            "already_imported": self.already_imported,
        }


def _ops(raw: Any) -> list[tuple[dict[str, Any], Op | None]]:
    """Each op as the online push's request model reads it (fieldapp.server.wire.Op); one it refuses is
    answered as the online push's 422 is parked on the laptop: rejected, `invalid_request`, 422."""
    from pydantic import ValidationError

    from fieldapp.server.wire import Op as OpModel

    if not isinstance(raw, list):
        raise BundleRefused("bundle.damaged")
    out: list[tuple[dict[str, Any], Op | None]] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("op_id"), str):
            raise BundleRefused("bundle.damaged")
        try:
            o = OpModel.model_validate(item)
        except ValidationError:
            out.append((item, None))
            continue
        out.append((item, o.checked()))
    return out


def import_bundle(store: ServerStore, data: bytes) -> Imported:
    header, _aad, _sealed = read_header(data)
    if header.kind != UP:
        raise BundleRefused("bundle.wrong_kind")
    sender = _sender(store, header.device_id)
    if not sender.public_key:
        raise BundleRefused("bundle.device_no_key", id=header.device_id)
    header, body = unseal(data, kind=UP, box=server_keys(store).box, signer_public=bytes.fromhex(sender.public_key))
    done, last = store_bundle.import_seen(store, header.bundle_id, header.device_id)
    result = Imported(header.device_id, header.bundle_id, header.seq)
    if done is not None:
        for k, v in json.loads(done).items():
            setattr(result, k, v)
        result.already_imported = True
        return result
    if last is not None and header.seq <= last:
        raise BundleRefused("bundle.older", seq=header.seq, last=last)
    cursor, reply = body.get("cursor"), body.get("reply_key")
    if not isinstance(cursor, int) or cursor < 0 or not isinstance(reply, str) or len(reply) != 64:
        raise BundleRefused("bundle.damaged")
    ops = _ops(body.get("ops"))
    valid = [op for _raw, op in ops if op is not None]
    from fieldapp.server import rules  # the months of its enrolments are checked against the server's rules

    rules.refresh(store)
    answers: list[dict[str, Any]] = []
    for i in range(0, len(valid), MAX_OPS):  # the same batches an online push would make
        answers += [a.wire() for a in store.push(sender.device, valid[i : i + MAX_OPS])]
    given = iter(answers)  # in order: one op id may come twice (the second with other bytes is a 409)
    results = []
    for raw, op in ops:
        if op is None:
            res = {"op_id": raw["op_id"], "status": "rejected", "version": None, "reason": "invalid_request",
                   "http": 422, "current": None, "duplicate": False}  # fmt: skip
        else:
            res = next(given)
        results.append(res)
        _count(result, res)
    tally = {k: getattr(result, k) for k in ("ops", "accepted", "duplicates", "conflicts", "rejected", "reasons")}
    # its receipt books, the next one among them when it used most of its own: the answer's devices list
    # carries them, so a laptop that syncs only by USB stick gets its next book too
    store.receipt_blocks(sender.device.id, _receipt_next(body.get("receipt_next")))
    if not _keep_import(store, header, cursor, reply, results, tally):
        result.already_imported = True  # the same bundle imported at the same time by another command: it won
    log.info("bundle %s of %s imported: %s", header.bundle_id, header.device_id, tally)
    return result


def _receipt_next(value: Any) -> int | None:
    """The next number the laptop would issue from its books (as POST /v1/receipt-blocks takes it)."""
    return value if type(value) is int and 1 <= value <= MAX_NUMBER else None


def _keep_import(store: ServerStore, header, cursor: int, reply: str, results: list, tally: dict) -> bool:
    row = {
        "bundle_id": header.bundle_id,
        "device_id": header.device_id,
        "seq": header.seq,
        "created_at": header.created_at,
        "imported_at": utcnow(),
        "cursor": cursor,
        "reply_key": reply,
        "results": json.dumps(results, ensure_ascii=False, separators=(",", ":")),
        "tally": json.dumps(tally, ensure_ascii=False),
    }
    return store_bundle.keep_import(store, row)


def _count(result: Imported, res: dict[str, Any]) -> None:
    result.ops += 1
    if res.get("duplicate"):
        result.duplicates += 1
    elif res["status"] == "accepted":
        result.accepted += 1
    if res["status"] == "conflict":
        result.conflicts += 1
    elif res["status"] == "rejected":
        result.rejected += 1
        reason = str(res.get("reason") or "")
        result.reasons[reason] = result.reasons.get(reason, 0) + 1


# --- server → laptop ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    device_id: str
    bundle_id: str
    seq: int
    answers: str  # the laptop bundle answered
    results: int
    changes: int
    next: int

    def as_json(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "bundle_id": self.bundle_id,
            "seq": self.seq,
            "answers": self.answers,
            "results": self.results,
            "pulled": self.changes,
            "next": self.next,
        }


def answer_bundle(store: ServerStore, device_id: str, pin_secret: bytes | None = None) -> tuple[bytes, Answered]:
    """The answer to the device's latest imported bundle: its ops' answers, the change feed since its
    cursor, the devices list, the rule files of its province (and, with the server's PIN secret, its team's
    PIN keys, as GET /v1/pin-keys gives them); a new number each time (a laptop refuses an older one)."""
    from fieldapp.server import rules

    sender = _sender(store, device_id)
    row, last = store_bundle.to_answer(store, device_id)
    if row is None:
        raise BundleRefused("bundle.nothing_to_answer", id=device_id)
    answers_id, cursor, reply, results = row
    changes, since = _changes_since(store, sender.device, cursor)
    seq = (last or 0) + 1
    bundle_id = new_id()
    now = utcnow()
    body = {
        "bundle_id": bundle_id,
        "device_id": device_id,
        "seq": seq,
        "answers": answers_id,
        "results": json.loads(results),
        "changes": changes,
        "next": since,
        "devices": store.public_devices(sender.device.province_code),
        "rules": rules.wire(store, sender.device.province_code),  # signed rule files, as GET /v1/rules
        "server_time": now,
    }
    if pin_secret is not None:
        from fieldapp.server import pins

        team = sender.device.team_id
        body["pin_keys"] = pins.keys_for(pin_secret, [team] if team else store.team_ids(sender.device.province_code))
    keys = server_keys(store)
    data = seal(
        body,
        kind=DOWN,
        device_id=device_id,
        bundle_id=bundle_id,
        seq=seq,
        created_at=now,
        recipient=bytes.fromhex(reply),
        signer=keys.sign,
    )
    store_bundle.keep_answer(
        store,
        {"bundle_id": bundle_id, "device_id": device_id, "seq": seq, "answers": answers_id, "next": since,
         "made_at": now},
    )  # fmt: skip
    info = Answered(device_id, bundle_id, seq, answers_id, len(body["results"]), len(changes), since)
    log.info("answer bundle %s for %s: %s", bundle_id, device_id, info.as_json())
    return data, info


def _changes_since(store: ServerStore, device: Device, cursor: int) -> tuple[list[dict[str, Any]], int]:
    """The device's change feed from `cursor` to its end, page by page as pulls read it, and the new cursor."""
    changes: list[dict[str, Any]] = []
    since = cursor
    while True:
        page = store.pull(device, since, MAX_PULL)
        for pos, entity, rid, version, data in page.rows:
            changes.append({"pos": pos, "entity": entity, "id": rid, "version": version, "record": json.loads(data)})
        since = page.next
        if not page.more:
            return changes, since
