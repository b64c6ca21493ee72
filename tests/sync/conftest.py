"""A real server process on a free port, and laptops (real encrypted data dirs) that enrol and sync with it.

The server is started the way provincial IT starts it (`fieldapp server run`), on an SQLite file in the
test's temp dir, and again on a fresh database of a real PostgreSQL cluster the tests start themselves
(one cluster per session, `tests.server.conftest.start_cluster`; skipped with its reason where there are no
PostgreSQL binaries). A test marked `sqlite_only` is about the laptop alone (a wrong code, no network) and
runs once. Teams and enrolment codes are made with `fieldapp server team add` and `server enrol-code`.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fieldapp.paths import DataDir
from fieldapp.storage.records import BY_TABLE
from fieldapp.storage.store import OpenOptions, Store
from fieldapp.sync import SyncEngine, enrol
from fieldapp.sync.transport import RetryPolicy
from tests import servers
from tests.conftest import PASSPHRASE, cli_env

# one PostgreSQL cluster for the session; each test gets a database of its own
from tests.server.conftest import pg_cluster  # noqa: F401 (a fixture)
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


# who issues the test teams' receipts (storage.issuer), as `server team add --organisation` gives it
ISSUER = "Bưu điện tỉnh Hưng Yên"
FAST_RETRY = RetryPolicy(attempts=30, base=0.002, cap=0.02)
# What must be the same on every laptop after a clean sync: every synced table but the devices list,
# which each laptop keeps with its own key.
COMPARED = tuple(t for t in BY_TABLE if t != "devices")
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about the laptop alone; run against the SQLite server only")


def pytest_generate_tests(metafunc) -> None:
    """Every test here that uses `server` runs on both backends (tests elsewhere importing `server` get SQLite)."""
    if "server" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only")
        if "backend" not in metafunc.fixturenames:
            metafunc.fixturenames.append("backend")
        metafunc.parametrize("backend", ("sqlite",) if only else BACKENDS)


def fieldapp(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env or cli_env(),
        cwd=ROOT,
        timeout=timeout,
    )


@dataclass
class Server:
    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    # Teams and codes made by the admin code in this process rather than a `fieldapp server` process per
    # call (a second each): the commands themselves are tested in tests/server/test_cli.py.
    in_process_admin: bool = True
    postgresql_url: str | None = None  # a database of the session's cluster; None: an SQLite file
    workers: int = 1

    @property
    def backend(self) -> str:
        return "postgresql" if self.postgresql_url else "sqlite"

    @property
    def database_url(self) -> str:
        return self.postgresql_url or f"sqlite:///{self.root / 'server.db'}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        argv = ["server", "run", "--port", str(self.port), "--database-url", self.database_url, "--workers",
                str(self.workers)]  # fmt: skip
        env = cli_env(self.root / "laptop-unused")
        self.process = servers.start(argv, port=self.port, log=self.root / "server.log", env=env, timeout=30)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        servers.stop(self.process, sig)
        self.process = None

    def admin(self, *args: str) -> subprocess.CompletedProcess:
        done = fieldapp("server", *args, "--database-url", self.database_url, env=cli_env(self.root / "laptop-unused"))
        assert done.returncode == 0, done.stderr
        return done

    def _in_process(self, name: str, *args, **kw):
        from fieldapp.server import admin

        store = admin.open_store(self.database_url)
        try:
            return getattr(admin, name)(store, *args, **kw)
        finally:
            store.close()

    def add_team(self, name: str, province: str = "33", organisation: str = ISSUER) -> None:
        """A team whose receipts have an issuer (storage.issuer: a laptop without one issues none)."""
        if self.in_process_admin:
            return self._in_process("add_team", name, province, organisation)
        self.admin("team", "add", name, "--province", province, "--organisation", organisation)
        return None

    def enrol_code(self, team: str) -> str:
        if self.in_process_admin:
            return self._in_process("enrol_code", team=team, province=None)[0]
        return json.loads(self.admin("enrol-code", "--team", team, "--json").stdout)["code"]

    def revoke(self, device_id: str) -> None:
        self.admin("device", "revoke", device_id)

    def stats(self) -> dict[str, int]:
        return json.loads(self.admin("stats", "--json").stdout)["counts"]


def new_server(request, root: Path, backend: str, **kw) -> Server:
    url = request.getfixturevalue("pg_cluster").new_database() if backend == "postgresql" else None
    return Server(root, postgresql_url=url, **kw)


@pytest.fixture
def server(request, tmp_path) -> Iterator[Server]:
    backend = request.node.callspec.params.get("backend", "sqlite") if hasattr(request.node, "callspec") else "sqlite"
    srv = new_server(request, tmp_path / "server", backend)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


class Laptop:
    """One laptop's data dir, opened in this process; syncs through the engine as the GUI does."""

    def __init__(self, root: Path) -> None:
        self.data_dir = DataDir(root)
        self.store = Store.open(self.data_dir, OpenOptions(passphrase=PASSPHRASE))

    @property
    def device_id(self) -> str:
        return self.store.device_id

    def enrol(self, server: Server, team: str) -> None:
        enrol(self.store, server.url, server.enrol_code(team), name=self.data_dir.root.name, retry=FAST_RETRY)

    def sync(self, transport=None, **kw):
        engine = SyncEngine(self.store, transport=transport, retry=FAST_RETRY, sleep=time.sleep, **kw)
        return engine.sync()

    def actor(self):
        from fieldapp.storage import team as team_store
        from fieldapp.storage.writer import Actor

        team = team_store.current_team(self.store)
        members = team_store.members(self.store, team.id) if team else []
        return Actor(members[0].id if members else None, self.device_id)

    def records(self, tables=COMPARED) -> dict[str, dict[str, tuple]]:
        out = {}
        for table in tables:
            spec = BY_TABLE[table]
            out[table] = {r[spec.fields.index("id")]: tuple(r) for r in self.store.query(spec.select_sql)}
        return out

    def outbox_states(self) -> dict[str, int]:
        return dict(self.store.query("SELECT state, count(*) FROM outbox GROUP BY state"))

    def close(self) -> None:
        self.store.close()


@pytest.fixture
def laptops(tmp_path):
    made: list[Laptop] = []

    def make(name: str) -> Laptop:
        laptop = Laptop(tmp_path / name)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()


def two_of_one_team(server, laptops, team: str = "Tổ 1") -> tuple[Laptop, Laptop]:
    """Laptops "a" and "b", both enrolled in a new team `team` of `server`."""
    server.add_team(team)
    a, b = laptops("a"), laptops("b")
    a.enrol(server, team)
    b.enrol(server, team)
    return a, b


def add_demo(laptop: Laptop, *, persons: int = 120, days: int = 2, seed: int = 1) -> None:
    from fieldapp.demo import DemoOptions, load_demo
    from tests.conftest import DEMO_END

    load_demo(laptop.store, DemoOptions(persons=persons, days=days, seed=seed, end_date=DEMO_END))


def same_everywhere(*laptops: Laptop) -> None:
    """Every synced record the same on every laptop, none twice (ids are primary keys; counts checked)."""
    first = laptops[0].records()
    for other in laptops[1:]:
        theirs = other.records()
        for table in COMPARED:
            assert first[table].keys() == theirs[table].keys(), table
            diff = [k for k in first[table] if first[table][k] != theirs[table][k]]
            assert diff == [], (table, diff[:3])
