"""The server's one owner of the database: engine, migrations, and every query (SQLAlchemy Core).

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
  fallback below keep the counter's row locked until they commit instead, which is equally safe beside
  claims.

A push is decided in Python against the rows read for that batch, then written with one statement per
table. When a write fails (a row another worker committed in the meantime, a value the database refuses),
the transaction is rolled back and the batch is done again op by op, each in its own SAVEPOINT, with the
counter locked from the start: one failing op is answered `rejected` and the rest of the batch goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from fieldapp.errors import InputRefused, StoreUnavailable
from fieldapp.protocol.encoding import to_json
from fieldapp.server import schema as s
from fieldapp.server import store_push as reads
from fieldapp.server.enrolment import Proof, key_id_of, new_code, normalise_code
from fieldapp.server.push import Answer, Device, OpIn, Planner, PriorOp, Rec, visible
from fieldapp.server.receipts_check import void_notices

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Set on every SQLite connection. synchronous=FULL: an op answered `accepted` survives a power cut (the
# laptop will not send it again).
_SQLITE_SETTINGS = (("journal_mode", "wal"), ("synchronous", "full"), ("foreign_keys", "on"), ("busy_timeout", "30000"))


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def engine_url(url: str) -> sa.engine.URL:
    """`postgresql://…` means psycopg 3 (SQLAlchemy's own default driver for it is psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    return sa.engine.make_url(url)


def make_engine(url: str) -> sa.Engine:
    u = engine_url(url)
    if u.get_backend_name() != "sqlite":
        return sa.create_engine(u, pool_size=8, max_overflow=16, pool_pre_ping=True)
    if u.database and u.database != ":memory:":
        Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(u, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=8)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        for name, value in _SQLITE_SETTINGS:
            cursor.execute(f"PRAGMA {name} = {value}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


class SchemaTooNew(StoreUnavailable):
    pass


def migrate(engine: sa.Engine) -> str:
    """Bring the schema to the newest revision (Alembic, without env.py); returns that revision."""
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    with engine.connect().execution_options(write=True) as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        conn.rollback()
        if current == head:
            return head
        if current is not None and current not in {r.revision for r in script.walk_revisions()}:
            raise SchemaTooNew("server.schema_too_new", revision=current, known=head)

        def upgrade(rev, _context):
            return script._upgrade_revs(head, rev)

        with EnvironmentContext(config, script, fn=upgrade, destination_rev=head) as env:
            env.configure(connection=conn, render_as_batch=True)
            with env.begin_transaction():
                env.run_migrations()
        conn.commit()
    log.info("server schema migrated from %s to %s", current, head)
    return head


def schema_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class Page:
    rows: list[tuple[int, str, str, int | None, str]]  # pos, entity, id, version, data (JSON text)
    next: int
    more: bool


_DEVICE_COLS = (
    s.devices.c.id,
    s.devices.c.team_id,
    s.devices.c.province_code,
    s.devices.c.role,
    s.devices.c.name,
    s.devices.c.revoked_at,
    s.devices.c.last_seen,
    s.devices.c.public_key,
    s.devices.c.number,
)


class _WriteFailed(Exception):
    pass


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


class ServerStore:
    def __init__(self, url: str, pin_secret: bytes | None = None) -> None:
        self.url = url
        self.pin_secret = pin_secret  # with it, a pushed member's PIN must open under its team's key
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        self._claims: sa.Engine | None = None
        if self.dialect == "postgresql":  # its own small pool: a push holding a connection never waits for one
            self._claims = sa.create_engine(
                engine_url(url),
                pool_size=2,
                max_overflow=6,
                pool_pre_ping=True,
                isolation_level="AUTOCOMMIT",
                connect_args={"options": "-c synchronous_commit=off"},
            )
        self._claims_made = 0

    def close(self) -> None:
        self.engine.dispose()
        if self._claims is not None:
            self._claims.dispose()

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    # --- the feed --------------------------------------------------------------------------------

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
                conn.execute(sa.insert(s.day_closings).values(**_closing_key(rec)))
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

    # --- devices and auth ------------------------------------------------------------------------

    def device_by_token(self, token: str) -> Device | None:
        with self._read() as conn:
            row = conn.execute(sa.select(*_DEVICE_COLS).where(s.devices.c.token_sha256 == sha256(token))).first()
        return Device(*row) if row else None

    def touch(self, device_id: str, now: str) -> None:
        with self._write() as conn:
            conn.execute(sa.update(s.devices).where(s.devices.c.id == device_id).values(last_seen=now))

    def enrol(
        self, code: str, device_id: str, name: str, public_key: str | None, *, proof: Proof | None = None
    ) -> dict:
        """Use a one-time code; returns the enrolment answer or raises EnrolRefused(code, status). A code
        enrols one new device, once; a device id the server knows enrols again only with a `proof` signed by
        its registered key, else `device_taken`, nothing changed (docs/sync-api.md, "Authentication")."""
        now = utcnow()
        token = secrets.token_urlsafe(32)
        key_id = key_id_of(public_key)
        e, d = s.enrol_codes.c, s.devices.c
        with self._write() as conn:
            row = conn.execute(
                sa.select(e.team_id, e.province_code, e.expires_at, e.used_at, e.used_by).where(
                    e.code_sha256 == sha256(normalise_code(code))
                )
            ).first()
            if row is None:
                raise EnrolRefused("code_unknown", 401)
            team_id, province, expires_at, used_at, used_by = row
            # The same laptop sending the same code again lost the first answer (it proves below it is that one)
            retry = used_at is not None and used_by == device_id
            if used_at is not None and not retry:
                raise EnrolRefused("code_used", 409)
            if expires_at <= now:
                raise EnrolRefused("code_expired", 410)
            old = conn.execute(sa.select(d.revoked_at, d.public_key).where(d.id == device_id)).first()
            if old is not None and old.revoked_at is not None:
                raise EnrolRefused("device_revoked", 403)
            if old is not None and not (
                old.public_key and public_key == old.public_key and proof and proof.by(public_key)
            ):
                raise EnrolRefused("device_taken", 409)
            if old is None and proof is not None and not proof.by(public_key):
                raise EnrolRefused("proof_invalid", 401)
            if old is None and public_key and conn.execute(sa.select(d.id).where(d.public_key == public_key)).first():
                raise EnrolRefused("key_taken", 409)
            if not retry:
                used = conn.execute(
                    sa.update(s.enrol_codes)
                    .where(e.code_sha256 == sha256(normalise_code(code)), e.used_at.is_(None))
                    .values(used_at=now, used_by=device_id)
                )
                if used.rowcount != 1:
                    raise EnrolRefused("code_used", 409)
            values = {
                "team_id": team_id,
                "province_code": province,
                "role": "team" if team_id else "province",
                "name": name,
                "key_id": key_id,
                "public_key": public_key,
                "token_sha256": sha256(token),
                "enrolled_at": now,
                "last_seen": now,
                "revoked_at": None,
            }
            number = self._device_number(conn, device_id)
            values["number"] = number
            if old is None:
                conn.execute(sa.insert(s.devices).values(id=device_id, **values))
            else:  # the same laptop enrolling again (its token was lost): a new token, the new key
                conn.execute(sa.update(s.devices).where(s.devices.c.id == device_id).values(**values))
            record = {
                "id": device_id,
                "team_id": team_id,
                "name": name,
                "key_id": key_id,
                "public_key": public_key,
                "enrolled_at": now,
                "revoked_at": None,
                "number": number,
            }
            self._server_record(conn, "devices", device_id, "", province, None, record, now)
            team = None
            if team_id:
                team = json.loads(
                    conn.execute(
                        sa.select(s.records.c.data).where(s.records.c.entity == "teams", s.records.c.id == team_id)
                    ).scalar_one()
                )
        return {
            "device_id": device_id,
            "token": token,
            "team": team,
            "province_code": province,
            "server_time": now,
            "device_number": number,
        }

    @staticmethod
    def _device_number(conn: sa.Connection, device_id: str) -> int:
        """The device's number (kept when it enrols again), else the next free one: the device part of its
        receipt series, so two laptops of one collector never number in the same series. Enrolments of
        two laptops at once are serialised by a lock on the devices table (PostgreSQL; SQLite writes are)."""
        d = s.devices.c
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("LOCK TABLE devices IN SHARE ROW EXCLUSIVE MODE"))
        had = conn.execute(sa.select(d.number).where(d.id == device_id)).scalar()
        if had is not None:
            return int(had)
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(d.number), 0) + 1)).scalar_one())

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

    def public_devices(self, province: str) -> list[dict]:
        """Every device's key, number and revocation, nationwide: what verifying any receipt offline needs.
        The devices of `province` (the caller's) also have their team, name and enrolment time."""
        d = s.devices.c
        cols = (d.id, d.team_id, d.name, d.key_id, d.public_key, d.enrolled_at, d.revoked_at, d.number)
        with self._read() as conn:
            rows = [r._mapping for r in conn.execute(sa.select(*cols, d.province_code.label("p")).order_by(d.id))]
        hidden = ("team_id", "name", "enrolled_at")  # of another province's device: not what verifying needs
        return [{k: v for k, v in r.items() if k != "p" and (r["p"] == province or k not in hidden)} for r in rows]

    # --- push ------------------------------------------------------------------------------------

    def push(self, device: Device, ops: Sequence[OpIn]) -> list[Answer]:
        try:
            return self._push_batch(device, ops)
        except (sa.exc.DBAPIError, _WriteFailed) as exc:
            log.info("push of %d ops by %s goes op by op: %s", len(ops), device.id, type(exc).__name__)
        return self._push_one_by_one(device, ops)

    def _planner(self, conn: sa.Connection, device: Device, ops: Sequence[OpIn]) -> Planner:
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

    def _push_batch(self, device: Device, ops: Sequence[OpIn]) -> list[Answer]:
        now = utcnow()
        with self._write() as conn:
            planner = self._planner(conn, device, ops)
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
            # The positions before any row is written (see `_claim_positions`). (An op id pushed twice at
            # once makes the second push wait on the ops row for the first, then go op by op.)
            last = self._positions(conn, len(changed)) if changed else 0
            if kept:
                self._insert_many(conn, s.ops, kept)
            if changed:
                rows, new_rows, old_rows = [], [], []
                for rec in changed.values():
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
                    keys = [
                        _closing_key(rec)
                        for rec in changed.values()
                        if rec.entity == "day_closings" and rec.db_pos is None
                    ]
                    if keys:  # a collector's day closed twice fails here: the op-by-op path refuses the second
                        conn.execute(sa.insert(s.day_closings), keys)
                if old_rows:
                    r = s.records.c
                    stmt = (
                        sa.update(s.records)
                        .where(
                            r.entity == sa.bindparam("key_entity"),
                            r.id == sa.bindparam("key_id"),
                            r.pos == sa.bindparam("old_pos"),
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
                    done = conn.execute(stmt, old_rows)
                    if done.rowcount != len(old_rows):
                        raise _WriteFailed("a record changed since it was read")
            self._seen(conn, device, now)
        return answers

    def _push_one_by_one(self, device: Device, ops: Sequence[OpIn]) -> list[Answer]:
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
    def _keep(conn, device: Device, op: OpIn, planner: Planner, answer: Answer, now: str) -> None:
        sha = planner.prior_ops[op.op_id].content_sha256
        conn.execute(
            sa.insert(s.ops).values(
                op_id=op.op_id, device_id=device.id, content_sha256=sha, result=answer.stored(), at=now
            )
        )

    @staticmethod
    def _seen(conn: sa.Connection, device: Device, now: str) -> None:
        conn.execute(sa.update(s.devices).where(s.devices.c.id == device.id).values(last_seen=now))

    # --- pull and counts -------------------------------------------------------------------------

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

    # --- administration (the `fieldapp server ...` commands) ---------------------------------------

    def add_team(self, name: str, province: str, team_id: str) -> dict:
        now = utcnow()
        with self._write() as conn:
            if conn.execute(sa.select(s.teams.c.id).where(s.teams.c.name == name)).first():
                raise InputRefused("server.team_exists", name=name)
            conn.execute(sa.insert(s.teams).values(id=team_id, name=name, province_code=province, created_at=now))
            record = {
                "id": team_id,
                "name": name,
                "province_code": province,
                "organisation": "",
                "commune_codes": "[]",
                "created_at": now,
                "version": 1,
            }
            self._server_record(conn, "teams", team_id, "", province, 1, record, now)
        return record

    def team_ids(self, province: str) -> list[str]:
        """The teams of a province (a province device verifies the PINs of all of them)."""
        t = s.teams.c
        with self._read() as conn:
            return [row[0] for row in conn.execute(sa.select(t.id).where(t.province_code == province))]

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

    def find_team(self, name_or_id: str) -> tuple[str, str, str] | None:
        t = s.teams.c
        with self._read() as conn:
            row = conn.execute(
                sa.select(t.id, t.name, t.province_code).where(sa.or_(t.name == name_or_id, t.id == name_or_id))
            ).first()
        return tuple(row) if row else None

    def new_code(self, team_id: str | None, province: str, expires_at: str) -> str:
        code = new_code()
        with self._write() as conn:
            conn.execute(
                sa.insert(s.enrol_codes).values(
                    code_sha256=sha256(normalise_code(code)),
                    team_id=team_id,
                    province_code=province,
                    created_at=utcnow(),
                    expires_at=expires_at,
                )
            )
        return code

    def list_devices(self) -> list[dict]:
        d, t = s.devices.c, s.teams.c
        stmt = (
            sa.select(
                d.id, d.name, d.role, d.province_code, t.name.label("team"), d.enrolled_at, d.last_seen, d.revoked_at
            )
            .select_from(s.devices.outerjoin(s.teams, d.team_id == t.id))
            .order_by(d.enrolled_at, d.id)
        )
        with self._read() as conn:
            return [dict(row._mapping) for row in conn.execute(stmt)]

    def revoke(self, device_id: str) -> bool:
        """Revoke a device; False if there is none with that id. Revoking twice keeps the first time."""
        now = utcnow()
        r = s.records.c
        with self._write() as conn:
            row = conn.execute(
                sa.select(s.devices.c.revoked_at, s.devices.c.province_code).where(s.devices.c.id == device_id)
            ).first()
            if row is None:
                return False
            if row.revoked_at is not None:
                return True
            conn.execute(sa.update(s.devices).where(s.devices.c.id == device_id).values(revoked_at=now))
            data = conn.execute(sa.select(r.data).where(r.entity == "devices", r.id == device_id)).scalar()
            if data is not None:
                record = {**json.loads(data), "revoked_at": now}
                self._server_record(conn, "devices", device_id, "", row.province_code, None, record, now)
        return True


class EnrolRefused(Exception):
    def __init__(self, code: str, status: int) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def _closing_key(rec: Rec) -> dict[str, Any]:
    data = rec.data
    return {"collector_id": data["collector_id"], "day": data["day"], "id": rec.id, "team_id": data["team_id"]}


def _refused_by_database(op: OpIn) -> str:
    """The reason given for an op whose write the database refused: a closing of a collector's day that is
    already closed (the `day_closings` key), or a value it could not take."""
    return "day_closed" if op.entity == "day_closings" else "invalid"
