"""Numbered SQL migrations (db/NNNN_name.sql) applied on PRAGMA user_version.

All pending steps run in one exclusive transaction that also sets user_version, so a store is either
fully at the new version or untouched. The caller copies the file first (Store.open). Files are never
edited once shipped: a change is a new file.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fieldapp.paths import migrations_dir
from fieldapp.storage.driver import Connection

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


@cache
def available(folder: Path | None = None) -> tuple[Migration, ...]:
    folder = folder or migrations_dir()
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file name not NNNN_name.sql: {path.name}")
        found.append(Migration(int(match.group(1)), path))
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise RuntimeError(f"migrations must be numbered 1..N without gaps; found {mig.path.name}")
    return tuple(found)


def latest_version() -> int:
    migs = available()
    return migs[-1].version if migs else 0


def user_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def apply_pending(conn: Connection, target: int | None = None) -> list[int]:
    """Apply every migration above the store's version (up to `target`) in one exclusive transaction."""
    target = latest_version() if target is None else target
    conn.execute("BEGIN EXCLUSIVE")
    try:
        current = user_version(conn)  # read again under the lock: another process may have migrated
        steps = [m for m in available() if current < m.version <= target]
        for mig in steps:
            log.info("applying migration %s", mig.path.name)
            _run_script(conn, mig.sql)
        if steps:
            conn.execute(f"PRAGMA user_version = {int(steps[-1].version)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return [m.version for m in steps]


def _run_script(conn: Connection, sql: str) -> None:
    """Run a script statement by statement inside the caller's transaction.

    `executescript` would COMMIT first; splitting on complete statements keeps the whole upgrade in
    one transaction (triggers with inner semicolons are kept whole by `complete_statement`).
    """
    from fieldapp.storage.driver import sqlite

    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite.complete_statement(buffer):
            statement = buffer.strip()
            buffer = ""
            if statement and not _only_comments(statement):
                conn.execute(statement)
    if buffer.strip() and not _only_comments(buffer):
        raise RuntimeError("migration ends with an incomplete statement")


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())
