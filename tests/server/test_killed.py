"""A server killed (SIGKILL) in the middle of a big push, several times: the database stays sound, and
pushing the same batches again applies every op exactly once."""

from __future__ import annotations

import random
import sqlite3
import threading
from dataclasses import replace

import httpx
import pytest
import sqlalchemy as sa

from tests.server.conftest import BACKENDS, Server, World, consultation, create, database_for, person, update

BATCHES, CREATES, EDITS, KILLS = 8, 450, 50, 3
pytestmark = pytest.mark.slow


def batches(team: dict) -> tuple[list[list[dict]], set[str]]:
    out, edited, previous = [], set(), []
    for _ in range(BATCHES):
        people = [person(team["province_code"], f"Người {i}") for i in range(CREATES - 50)]
        talks = [consultation(team["id"], p.id) for p in people[:50]]
        ops = [create(r) for r in [*people, *talks]]
        for p in previous[:EDITS]:  # edits queued offline: the version the laptop knew is still 0
            ops.append(update(replace(p, phone="0977000000"), 0, ["phone"]))
            edited.add(p.id)
        previous = people
        out.append(ops)
    return out, edited


def push_until_killed(base: str, token: str, all_batches: list[list[dict]]) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        for ops in all_batches:
            try:
                c.post("/v1/push", json={"ops": ops})
            except httpx.HTTPError:
                return


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_mid_push_many_times(backend, request, tmp_path):
    server = Server(database_for(backend, request, tmp_path), tmp_path / "data").start()
    world = World(server)
    try:
        team = world.team()
        laptop = world.laptop(team)
        all_batches, edited = batches(team)
        rng = random.Random(6)
        for _ in range(KILLS):
            pusher = threading.Thread(target=push_until_killed, args=(server.base, laptop.token, all_batches))
            pusher.start()
            threading.Event().wait(rng.uniform(0.05, 0.6))
            server.kill()
            pusher.join(timeout=60)
            assert_sound(server.url)
            server.start()
            laptop.http = world.client(laptop.token)
        for ops in all_batches:
            results = laptop.results(ops)
            assert {r["status"] for r in results} == {"accepted"}, {r["reason"] for r in results}
        changes, _ = laptop.pull_all()
        ids = [c["id"] for c in changes]
        assert len(ids) == len(set(ids))
        persons = {c["id"]: c for c in changes if c["entity"] == "persons"}
        assert len(persons) == BATCHES * (CREATES - 50)
        assert sum(c["entity"] == "consultations" for c in changes) == BATCHES * 50
        assert {p["version"] for i, p in persons.items() if i in edited} == {2}
        assert {p["version"] for i, p in persons.items() if i not in edited} == {1}
        assert_sound(server.url)
        engine = sa.create_engine(server.url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            n_ops = conn.execute(sa.text("SELECT count(*) FROM ops")).scalar()
        engine.dispose()
        assert n_ops == 1 + sum(len(b) for b in all_batches)  # and the team leader the laptop made first
    finally:
        world.close()
        server.kill()


def assert_sound(url: str) -> None:
    """The database's own check, then the feed's invariants: positions unique and below the counter."""
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url[len("sqlite:///") :])
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            conn.close()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            q = conn.execute
            top = q(sa.text("SELECT value FROM feed_counter")).scalar()
            n, distinct, highest = q(sa.text("SELECT count(*), count(DISTINCT pos), max(pos) FROM records")).one()
            assert n == distinct and (highest or 0) <= top
            if url.startswith("postgresql"):
                assert q(sa.text("SELECT count(*) FROM records WHERE data::jsonb ->> 'id' <> id")).scalar() == 0
    finally:
        engine.dispose()
