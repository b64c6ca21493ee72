"""The SQLCipher driver (sqlcipher3, a drop-in for sqlite3) and how its errors reach a person."""

from __future__ import annotations

from sqlcipher3 import dbapi2 as sqlite

from fieldapp.domain.text import sort_key, text_sort_key
from fieldapp.errors import FieldappError, StoreUnavailable

Connection = sqlite.Connection
Error = sqlite.Error
DatabaseError = sqlite.DatabaseError
IntegrityError = sqlite.IntegrityError
OperationalError = sqlite.OperationalError

SQLITE_HEADER = b"SQLite format 3\x00"

# SQLCipher writes its own diagnostics to stderr ("ERROR CORE sqlcipher_page_cipher ..."); a person must
# never see those, and our own messages say what went wrong.
_silencer = sqlite.connect(":memory:")
_silencer.execute("PRAGMA cipher_log_level = NONE")
_silencer.close()


def connect(path: str, *, timeout: float = 5.0) -> Connection:
    conn = sqlite.connect(path, isolation_level=None, check_same_thread=False, timeout=timeout)
    # Vietnamese alphabetical order in SQL: people (by given name) and places (words in order). The
    # migration filling persons.sort_key (db/0006) and short lists (members, hamlets) sort with them.
    conn.create_function("vi_sort_key", 1, sort_key, deterministic=True)
    conn.create_function("vi_text_sort_key", 1, text_sort_key, deterministic=True)
    return conn


def error_name(exc: BaseException) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def translate(exc: BaseException, path: str = "") -> FieldappError | None:
    """The user-facing error for an SQLite failure, or None when it is a bug (let it go to the log)."""
    name = error_name(exc)
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreUnavailable("store.disk_full", path=path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return StoreUnavailable("store.locked", path=path)
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return StoreUnavailable("store.read_only", path=path)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text or "not a database" in text:
        return StoreUnavailable("store.corrupt", path=path)
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PERM")) or "unable to open" in text:
        return StoreUnavailable("store.io_error", path=path)
    return None


def self_check() -> str:
    """Write and read back an encrypted database; the file must not be readable as plain SQLite. The
    SQLCipher version; a FieldappError (a `selftest.detail` message) where it does not hold."""
    import secrets
    import tempfile
    from pathlib import Path

    sample = "Nguyễn Thị Hoà"
    key = f"PRAGMA key = \"x'{secrets.token_hex(32)}'\""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "self-test.db"
        conn = connect(str(path))
        conn.execute(key)
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.execute("INSERT INTO t VALUES (?)", (sample,))
        conn.close()
        if path.read_bytes()[:16] == SQLITE_HEADER or sample.encode() in path.read_bytes():
            raise FieldappError("selftest.detail.sqlcipher_plain")
        conn = connect(str(path))
        conn.execute(key)
        value = conn.execute("SELECT v FROM t").fetchone()[0]
        version = conn.execute("PRAGMA cipher_version").fetchone()[0]
        conn.close()
    if value != sample:
        raise FieldappError("selftest.detail.sqlcipher_different")
    return version
