"""The one owner of the laptop's SQLite connection.

Opening a store: make sure the data dir is usable, get the key (keyring or passphrase), check the file
is what the keystore says (encrypted or the explicit development plaintext), refuse a database newer
than this app without touching it, copy the file and migrate, load the reference data. Then WAL mode,
foreign keys on and synchronous=FULL, so a committed receipt survives a power cut.

The GUI's work goes through one connection guarded by a lock, every call on its single database worker
thread (the CLI's on its main thread); a sync works on a connection of its own (`own_connection`), and
bulk reads off that thread on read-only ones (`side_reader`): WAL lets them read while another writes.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp import __version__
from fieldapp.domain import admin_units
from fieldapp.domain.clock import utcnow
from fieldapp.domain.ids import new_id
from fieldapp.domain.text import fold
from fieldapp.errors import FieldappError, StoreUnavailable
from fieldapp.outputs import (
    FILE_MODE,
    OutputLike,
    private_folder,
    private_writing,
    tighten,
    tighten_tree,
)
from fieldapp.paths import DataDir
from fieldapp.protocol.versions import version_key
from fieldapp.storage import driver, indexes, migrations, products
from fieldapp.storage.driver import SQLITE_HEADER, Connection
from fieldapp.storage.keystore import KeyStore

if TYPE_CHECKING:
    from fieldapp.domain.changes import Changes

log = logging.getLogger(__name__)

PRE_MIGRATION_COPIES_KEPT = 5
DEFAULT_CACHE_KIB = -32000  # negative: KiB, about 32 MB of page cache


@dataclass(frozen=True)
class OpenOptions:
    passphrase: str | None = None
    dev_plaintext: bool = False  # the explicit development flag: a new store is made unencrypted
    create: bool = True
    busy_timeout: float = 5.0  # seconds to wait for another process's write lock


# What the data folder holds, made readable by its owner only when a store opens (also what an older version
# left readable by others): only these, so a data folder set to a shared place changes nothing else there.
PRIVATE_FILES = ("fieldapp.db", "fieldapp.db-wal", "fieldapp.db-shm", "fieldapp.db-journal", "keystore.json",
                 "settings.json")  # fmt: skip
PRIVATE_FOLDERS = ("logs", "backups", "imports", "downloads", "server")


def secure_data_dir(data_dir: DataDir) -> None:
    root = data_dir.root
    tighten(root)
    for name in PRIVATE_FILES:
        tighten(root / name)
    for name in PRIVATE_FOLDERS:
        tighten_tree(root / name, depth=2)


def check_data_dir(data_dir: DataDir) -> None:
    """The data dir exists (made if needed, 0700) and takes files; otherwise a clear StoreUnavailable."""
    root = data_dir.root
    try:
        private_folder(root)
    except OSError as exc:
        raise StoreUnavailable("store.data_dir_unusable", path=str(root), reason=exc.strerror or str(exc)) from exc
    if not root.is_dir():
        raise StoreUnavailable("store.data_dir_unusable", path=str(root), reason="not a folder")
    probe = root / f".write-test-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise StoreUnavailable("store.read_only", path=str(root)) from exc
    secure_data_dir(data_dir)


def put_meta(conn: Connection, key: str, value: str) -> None:
    """Set one of the laptop's own facts (device id, team, demo seeds) inside the caller's transaction."""
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def delete_meta(conn: Connection, key: str) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (key,))


META_APP_VERSION = "app_version"  # the version of the app that last opened (and so wrote) this store


def _refuse_newer_app(conn: Connection, path: str) -> None:
    """A store last opened by a newer app may hold what this one cannot keep, even on the same schema."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_APP_VERSION,)).fetchone()
    if row and version_key(row[0]) > version_key(__version__):
        raise StoreUnavailable("store.app_too_new", path=path, last_version=row[0], app_version=__version__)


def _note_app_version(conn: Connection) -> None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (META_APP_VERSION,)).fetchone()
    if not row or row[0] != __version__:
        put_meta(conn, META_APP_VERSION, __version__)
        log.info("store last opened by %s, now by %s", row[0] if row else "an app before 0.1.0", __version__)


def _file_header(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(16)
    except FileNotFoundError:
        return b""


def _configure(conn: Connection) -> None:
    """What every connection of a store runs with (WAL is the file's, set when it opens): a committed receipt
    survives a power cut, foreign keys hold, sorts stay in memory, the everyday page cache."""
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"PRAGMA cache_size = {DEFAULT_CACHE_KIB}")


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


class Store:
    """An open local store. Use as a context manager, or call close()."""

    def __init__(self, conn: Connection, data_dir: DataDir, key: bytes | None, keystore: KeyStore) -> None:
        self._conn = conn
        self.data_dir = data_dir
        self._key = key
        self.keystore = keystore
        self.lock = threading.RLock()
        self.device_id = self.meta("device_id") or ""
        # called with a storage.writer.writing()'s Changes once it is committed, on the thread that wrote
        self.on_written: list[Callable[[Changes], None]] = []

    # --- opening ---------------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: DataDir, options: OpenOptions | None = None) -> Store:
        options = options or OpenOptions()
        check_data_dir(data_dir)
        keystore, key = cls._keys(data_dir, options)
        header = _file_header(data_dir.db)
        if keystore.encrypted and header == SQLITE_HEADER:
            raise StoreUnavailable("store.unexpected_plaintext", path=str(data_dir.db))
        if not keystore.encrypted:
            if not options.dev_plaintext:
                raise StoreUnavailable("store.plaintext_needs_flag", path=str(data_dir.db))
            if header and header != SQLITE_HEADER:
                raise StoreUnavailable("store.unexpected_encrypted", path=str(data_dir.db))
        if not header:  # made 0600 before SQLite opens it: its -wal and -shm files take the same mode
            os.close(os.open(data_dir.db, os.O_WRONLY | os.O_CREAT, FILE_MODE))
            tighten(data_dir.db)
        conn = cls._connect(data_dir.db, key, options.busy_timeout)
        try:
            cls._prepare(conn, data_dir, key)
        except BaseException:
            conn.close()
            raise
        store = cls(conn, data_dir, key, keystore)
        log.info("store open: %s, schema %s", data_dir.root, migrations.user_version(conn))
        from fieldapp.storage import rules  # price with the server's rule files this store holds (issue 14)

        rules.activate(store)
        return store

    @staticmethod
    def _keys(data_dir: DataDir, options: OpenOptions) -> tuple[KeyStore, bytes | None]:
        path = data_dir.keystore
        if path.exists():
            keystore = KeyStore.load(path)
            return keystore, (keystore.unlock(options.passphrase) if keystore.encrypted else None)
        if data_dir.db.exists() and data_dir.db.stat().st_size > 0:
            raise StoreUnavailable("store.keystore_missing", path=str(path))
        if not options.create:
            raise StoreUnavailable("store.missing", path=str(data_dir.root))
        keystore, key = KeyStore.create(path, passphrase=options.passphrase, plaintext=options.dev_plaintext)
        log.info("new store %s (%s)", keystore.store_id, "plaintext" if key is None else "encrypted")
        return keystore, key

    @staticmethod
    def _connect(path: Path, key: bytes | None, busy_timeout: float = 5.0) -> Connection:
        try:
            conn = driver.connect(str(path), timeout=busy_timeout)
        except driver.Error as exc:
            raise driver.translate(exc, str(path)) or StoreUnavailable("store.io_error", path=str(path)) from exc
        try:
            if key is not None:
                conn.execute(_key_pragma(key))
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except driver.Error as exc:
            conn.close()
            if driver.error_name(exc).startswith("SQLITE_NOTADB"):
                raise StoreUnavailable("store.unreadable", path=str(path)) from exc
            raise driver.translate(exc, str(path)) or StoreUnavailable("store.io_error", path=str(path)) from exc
        return conn

    @classmethod
    def _prepare(cls, conn: Connection, data_dir: DataDir, key: bytes | None) -> None:
        path = str(data_dir.db)
        try:
            version = migrations.user_version(conn)
            latest = migrations.latest_version()
            if version > latest:
                # Left exactly as found: no pragma that writes, no migration.
                raise StoreUnavailable("store.too_new", path=path, db_version=version, app_version=latest)
            if version > 0:
                _refuse_newer_app(conn, path)
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            _configure(conn)
            if version > 0:
                cls._build_deferred_indexes(conn)
            if version < latest:
                copy = cls._copy_before_migration(conn, data_dir, version) if version > 0 else None
                try:
                    applied = migrations.apply_pending(conn)
                except driver.Error as exc:
                    log.exception("migration of %s from schema %s failed; rolled back", path, version)
                    raise StoreUnavailable(
                        "store.migration_failed", path=path, db_version=version, copy=str(copy or "")
                    ) from exc
                log.info("migrated %s from schema %s: %s", path, version, applied)
            cls._load_reference_data(conn)
            products.record(conn)  # the products' tally metrics, for the rollup (db/0010)
            cls._ensure_device(conn)
            _note_app_version(conn)
        except FieldappError:
            raise
        except driver.Error as exc:
            raise driver.translate(exc, path) or StoreUnavailable("store.io_error", path=path) from exc

    @staticmethod
    def _build_deferred_indexes(conn: Connection) -> None:
        """The indexes a first pull killed before its end left unbuilt (storage.indexes), before any
        migration (which expects the schema whole)."""
        if not indexes.any_deferred(conn):
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            indexes.build_deferred(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _copy_before_migration(conn: Connection, data_dir: DataDir, version: int) -> Path:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        dest = data_dir.backups / f"before-migration-schema{version}-{stamp}.db"
        with private_writing(dest) as tmp:
            conn.execute("VACUUM INTO ?", (str(tmp),))
        copies = sorted(data_dir.backups.glob("before-migration-*.db"))
        for old in copies[:-PRE_MIGRATION_COPIES_KEPT]:
            old.unlink(missing_ok=True)
        log.info("copied schema %s store to %s before migrating", version, dest)
        return dest

    @staticmethod
    def _load_reference_data(conn: Connection) -> None:
        """Provinces and communes from resources/, refreshed when the shipped list changes."""
        version = admin_units.reference_version()
        row = conn.execute("SELECT value FROM meta WHERE key = 'reference_version'").fetchone()
        if row and row[0] == version:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO provinces (code, name, kind) VALUES (?, ?, ?) "
                "ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind",
                [(p.code, p.name, p.kind) for p in admin_units.provinces().values()],
            )
            conn.executemany(
                "INSERT INTO communes (code, province_code, name, kind, name_key) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (code) DO UPDATE SET province_code = excluded.province_code, "
                "name = excluded.name, kind = excluded.kind, name_key = excluded.name_key",
                [(c.code, c.province_code, c.name, c.kind, fold(c.name)) for c in admin_units.communes().values()],
            )
            put_meta(conn, "reference_version", version)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _ensure_device(conn: Connection) -> None:
        if conn.execute("SELECT 1 FROM meta WHERE key = 'device_id'").fetchone():
            return
        put_meta(conn, "device_id", new_id())

    # --- using -----------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.data_dir.db

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A consistent snapshot for several queries (a deferred read transaction)."""
        with self.lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE .. COMMIT; rolled back on any error. SQLite failures become clear errors."""
        with self.lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except driver.Error:
                        log.exception("rollback failed")
                if isinstance(exc, driver.Error):
                    user_error = driver.translate(exc, str(self.path))
                    if user_error is not None:
                        log.warning("write failed: %s", exc)
                        raise user_error from exc
                raise

    @contextmanager
    def large_cache(self, megabytes: int = 256) -> Iterator[None]:
        """A bigger page cache for a bulk load (imports, demo data): the registry's indexes on names and
        identifiers are written in random order and outgrow the everyday 32 MB cache past ~300k people."""
        with self.lock:
            self._conn.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
        try:
            yield
        finally:
            with self.lock:
                self._conn.execute(f"PRAGMA cache_size = {DEFAULT_CACHE_KIB}")

    @contextmanager
    def own_connection(self, busy_timeout: float = 30.0) -> Iterator[Store]:
        """This store on a connection of its own, for a long job on another thread (a sync): WAL lets the GUI's
        database thread read while the job writes, and the job holds SQLite's write lock one transaction (a
        group of pulled pages) at a time, never this store's lock, so a search or a screen never waits for a
        pull. Closed on leaving; a job waits up to `busy_timeout` for a write of the GUI's."""
        conn = self._connect(self.path, self._key, busy_timeout)
        try:
            _configure(conn)
            yield Store(conn, self.data_dir, self._key, self.keystore)
        finally:
            conn.close()

    @contextmanager
    def side_reader(self) -> Iterator[Connection]:
        """A connection of its own for reads off the database thread (WAL: it never blocks the writer and
        never waits for it), read-only, closed on leaving."""
        conn = self._connect(self.path, self._key)
        try:
            conn.execute("PRAGMA query_only = ON")
            yield conn
        finally:
            conn.close()

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        with self.lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except driver.Error as exc:
                raise driver.translate(exc, str(self.path)) or exc from exc

    def query_one(self, sql: str, params: Any = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def meta(self, key: str) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    def set_passphrase(self, passphrase: str) -> None:
        """Wrap this store's key with a (new) passphrase: the recovery slot, or the only one without keyring."""
        if self._key is None:
            raise StoreUnavailable("keystore.not_encrypted")
        self.keystore.set_passphrase(self._key, passphrase)

    @property
    def schema_version(self) -> int:
        with self.lock:
            return migrations.user_version(self._conn)

    def close(self) -> None:
        with self.lock:
            try:
                self._conn.close()
            except driver.Error:
                log.warning("closing the store failed", exc_info=True)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- backup, restore, check ------------------------------------------------------------------

    def backup(self, dest: OutputLike) -> Path:
        """A consistent copy of the live store, encrypted with the same key (VACUUM INTO), with the
        keystore's passphrase slot in front (storage/backup_file.py) so it restores on another laptop.
        `dest` is a path (never replaced) or an Output (fieldapp.outputs; replaced with force)."""
        from fieldapp.storage import backups

        return backups.backup(self, dest)

    def restore(self, source: Path, key: bytes | None = None) -> Path:
        """Replace the store's content with a backup: one made here (this store's key), or one of another
        laptop whose key `key` is (unwrapped from the backup's slot with its passphrase).

        The backup is checked first (opens with its key, passes integrity_check, schema not newer); the
        current content is copied to backups/ before it is replaced, and the backup is migrated if it is
        older. A backup of another laptop brings its data, not its identity: this laptop keeps its device
        id, enrolment and receipt key (the lost laptop's are revoked on the server). Returns the path of
        the safety copy.
        """
        from fieldapp.storage import backups

        return backups.restore(self, source, key)

    def _safety_copy(self) -> Path:
        return self.copy_to_backups("before-restore")

    def copy_to_backups(self, prefix: str) -> Path:
        """A copy of the store as it is now in backups/ (same key; `restore` takes it back)."""
        dest = self.data_dir.backups / f"{prefix}-{utcnow().strftime('%Y%m%dT%H%M%S%f')}.db"
        with self.lock, private_writing(dest) as tmp:
            try:
                self._conn.execute("VACUUM INTO ?", (str(tmp),))
            except driver.Error as exc:
                raise driver.translate(exc, str(dest)) or exc from exc
        return dest

    def check(self) -> list[str]:
        """integrity_check and foreign_key_check; an empty list means all is well."""
        with self.lock:
            try:
                problems = _integrity(self._conn)
                for table, rowid, parent, _fk in self._conn.execute("PRAGMA foreign_key_check").fetchall():
                    problems.append(f"foreign key: {table} row {rowid} refers to a missing {parent}")
            except driver.Error as exc:
                problems = [f"{driver.error_name(exc) or 'error'}: {exc}"]
        return problems


def _integrity(conn: Connection) -> list[str]:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows
