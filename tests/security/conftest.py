"""Hostile clients (issue 13, "Trust nothing a laptop sends"): an attacker holding an ordinary enrolled
laptop's token, speaking the documented wire API with httpx to a real server process (`fieldapp server run`
on a free port, on SQLite and on PostgreSQL: tests/server/conftest.py), and real laptops that verify what
the attacker made (tests/security/rogue.py)."""

from __future__ import annotations

import pytest

from tests.security.rogue import real_laptop
from tests.server.conftest import pg_cluster, server, world  # noqa: F401 (fixtures)
from tests.sync.conftest import Laptop


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
