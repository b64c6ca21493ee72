"""A first pull's deferred indexes (storage.indexes): dropped only while the registry is empty, built again
exactly as they were, by the pull's end or, after a process killed mid-way, by the next Store.open."""

from __future__ import annotations

from fieldapp.storage import indexes


def _index_sql(store) -> dict[str, str]:
    return dict(store.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_deferred_on_an_empty_registry_and_built_again_as_they_were(store):
    before = _index_sql(store)
    assert indexes.defer_in(store) is True
    dropped = set(before) - set(_index_sql(store))
    assert {"persons_by_name", "persons_by_citizen_id", "persons_in_list_order", "households_by_place"} <= dropped
    assert all(not before[name].upper().startswith("CREATE UNIQUE") for name in dropped)
    assert indexes.defer_in(store) is True  # asked again (a pull resumed): still deferred, nothing lost
    assert indexes.build_in(store) == len(dropped)
    assert _index_sql(store) == before
    assert store.meta(indexes.DEFERRED) is None
    assert indexes.build_in(store) == 0


def test_a_registry_with_people_keeps_its_indexes(demo_store):
    before = _index_sql(demo_store)
    assert indexes.defer_in(demo_store) is False
    assert _index_sql(demo_store) == before and demo_store.meta(indexes.DEFERRED) is None


def test_a_pull_killed_before_building_them_has_them_built_by_the_next_open(open_store, data_dir):
    store = open_store(data_dir)
    before = _index_sql(store)
    indexes.defer_in(store)
    store.close()  # the process ends here, as a killed one would, with the definitions in meta
    again = open_store(data_dir)
    assert _index_sql(again) == before
    assert again.meta(indexes.DEFERRED) is None
    assert again.check() == []
