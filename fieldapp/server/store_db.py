"""The server database's engine and schema: how a URL becomes an engine (SQLite's settings, psycopg 3 for
PostgreSQL), the Alembic migrations, and the connections every query of the data layer runs in."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from fieldapp.errors import StoreUnavailable

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


class Database:
    """The engines of one server database: the main pool, and on PostgreSQL the feed claims' own pool."""

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
