"""Writers pushing at once while a reader pulls without pause: the reader ends with every record exactly
once (the commit-order pitfall of sync-protocol.md: a position must never become visible after a later
one). Run against PostgreSQL with two worker processes: SQLite has one writer at a time anyway.

Writers also edit records they pushed before, which moves them to a later position: the reader must end
with every record at its last version, and positions only ever grow along its pages. (test_feed_claims
holds the transactions open by hand, for the order that loses a record without the rule every time.)"""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.server.conftest import Server, World, create, database_for, person, update

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
        final: dict[str, int] = {}
        failures: list[str] = []

        def write(laptop) -> None:
            previous = []
            for _ in range(BATCHES):
                people = [person(team["province_code"]) for _ in range(OPS)]
                edits = previous[: OPS // 5]
                ops = [create(p) for p in people]
                ops += [update(replace(p, phone="0988000000"), 1, ["phone"]) for p in edits]
                r = laptop.push(ops)
                if r.status_code != 200 or {x["status"] for x in r.json()["results"]} != {"accepted"}:
                    failures.append(r.text[:500])
                made.extend(p.id for p in people)
                final.update({p.id: 1 for p in people} | {p.id: 2 for p in edits})
                previous = people

        threads = [threading.Thread(target=write, args=(w,)) for w in writers]
        for t in threads:
            t.start()
        seen: list[str] = []
        versions: dict[str, int] = {}
        positions: list[int] = []
        since = 0
        while True:
            writing = any(t.is_alive() for t in threads)
            page = reader.http.get("/v1/pull", params={"since": since, "limit": 500}).json()
            seen += [c["id"] for c in page["changes"] if c["entity"] == "persons"]
            versions.update({c["id"]: c["version"] for c in page["changes"] if c["entity"] == "persons"})
            positions += [c["pos"] for c in page["changes"]]
            since = page["next"]
            if not writing and not page["more"]:
                break
        for t in threads:
            t.join()
        assert failures == []
        assert positions == sorted(set(positions))  # only ever forward
        assert set(seen) == set(made) and len(made) == WRITERS * BATCHES * OPS
        assert versions == final  # every record at its last version: no change of it was skipped
    finally:
        world.close()
        server.stop()
