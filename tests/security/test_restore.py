"""Issue 13, point 10: a backup restores onto a NEW laptop (a fresh data folder, no keyring entry) with the
backup's passphrase, because the backup carries its wrapped key slot; a wrong passphrase is exit 1 and
changes nothing. The restored laptop keeps its own identity (device id, enrolment), never the lost one's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, cli_env
from tests.test_cli import run


@pytest.fixture(scope="module")
def old_laptop(tmp_path_factory):
    base = tmp_path_factory.mktemp("sec-restore")
    data = base / "old"
    done = run("demo-data", "--persons", "40", "--days", "2", "--seed", "8", "--end-date", "2026-07-15", data_dir=data)
    assert done.returncode == 0, done.stderr
    backup = base / "fieldapp-2026-07-15.fab"
    done = run("backup", "-o", str(backup), data_dir=data)
    assert done.returncode == 0, done.stderr
    return data, backup


def counts(data: Path, passphrase: str = PASSPHRASE) -> dict:
    done = run("stats", "--json", env=cli_env(data, FIELDAPP_PASSPHRASE=passphrase))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["counts"]


def files(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_backup_restores_onto_a_new_laptop_with_its_passphrase(old_laptop, tmp_path):
    data, backup = old_laptop
    new = tmp_path / "new"
    done = run("restore", str(backup), data_dir=new)
    assert done.returncode == 0, done.stderr
    assert counts(new) == counts(data)
    receipts = json.loads(run("receipt", "list", "--json", data_dir=new).stdout)["receipts"]
    assert receipts and receipts == json.loads(run("receipt", "list", "--json", data_dir=data).stdout)["receipts"]
    assert run("check", "--json", data_dir=new).returncode == 0


def test_a_wrong_passphrase_is_exit_1_and_changes_nothing(old_laptop, tmp_path):
    _data, backup = old_laptop
    new = tmp_path / "new"
    done = run("restore", str(backup), env=cli_env(new, FIELDAPP_PASSPHRASE="not the passphrase"))
    assert done.returncode == 1
    assert "Mật khẩu" in done.stderr
    assert not (new / "fieldapp.db").exists() and not (new / "keystore.json").exists()
    # a laptop that already has a store of its own, under another passphrase
    other = tmp_path / "other"
    assert (
        run(
            "demo-data", "--persons", "5", "--days", "1", env=cli_env(other, FIELDAPP_PASSPHRASE="another one")
        ).returncode
        == 0
    )
    before = counts(other, "another one")
    snapshot = {k: v for k, v in files(other).items() if not k.startswith("logs")}
    done = run("restore", str(backup), env=cli_env(other, FIELDAPP_PASSPHRASE="another one"))
    assert done.returncode == 1
    assert {k: v for k, v in files(other).items() if not k.startswith("logs")} == snapshot
    assert counts(other, "another one") == before


def test_a_new_laptop_keeps_its_own_identity(old_laptop, tmp_path):
    from fieldapp.paths import DataDir
    from fieldapp.storage.store import OpenOptions, Store

    data, backup = old_laptop
    new = tmp_path / "new"
    assert run("stats", data_dir=new).returncode == 0  # the new laptop's store, made on first use
    with Store.open(DataDir(new), OpenOptions(passphrase=PASSPHRASE)) as store:
        own = store.device_id
    with Store.open(DataDir(data), OpenOptions(passphrase=PASSPHRASE)) as store:
        lost = store.device_id
    done = run("restore", str(backup), data_dir=new)
    assert done.returncode == 0, done.stderr
    with Store.open(DataDir(new), OpenOptions(passphrase=PASSPHRASE)) as store:
        assert store.device_id == own != lost
        assert store.meta("sync_token") is None
    assert counts(new) == counts(data)


def test_the_same_laptop_still_restores_its_own_backup_and_old_backups(old_laptop, tmp_path):
    import shutil

    data, backup = old_laptop
    copy = tmp_path / "same"
    shutil.copytree(data, copy)
    done = run("restore", str(backup), env=cli_env(copy, FIELDAPP_PASSPHRASE=PASSPHRASE))
    assert done.returncode == 0, done.stderr
    from fieldapp.paths import DataDir
    from fieldapp.storage.store import OpenOptions, Store

    with Store.open(DataDir(copy), OpenOptions(passphrase=PASSPHRASE)) as store:
        raw = tmp_path / "raw.db"
        with store.lock:
            store._conn.execute("VACUUM INTO ?", (str(raw),))  # a backup as versions before 13 wrote it
        assert store.restore(raw)
    assert counts(copy) == counts(data)
