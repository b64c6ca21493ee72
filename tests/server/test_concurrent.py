"""Writers pushing at once while a reader pulls without pause: the reader ends with every record exactly
once (the commit-order pitfall of sync-protocol.md: a position must never become visible after a later
one). Run against PostgreSQL with two worker processes: SQLite has one writer at a time anyway."""

from __future__ import annotations

import threading

import pytest

from tests.server.conftest import Server, World, create, database_for, person

WRITERS, BATCHES, OPS = 6, 6, 150
pytestmark = pytest.mark.slow


def test_a_reader_never_skips_a_position(request, tmp_path):
    server = Server(database_for("postgresql", request, tmp_path), tmp_path / "data", workers=2).start()
    world = World(server)
    try:
        team = world.team()
        writers = [world.laptop(world.team(province=team["province_code"])) for _ in range(WRITERS)]
        reader = world.laptop(province=team["province_code"])
        made: list[str] = []
        failures: list[str] = []

        def write(laptop) -> None:
            for _ in range(BATCHES):
                people = [person(team["province_code"]) for _ in range(OPS)]
                r = laptop.push([create(p) for p in people])
                if r.status_code != 200 or {x["status"] for x in r.json()["results"]} != {"accepted"}:
                    failures.append(r.text[:500])
                made.extend(p.id for p in people)

        threads = [threading.Thread(target=write, args=(w,)) for w in writers]
        for t in threads:
            t.start()
        seen: list[str] = []
        since = 0
        while True:
            writing = any(t.is_alive() for t in threads)
            page = reader.http.get("/v1/pull", params={"since": since, "limit": 500}).json()
            seen += [c["id"] for c in page["changes"] if c["entity"] == "persons"]
            since = page["next"]
            if not writing and not page["more"]:
                break
        for t in threads:
            t.join()
        assert failures == []
        assert len(seen) == len(set(seen)) == WRITERS * BATCHES * OPS
        assert set(seen) == set(made)
    finally:
        world.close()
        server.stop()
