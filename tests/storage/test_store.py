"""The local store: encryption at rest, keys, migrations, refusals, backup/restore, checks, failures."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fieldapp.domain.clock import utcnow
from fieldapp.errors import InputRefused, NeedPassphrase, StoreUnavailable, WrongPassphrase
from fieldapp.paths import DataDir
from fieldapp.storage import driver, migrations
from fieldapp.storage.store import OpenOptions, Store
from fieldapp.storage.work import counts
from fieldapp.storage.writer import Actor, writing
from tests.conftest import PASSPHRASE
from tests.services.helpers import add_consultation


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- encryption at rest and keys --------------------------------------------------------------------


def test_new_store_is_encrypted_at_rest(demo_dir, open_store):
    store = open_store(demo_dir)
    name = store.query_one("SELECT full_name FROM persons LIMIT 1")[0]
    store.close()
    for path in demo_dir.root.glob("fieldapp.db*"):
        data = path.read_bytes()
        assert not data.startswith(driver.SQLITE_HEADER)
        assert name.encode() not in data
        assert "Nguyễn".encode() not in data
    keystore = (demo_dir.root / "keystore.json").read_text()
    assert PASSPHRASE not in keystore


def test_data_dir_and_files_are_private(data_dir, store):
    if os.name != "posix":
        pytest.skip("POSIX permissions only")
    assert data_dir.root.stat().st_mode & 0o077 == 0
    assert data_dir.db.stat().st_mode & 0o077 == 0
    assert data_dir.keystore.stat().st_mode & 0o077 == 0


def test_reopen_needs_the_passphrase(data_dir, open_store):
    open_store().close()
    with pytest.raises(NeedPassphrase):
        open_store(passphrase=None)
    with pytest.raises(WrongPassphrase) as err:
        open_store(passphrase="not the passphrase")
    assert err.value.exit_code == 3
    assert open_store().schema_version == migrations.latest_version()


def test_no_keyring_and_no_passphrase_makes_nothing(data_dir, open_store):
    with pytest.raises(NeedPassphrase) as err:
        open_store(passphrase=None)
    assert err.value.code == "keystore.need_new_passphrase"
    assert not data_dir.keystore.exists()
    assert not data_dir.db.exists()


def test_short_passphrase_is_refused(data_dir, open_store):
    with pytest.raises(InputRefused) as err:
        open_store(passphrase="short")
    assert err.value.code == "keystore.passphrase_short"
    assert not data_dir.db.exists()


class MemoryKeyring:
    """A real keyring backend that keeps secrets in a dict (the OS keyring is off in tests)."""

    def __new__(cls):
        import keyring.backend

        class _Backend(keyring.backend.KeyringBackend):
            priority = 1

            def __init__(self):
                super().__init__()
                self.store: dict = {}

            def get_password(self, service, username):
                return self.store.get((service, username))

            def set_password(self, service, username, password):
                self.store[(service, username)] = password

            def delete_password(self, service, username):
                self.store.pop((service, username), None)

        return _Backend()


@pytest.fixture
def memory_keyring(monkeypatch):
    import keyring

    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("FIELDAPP_KEYRING", raising=False)
    yield backend
    keyring.set_keyring(previous)


def test_key_kept_in_the_keyring(data_dir, open_store, memory_keyring):
    open_store(passphrase=None).close()
    assert len(memory_keyring.store) == 1
    store = open_store(passphrase=None)  # no passphrase needed: the keyring holds the key
    assert store.keystore.has_slot("keyring") and not store.keystore.has_slot("passphrase")
    store.set_passphrase("a recovery passphrase")
    store.close()
    memory_keyring.store.clear()  # the keyring entry is lost (a new OS profile)...
    with pytest.raises(NeedPassphrase):
        open_store(passphrase=None)
    assert open_store(passphrase="a recovery passphrase").encrypted  # ...the recovery passphrase opens it


def test_keyring_lost_without_recovery_passphrase(data_dir, open_store, memory_keyring):
    open_store(passphrase=None).close()
    memory_keyring.store.clear()
    with pytest.raises(StoreUnavailable) as err:
        open_store(passphrase=None)
    assert err.value.code == "keystore.keyring_lost"


def test_plaintext_only_behind_the_flag(data_dir, open_store):
    open_store(passphrase=None, dev_plaintext=True).close()
    assert data_dir.db.read_bytes().startswith(driver.SQLITE_HEADER)
    with pytest.raises(StoreUnavailable) as err:
        open_store(passphrase=None)
    assert err.value.code == "store.plaintext_needs_flag"
    assert not open_store(passphrase=None, dev_plaintext=True).encrypted


def test_unencrypted_file_where_encrypted_expected_is_refused(data_dir, open_store, tmp_path):
    open_store().close()
    digest_before = None
    plain = tmp_path / "plain.db"
    conn = driver.connect(str(plain))
    conn.execute("CREATE TABLE persons (full_name TEXT)")
    conn.close()
    shutil.copy(plain, data_dir.db)
    for extra in data_dir.root.glob("fieldapp.db-*"):
        extra.unlink()
    digest_before = sha(data_dir.db)
    with pytest.raises(StoreUnavailable) as err:
        open_store()
    assert err.value.code == "store.unexpected_plaintext"
    assert sha(data_dir.db) == digest_before


def test_missing_keystore_is_refused_not_replaced(data_dir, open_store):
    open_store().close()
    data_dir.keystore.unlink()
    digest = sha(data_dir.db)
    with pytest.raises(StoreUnavailable) as err:
        open_store()
    assert err.value.code == "store.keystore_missing"
    assert not data_dir.keystore.exists()
    assert sha(data_dir.db) == digest


def test_database_of_another_laptop_is_unreadable(tmp_path, open_store):
    a, b = DataDir(tmp_path / "a"), DataDir(tmp_path / "b")
    open_store(a).close()
    open_store(b).close()
    shutil.copy(a.db, b.db)
    with pytest.raises(StoreUnavailable) as err:
        open_store(b)
    assert err.value.code == "store.unreadable"


def test_damaged_keystore_is_a_clear_error(data_dir, open_store):
    open_store().close()
    data_dir.keystore.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreUnavailable) as err:
        open_store()
    assert err.value.code == "keystore.damaged"


# --- versions and migrations ------------------------------------------------------------------------


def test_newer_database_is_refused_and_left_untouched(data_dir, open_store):
    store = open_store()
    with store.lock:
        store._conn.execute("PRAGMA user_version = 99")
    store.close()
    files = {p.name: sha(p) for p in data_dir.root.glob("fieldapp.db*")}
    with pytest.raises(StoreUnavailable) as err:
        open_store()
    assert err.value.code == "store.too_new"
    assert err.value.params["db_version"] == 99
    assert {p.name: sha(p) for p in data_dir.root.glob("fieldapp.db*")} == files


@pytest.fixture
def extra_migration(tmp_path, monkeypatch):
    """A migrations folder with the shipped steps plus one more, written by the test."""
    folder = tmp_path / "db"
    shutil.copytree(migrations.migrations_dir(), folder)
    monkeypatch.setattr(migrations, "migrations_dir", lambda: folder)
    migrations.available.cache_clear()
    yield folder
    migrations.available.cache_clear()


def test_migration_copies_the_file_first_and_applies_in_one_step(demo_dir, open_store, extra_migration):
    before = counts(open_store(demo_dir))
    latest = migrations.latest_version()
    (extra_migration / f"{latest + 1:04d}_test_step.sql").write_text(
        "CREATE TABLE test_step (a INTEGER);\nINSERT INTO test_step VALUES (1);\n"
        "CREATE TRIGGER t AFTER INSERT ON test_step BEGIN SELECT 1; SELECT 2; END;\n",
        encoding="utf-8",
    )
    migrations.available.cache_clear()
    store = open_store(demo_dir)
    assert store.schema_version == latest + 1
    assert store.query_one("SELECT a FROM test_step")[0] == 1
    assert counts(store) == before
    copies = list(demo_dir.backups.glob(f"before-migration-schema{latest}-*.db"))
    assert len(copies) == 1
    copy = Store._connect(copies[0], store._key)
    assert migrations.user_version(copy) == latest
    assert copy.execute("SELECT count(*) FROM persons").fetchone()[0] == before["persons"]
    copy.close()


def test_failed_migration_leaves_the_store_as_it_was(demo_dir, open_store, extra_migration):
    open_store(demo_dir).close()
    latest = migrations.latest_version()
    (extra_migration / f"{latest + 1:04d}_broken.sql").write_text(
        "CREATE TABLE half_done (a INTEGER);\nINSERT INTO no_such_table VALUES (1);\n", encoding="utf-8"
    )
    migrations.available.cache_clear()
    with pytest.raises(StoreUnavailable) as err:
        open_store(demo_dir)
    assert err.value.code == "store.migration_failed"
    (extra_migration / f"{latest + 1:04d}_broken.sql").unlink()
    migrations.available.cache_clear()
    store = open_store(demo_dir)
    assert store.schema_version == latest
    assert store.query_one("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'")[0] == 0


def test_migration_files_are_numbered_without_gaps():
    versions = [m.version for m in migrations.available()]
    assert versions == list(range(1, len(versions) + 1))


# --- backup, restore, check -----------------------------------------------------------------------


def test_backup_and_restore(demo_store, demo_dir, tmp_path):
    backup = demo_store.backup(tmp_path / "backup.db")
    assert not backup.read_bytes().startswith(driver.SQLITE_HEADER)
    before = counts(demo_store)
    added = add_consultation(demo_store)
    with pytest.raises(InputRefused) as err:
        demo_store.backup(backup)  # never overwrites
    assert err.value.code == "backup.exists"
    safety = demo_store.restore(backup)
    assert counts(demo_store) == before
    assert demo_store.query_one("SELECT 1 FROM consultations WHERE id = ?", (added,)) is None
    kept = Store._connect(safety, demo_store._key)
    assert kept.execute("SELECT 1 FROM consultations WHERE id = ?", (added,)).fetchone()
    kept.close()
    assert demo_store.check() == []


@pytest.mark.parametrize("kind", ["garbage", "other_store", "truncated", "missing"])
def test_restore_refuses_what_is_not_this_stores_backup(kind, demo_store, tmp_path, open_store):
    source = tmp_path / f"{kind}.db"
    if kind == "garbage":
        source.write_bytes(os.urandom(20_000))
    elif kind == "other_store":
        other = open_store(DataDir(tmp_path / "other"))
        other.backup(source)
    elif kind == "truncated":
        demo_store.backup(tmp_path / "full.db")
        source.write_bytes((tmp_path / "full.db").read_bytes()[:8192])
    before = counts(demo_store)
    with pytest.raises(InputRefused):
        demo_store.restore(source)
    assert counts(demo_store) == before


def test_check_finds_a_damaged_page(demo_dir, open_store):
    store = open_store(demo_dir)
    assert store.check() == []
    page_size = int(store.query_one("PRAGMA page_size")[0])
    pages = int(store.query_one("PRAGMA page_count")[0])
    store.close()
    with demo_dir.db.open("r+b") as f:
        f.seek(page_size * (pages // 2) + 200)
        f.write(os.urandom(64))
    try:
        store = open_store(demo_dir)
    except StoreUnavailable as exc:  # damage in the first pages: refused at open, which is also fine
        assert exc.code in ("store.corrupt", "store.unreadable")
        return
    assert store.check() != []


# --- failures while writing -------------------------------------------------------------------------


def test_disk_full_loses_nothing_already_saved(demo_store):
    before = counts(demo_store)
    saved = add_consultation(demo_store)
    pages = demo_store.query_one("PRAGMA page_count")[0]
    with demo_store.lock:
        demo_store._conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    from tests.services.helpers import many_persons

    with pytest.raises(StoreUnavailable) as err, writing(demo_store, Actor(None, demo_store.device_id)) as w:
        w.add_all(many_persons(3000))
    assert err.value.code == "store.disk_full"
    after = counts(demo_store)
    assert after["persons"] == before["persons"]
    assert after["consultations"] == before["consultations"] + 1
    assert demo_store.query_one("SELECT 1 FROM consultations WHERE id = ?", (saved,))
    with demo_store.lock:
        demo_store._conn.execute("PRAGMA max_page_count = 4294967294")
    add_consultation(demo_store)  # works again once there is room
    assert demo_store.check() == []


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    point = tmp_path / "small"
    point.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=3m", "tmpfs", str(point)):
        pytest.skip("cannot mount a small tmpfs here (needs root); the disk-full path is covered by max_page_count")
    yield point
    subprocess.run(["umount", "-l", str(point)], check=False)


def test_really_full_disk(small_disk, open_store):
    dd = DataDir(small_disk / "data")
    store = open_store(dd)
    saved = 0
    from tests.services.helpers import many_persons

    with pytest.raises(StoreUnavailable) as err:
        for _ in range(200):
            with writing(store, Actor(None, store.device_id)) as w:
                w.add_all(many_persons(200))
            saved += 200
    assert err.value.code in ("store.disk_full", "store.io_error")
    assert store.query_one("SELECT count(*) FROM persons")[0] == saved
    store.close()
    reopened = open_store(dd)
    assert reopened.query_one("SELECT count(*) FROM persons")[0] == saved


def test_read_only_data_dir(tmp_path, open_store):
    dd = DataDir(tmp_path / "ro" / "data")
    if os.geteuid() == 0:
        point = tmp_path / "ro"
        point.mkdir()
        if not _mount("-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)):
            pytest.skip("cannot mount a tmpfs here")
        try:
            open_store(dd).close()
            assert _mount("-o", "remount,ro", str(point))
            with pytest.raises(StoreUnavailable) as err:
                open_store(dd)
            assert err.value.code == "store.read_only"
        finally:
            subprocess.run(["umount", "-l", str(point)], check=False)
    else:
        open_store(dd).close()
        dd.root.chmod(0o500)
        try:
            with pytest.raises(StoreUnavailable) as err:
                open_store(dd)
            assert err.value.code == "store.read_only"
        finally:
            dd.root.chmod(0o700)


def test_data_dir_that_is_a_file(tmp_path, open_store):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(StoreUnavailable) as err:
        open_store(DataDir(tmp_path / "afile"))
    assert err.value.code == "store.data_dir_unusable"


def test_locked_by_another_writer(demo_dir, open_store):
    store = open_store(demo_dir, busy_timeout=0.2)
    other = Store._connect(demo_dir.db, store._key)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable) as err:
            add_consultation(store)
        assert err.value.code == "store.locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    add_consultation(store)


def test_reference_data_is_loaded(store):
    assert store.query_one("SELECT count(*) FROM provinces")[0] == 34
    assert store.query_one("SELECT count(*) FROM communes")[0] == 3321
    assert store.device_id


def test_timestamps_have_millisecond_precision():
    now = utcnow()
    assert now.microsecond % 1000 == 0


def test_open_options_default_is_encrypted():
    assert OpenOptions().dev_plaintext is False
