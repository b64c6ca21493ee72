"""Hostile clients (issue 13, "Trust nothing a laptop sends"): an attacker holding an ordinary enrolled
laptop's token, speaking the documented wire API with httpx to a real server process (`fieldapp server run`
on a free port, on SQLite and on PostgreSQL), and real laptops that verify what the attacker made.

- `server`, `world`, `laptops`: a session's server per backend (tests/server/conftest.py), and real laptops
  made on it (tests/security/rogue.py);
- `province`: a province under attack, one per module and backend: two honest laptops of two teams of the
  province with their demo work synced, and a rogue client enrolled in the first team.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest

from fieldapp.domain.ids import new_id
from fieldapp.storage import team as team_store
from fieldapp.storage.records import BY_TABLE
from tests.security.rogue import real_laptop
from tests.server.conftest import pg_cluster, server, world  # noqa: F401 (fixtures)
from tests.sync.conftest import Laptop, Server, add_demo


@dataclass
class Rogue:
    """A client with an enrolled laptop's token that sends whatever it likes."""

    device_id: str
    http: httpx.Client
    number: int | None = None  # its device number: the device part of the receipt series it may use

    def push(self, ops: list[dict]) -> list[dict]:
        body = json.dumps({"ops": ops})  # ASCII escapes: a lone surrogate travels as JSON allows it
        r = self.http.post("/v1/push", content=body.encode(), headers={"Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        return r.json()["results"]


@dataclass
class Province:
    server: Server
    a: Laptop  # team 1, the rogue's team
    b: Laptop  # team 2 of the same province
    rogue: Rogue
    leader_a: str
    member_a: str  # a member of team 1 who is not its leader
    leader_b: str

    def records(self, laptop: Laptop, entity: str) -> list[dict]:
        spec = BY_TABLE[entity]
        return [dict(zip(spec.fields, row, strict=True)) for row in laptop.store.query(spec.select_sql)]

    def one(self, laptop: Laptop, entity: str) -> dict:
        rows = self.records(laptop, entity)
        assert rows, entity
        return rows[0]


@pytest.fixture
def laptops(tmp_path):
    made: list[Laptop] = []

    def make(on, name: str, team: dict | None = None, province: str | None = None) -> Laptop:
        laptop = real_laptop(on, tmp_path / name, team, province)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()


def enrol_rogue(srv: Server, team: str) -> Rogue:
    device_id = new_id()
    r = httpx.post(
        f"{srv.url}/v1/enrol",
        json={
            "code": srv.enrol_code(team),
            "device_id": device_id,
            "name": "rogue",
            "public_key": os.urandom(32).hex(),
            "key_id": os.urandom(8).hex(),
        },
        timeout=30,
    )
    assert r.status_code == 201, r.text
    token, number = r.json()["token"], r.json().get("device_number")
    client = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    return Rogue(device_id, client, number)


def _members(laptop: Laptop):
    team = team_store.current_team(laptop.store)
    return team_store.members(laptop.store, team.id)


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def province(request, tmp_path_factory) -> Iterator[Province]:
    root = tmp_path_factory.mktemp(f"province-{request.param}")
    url = request.getfixturevalue("pg_cluster").new_database() if request.param == "postgresql" else None
    srv = Server(root / "server", postgresql_url=url)
    srv.start()
    a, b = Laptop(root / "a"), Laptop(root / "b")
    rogue = None
    try:
        srv.add_team("Tổ 1", "33")
        srv.add_team("Tổ 2", "33")
        a.enrol(srv, "Tổ 1")
        b.enrol(srv, "Tổ 2")
        add_demo(a, persons=40, days=1, seed=3)
        add_demo(b, persons=20, days=1, seed=4)
        for laptop in (a, b, a):
            result = laptop.sync()
            assert result.rejected == 0 and result.pending == 0, result.as_json()
        rogue = enrol_rogue(srv, "Tổ 1")
        members_a = _members(a)
        leader_a = next(m.id for m in members_a if m.role == "team_leader")
        member_a = next(m.id for m in members_a if m.role == "member")
        leader_b = next(m.id for m in _members(b) if m.role == "team_leader")
        yield Province(srv, a, b, rogue, leader_a, member_a, leader_b)
    finally:
        if rogue is not None:
            rogue.http.close()
        a.close()
        b.close()
        srv.stop()


def op(entity: str, record: dict, *, actor: str | None = None, op_id: str | None = None) -> dict:
    """A create of `record` as the wire carries it (docs/sync-api.md, "Push")."""
    return {
        "op_id": op_id or new_id(),
        "entity": entity,
        "entity_id": record.get("id") if isinstance(record.get("id"), str) else new_id(),
        "op": "create",
        "base_version": None,
        "payload": record,
        "created_at": datetime.now(UTC).isoformat(),
        "actor": actor,
    }


def honest_laptops_still_sync(p: Province) -> None:
    """Both honest laptops sync to the end and their stores pass the integrity check."""
    for laptop in (p.a, p.b):
        result = laptop.sync()
        assert not result.mismatched, result.as_json()
        assert laptop.store.check() == []
