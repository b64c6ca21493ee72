"""Backups of the live store and restores from them, keeping the laptop's own identity (file format: backup_file)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldapp.errors import InputRefused, StoreUnavailable
from fieldapp.outputs import OutputLike, as_output, check, scratch_file
from fieldapp.storage import backup_file, driver, migrations
from fieldapp.storage.driver import Connection
from fieldapp.storage.store import Store, _integrity, _note_app_version, _refuse_newer_app, put_meta

log = logging.getLogger("fieldapp.storage.store")  # the store's log name, as before these moved out of store.py


def backup(store: Store, dest: OutputLike) -> Path:
    """What Store.backup does (its docstring says what)."""
    out = as_output(dest, data_dir=store.data_dir.root)
    try:
        check(out)
    except InputRefused as exc:
        if exc.code == "output.exists":
            raise InputRefused("backup.exists", **exc.params) from None
        raise
    with scratch_file(store.data_dir.root, "backup.db") as scratch:
        with store.lock:
            try:
                store._conn.execute("VACUUM INTO ?", (str(scratch),))
            except driver.Error as exc:
                raise driver.translate(exc, str(out.path)) or exc from exc
        backup_file.write(out, backup_file.header_for(store.keystore), scratch)
    log.info("backup written (%d passphrase slots)", len(backup_file.header_for(store.keystore)["slots"]))
    return out.path


def restore(store: Store, source: Path, key: bytes | None = None) -> Path:
    """What Store.restore does (its docstring says what)."""
    source = Path(source)
    if not source.is_file():
        raise InputRefused("restore.missing", path=str(source))
    header = backup_file.read_header(source)
    other_laptop = header is not None and header.store_id != store.keystore.store_id
    if header is None or header.same_key(store.keystore):
        source_key = store._key
    elif header.encrypted != store.encrypted:
        raise InputRefused("restore.unreadable", path=str(source))
    elif header.encrypted and key is None:
        raise InputRefused("restore.needs_passphrase", path=str(source))
    else:
        source_key = key
    with scratch_file(store.data_dir.root, "restore.db") as scratch:
        database = source
        if header is not None:
            backup_file.extract(source, header, scratch)
            database = scratch
        safety = _restore_from(store, database, source, source_key, other_laptop)
    log.info("restored from a backup%s; previous content kept in %s", " of another laptop" * other_laptop, safety)
    return safety


def _restore_from(store: Store, database: Path, source: Path, key: bytes | None, other_laptop: bool) -> Path:
    try:
        other = Store._connect(database, key)
    except StoreUnavailable as exc:
        raise InputRefused("restore.unreadable", path=str(source)) from exc
    try:
        version = migrations.user_version(other)
        if version > migrations.latest_version():
            raise InputRefused("restore.too_new", path=str(source), db_version=version)
        if version < 1:
            raise InputRefused("restore.not_a_backup", path=str(source))
        try:
            _refuse_newer_app(other, str(source))
        except StoreUnavailable as exc:  # restoring it would leave a folder this app cannot open
            raise InputRefused("restore.app_too_new", **exc.params) from exc
        problems = _integrity(other)
        if problems:
            raise InputRefused("restore.damaged", path=str(source), problem=problems[0])
        with store.lock:
            identity = _identity(store._conn) if other_laptop else None
            safety = store._safety_copy()
            other.backup(store._conn)  # SQLCipher re-encrypts each page under this store's key
    finally:
        other.close()
    with store.lock:
        try:
            if migrations.user_version(store._conn) < migrations.latest_version():
                migrations.apply_pending(store._conn)
            if identity is not None:
                _keep_identity(store._conn, identity)
            store._load_reference_data(store._conn)
        except driver.Error as exc:
            raise driver.translate(exc, str(store.path)) or exc from exc
        store.device_id = store.meta("device_id") or store.device_id
        _note_app_version(store._conn)
    return safety


# A laptop's own identity, kept when another laptop's backup is restored onto it: its device id and receipt
# key, its enrolment (token, server, scope) and its USB-bundle state. The sync cursor starts again from 0, so
# the next sync pulls the team's data over what the backup holds.
IDENTITY_META = (
    "device_id",
    "device_signing_key",
    "receipt_device_number",
    "receipt_book_last",  # the number last issued from its receipt books: never issued twice
    "sync_server_url",
    "sync_token",
    "sync_enrolled_at",
    "sync_province",
    "sync_last_ok",
    "sync_resync",
    "sync_cursor",
    "bundle_server_keys",
    "bundle_out_seq",
    "bundle_in",
)


@dataclass(frozen=True)
class _Identity:
    meta: dict[str, str]
    device: tuple[Any, ...] | None  # the laptop's own devices row: id, team_id, name, key_id, public_key, ...


def _identity(conn: Connection) -> _Identity:
    marks = ", ".join("?" * (len(IDENTITY_META) + 1))
    meta = dict(conn.execute(f"SELECT key, value FROM meta WHERE key IN ({marks})", (*IDENTITY_META, "team_id")))
    if "sync_token" not in meta:
        meta.pop("team_id", None)  # not enrolled: the backup's team is the one to work in
    meta.pop("sync_cursor", None)
    device = conn.execute(
        "SELECT id, team_id, name, key_id, public_key, enrolled_at, revoked_at FROM devices WHERE id = ?",
        (meta.get("device_id"),),
    ).fetchone()
    return _Identity(meta, tuple(device) if device else None)


def _keep_identity(conn: Connection, identity: _Identity) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        marks = ", ".join("?" * len(IDENTITY_META))
        conn.execute(f"DELETE FROM meta WHERE key IN ({marks})", IDENTITY_META)
        for key, value in identity.meta.items():
            put_meta(conn, key, value)
        if identity.device is not None:
            device_id, team_id, *rest = identity.device
            conn.execute(
                "INSERT INTO devices (id, team_id, name, key_id, public_key, enrolled_at, revoked_at) "
                "VALUES (?, (SELECT id FROM teams WHERE id = ?), ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "team_id = excluded.team_id, name = excluded.name, key_id = excluded.key_id, "
                "public_key = excluded.public_key, enrolled_at = excluded.enrolled_at, revoked_at = NULL",
                (device_id, team_id, *rest[:3], rest[3], None),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
