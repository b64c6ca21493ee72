"""Sync by USB stick, the laptop's side (docs/sync-api.md, "Bundles"). Qt-free; the GUI calls these on a
worker thread, the CLI as `fieldapp bundle export|import`.

    export_bundle(store, path) -> Exported
        # the ops a push would send now (the same bytes), the pull cursor and this laptop's reply key,
        # signed with the device key and encrypted to the server's bundle key (which the laptop got at
        # enrolment or at its last online sync: without it, BundleRefused bundle.no_server_key)
    import_bundle(store, path) -> Taken
        # the server's answer: each op settled as an online push's answer is, the changes applied as a
        # pull's are (cursor in the same transaction as the rows), the devices list replaced. The same
        # bundle again: Taken(already_imported=True), nothing changed. A cut, changed, foreign,
        # other-laptop or older bundle: BundleRefused with the reason, nothing changed.

Outbox ops stay pending until their answer comes (by bundle or online, whichever is first): an online
sync in between sends them again with the same bytes and gets the same answer, and the bundle's answer to
an op already settled is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp.domain.clock import utcnow
from fieldapp.domain.ids import new_id
from fieldapp.outputs import OutputLike, as_output, check
from fieldapp.protocol.bundle import (
    DOWN,
    UP,
    BundleRefused,
    raw_public,
    read_file,
    read_header,
    reply_key,
    seal,
    unseal,
    write_file,
)
from fieldapp.protocol.encoding import encode_datetime
from fieldapp.storage import bundle as bundle_store
from fieldapp.storage import pin_keys, receipt_books, sync_counts, sync_devices, sync_pull, sync_push
from fieldapp.storage import receipts as receipt_store
from fieldapp.storage import sync as storage
from fieldapp.storage.store import Store
from fieldapp.sync import rules as rule_files

log = logging.getLogger(__name__)

PAGE = 2000  # changes applied per transaction, as a pull page


@dataclass(frozen=True)
class Exported:
    path: Path
    bundle_id: str
    seq: int
    ops: int
    cursor: int
    size: int

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "bundle_id": self.bundle_id,
            "seq": self.seq,
            "ops": self.ops,
            "cursor": self.cursor,
            "bytes": self.size,
        }


@dataclass
class Taken:
    bundle_id: str
    seq: int
    already_imported: bool = False
    results: int = 0  # answers in the bundle
    accepted: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    settled_before: int = 0  # answers to ops an online sync had settled already (skipped)
    pulled: int = 0
    held: int = 0
    parked: int = 0
    candidates: int = 0
    devices: int = 0
    rules_added: int = 0  # rule files the server signed, taken in
    rules_refused: list[dict[str, Any]] = field(default_factory=list)
    pending: int = 0  # ops still waiting to go out after this import
    open_conflicts: int = 0
    rejected_total: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "bundle_id": self.bundle_id,
            "seq": self.seq,
            "already_imported": self.already_imported,
            "results": self.results,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "rejected_reasons": self.reasons,
            "settled_before": self.settled_before,
            "pulled": self.pulled,
            "held": self.held,
            "parked": self.parked,
            "merge_candidates": self.candidates,
            "devices": self.devices,
            "rules_added": self.rules_added,
            "rules_refused": len(self.rules_refused),
            "pending": self.pending,
            "open_conflicts": self.open_conflicts,
            "rejected_total": self.rejected_total,
        }


def _signing_seed(store: Store) -> bytes:
    with store.reading() as conn:
        raw = receipt_store.signing_key_hex(conn)
    if raw is None:
        raise BundleRefused("bundle.not_enrolled")
    return bytes.fromhex(raw)


def _enrolled(store: Store) -> None:
    if not storage.settings(store).enrolled:
        raise BundleRefused("bundle.not_enrolled")


def _server_keys(store: Store) -> dict[str, str]:
    keys = bundle_store.server_keys(store)
    if keys is None:
        raise BundleRefused("bundle.no_server_key")
    return keys


def export_bundle(store: Store, path: OutputLike) -> Exported:
    """The pending ops as a sealed bundle file (fieldapp.outputs: atomic, 0600, never into the data folder,
    an existing file replaced only when the Output says so)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _enrolled(store)
    keys = _server_keys(store)
    seed = _signing_seed(store)
    target = as_output(path, data_dir=store.data_dir.root)
    check(target)
    with store.transaction() as conn:  # member PINs go sealed under the team's key, where it is known here
        pin_keys.seal_members(conn)
    ops = sync_push.next_batch(store, 1_000_000_000)  # one op per record, as each push batch holds
    cursor = storage.settings(store).cursor
    with store.reading() as conn:  # so the server can give the next receipt book (docs/sync-api.md, "Receipts")
        receipt_next = receipt_books.peek(conn, store.device_id)
    seq = bundle_store.next_out_seq(store)
    bundle_id = new_id()
    now = encode_datetime(utcnow())
    body = {
        "bundle_id": bundle_id,
        "device_id": store.device_id,
        "seq": seq,
        "created_at": now,
        "ops": [op.wire() for op in ops],
        "cursor": cursor,
        "reply_key": raw_public(reply_key(seed)).hex(),
        "receipt_next": receipt_next,
    }
    data = seal(
        body,
        kind=UP,
        device_id=store.device_id,
        bundle_id=bundle_id,
        seq=seq,
        created_at=now,
        recipient=bytes.fromhex(keys["box"]),
        signer=Ed25519PrivateKey.from_private_bytes(seed),
    )
    written = write_file(target, data)
    log.info("bundle %s (no. %d) written to %s: %d ops, cursor %d", bundle_id, seq, written, len(ops), cursor)
    return Exported(written, bundle_id, seq, len(ops), cursor, len(data))


def import_bundle(store: Store, path: str | Path) -> Taken:
    data = read_file(path)
    header, _aad, _sealed = read_header(data)
    if header.kind != DOWN:
        raise BundleRefused("bundle.wrong_kind")
    if header.device_id != store.device_id:
        raise BundleRefused("bundle.wrong_device", id=header.device_id)
    _enrolled(store)
    keys = _server_keys(store)
    header, body = unseal(
        data, kind=DOWN, box=reply_key(_signing_seed(store)), signer_public=bytes.fromhex(keys["sign"])
    )
    last = bundle_store.last_in(store)
    taken = Taken(header.bundle_id, header.seq)
    if last is not None and last.bundle_id == header.bundle_id:
        taken.already_imported = True
        _totals(store, taken)
        return taken
    if last is not None and header.seq <= last.seq:
        raise BundleRefused("bundle.older", seq=header.seq, last=last.seq)
    results, changes, nxt, devices = _checked_body(body)
    _settle(store, results, taken)
    _apply(store, changes, nxt, taken)
    if devices is not None:
        taken.devices = sync_devices.replace_devices(store, devices, store.device_id)
    pin_keys.remember_pin_keys(store, body.get("pin_keys"))  # a laptop that only syncs by USB stick
    rules = rule_files.take(store, body.get("rules"), via="bundle")  # signed rule files (issue 14)
    taken.rules_added, taken.rules_refused = rules.added, rules.refused
    bundle_store.mark_in(store, header.bundle_id, header.seq)
    _totals(store, taken)
    log.info("answer bundle %s (no. %d) taken in: %s", header.bundle_id, header.seq, taken.as_json())
    return taken


def _checked_body(body: dict[str, Any]) -> tuple[list[Any], list[Any], int, list[Any] | None]:
    """The answer's results, changes, next position and devices list, each of the shape expected, or
    BundleRefused("bundle.damaged")."""
    results, changes, nxt, devices = body.get("results"), body.get("changes"), body.get("next"), body.get("devices")
    if not (isinstance(results, list) and isinstance(changes, list) and isinstance(nxt, int)):
        raise BundleRefused("bundle.damaged")
    if not all(isinstance(r, dict) and isinstance(r.get("op_id"), str) for r in results):
        raise BundleRefused("bundle.damaged")
    if not all(isinstance(c, dict) and isinstance(c.get("pos"), int) for c in changes):
        raise BundleRefused("bundle.damaged")
    if devices is not None and not (
        isinstance(devices, list) and all(isinstance(d, dict) and d.get("id") for d in devices)
    ):
        raise BundleRefused("bundle.damaged")
    return results, changes, nxt, devices


def _settle(store: Store, results: list[dict[str, Any]], taken: Taken) -> None:
    """The server's answers to the ops still waiting here; those an online sync settled already are counted."""
    taken.results = len(results)
    waiting = bundle_store.pending_ops(store, [r["op_id"] for r in results])
    ops, answers = [], []
    for r in results:
        op = waiting.get(r["op_id"])
        if op is None:
            taken.settled_before += 1
            continue
        ops.append(op)
        answers.append(r)
    if ops:
        tally = sync_push.settle(store, ops, answers)
        taken.accepted, taken.duplicates = tally.accepted, tally.duplicates
        taken.conflicts, taken.rejected = tally.conflicts, tally.rejected
        for r in answers:
            if r.get("status") not in ("accepted", "conflict"):
                reason = str(r.get("reason") or "")
                taken.reasons[reason] = taken.reasons.get(reason, 0) + 1


def _apply(store: Store, changes: list[dict[str, Any]], nxt: int, taken: Taken) -> None:
    """The changes in pages, as a pull applies them; the cursor never goes back."""
    changes = sorted(changes, key=lambda c: c["pos"])
    for i in range(0, len(changes), PAGE):
        page = changes[i : i + PAGE]
        end = nxt if i + PAGE >= len(changes) else page[-1]["pos"]
        cursor = max(storage.settings(store).cursor, end)  # an online sync may have gone further meanwhile
        t = sync_pull.apply_page(store, page, cursor, own_device=store.device_id)
        taken.pulled += t.applied + t.unparked
        taken.held += t.held
        taken.parked += t.parked
        taken.candidates += t.candidates
    if not changes and nxt > storage.settings(store).cursor:
        sync_pull.apply_page(store, [], nxt, own_device=store.device_id)


def _totals(store: Store, taken: Taken) -> None:
    w = sync_counts.waiting(store)
    taken.pending, taken.open_conflicts, taken.rejected_total, taken.parked = (
        w.pending,
        w.conflicts,
        w.rejected,
        w.parked,
    )


def remember_server_keys(store: Store, keys: Any) -> bool:
    """Keep the server's bundle keys (from the enrolment answer or GET /v1/bundle-keys); False when the
    answer has none (a server from before bundles)."""
    if not isinstance(keys, dict) or not all(isinstance(keys.get(k), str) for k in ("box", "sign")):
        return False
    try:
        if len(bytes.fromhex(keys["box"])) != 32 or len(bytes.fromhex(keys["sign"])) != 32:
            return False
    except ValueError:
        return False
    from fieldapp.protocol.bundle import key_id

    clean = {
        "box": keys["box"],
        "box_key_id": key_id(bytes.fromhex(keys["box"])),
        "sign": keys["sign"],
        "sign_key_id": key_id(bytes.fromhex(keys["sign"])),
    }
    if bundle_store.server_keys(store) == clean:
        return True
    with store.transaction() as conn:
        bundle_store.save_server_keys(conn, clean)
    return True
