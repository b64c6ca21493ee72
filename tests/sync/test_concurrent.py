"""Several laptops of one team pushing and pulling at the same time against a PostgreSQL server with two
workers: each laptop pulls every record exactly once, none skipped (the feed-position pitfall of
sync-protocol.md: a position allocated before commit lets a reader see 7 before 6 commits and skip 6)."""

from __future__ import annotations

import json
import threading
from collections import Counter

import httpx

from fieldapp.storage.writer import writing
from tests.services.helpers import person
from tests.sync.conftest import Laptop, new_server

LAPTOPS = 4
ROUNDS = 4
PER_ROUND = 60


class PullRecorder(httpx.BaseTransport):
    """Passes every request to the server and notes each change a pull page brings."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.changes: list[tuple[str, str, int]] = []  # (entity, id, pos)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path == "/v1/pull":
            body = response.read()
            if response.status_code == 200:
                page = json.loads(body)
                self.changes += [(c["entity"], c["id"], c["pos"]) for c in page["changes"]]
        return response


def test_laptops_pushing_at_once_each_pull_every_record_exactly_once(request, tmp_path):
    server = new_server(request, tmp_path / "server", "postgresql", workers=2)
    server.start()
    laptops = [Laptop(tmp_path / f"l{i}") for i in range(LAPTOPS)]
    try:
        server.add_team("Tổ đông người")
        for laptop in laptops:
            laptop.enrol(server, "Tổ đông người")
        recorders = [PullRecorder() for _ in laptops]
        made: list[set[str]] = [set() for _ in laptops]
        errors: list[BaseException] = []
        start = threading.Barrier(LAPTOPS)

        def work(i: int) -> None:
            laptop, recorder = laptops[i], recorders[i]
            try:
                start.wait()
                for r in range(ROUNDS):
                    with writing(laptop.store, laptop.actor()) as w:
                        for k in range(PER_ROUND):
                            p = person(f"Người {i}-{r}-{k}")
                            w.add(p)
                            made[i].add(p.id)
                    # small batches and pages: many short transactions interleave with the others' pushes
                    result = laptop.sync(transport=recorder, push_batch=17, pull_page=23)
                    assert not result.resync and result.mismatched == {}, result
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(LAPTOPS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert errors == []
        for laptop, recorder in zip(laptops, recorders, strict=True):  # the others' last pushes
            result = laptop.sync(transport=recorder, pull_page=23)
            assert not result.resync and result.mismatched == {} and result.pending == 0, result
        everybody = set().union(*made)
        assert len(everybody) == LAPTOPS * ROUNDS * PER_ROUND
        assert server.stats()["persons"] == len(everybody)
        for recorder in recorders:
            positions = [pos for _e, _id, pos in recorder.changes]
            assert positions == sorted(positions) and len(set(positions)) == len(positions)
            pulled = Counter(rid for entity, rid, _pos in recorder.changes if entity == "persons")
            assert set(pulled) == everybody, f"{len(everybody - set(pulled))} people never pulled"
            assert max(pulled.values()) == 1, "a person pulled twice"
        for laptop in laptops:
            ids = {r[0] for r in laptop.store.query("SELECT id FROM persons")}
            assert ids == everybody
            assert laptop.store.check() == []
    finally:
        for laptop in laptops:
            laptop.close()
        server.stop()
