"""Every released schema (tests/fixtures/schema-N) opens in this version, migrates, and keeps every record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fieldapp.paths import DataDir
from fieldapp.storage import driver, migrations
from fieldapp.storage.keystore import KeyStore
from fieldapp.storage.store import _key_pragma
from fieldapp.storage.work import counts

FIXTURES = sorted(  # by schema number: schema-10 after schema-9
    (Path(__file__).resolve().parent.parent / "fixtures").glob("schema-*"), key=lambda p: int(p.name.split("-")[1])
)


def test_there_is_a_fixture_for_every_schema():
    assert [int(p.name.split("-")[1]) for p in FIXTURES] == list(range(1, migrations.latest_version() + 1))


def upgraded(fixture, tmp_path, open_store):
    """A copy of the fixture opened (and so migrated) by this version: its manifest, data dir and store."""
    manifest = json.loads((fixture / "manifest.json").read_text(encoding="utf-8"))
    dd = DataDir(tmp_path / "data")
    shutil.copytree(fixture, dd.root)
    return manifest, dd, open_store(dd, passphrase=manifest["passphrase"])


def dump(path: Path, key: bytes) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every table of a store file, read without the app: {table: (columns, rows)}."""
    conn = driver.connect(str(path))
    try:
        conn.execute(_key_pragma(key))
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for table in tables:
            if table.startswith("sqlite_"):
                continue
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            out[table] = (columns, [tuple(r) for r in rows])
        return out
    finally:
        conn.close()


def rows_on(table: tuple[list[str], list[tuple]], columns: list[str]) -> list[str]:
    """The table's rows reduced to `columns` (those it had before an upgrade added some), in a sorted list."""
    have, rows = table
    picks = [have.index(c) for c in columns]
    return sorted(repr(tuple(row[i] for i in picks)) for row in rows)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_upgrade_keeps_every_row_of_every_table(fixture, tmp_path, open_store):
    """Not a sample: every table of the old file, every row, every column it had, the same after the
    upgrade (a column an upgrade adds may hold anything); meta gains rows and keeps its own. The copy
    taken before migrating opens with the folder's key and holds exactly the old file's rows."""
    manifest = json.loads((fixture / "manifest.json").read_text(encoding="utf-8"))
    key = KeyStore.load(fixture / "keystore.json").unlock(manifest["passphrase"])
    before = dump(fixture / "fieldapp.db", key)
    assert sum(len(rows) for _cols, rows in before.values()) > 1000
    _manifest, dd, store = upgraded(fixture, tmp_path, open_store)
    store.close()
    after = dump(dd.db, key)
    for table, (columns, old) in before.items():
        assert table in after, f"{table} is gone"
        assert set(columns) <= set(after[table][0]), f"{table} lost columns"
        now, rows = rows_on(after[table], columns), rows_on((columns, old), columns)
        if table == "meta":
            assert set(rows) <= set(now), "meta lost a row"
        else:
            assert now == rows, f"{table}: {len(rows)} rows before, {len(now)} after, or their content changed"
    copies = list(dd.backups.glob("before-migration-*.db"))
    if manifest["schema"] < migrations.latest_version():
        assert len(copies) == 1 and copies[0].name.startswith(f"before-migration-schema{manifest['schema']}-")
        assert dump(copies[0], key) == before
    else:
        assert copies == []  # nothing to migrate, nothing copied


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


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if int(f.name.split("-")[1]) < 6], ids=lambda p: p.name)
def test_people_already_there_are_listed_in_vietnamese_order_after_0006(fixture, tmp_path, open_store):
    """0006 adds the Vietnamese sort key: everybody already stored gets it, and the People list uses it."""
    from fieldapp.domain.text import sort_key
    from fieldapp.storage import people

    _manifest, _dd, store = upgraded(fixture, tmp_path, open_store)
    rows = store.query("SELECT pk, full_name, sort_key FROM persons WHERE erased_at IS NULL AND merged_into IS NULL")
    assert rows and all(key == sort_key(name) for _pk, name, key in rows)
    by_pk = {pk: name for pk, name, _key in rows}
    listed = [by_pk[pk] for pk in people.list_pks(store)]
    assert listed == sorted(by_pk.values(), key=sort_key)
    sql = "SELECT pk FROM persons WHERE erased_at IS NULL AND merged_into IS NULL ORDER BY sort_key"
    plan = " ".join(r[-1] for r in store.query("EXPLAIN QUERY PLAN " + sql))
    assert "persons_in_list_order" in plan and "TEMP B-TREE" not in plan


def test_0011_moves_the_voids_of_a_store_already_there_to_their_receipts_day(tmp_path, open_store):
    """A schema-10 store counted a void on the day it was made and never took its participants back; after
    0011 a void of a day still open then leaves its receipt's day, and one made after its day was closed
    stays a correction on the day it was made (issue 17, item 3). The rollup is what a rebuild makes."""
    from datetime import date, datetime, timedelta

    from fieldapp.storage import tallies

    fixture = next(p for p in FIXTURES if p.name == "schema-10")
    manifest = json.loads((fixture / "manifest.json").read_text(encoding="utf-8"))
    key = KeyStore.load(fixture / "keystore.json").unlock(manifest["passphrase"])
    dd = DataDir(tmp_path / "data")
    shutil.copytree(fixture, dd.root)
    conn = driver.connect(str(dd.db))
    try:
        conn.execute(_key_pragma(key))
        rows = conn.execute(
            "SELECT r.id, r.day, r.member_id, r.amount, json_array_length(e.lines) FROM receipts r "
            "JOIN payments p ON p.id = r.payment_id JOIN enrolments e ON e.id = p.enrolment_id ORDER BY r.day, r.id"
        ).fetchall()
        open_one = rows[0]
        closed_one = next(r for r in rows if r[1] > open_one[1])  # a later day: its closing leaves the first open
        team = conn.execute("SELECT id FROM teams LIMIT 1").fetchone()[0]
        for n, (rid, day, member, _amount, _people) in enumerate((open_one, closed_one)):
            later = datetime.fromisoformat(f"{day}T03:00:00+00:00") + timedelta(days=2)
            conn.execute(
                "INSERT INTO receipt_voids (id, receipt_id, reason, member_id, at) VALUES (?, ?, 'x', ?, ?)",
                (f"void-{n}", rid, member, later.isoformat(timespec="milliseconds")),
            )
        rid, day, member, _amount, _people = closed_one
        conn.execute(
            "INSERT INTO day_closings (id, day, collector_id, team_id, closed_by, closed_at, receipts, "
            "receipts_amount, cash_expected, cash_counted, transfers, difference) "
            "VALUES ('dc-1', ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0)",
            (day, member, team, member, f"{day}T10:00:00.000+00:00"),
        )
        conn.commit()
        old = {
            (d, m): a
            for d, m, a in conn.execute(
                "SELECT day, metric, sum(amount) FROM tallies WHERE dim = 'member' GROUP BY 1, 2"
            )
        }
    finally:
        conn.close()
    store = open_store(dd, passphrase=manifest["passphrase"])
    new = {
        (d, m): a
        for d, m, a in store.query("SELECT day, metric, sum(amount) FROM tallies WHERE dim = 'member' GROUP BY 1, 2")
    }
    kept = store.query("SELECT * FROM tallies ORDER BY 1, 2, 3, 4, 5")
    tallies.rebuild(store)
    assert store.query("SELECT * FROM tallies ORDER BY 1, 2, 3, 4, 5") == kept
    rid, day, _member, amount, _people = open_one
    void_day = (date.fromisoformat(day) + timedelta(days=2)).isoformat()
    # the open day's void: out of its receipt's day, no longer taken off the day it was made
    assert new[(day, "collected")] == old[(day, "collected")] - amount
    (metric,) = store.query_one(
        "SELECT pr.metric FROM receipts r JOIN payments p ON p.id = r.payment_id "
        "JOIN enrolments e ON e.id = p.enrolment_id JOIN products pr ON pr.kind = e.kind WHERE r.id = ?",
        (rid,),
    )
    assert new.get((day, metric), 0) < old[(day, metric)]
    assert new.get((void_day, "voids"), 0) == old[(void_day, "voids")]
    assert store.query("SELECT day FROM void_tally_days WHERE void_id = 'void-0'") == [(day,)]
    # the closed day's void stays a correction two days on
    _rid, cday, _m, _a, _p = closed_one
    later = (date.fromisoformat(cday) + timedelta(days=2)).isoformat()
    assert store.query("SELECT day FROM void_tally_days WHERE void_id = 'void-1'") == [(later,)]


def test_0012_receipts_issued_before_books_verify_and_print_as_they_were(tmp_path, open_store):
    """Receipts of a schema-11 store (numbered before receipt books) keep their series and number, verify on
    the laptop that holds them, and their printable record names the issuer (issue 17, item 4)."""
    from fieldapp.domain.receipt_code import Verdict
    from fieldapp.services.receipts import verify
    from fieldapp.storage.receipts import records

    fixture = next(p for p in FIXTURES if p.name == "schema-11")
    manifest = json.loads((fixture / "manifest.json").read_text(encoding="utf-8"))
    dd = DataDir(tmp_path / "data")
    shutil.copytree(fixture, dd.root)
    store = open_store(dd, passphrase=manifest["passphrase"])
    rows = store.query("SELECT id, series, number, qr_payload FROM receipts ORDER BY id LIMIT 30")
    assert rows and store.query("SELECT count(*) FROM receipt_blocks") == [(0,)]
    for _id, _series, _number, qr in rows:
        assert verify(store, qr).verdict is Verdict.GENUINE
    printed = records(store, [r[0] for r in rows])
    assert sorted((p.id, p.series, p.number) for p in printed) == sorted((r[0], r[1], r[2]) for r in rows)
    assert all(p.organisation for p in printed)
