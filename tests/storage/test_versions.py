"""A data folder from a newer app is refused, never downgraded: a newer schema, or the same schema last
opened by a newer app version (meta `app_version`). The store, the CLI (exit 3) and the files left as found."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp import __version__
from fieldapp.errors import InputRefused, StoreUnavailable
from fieldapp.protocol.versions import version_key
from fieldapp.storage.store import META_APP_VERSION, put_meta
from tests.conftest import cli_env


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(data_dir) -> dict[str, str]:
    return {p.name: sha(p) for p in data_dir.root.glob("fieldapp.db*")}


def last_opened_by(store, version: str) -> None:
    with store.lock:
        put_meta(store._conn, META_APP_VERSION, version)


def test_the_store_records_the_app_version_that_opened_it(open_store):
    store = open_store()
    assert store.meta(META_APP_VERSION) == __version__


def test_a_store_last_opened_by_a_newer_app_is_refused_and_left_untouched(data_dir, open_store):
    store = open_store()
    last_opened_by(store, "99.0.0")
    store.close()
    before = files(data_dir)
    with pytest.raises(StoreUnavailable) as err:
        open_store()
    assert err.value.code == "store.app_too_new"
    assert err.value.params == {"path": str(data_dir.db), "last_version": "99.0.0", "app_version": __version__}
    assert files(data_dir) == before


def test_a_store_last_opened_by_an_older_app_opens_and_says_so(open_store):
    store = open_store()
    last_opened_by(store, "0.0.9")
    store.close()
    assert open_store().meta(META_APP_VERSION) == __version__


@pytest.mark.parametrize(
    ("newer", "older"),
    [("0.10.0", "0.9.9"), ("1.0", "0.99.99"), ("0.1.1", "0.1.0"), ("0.2.0rc1", "0.1.9"), ("0.1.0.1", "0.1.0")],
)
def test_versions_compare_as_numbers(newer, older):
    assert version_key(newer) > version_key(older)


@given(st.text(max_size=30))
def test_any_text_as_a_version_never_breaks_the_comparison(text):
    assert isinstance(version_key(text), tuple)


def run_cli(data_dir, *args):
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        capture_output=True,
        text=True,
        env=cli_env(data_dir.root),
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("how", ["app_version", "schema"])
def test_the_cli_refuses_a_newer_data_folder_with_exit_3(data_dir, open_store, how):
    store = open_store()
    if how == "app_version":
        last_opened_by(store, "99.0.0")
    else:
        with store.lock:
            store._conn.execute("PRAGMA user_version = 99")
    store.close()
    before = files(data_dir)
    done = run_cli(data_dir, "stats", "--json")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert ("fieldapp 99.0.0" if how == "app_version" else "lược đồ 99") in done.stderr
    assert "dữ liệu được giữ nguyên" in done.stderr
    assert files(data_dir) == before


def test_a_backup_last_written_by_a_newer_app_is_not_restored(open_store, tmp_path):
    store = open_store()
    last_opened_by(store, "99.0.0")
    backup = store.backup(tmp_path / "newer.db")
    last_opened_by(store, __version__)
    with pytest.raises(InputRefused) as err:
        store.restore(backup)
    assert err.value.code == "restore.app_too_new" and err.value.params["last_version"] == "99.0.0"
    assert store.meta(META_APP_VERSION) == __version__
    assert store.check() == []  # refused before the safety copy: the store is as it was


def test_a_restored_backup_of_an_older_app_is_marked_with_this_version(open_store, tmp_path):
    store = open_store()
    last_opened_by(store, "0.0.9")
    backup = store.backup(tmp_path / "older.db")
    store.restore(backup)
    assert store.meta(META_APP_VERSION) == __version__
