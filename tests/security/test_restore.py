"""Issue 13, point 10: a backup restores onto a NEW laptop (a fresh data folder, no keyring entry) with the
backup's passphrase, because the backup carries its wrapped key slot; a wrong passphrase is exit 1 and
changes nothing. The restored laptop keeps its own identity (device id, enrolment), never the lost one's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, cli_env
from tests.security.helpers import opened, small_demo
from tests.test_cli import run


def contents(root: Path, passphrase: str = PASSPHRASE) -> tuple[dict, list]:
    from fieldapp.storage.work import counts, receipts

    with opened(root, passphrase) as store:
        return counts(store), [(r.label, r.amount, r.payer) for r in receipts(store, day=None, limit=1000)]


@pytest.fixture(scope="module")
def old_laptop(tmp_path_factory):
    """A laptop with a little of everything, and its backup (made in-process: the CLI's `backup` is the same
    Store.backup, and tests/security/test_files.py runs it)."""
    base = tmp_path_factory.mktemp("sec-restore")
    small_demo(base / "old", persons=40, days=2, seed=8)
    with opened(base / "old") as store:
        store.backup(base / "fieldapp-2026-07-15.db")
    return base / "old", base / "fieldapp-2026-07-15.db", contents(base / "old")


def files(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_backup_restores_onto_a_new_laptop_with_its_passphrase(old_laptop, tmp_path):
    _data, backup, before = old_laptop
    new = tmp_path / "new"
    done = run("restore", str(backup), data_dir=new)
    assert done.returncode == 0, done.stderr
    assert "máy khác" in done.stdout
    restored = contents(new)
    assert restored == before and restored[1]
    with opened(new) as store:
        assert store.check() == []


def test_a_wrong_passphrase_is_exit_1_and_changes_nothing(old_laptop, tmp_path):
    _data, backup, _before = old_laptop
    new = tmp_path / "new"
    done = run("restore", str(backup), env=cli_env(new, FIELDAPP_PASSPHRASE="not the passphrase"))
    assert done.returncode == 1
    assert "Mật khẩu" in done.stderr
    assert not (new / "fieldapp.db").exists() and not (new / "keystore.json").exists()
    # a laptop that already has a store of its own, under another passphrase
    other = tmp_path / "other"
    with opened(other, "another one"):
        pass
    snapshot = {k: v for k, v in files(other).items() if not k.startswith("logs")}
    done = run("restore", str(backup), env=cli_env(other, FIELDAPP_PASSPHRASE="another one"))
    assert done.returncode == 1
    assert {k: v for k, v in files(other).items() if not k.startswith("logs")} == snapshot


def test_a_new_laptop_keeps_its_own_identity(old_laptop, tmp_path):
    data, backup, before = old_laptop
    new = tmp_path / "new"
    with opened(new) as store:  # the new laptop's store, made on first use
        own = store.device_id
    with opened(data) as store:
        lost = store.device_id
    done = run("restore", str(backup), data_dir=new)
    assert done.returncode == 0, done.stderr
    with opened(new) as store:
        assert store.device_id == own != lost
        assert store.meta("sync_token") is None
    assert contents(new) == before


def test_the_same_laptop_still_restores_its_own_backup_and_old_backups(old_laptop, tmp_path):
    data, backup, before = old_laptop
    copy = tmp_path / "same"
    shutil.copytree(data, copy)
    done = run("restore", str(backup), data_dir=copy)
    assert done.returncode == 0, done.stderr
    with opened(copy) as store:
        raw = tmp_path / "raw.db"
        with store.lock:
            store._conn.execute("VACUUM INTO ?", (str(raw),))  # a backup as versions before 13 wrote it
        assert store.restore(raw)
    assert contents(copy) == before
