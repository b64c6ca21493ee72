"""Central server (issue 6): push 10,000 ops from one laptop to SQLite and to PostgreSQL, pull 100,000
records, and 50 laptops at once on PostgreSQL with 2 workers.

Every server is a real process (`python -m fieldapp server run`) on loopback; the client is httpx with
keep-alive, its request bodies encoded before the clock starts (what is timed is the server's work and
the HTTP round trips). Baseline, in the same run, on the same database: a bare FastAPI endpoint on the same
stack that inserts each 500-op body into one table with one executemany (`sync_server_baseline.py`), and
pulls pages of that table.

- server_push_10k_sqlite / _postgresql: 20 pushes of 500 creates (persons, consultations, a tenth of them
  edits of records pushed before), one after another, fresh records each sample.
- server_pull_100k: every page (limit 2000) from cursor 0 until `more` is false, for a laptop whose scope
  holds 100,000 records, as raw HTTP (the body is read, not parsed; the laptop adds its own parsing).
- server_load_50_*: the 50-laptop load runs (bench/load.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from common import PYTHON, ROOT, Row, Target, child_env, progress
from sync_server_pg import free_port, new_database

from fieldapp.domain import models as m
from fieldapp.domain.admin_units import communes_of
from fieldapp.domain.enums import Outcome, Role, TargetGroup, Topic, VsiStatus
from fieldapp.domain.ids import new_id
from fieldapp.storage.records import spec_for

if TYPE_CHECKING:
    from load import LoadPlan

PROVINCE = "33"
BATCH = 500
LOAD_BATCH = 500  # a laptop's push in the load run, the batch size the client sends


# --- processes -----------------------------------------------------------------------------------


class Proc:
    def __init__(self, argv: list[str], env: dict[str, str], health: str, log: Path, cwd: Path = ROOT) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        with log.open("ab") as err:
            self.proc = subprocess.Popen(
                [a.replace("{port}", str(self.port)) for a in argv],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-1500:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + health, timeout=2).status_code == 200:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("server did not start within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def fieldapp_server(url: str, tmp: Path, workers: int = 1, tree: Path = ROOT) -> Proc:
    """`fieldapp server run` from the source tree `tree` (this one, or another commit's checkout)."""
    argv = [
        PYTHON,
        "-m",
        "fieldapp",
        "--data-dir",
        str(tmp / "data"),
        "server",
        "run",
        "--port",
        "{port}",
        "--database-url",
        url,
        "--workers",
        str(workers),
    ]
    env = child_env() if tree == ROOT else child_env(PYTHONPATH=str(tree))
    return Proc(argv, env, "/v1/health", tmp / "server.log", cwd=tree)


def baseline_server(url: str, tmp: Path) -> Proc:
    env = child_env(SYNC_BASELINE_URL=url, PYTHONPATH=f"{ROOT / 'bench'}:{ROOT}")
    argv = [
        PYTHON,
        "-m",
        "uvicorn",
        "--factory",
        "sync_server_baseline:make_app",
        "--port",
        "{port}",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return Proc(argv, env, "/health", tmp / "baseline.log", cwd=ROOT / "bench")


def laptops(url: str, n_teams: int, per_team: int, base: str) -> list[tuple[str, str, str]]:
    """(team id, token, the team leader's member id) of enrolled laptops, teams made through the same code
    as `server team add`; each team's first laptop pushes its leader, whom the records then name (the
    server refuses a member it does not have: docs/sync-api.md, "Valid records")."""
    from fieldapp.server import admin

    store = admin.open_store(url)
    out = []
    try:
        for t in range(n_teams):
            team = admin.add_team(store, f"Tổ đo {t} {new_id()[-6:]}", PROVINCE, "Bưu điện tỉnh Hưng Yên")
            leader = m.Member(new_id(), team["id"], "Trần Văn Bình", Role.TEAM_LEADER, "3301", None, None, True, _now())
            for k in range(per_team):
                code = admin.enrol_code(store, team=team["id"], province=None)[0]
                r = httpx.post(
                    f"{base}/v1/enrol",
                    json={"code": code, "device_id": new_id(), "name": "bench", "public_key": os.urandom(32).hex()},
                )
                r.raise_for_status()
                token = r.json()["token"]
                if k == 0:
                    push_all(base, token, [json.dumps({"ops": [_op(leader)]}).encode()])
                out.append((team["id"], token, leader.id))
    finally:
        store.close()
    return out


# --- the ops a laptop sends ------------------------------------------------------------------------

_COMMUNES = [c.code for c in communes_of(PROVINCE)]


def _now() -> datetime:
    return datetime.now(UTC)


def _person(i: int) -> m.Person:
    t = _now()
    return m.Person(
        new_id(),
        f"Nguyễn Văn Bình {i}",
        date(1970 + i % 40, 1 + i % 12, 1 + i % 28),
        None,
        None,
        None,
        f"09{i % 100_000_000:08d}",
        _COMMUNES[i % len(_COMMUNES)],
        None,
        None,
        None,
        TargetGroup.FARMER,
        t,
        None,
        VsiStatus.NEVER,
        None,
        t,
        t,
    )


def _consultation(team_id: str, person_id: str, member_id: str) -> m.Consultation:
    t = _now()
    return m.Consultation(
        new_id(),
        person_id,
        None,
        None,
        team_id,
        member_id,
        t,
        t.date(),
        TargetGroup.FARMER,
        (Topic.VSI, Topic.HI),
        Outcome.WILL_THINK,
        None,
        None,
        "hẹn tuần sau",
        True,
    )


def _op(record, kind: str = "create", base: int | None = None, changed: list[str] | None = None) -> dict:
    spec = spec_for(record)
    encoded = spec.encode(record)
    payload = (
        {k: v for k, v in encoded.items() if v is not None}
        if kind == "create"
        else {"record": encoded, "changed": changed}
    )
    return {
        "op_id": new_id(),
        "entity": spec.entity,
        "entity_id": record.id,
        "op": kind,
        "base_version": base,
        "payload": payload,
        "created_at": _now().isoformat(),
    }


def batches(team_id: str, member_id: str, n_ops: int, size: int = BATCH) -> list[bytes]:
    """n_ops as bodies of `size` ops: 60% new people, 30% consultations, 10% edits of earlier people."""
    bodies, previous, i = [], [], 0
    while len(bodies) * size < n_ops:
        people = [_person(i + k) for k in range(size * 6 // 10)]
        i += len(people)
        ops = [_op(p) for p in people]
        ops += [_op(_consultation(team_id, p.id, member_id)) for p in people[: size * 3 // 10]]
        edits = previous[: size // 10] or people[: size // 10]
        ops += [_op(replace(p, phone="0988000000"), "update", 0, ["phone"]) for p in edits]
        previous = people
        bodies.append(json.dumps({"ops": ops}, ensure_ascii=False).encode())
    return bodies


def push_all(base: str, token: str | None, bodies: list[bytes], path: str = "/v1/push") -> float:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    with httpx.Client(base_url=base, headers=headers, timeout=120) as c:
        c.get("/v1/health" if token else "/health")  # the connection is open before the clock starts
        start = time.perf_counter()
        answers = []
        for body in bodies:
            r = c.post(path, content=body)
            if r.status_code != 200:
                raise RuntimeError(f"push answered {r.status_code}: {r.text[:300]}")
            answers.append(r.content)
        elapsed = time.perf_counter() - start
    if token:  # after the clock: every op was taken, so what was timed is the work of taking them
        refused = [a for body in answers for a in json.loads(body)["results"] if a["status"] != "accepted"]
        if refused:
            raise RuntimeError(f"{len(refused)} ops not accepted, e.g. {refused[0]}")
    return elapsed


def pull_all(base: str, token: str | None, path: str) -> tuple[float, int]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as c:
        c.get("/v1/health" if token else "/health")
        since, n, start = 0, 0, time.perf_counter()
        while True:
            r = c.get(path, params={"since": since, "limit": 2000})
            r.raise_for_status()
            tail = r.content[-80:].decode()  # "next" and "more" end the body: read them without parsing it
            since = int(tail.rsplit('"next":', 1)[1].split(",", 1)[0])
            n += r.content.count(b'"pos":')
            if tail.rstrip("}").endswith("false"):
                return time.perf_counter() - start, n


# --- the rows ------------------------------------------------------------------------------------


def run_sync(admin_url: str, *, push_ops: int, pull_records: int, samples: int, load: LoadPlan, tmp: Path) -> list[Row]:
    """`admin_url`: the run's PostgreSQL cluster (sync_server_pg.cluster)."""
    from load import load_rows

    rows: list[Row] = []
    for backend in ("sqlite", "postgresql"):
        rows.append(_push_row(backend, admin_url, push_ops, samples, tmp))
    rows.append(_pull_row(pull_records, samples, tmp))
    return rows + load_rows(admin_url, load, tmp)


def _database(backend: str, admin_url: str, name: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / (name + '.db')}"
    return new_database(admin_url, name)


def _push_row(backend: str, admin_url: str, n_ops: int, samples: int, tmp: Path) -> Row:
    target = 1.0 if backend == "sqlite" else 1.5
    row = Row(f"server_push_{n_ops // 1000}k_{backend}", "s", targets=[Target("median", target)])
    ours_url = _database(backend, admin_url, f"push_{backend}", tmp)
    base_url = _database(backend, admin_url, f"push_{backend}_baseline", tmp)
    ours, bare = fieldapp_server(ours_url, tmp / f"push-{backend}"), None
    try:
        bare = baseline_server(base_url, tmp)
        ((team_id, token, leader),) = laptops(ours_url, 1, 1, ours.base)
        for i in range(samples + 1):  # the first of each is a warm-up
            bodies = batches(team_id, leader, n_ops)
            t_ours = push_all(ours.base, token, bodies)
            t_bare = push_all(bare.base, None, batches(team_id, leader, n_ops), "/push")
            if i:
                row.samples.append(t_ours)
                row.baseline.append(t_bare)
            progress(f"sync: push {n_ops:,} to {backend}: {t_ours:.3f} s (baseline {t_bare:.3f} s)")
    finally:
        ours.stop()
        if bare:
            bare.stop()
    row.note = (
        f"{n_ops:,} ops in {n_ops // BATCH} pushes of {BATCH} (60% new persons, 30% consultations, 10% edits) "
        f"from one client to `fieldapp server run` on {backend}; baseline: a bare FastAPI endpoint inserting "
        "each batch into one table"
    )
    return row


def _pull_row(n_records: int, samples: int, tmp: Path) -> Row:
    row = Row(f"server_pull_{n_records // 1000}k", "s", targets=[Target("median", 10.0)])
    url = f"sqlite:///{tmp / 'pull.db'}"
    base_url = f"sqlite:///{tmp / 'pull_baseline.db'}"
    ours = fieldapp_server(url, tmp / "pull")
    bare = None
    try:
        bare = baseline_server(base_url, tmp)
        ((_team_id, token, _leader),) = laptops(url, 1, 1, ours.base)
        progress(f"sync: loading {n_records:,} records for the pull")
        bodies = []
        while len(bodies) * BATCH < n_records:
            people = [_person(len(bodies) * BATCH + k) for k in range(BATCH)]
            bodies.append(json.dumps({"ops": [_op(p) for p in people]}, ensure_ascii=False).encode())
        push_all(ours.base, token, bodies)
        push_all(bare.base, None, bodies, "/push")
        for i in range(samples + 1):
            t_ours, n = pull_all(ours.base, token, "/v1/pull")
            t_bare, n_bare = pull_all(bare.base, None, "/pull")
            if i:
                row.samples.append(t_ours)
                row.baseline.append(t_bare)
            progress(f"sync: pull {n:,}: {t_ours:.3f} s (baseline {n_bare:,} in {t_bare:.3f} s)")
    finally:
        ours.stop()
        if bare:
            bare.stop()
    row.note = (
        f"{n_records:,} persons (+ the team and device rows) from cursor 0 in pages of 2,000, SQLite server, raw "
        "HTTP bodies; baseline: the bare app's pages of its one table (parsed and encoded again by it)"
    )
    return row
