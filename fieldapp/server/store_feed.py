"""The change feed: positions, the records written at them, and the pull and counts that read them.

Feed positions, so that a reader never sees position 7 while 6 is still uncommitted and skips 6 for ever
(sync-protocol.md, the PostgreSQL pitfall):
- On SQLite a writing transaction is BEGIN IMMEDIATE (one writer at a time, readers go on in WAL) and takes
  its positions from the feed counter inside that transaction.
- On PostgreSQL a push takes its positions in a claim: a short transaction of its own, on a connection of
  its own, bumps the counter and files the range under the push's transaction id in `feed_claims`
  (asynchronous commit: the push's own commit, later in the log, makes it durable). The push then writes
  its records and commits without holding any lock another push waits for. A pull serves only positions
  below the first one claimed by a transaction still running in the pull's snapshot: "the highest
  position below which every transaction has finished". Claims of transactions that ended are deleted
  now and then (`_claim_positions`). The server's own rare writes (teams, devices) and the op-by-op
  fallback of a push (store_push_writes) keep the counter's row locked until they commit instead, which
  is equally safe beside claims.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from fieldapp.protocol.encoding import to_json
from fieldapp.server import schema as s
from fieldapp.server import store_push as reads
from fieldapp.server.ops import Device, Rec, visible
from fieldapp.server.store_db import Database, utcnow


@dataclass(frozen=True)
class Page:
    rows: list[tuple[int, str, str, int | None, str]]  # pos, entity, id, version, data (JSON text)
    next: int
    more: bool


CLEAR_EVERY = 32
# A page of the feed is planned for its own values, never by the generic plan psycopg's prepared statement
# gets after five pages: that plan reads the feed in position order (records_pos) and filters on the scope,
# so a team's empty branch of the pull scanned every record past the cursor, 1.3 s a page at the start of a
# province of 1.9 million records (issue 15). Planned for the values, it seeks records_scope_pull.
PULL_PLAN = "SET LOCAL plan_cache_mode = force_custom_plan"
_CLAIM = sa.text(
    "WITH c AS (UPDATE feed_counter SET value = value + :n WHERE id = 1 RETURNING value) "
    "INSERT INTO feed_claims (xid, first, last) SELECT :xid, value - :n + 1, value FROM c RETURNING last"
)
_CLEAR_CLAIMS = sa.text(
    "DELETE FROM feed_claims WHERE xid IN (SELECT xid FROM feed_claims "
    "WHERE pg_xact_status(xid::text::xid8) IS DISTINCT FROM 'in progress' FOR UPDATE SKIP LOCKED)"
)


class Feed(Database):
    """The feed's positions and records, on the engines of `Database`."""

    @staticmethod
    def _take_positions(conn: sa.Connection, n: int) -> int:
        """Lock the counter (until this transaction ends) and take n positions; returns the last one."""
        c = s.feed_counter.c
        stmt = sa.update(s.feed_counter).where(c.id == 1).values(value=c.value + n).returning(c.value)
        return int(conn.execute(stmt).scalar_one())

    def _claim_positions(self, conn: sa.Connection, n: int) -> int:
        """Take n positions for the transaction of `conn` (PostgreSQL), filed as its claim; returns the last.

        One statement in autocommit on a connection of the claims' own pool: the counter's row is locked
        for that statement and its (asynchronous) commit only. Called before the push locks any row: the
        claim may wait for the counter, held by a writer that may itself wait for rows, and that wait must
        not be on us. Every CLEAR_EVERY claims, those of finished transactions are deleted (skipping any
        another worker is deleting), which keeps the table at about the number of running pushes."""
        assert self._claims is not None
        xid = int(conn.exec_driver_sql("SELECT pg_current_xact_id()::text::bigint").scalar_one())
        with self._claims.connect() as claims:
            last = claims.execute(_CLAIM, {"n": n, "xid": xid}).scalar_one()
            self._claims_made += 1
            if self._claims_made % CLEAR_EVERY == 0:
                claims.execute(_CLEAR_CLAIMS)
        return int(last)

    def _positions(self, conn: sa.Connection, n: int) -> int:
        """n feed positions for a push's records; returns the last one (see the module's docstring)."""
        if self._claims is not None:
            return self._claim_positions(conn, n)
        return self._take_positions(conn, n)

    @staticmethod
    def _set_counter(conn: sa.Connection, value: int) -> None:
        conn.execute(sa.update(s.feed_counter).where(s.feed_counter.c.id == 1).values(value=value))

    @staticmethod
    def _put_record(conn: sa.Connection, rec: Rec, pos: int, now: str) -> None:
        values = {
            "scope_team": rec.scope_team,
            "scope_province": rec.scope_province,
            "version": rec.version,
            "data": to_json(rec.data),
            "pos": pos,
            "updated_at": now,
            "last_device": rec.last_device,
            "chain_base": rec.chain_base,
        }
        if rec.db_pos is None:
            conn.execute(sa.insert(s.records).values(entity=rec.entity, id=rec.id, **values))
            if rec.entity == "day_closings":
                conn.execute(sa.insert(s.day_closings).values(**closing_key(rec)))
        else:
            r = s.records.c
            conn.execute(sa.update(s.records).where(r.entity == rec.entity, r.id == rec.id).values(**values))

    def _insert_many(self, conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """executemany on SQLite; on PostgreSQL one INSERT ... SELECT from json_populate_recordset of one
        JSON parameter (same reason as `store_push.by_key`)."""
        if self.dialect != "postgresql" or len(rows) < 2:
            conn.execute(sa.insert(table), rows)
            return
        names = list(rows[0])
        param = sa.cast(sa.bindparam(None, json.dumps(rows, ensure_ascii=False), sa.Text), sa.JSON)
        source = sa.func.json_populate_recordset(sa.literal_column(f"NULL::{table.name}"), param)
        conn.execute(sa.insert(table).from_select(names, sa.select(*(sa.column(n) for n in names)).select_from(source)))

    def _server_record(
        self,
        conn: sa.Connection,
        entity: str,
        rid: str,
        scope_team: str,
        province: str,
        version: int | None,
        data: dict,
        now: str,
    ) -> None:
        """Write a record the server itself makes (teams, devices) at the next feed position."""
        r = s.records.c
        old = conn.execute(sa.select(r.pos).where(r.entity == entity, r.id == rid)).first()
        pos = self._take_positions(conn, 1)
        rec = Rec(entity, rid, scope_team, province, version, data, old.pos if old else None, None, None)
        self._put_record(conn, rec, pos, now)

    def _below_claims(self) -> list[sa.ColumnElement[bool]]:
        """On PostgreSQL: pos below the first position claimed by a transaction still running in this
        statement's snapshot (one statement, one snapshot: the claims and the records are read in it)."""
        if self._claims is None:
            return []
        first_open = sa.text(
            "(SELECT coalesce(min(first), 9223372036854775807) FROM feed_claims "
            "WHERE NOT pg_visible_in_snapshot(xid::text::xid8, pg_current_snapshot()))"
        )
        return [s.records.c.pos < sa.literal_column(first_open.text)]

    def pull(self, device: Device, since: int, limit: int) -> Page:
        r = s.records.c
        cols = (r.pos, r.entity, r.id, r.version, r.data)
        n = limit + 1
        safe = self._below_claims()
        if device.role == "province":
            stmt = (
                sa.select(*cols)
                .where(r.scope_province == device.province_code, r.pos > since, *safe)
                .order_by(r.pos)
                .limit(n)
            )
        else:
            branches = [
                sa.select(*cols)
                .where(r.scope_province == device.province_code, r.scope_team == team, r.pos > since, *safe)
                .order_by(r.pos)
                .limit(n)
                .subquery()
                for team in (device.team_id or "", "")
            ]
            both = sa.union_all(*(sa.select(b) for b in branches)).subquery()
            stmt = sa.select(both).order_by(both.c.pos).limit(n)
        with self._read() as conn:
            if self._claims is not None:  # PostgreSQL: see PULL_PLAN
                conn.exec_driver_sql(PULL_PLAN)
            rows = [tuple(row) for row in conn.execute(stmt)]
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(rows, rows[-1][0] if rows else since, more)

    def counts(self, device: Device | None = None) -> dict[str, int]:
        """Records per entity: in the device's scope (what it would pull from 0), or all of them."""
        r = s.records.c
        stmt = sa.select(r.entity, r.scope_team, r.scope_province, sa.func.count()).group_by(
            r.entity, r.scope_team, r.scope_province
        )
        if device is not None:
            stmt = stmt.where(r.scope_province == device.province_code)
        out: dict[str, int] = {}
        with self._read() as conn:
            for entity, team, province, n in conn.execute(stmt):
                if device is None or visible(device, team, province):
                    out[entity] = out.get(entity, 0) + n
        return out

    def rewrite_records(self, entity: str, change) -> int:
        """Server upkeep (pins.seal_stored): each record of `entity` that `change(data, id)` gives a new body
        gets it with version + 1 at a new feed position, in one transaction. Returns how many."""
        r, done = s.records.c, 0
        with self._write() as conn:
            rows = conn.execute(sa.select(*reads.REC_COLS).where(r.entity == entity)).all()
            for kind, rid, team, province, version, data, pos, _last, _chain in rows:
                new = change(json.loads(data), rid)
                if new is None:
                    continue
                new["version"] = bumped = (version or 0) + 1
                rec = Rec(kind, rid, team, province, bumped, new, pos, None, None)
                self._put_record(conn, rec, self._take_positions(conn, 1), utcnow())
                done += 1
        return done


def closing_key(rec: Rec) -> dict[str, Any]:
    """The `day_closings` row of a closing record: one closing per collector and day."""
    data = rec.data
    return {"collector_id": data["collector_id"], "day": data["day"], "id": rec.id, "team_id": data["team_id"]}
