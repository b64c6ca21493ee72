"""How a push is written (ServerStore.push): decided in Python, then written in one batch, else op by op.

A push is decided in Python against the rows read for that batch, then written with one statement per
table. When a write fails (a row another worker committed in the meantime, a value the database refuses),
the transaction is rolled back and the batch is done again op by op, each in its own SAVEPOINT, with the
counter locked from the start: one failing op is answered `rejected` and the rest of the batch goes on.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from fieldapp.protocol.encoding import to_json
from fieldapp.protocol.ops import Op
from fieldapp.server import schema as s
from fieldapp.server import store_push as reads
from fieldapp.server.ops import Answer, Device, PriorOp, Rec
from fieldapp.server.push import Planner
from fieldapp.server.receipts_check import void_notices
from fieldapp.server.store_db import utcnow
from fieldapp.server.store_feed import Feed, closing_key

log = logging.getLogger(__name__)


class _WriteFailed(Exception):
    pass


class PushWrites(Feed):
    """The push of ServerStore."""

    def push(self, device: Device, ops: Sequence[Op]) -> list[Answer]:
        try:
            return self._push_batch(device, ops)
        except (sa.exc.DBAPIError, _WriteFailed) as exc:
            log.info("push of %d ops by %s goes op by op: %s", len(ops), device.id, type(exc).__name__)
        return self._push_one_by_one(device, ops)

    def _planner(self, conn: sa.Connection, device: Device, ops: Sequence[Op]) -> Planner:
        """A planner for these ops, with what the database holds of their op ids and of every record they
        change or name (`Planner.wanted`), read in one query per entity (store_push.py)."""
        planner = Planner(
            device, {}, {}, reads.team_province(conn), reads.notes_about(conn), reads.has_leader(conn),
            self.pin_secret,
        )  # fmt: skip
        prior, records = reads.load(conn, self.dialect, ops, planner.wanted(ops))
        planner.prior_ops.update(prior)
        planner.records.update(records)
        return planner

    def _push_batch(self, device: Device, ops: Sequence[Op]) -> list[Answer]:
        now = utcnow()
        with self._write() as conn:
            planner = self._planner(conn, device, ops)
            answers, kept, changed = _decide_batch(conn, planner, device, ops, now)
            # The positions before any row is written (see `_claim_positions`). (An op id pushed twice at
            # once makes the second push wait on the ops row for the first, then go op by op.)
            last = self._positions(conn, len(changed)) if changed else 0
            if kept:
                self._insert_many(conn, s.ops, kept)
            if changed:
                self._write_records(conn, list(changed.values()), last, now)
            self._seen(conn, device, now)
        return answers

    def _write_records(self, conn: sa.Connection, changed: list[Rec], last: int, now: str) -> None:
        """Write a batch's records at the positions up to `last`: the new ones inserted, the others updated
        where they still are at the position they were read at (else _WriteFailed: the batch goes op by op)."""
        rows, new_rows, old_rows = [], [], []
        for rec in changed:
            row = {
                "entity": rec.entity,
                "id": rec.id,
                "scope_team": rec.scope_team,
                "scope_province": rec.scope_province,
                "version": rec.version,
                "data": to_json(rec.data),
                "pos": 0,
                "updated_at": now,
                "last_device": rec.last_device,
                "chain_base": rec.chain_base,
            }
            rows.append(row)
            if rec.db_pos is None:
                new_rows.append(row)
            else:
                row["old_pos"] = rec.db_pos
                row["key_entity"], row["key_id"] = rec.entity, rec.id
                old_rows.append(row)
        for pos, row in enumerate(rows, last - len(rows) + 1):
            row["pos"] = pos
        if new_rows:
            self._insert_many(conn, s.records, new_rows)
            keys = [closing_key(rec) for rec in changed if rec.entity == "day_closings" and rec.db_pos is None]
            if keys:  # a collector's day closed twice fails here: the op-by-op path refuses the second
                conn.execute(sa.insert(s.day_closings), keys)
        if old_rows:
            done = conn.execute(_MOVE_RECORD, old_rows)
            if done.rowcount != len(old_rows):
                raise _WriteFailed("a record changed since it was read")

    def _push_one_by_one(self, device: Device, ops: Sequence[Op]) -> list[Answer]:
        now = utcnow()
        with self._write() as conn:
            pos = self._take_positions(conn, 0)  # the lock first: nobody else writes records until we commit
            planner = self._planner(conn, device, ops)
            answers = []
            for op in ops:
                before = dict(planner.records)
                answer, keep, recs = planner.decide_all(op)
                recs += void_notices(device, recs, reads.receipts(conn, planner))
                try:
                    with conn.begin_nested():
                        for i, rec in enumerate(recs, pos + 1):
                            self._put_record(conn, rec, i, now)
                        if keep:
                            self._keep(conn, device, op, planner, answer, now)
                except sa.exc.DBAPIError:
                    log.warning("op %s of %s refused by the database", op.op_id, device.id, exc_info=True)
                    planner.forget(op, {rec.key: before.get(rec.key) for rec in recs})
                    answer = Answer(op.op_id, "rejected", reason=_refused_by_database(op))
                    planner.prior_ops[op.op_id] = PriorOp(device.id, op.content_sha256(), answer.stored())
                    recs = []
                    with conn.begin_nested():
                        self._keep(conn, device, op, planner, answer, now)
                for rec in recs:
                    pos += 1
                    planner.records[rec.key] = dataclasses.replace(rec, db_pos=pos)
                answers.append(answer)
            self._set_counter(conn, pos)
            self._seen(conn, device, now)
        return answers

    @staticmethod
    def _keep(conn, device: Device, op: Op, planner: Planner, answer: Answer, now: str) -> None:
        sha = planner.prior_ops[op.op_id].content_sha256
        conn.execute(
            sa.insert(s.ops).values(
                op_id=op.op_id, device_id=device.id, content_sha256=sha, result=answer.stored(), at=now
            )
        )

    @staticmethod
    def _seen(conn: sa.Connection, device: Device, now: str) -> None:
        conn.execute(sa.update(s.devices).where(s.devices.c.id == device.id).values(last_seen=now))


def _refused_by_database(op: Op) -> str:
    """The reason given for an op whose write the database refused: a closing of a collector's day that is
    already closed (the `day_closings` key), or a value it could not take."""
    return "day_closed" if op.entity == "day_closings" else "invalid"


def _decide_batch(
    conn: sa.Connection, planner: Planner, device: Device, ops: Sequence[Op], now: str
) -> tuple[list[Answer], list[dict[str, Any]], dict[tuple[str, str], Rec]]:
    """Decide every op of a batch: the answers, the ops rows to keep, and the records changed (each once,
    at its latest change)."""
    answers: list[Answer] = []
    kept: list[dict[str, Any]] = []
    changed: dict[tuple[str, str], Rec] = {}
    for op in ops:
        answer, keep, recs = planner.decide_all(op)
        recs += void_notices(device, recs, reads.receipts(conn, planner))
        answers.append(answer)
        if keep:
            prior_op = planner.prior_ops[op.op_id]
            kept.append(
                {
                    "op_id": op.op_id,
                    "device_id": device.id,
                    "content_sha256": prior_op.content_sha256,
                    "result": prior_op.result,
                    "at": now,
                }
            )
        for rec in recs:
            changed.pop(rec.key, None)  # a record changed twice goes to its latest position
            changed[rec.key] = rec
    return answers, kept, changed


_r = s.records.c
# A record read at `old_pos` moved to its new position with its new body (executemany, one row per record).
_MOVE_RECORD = (
    sa.update(s.records)
    .where(
        _r.entity == sa.bindparam("key_entity"),
        _r.id == sa.bindparam("key_id"),
        _r.pos == sa.bindparam("old_pos"),
    )
    .values(
        version=sa.bindparam("version"),
        data=sa.bindparam("data"),
        pos=sa.bindparam("pos"),
        updated_at=sa.bindparam("updated_at"),
        last_device=sa.bindparam("last_device"),
        chain_base=sa.bindparam("chain_base"),
    )
)
