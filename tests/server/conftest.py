"""A real server process (`python -m fieldapp server run` on a free port) on SQLite and on a PostgreSQL
cluster the tests start themselves (initdb + pg_ctl in a temp dir, as an unprivileged user when run as
root), and small builders for the records laptops push."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest

from fieldapp.domain import models as m
from fieldapp.domain.admin_units import communes_of, provinces
from fieldapp.domain.enums import Outcome, Role, TargetGroup, Topic, VsiStatus
from fieldapp.domain.ids import new_id
from fieldapp.storage.records import spec_for
from tests import servers
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ("sqlite", "postgresql")


# --- PostgreSQL ------------------------------------------------------------------------------------


def _pg_bindir() -> Path | None:
    candidates = []
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    for d in candidates:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    return None


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    run_as: list[str]

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )


def _unprivileged() -> list[str]:
    """initdb refuses to run as root: run the cluster as `nobody` then (runuser, or su)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.skip("running as root and no runuser to start PostgreSQL as an unprivileged user")


def start_cluster() -> Cluster:
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin")
    run_as = _unprivileged()
    root = Path(tempfile.mkdtemp(prefix="fieldapp-pg-", dir="/tmp"))  # not under pytest's 0700 tmp dirs
    if run_as:
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
    root.chmod(0o700)
    init = subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(root / "data"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {init.stderr[-2000:]}")
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
    started = subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    if started.returncode != 0:
        log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {started.stderr[-1000:]} {log[-2000:]}")
    return Cluster(bindir, root, port, run_as)


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


# --- the server process ------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env["FIELDAPP_KEYRING"] = "off"
    return env


@dataclass
class Server:
    url: str  # database URL
    data_dir: Path
    port: int = 0
    workers: int = 1
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> Server:
        self.port = free_port()
        self.log = self.data_dir / f"server-{self.port}.log"
        argv = ["--data-dir", str(self.data_dir), "server", "run", "--port", str(self.port), "--database-url",
                self.url, "--workers", str(self.workers)]  # fmt: skip
        self.proc = servers.start(argv, port=self.port, log=self.log, env=child_env(), timeout=timeout)
        return self

    def kill(self) -> None:
        servers.stop(self.proc, signal.SIGKILL)
        self.proc = None

    def stop(self) -> None:
        servers.stop(self.proc)
        self.proc = None


def database_for(backend: str, request, tmp_dir: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / 'server.db'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture(scope="session", params=BACKENDS)
def server(request, tmp_path_factory):
    """One running server per backend for the session; tests keep apart by province (see World)."""
    tmp = tmp_path_factory.mktemp(f"server-{request.param}")
    srv = Server(database_for(request.param, request, tmp), tmp / "data").start()
    srv.backend = request.param
    try:
        yield srv
    finally:
        srv.stop()


# --- teams, devices and records ----------------------------------------------------------------

_PROVINCES = itertools.cycle(sorted(provinces()))
# Each team's leader, made on the server by the team's first laptop: the member the records name
# (the server refuses a member id it does not have for the team: docs/sync-api.md, "Valid records").
LEADERS: dict[str, str] = {}


@dataclass
class Laptop:
    device_id: str
    token: str
    team: dict | None
    province: str
    http: httpx.Client

    def push(self, ops: list[dict]) -> httpx.Response:
        return self.http.post("/v1/push", json={"ops": ops})

    def results(self, ops: list[dict]) -> list[dict]:
        r = self.push(ops)
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def pull_all(self, since: int = 0, limit: int = 2000) -> tuple[list[dict], int]:
        changes = []
        while True:
            r = self.http.get("/v1/pull", params={"since": since, "limit": limit})
            assert r.status_code == 200, r.text
            page = r.json()
            changes += page["changes"]
            since = page["next"]
            if not page["more"]:
                return changes, since


@dataclass
class World:
    """Teams and enrolled laptops on one server; every team in a province of its own unless told."""

    server: Server
    clients: list[httpx.Client] = field(default_factory=list)

    def store(self):
        from fieldapp.server import admin

        return admin.open_store(self.server.url)

    def team(self, province: str | None = None, name: str | None = None) -> dict:
        from fieldapp.server import admin

        store = self.store()
        try:
            team = name or f"Tổ {new_id()[-8:]}"
            return admin.add_team(store, team, province or next(_PROVINCES), "Bưu điện tỉnh thử")
        finally:
            store.close()

    def code(self, team: dict | None = None, province: str | None = None) -> str:
        from fieldapp.server import admin

        store = self.store()
        try:
            return admin.enrol_code(store, team=team["id"] if team else None, province=province)[0]
        finally:
            store.close()

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.Client(base_url=self.server.base, headers=headers, timeout=60)
        self.clients.append(c)
        return c

    def laptop(self, team: dict | None = None, province: str | None = None) -> Laptop:
        if team is None and province is None:
            team = self.team()
        device_id = new_id()
        r = self.client().post(
            "/v1/enrol",
            json={
                "code": self.code(team, province),
                "device_id": device_id,
                "name": f"Laptop {device_id[-4:]}",
                "public_key": os.urandom(32).hex(),
                "key_id": os.urandom(8).hex(),
            },
        )
        assert r.status_code == 201, r.text
        body = r.json()
        laptop = Laptop(device_id, body["token"], body["team"], body["province_code"], self.client(body["token"]))
        if team is not None and team["id"] not in LEADERS:
            leader = member(team["id"])
            assert laptop.results([create(leader)])[0]["status"] == "accepted"
            LEADERS[team["id"]] = leader.id
        return laptop

    def close(self) -> None:
        for c in self.clients:
            c.close()


@pytest.fixture
def world(server):
    w = World(server)
    yield w
    w.close()


def now() -> datetime:
    return datetime.now(UTC)


def encoded(record) -> dict:
    """A create's payload as the laptop's outbox holds it: the encoded record, empty fields left out."""
    return {k: v for k, v in spec_for(record).encode(record).items() if v is not None}


def person(province: str, name: str = "Nguyễn Thị Hoà", **fields) -> m.Person:
    t = now()
    values = dict(
        id=new_id(),
        full_name=name,
        birth_date=date(1980, 5, 17),
        sex=None,
        citizen_id=None,
        si_number=None,
        phone="0912345678",
        commune_code=communes_of(province)[0].code,
        hamlet_id=None,
        household_id=None,
        household_order=None,
        target_group=TargetGroup.FARMER,
        consent_at=t,
        hi_valid_to=None,
        vsi_status=VsiStatus.NEVER,
        vsi_paid_to=None,
        created_at=t,
        updated_at=t,
    )
    values.update(fields)
    return m.Person(**values)


def member(team_id: str, role: Role = Role.TEAM_LEADER, **fields) -> m.Member:
    values = dict(
        id=new_id(),
        team_id=team_id,
        full_name="Trần Văn Bình",
        role=role,
        code="3301",
        phone=None,
        pin_hash=None,
        active=True,
        created_at=now(),
    )
    values.update(fields)
    return m.Member(**values)


def consultation(team_id: str, person_id: str | None = None, **fields) -> m.Consultation:
    t = now()
    values = dict(
        id=new_id(),
        person_id=person_id,
        event_id=None,
        site_id=None,
        team_id=team_id,
        member_id=LEADERS.get(team_id) or new_id(),
        at=t,
        day=t.date(),
        target_group=TargetGroup.FARMER,
        topics=(Topic.VSI, Topic.HI),
        outcome=Outcome.WILL_THINK,
        follow_up_on=None,
        refusal_reason=None,
        note="hẹn tuần sau",
        consent=True,
    )
    values.update(fields)
    return m.Consultation(**values)


def create(record, op_id: str | None = None) -> dict:
    spec = spec_for(record)
    return {
        "op_id": op_id or new_id(),
        "entity": spec.entity,
        "entity_id": record.id,
        "op": "create",
        "base_version": None,
        "payload": encoded(record),
        "created_at": now().isoformat(),
    }


def update(record, base_version: int, changed: list[str], op_id: str | None = None) -> dict:
    spec = spec_for(record)
    return {
        "op_id": op_id or new_id(),
        "entity": spec.entity,
        "entity_id": record.id,
        "op": "update",
        "base_version": base_version,
        "payload": {"record": spec.encode(record), "changed": changed},
        "created_at": now().isoformat(),
    }
