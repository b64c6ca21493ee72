"""The tallies rollup after a pull is what `storage.tallies.rebuild` makes of the facts: when the work
arrives before the people it names, and when a person's commune was corrected on another laptop."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from fieldapp.domain.models import Person
from fieldapp.storage import sync_pull
from fieldapp.storage import tallies as tally_store
from fieldapp.storage.records import BY_TABLE, spec_for
from fieldapp.storage.writer import writing
from tests.sync.conftest import add_demo, two_of_one_team

PERSON = spec_for(Person)


def _rollup(store) -> list[tuple]:
    return sorted(store.query("SELECT team_id, day, dim, key, metric, n, amount FROM tallies"))


def _rebuilt(store) -> list[tuple]:
    tally_store.rebuild(store)
    return _rollup(store)


def _changes(store, tables) -> list[dict]:
    out, pos = [], 0
    for table in tables:
        spec = BY_TABLE[table]
        for raw in store.query(spec.select_sql):
            pos += 1
            record = spec.encode(spec.decode(raw))
            out.append({"entity": table, "id": record["id"], "version": record.get("version"), "record": record,
                        "pos": pos})  # fmt: skip
    return out


def test_work_pulled_before_its_people_is_tallied_under_their_communes(demo_store, open_store, tmp_path):
    from fieldapp.paths import DataDir

    empty = open_store(DataDir(tmp_path / "other"))
    tables = [t for t in sync_pull.SYNCED if t not in ("devices", "persons")]
    first = _changes(demo_store, tables)
    people = _changes(demo_store, ["persons"])
    half = len(people) // 2
    for n, page in enumerate((first, people[:half], people[half:]), start=1):
        sync_pull.apply_page(empty, page, n, own_device=empty.device_id)
    assert empty.query_one("SELECT count(*) FROM sync_parked")[0] == 0
    ours = _rollup(empty)
    assert ours == _rollup(demo_store) == _rebuilt(empty)
    assert any(r[2] == "commune" and r[3] for r in ours)


def test_a_commune_corrected_elsewhere_moves_the_tallies_after_the_pull(server, laptops):
    a, b = two_of_one_team(server, laptops)
    add_demo(a, seed=1)
    a.sync()
    b.sync()
    assert _rollup(b.store) == _rollup(a.store)
    # the person with the most consultations moves to another commune on A
    (person_id, n), *_ = Counter(
        r[0] for r in a.store.query("SELECT person_id FROM consultations WHERE person_id IS NOT NULL")
    ).most_common(1)
    person = PERSON.decode(a.store.query_one(f"{PERSON.select_sql} WHERE id = ?", (person_id,)))
    (other,) = a.store.query_one(
        "SELECT code FROM communes WHERE code <> ? AND province_code = (SELECT province_code FROM communes "
        "WHERE code = ?) ORDER BY code LIMIT 1",
        (person.commune_code, person.commune_code),
    )
    with writing(a.store, a.actor()) as w:
        moved = replace(person, commune_code=other, hamlet_id=None, household_id=None)
        w.update(moved, ["commune_code", "hamlet_id", "household_id"])
    a.sync()
    before = _rollup(b.store)
    result = b.sync()
    assert result.pulled >= 1 and result.mismatched == {}
    after = _rollup(b.store)
    assert after != before and after == _rebuilt(b.store)

    def commune_count(rows, code):
        return sum(r[5] for r in rows if r[2] == "commune" and r[3] == code and r[4] == "consultations")

    assert commune_count(after, other) - commune_count(before, other) >= n
    # a pull that edits nobody leaves the rollup alone
    assert tally_store.refresh_after_pull(b.store, {}) == []
