"""Every released schema (tests/fixtures/schema-N) opens in this version, migrates, and keeps every record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fieldapp.paths import DataDir
from fieldapp.storage import migrations
from fieldapp.storage.work import counts

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("schema-*"))


def test_there_is_a_fixture_for_every_schema():
    assert [int(p.name.split("-")[1]) for p in FIXTURES] == list(range(1, migrations.latest_version() + 1))


def upgraded(fixture, tmp_path, open_store):
    """A copy of the fixture opened (and so migrated) by this version: its manifest, data dir and store."""
    manifest = json.loads((fixture / "manifest.json").read_text(encoding="utf-8"))
    dd = DataDir(tmp_path / "data")
    shutil.copytree(fixture, dd.root)
    return manifest, dd, open_store(dd, passphrase=manifest["passphrase"])


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_upgrade_keeps_every_record(fixture, tmp_path, open_store):
    manifest, dd, store = upgraded(fixture, tmp_path, open_store)
    assert store.schema_version == migrations.latest_version()
    assert store.check() == []
    now = counts(store)
    for key, value in manifest["counts"].items():
        assert now[key] == value, key
    for table, ids in manifest["ids"].items():
        stored = {r[0] for r in store.query(f"SELECT id FROM {table}")}
        assert set(ids) <= stored, table
    if manifest["schema"] < migrations.latest_version():
        assert list(dd.backups.glob(f"before-migration-schema{manifest['schema']}-*.db"))


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if int(f.name.split("-")[1]) < 3], ids=lambda p: p.name)
def test_birth_years_are_filled_from_the_dates_already_known(fixture, tmp_path, open_store):
    """0003 adds the year of birth; every person whose date was known gets its year, nobody else one."""
    _manifest, _dd, store = upgraded(fixture, tmp_path, open_store)
    rows = store.query("SELECT birth_date, birth_year FROM persons")
    assert rows and any(d for d, _y in rows)
    assert all((y == int(d[:4])) if d else y is None for d, y in rows)
