"""A new laptop's first pull writes the registry without its secondary indexes and builds them at the end
(storage.indexes): afterwards its store has every index a store made by the app has, and a later pull
into a registry with people keeps them all the way."""

from __future__ import annotations

from fieldapp.storage import indexes
from tests.sync.conftest import add_demo, same_everywhere


def _index_sql(store) -> dict[str, str]:
    return dict(store.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_a_first_pull_ends_with_every_index_built(server, laptops, monkeypatch):
    server.add_team("Tổ mới")
    a, b = laptops("a"), laptops("b")
    a.enrol(server, "Tổ mới")
    add_demo(a, persons=300, days=1, seed=71)
    a.sync()
    b.enrol(server, "Tổ mới")
    seen = []
    real = indexes.build_in

    def build(store):
        seen.append(store.meta(indexes.DEFERRED) is not None)
        return real(store)

    monkeypatch.setattr(indexes, "build_in", build)
    b.sync(pull_page=40)
    add_demo(a, persons=20, days=1, seed=72)  # more people: b's next pull goes into a registry with people
    a.sync()
    b.sync(pull_page=40)
    assert seen == [True]  # deferred by the first pull only
    assert _index_sql(b.store) == _index_sql(a.store)
    assert b.store.meta(indexes.DEFERRED) is None
    assert b.store.check() == []
    same_everywhere(a, b)
