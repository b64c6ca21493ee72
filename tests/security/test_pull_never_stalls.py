"""A pull never stalls (issue 13, point 2): a record on the server that a laptop would refuse (stored before
the server checked records, or sent by a newer app) is kept aside on the laptop, listed, and the pull goes
on; a laptop enrolling afterwards pulls everything else; a valid later version takes its place."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from fieldapp.domain.ids import new_id
from fieldapp.storage import driver
from fieldapp.storage.refused import StoreRefused, write_or_find
from fieldapp.sync import clash_lines, refused_pulls
from tests.conftest import cli_env
from tests.sync.conftest import Laptop, add_demo, fieldapp, new_server

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgresql"])
def lone_server(request, tmp_path):
    """A server of its own (the records planted in its database are this test's), on either backend."""
    srv = new_server(request, tmp_path / "server", request.param)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def lone_laptops(tmp_path):
    made: list[Laptop] = []

    def make(name: str) -> Laptop:
        made.append(Laptop(tmp_path / name))
        return made[-1]

    yield make
    for laptop in made:
        laptop.close()


def _plant(srv, entity: str, record: dict, version: int | None = 1) -> None:
    """Write a record straight into the server's database, as a server before the checks kept one."""
    import sqlalchemy as sa

    from fieldapp.server import admin
    from fieldapp.server import schema as s
    from fieldapp.server.push import Rec

    store = admin.open_store(srv.database_url)
    try:
        with store._write() as conn:
            r = s.records.c
            old = conn.execute(sa.select(r.pos).where(r.entity == entity, r.id == record["id"])).scalar()
            pos = store._take_positions(conn, 1)
            now = datetime.now(UTC).isoformat()
            store._put_record(conn, Rec(entity, record["id"], "", "33", version, record, old, None, None), pos, now)
    finally:
        store.close()


def _person(laptop: Laptop) -> dict:
    from fieldapp.storage.records import BY_TABLE

    spec = BY_TABLE["persons"]
    return dict(zip(spec.fields, laptop.store.query(spec.select_sql + " LIMIT 1")[0], strict=True))


def test_a_record_the_laptop_refuses_is_kept_aside_and_the_pull_goes_on(lone_server, lone_laptops, tmp_path):
    server = lone_server
    server.add_team("Tổ 1")
    a = lone_laptops("a")
    a.enrol(server, "Tổ 1")
    add_demo(a, persons=30, days=1)
    a.sync()
    bad = {**_person(a), "id": new_id(), "household_order": 2**70, "full_name": "Người Xấu"}
    bad_id = bad["id"]
    _plant(server, "persons", bad)
    # the laptop that has everything else pulls the bad one, keeps it aside, and finishes
    result = a.sync()
    assert result.refused_pulled == 1 and not result.mismatched, (result.as_json(), refused_pulls(a.store))
    (kept,) = refused_pulls(a.store)
    assert (kept.entity, kept.entity_id) == ("persons", bad_id) and kept.problem.startswith("household_order")
    assert any(bad_id[:8] in line for line in clash_lines(a.store, "vi"))
    assert a.store.query("SELECT count(*) FROM persons WHERE id = ?", (bad_id,))[0][0] == 0
    # a new laptop of the province, through the command IT runs: exit 0, everything else pulled
    env = cli_env(tmp_path / "c")
    done = fieldapp("enrol", "--server", server.url, "--code", server.enrol_code("Tổ 1"), env=env)
    assert done.returncode == 0, done.stderr
    done = fieldapp("sync", "--json", env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["refused_pulled"] == 1 and out["mismatched"] == {}, out
    assert "Traceback" not in done.stderr
    done = fieldapp("check", "--json", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["ok"], done.stdout
    stats = json.loads(fieldapp("stats", "--json", env=env).stdout)["counts"]
    assert stats["persons"] == 30
    # a valid later version of the record takes its place
    _plant(server, "persons", {**bad, "household_order": None}, version=2)
    result = a.sync()
    assert result.refused_pulled == 0, result.as_json()
    assert refused_pulls(a.store) == []
    assert a.store.query("SELECT household_order FROM persons WHERE id = ?", (bad_id,)) == [(None,)]


def test_a_first_pull_applied_pages_together_leaves_the_search_index_whole_and_refused_records_aside(
    lone_server, lone_laptops
):
    """A catch-up applies several pages in one transaction (engine.PULL_GROUP, issue 15: province scale): every
    record in once, each person in the search index, the one the laptop refuses kept aside."""
    from fieldapp.sync import SyncEngine
    from fieldapp.sync.engine import PULL_GROUP
    from tests.sync.conftest import FAST_RETRY

    server = lone_server
    server.add_team("Tổ 1")
    a = lone_laptops("a")
    a.enrol(server, "Tổ 1")
    add_demo(a, persons=40, days=1, seed=7)
    a.sync()
    bad = {**_person(a), "id": new_id(), "household_order": 2**70, "full_name": "Người Xấu"}
    _plant(server, "persons", bad)
    add_demo(a, persons=40, days=1, seed=8)  # more records after the bad one in the feed
    a.sync()
    b = lone_laptops("b")
    b.enrol(server, "Tổ 1")
    steps = []
    result = SyncEngine(b.store, retry=FAST_RETRY, pull_page=3).sync(
        progress=lambda p: steps.append(p) if p.phase == "pull" else None
    )
    assert result.refused_pulled == 1 and result.mismatched == {} and not result.resync, result.as_json()
    pages = -(-(result.pulled + 1) // 3)
    assert len(steps) <= -(-pages // PULL_GROUP) + 1 < pages  # applied in groups of pages, not page by page
    assert [r.entity_id for r in refused_pulls(b.store)] == [bad["id"]]
    persons = b.store.query("SELECT pk, name_key FROM persons ORDER BY pk")
    assert len(persons) == a.store.query_one("SELECT count(*) FROM persons")[0] > 40
    assert b.store.query("SELECT rowid, name FROM person_names ORDER BY rowid") == persons
    assert b.store.check() == []
    same = "SELECT id, version FROM persons ORDER BY id"
    assert b.store.query(same) == a.store.query(same)


def test_a_page_that_is_not_records_at_all_is_kept_aside_not_a_crash(lone_laptops):
    """Records that are not even objects, a version that is text, fields of another app."""
    a = lone_laptops("a")
    from fieldapp.storage import sync_pull

    changes = [
        {"pos": 1, "entity": "persons", "id": "x1", "version": 1, "record": [1, 2]},
        {"pos": 2, "entity": "persons", "id": "x2", "version": "2", "record": {"id": "x2", "new_field": 1}},
        {"pos": "3", "entity": "hamlets", "id": "x3", "version": None, "record": None},
        {"pos": 4, "entity": "no_such_entity", "id": "x4", "version": 1, "record": {}},
    ]
    tally = sync_pull.apply_page(a.store, changes, 4, own_device=a.device_id)
    assert (tally.refused, tally.ignored, tally.applied) == (3, 1, 0)
    assert {r.entity_id for r in refused_pulls(a.store)} == {"x1", "x2", "x3"}


@dataclass(frozen=True)
class _Row:
    entity: str
    id: str
    version: int | None
    record: dict
    pos: int


def test_the_store_refusing_a_row_names_that_row(tmp_path):
    """The last line of defence: a record the definition let through but the store refuses (a CHECK, an
    integer SQLite cannot hold) is found among its page and named, and nothing of it stays written."""
    conn = driver.connect(str(tmp_path / "t.db"))
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER CHECK (n > 0))")
    rows = [_Row("t", f"r{i}", None, {"n": n}, i) for i, n in enumerate([1, 2, -3, 4])]

    def write(batch):
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(r.id, r.record["n"]) for r in batch])

    conn.execute("BEGIN")
    with pytest.raises(StoreRefused) as refused:
        write_or_find(conn, rows, write)
    assert refused.value.change.id == "r2" and refused.value.problem == "store: IntegrityError"
    huge = [_Row("t", "h", None, {"n": 2**70}, 9)]
    with pytest.raises(StoreRefused) as refused:
        write_or_find(conn, huge, write)
    assert refused.value.problem == "store: OverflowError"
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))
