"""Sync client (issue 6), end to end against a real server process (`fieldapp server run`, SQLite file,
loopback), as the laptop runs it: encrypted store, WAL, synchronous=FULL.

- sync_pull_100k (target ≤ 10 s): a laptop enrolled a month ago and offline since catches up in one
  `SyncEngine.sync()`: push (nothing), pull every page until `more` is false (100,000 records: households,
  people and consultations its team-mate pushed), the devices list and the count comparison. Each sample
  syncs a fresh copy of the same enrolled, empty data dir (the copy is not timed). Baseline, in the same
  run: the same pages fetched with a bare httpx client and their records inserted with `executemany`
  into a fresh store of the same schema, one transaction per page with the cursor: the floor under the
  client's own work (the spec-driven upsert, the local-edit and parent checks, the search index, merge
  candidates).
- sync_push_10k (target ≤ 1 s, to an SQLite server): a laptop pushes 10,000 new ops (people made offline,
  with their households), batches of 500 oldest first, every answer settled in the outbox: the time until
  the last batch is settled (the sync is then cancelled before its pull). A server of its own (started
  after the pull rows), so the 100,000 records of the pull do not weigh on it. Each sample pushes new
  records (made before the clock starts). Baseline: the same number of equivalent new ops posted in
  batches of 500 by a bare httpx client (no store read, no settling): the server's and the wire's share;
  which of the two goes first swaps every round.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import httpx
from common import PASSPHRASE, PYTHON, ROOT, Row, Target, child_env, progress
from stores import open_existing

from fieldapp.domain import admin_units
from fieldapp.domain.enums import Outcome, Role, TargetGroup, Topic, VsiStatus
from fieldapp.domain.ids import new_id
from fieldapp.domain.models import Consultation, Household, Person
from fieldapp.paths import DataDir
from fieldapp.services.team import new_member
from fieldapp.storage import team as team_store
from fieldapp.storage.pin_keys import team_key
from fieldapp.storage.records import BY_TABLE, spec_for
from fieldapp.storage.store import OpenOptions, Store, put_meta
from fieldapp.storage.writer import Actor, indexed_in_bulk, writing
from fieldapp.sync import SyncEngine, enrol

PULL_TARGET = 10.0
PUSH_TARGET = 1.0
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hoa", "Hạnh", "Lan", "Mai", "Nam", "Tuấn", "Yến", "Hương")


class Server:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = f"sqlite:///{root / 'server.db'}"
        self.env = child_env(FIELDAPP_PASSPHRASE=PASSPHRASE, FIELDAPP_DATA_DIR=str(root / "admin"))
        self.log = (root / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "fieldapp", "server", "run", "--port", str(self.port), "--database-url", self.database_url],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {root / 'server.log'}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.05)
        raise RuntimeError("server did not answer within 60 s")

    def admin(self, *args: str) -> str:
        done = subprocess.run(
            [PYTHON, "-m", "fieldapp", "server", *args, "--database-url", self.database_url],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"server {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def team_and_code(self, team: str, province: str) -> str:
        self.admin("team", "add", team, "--province", province)
        return self.code(team)

    def code(self, team: str) -> str:
        return json.loads(self.admin("enrol-code", "--team", team, "--json"))["code"]

    def close(self) -> None:
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(15)
        self.log.close()


def open_store(path: Path) -> Store:
    return Store.open(DataDir(path), OpenOptions(passphrase=PASSPHRASE))


def laptop(server: Server, path: Path, code: str) -> Store:
    store = open_store(path)
    enrol(store, server.url, code, name=path.name)
    return store


def with_member(store: Store) -> Actor:
    team = team_store.current_team(store)
    with writing(store, Actor(None, store.device_id)) as w:
        leader = new_member(team.id, "Trần Thị Hoa", Role.TEAM_LEADER, "330101", "1234",
                            pin_key=team_key(w.conn, team.id), salt=b"0123456789abcdef")  # fmt: skip
        w.add(leader)
    return Actor(leader.id, store.device_id)


def registry(rng: random.Random, communes: list[str], households: int, per_household: int, now: datetime):
    """New households and their people, as the registry forms or an import make them."""
    homes, people = [], []
    for _ in range(households):
        commune = rng.choice(communes)
        home = Household(new_id(), commune, None, f"Thôn {rng.randint(1, 12)}", now, now)
        homes.append(home)
        for order in range(1, per_household + 1):
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 60))
            people.append(
                Person(
                    new_id(),
                    f"{rng.choice(FAMILY)} Văn {rng.choice(GIVEN)}",
                    born,
                    None,
                    None,
                    None,
                    f"09{rng.randrange(10**8):08d}",
                    commune,
                    None,
                    home.id,
                    order,
                    TargetGroup.FARMER,
                    now,
                    None,
                    VsiStatus.NEVER,
                    None,
                    now,
                    now,
                )
            )
    return homes, people


def consultations(rng: random.Random, people: list[Person], team_id: str, member_id: str, now: datetime, n: int):
    return [
        Consultation(
            new_id(),
            rng.choice(people).id,
            None,
            None,
            team_id,
            member_id,
            now,
            now.date(),
            TargetGroup.FARMER,
            (Topic.HI,),
            Outcome.REFUSED,
            None,
            None,
            "",
            True,
        )
        for _ in range(n)
    ]


def fill(store: Store, actor: Actor, records: int, rng: random.Random, province: str) -> int:
    """About `records` new records: a fifth households, three fifths people, a fifth consultations."""
    communes = [c.code for c in admin_units.communes_of(province)][:6]
    now = datetime.now(UTC)
    team = team_store.current_team(store)
    homes, people = registry(rng, communes, records // 5, 3, now)
    talks = consultations(rng, people, team.id, actor.member_id, now, records - len(homes) - len(people))
    made = 0
    with store.large_cache():
        for start in range(0, len(homes), 5000):
            with writing(store, actor) as w:
                made += w.add_all(homes[start : start + 5000])
        for start in range(0, len(people), 5000):
            with writing(store, actor) as w:
                made += w.add_all(people[start : start + 5000])
        for start in range(0, len(talks), 5000):
            with writing(store, actor) as w:
                made += w.add_all(talks[start : start + 5000])
    return made


def pull_baseline(server: Server, token: str, dest: Path, page: int = 2000) -> tuple[float, int]:
    """The same pages with a bare client, inserted with executemany: one transaction per page + cursor."""
    shutil.rmtree(dest, ignore_errors=True)
    store = open_store(dest)
    inserts = {}
    for table, spec in BY_TABLE.items():
        inserts[table] = (spec, f"INSERT OR REPLACE INTO {table} ({', '.join(spec.columns)}) "
                                f"VALUES ({', '.join('?' * len(spec.columns))})")  # fmt: skip
    total = 0
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            start = time.perf_counter()
            cursor, more = 0, True
            while more:
                data = http.get("/v1/pull", params={"since": cursor, "limit": page}).json()
                rows: dict[str, list] = {}
                for ch in data["changes"]:
                    spec, _sql = inserts[ch["entity"]]
                    rec = ch["record"]
                    values = [rec.get(f) for f in spec.fields]
                    if spec.derived:  # every derived column (persons: name_key and sort_key since db/0006)
                        view = SimpleNamespace(**rec)
                        values += [fn(view) for fn in spec.derived.values()]
                    rows.setdefault(ch["entity"], []).append(values)
                with store.transaction() as conn:
                    conn.execute("PRAGMA defer_foreign_keys = ON")
                    for table, values in rows.items():
                        with indexed_in_bulk(
                            conn, table
                        ):  # the search index filled in one statement, as the client does
                            conn.executemany(inserts[table][1], values)
                    put_meta(conn, "sync_cursor", str(data["next"]))
                total += len(data["changes"])
                cursor, more = data["next"], data["more"]
            return time.perf_counter() - start, total
    finally:
        store.close()
        shutil.rmtree(dest, ignore_errors=True)


def time_push(store: Store) -> float:
    """From the start of a sync to the moment its last push batch is settled; the sync stops there."""
    stop = threading.Event()
    engine = SyncEngine(store)
    start = time.perf_counter()
    last = start
    run = engine.run(stop)
    try:
        while True:
            step = next(run)
            if step.phase == "push":
                last = time.perf_counter()
            else:
                stop.set()
    except StopIteration:
        pass
    return last - start


def push_baseline(server: Server, token: str, ops: int, rng: random.Random, province: str, team_id: str) -> float:
    """`ops` new create ops (households and people, encoded as the outbox does) posted by a bare client."""
    communes = [c.code for c in admin_units.communes_of(province)][:6]
    homes, people = registry(rng, communes, ops // 4, 3, datetime.now(UTC))
    payload = []
    for record in [*homes, *people][:ops]:
        spec = spec_for(record)
        encoded = {k: v for k, v in spec.encode(record).items() if v is not None}
        payload.append({"op_id": new_id(), "entity": spec.table, "entity_id": encoded["id"], "op": "create",
                        "base_version": None, "payload": encoded, "created_at": encoded["created_at"]})  # fmt: skip
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        start = time.perf_counter()
        for i in range(0, len(payload), 500):
            answer = http.post("/v1/push", json={"ops": payload[i : i + 500]})
            answer.raise_for_status()
        return time.perf_counter() - start


def run_sync_client(*, pull_records: int, push_ops: int, pull_samples: int, push_samples: int, tmp: Path) -> list[Row]:
    folder = tmp / "sync"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    server = Server(folder / "server")
    rng = random.Random(6)
    try:
        # --- pull: B enrolled, then offline while A pushes a month of work ---------------------
        code_a = server.team_and_code("Tổ một tháng", "33")
        a = laptop(server, folder / "a", code_a)
        b = laptop(server, folder / "b-enrolled", server.code("Tổ một tháng"))
        b_token = b.meta("sync_token") or ""
        b.close()
        actor = with_member(a)
        made = fill(a, actor, pull_records, rng, "33")
        progress(f"sync_client: laptop A pushes {made:,} new records (setup, not timed)")
        started = time.perf_counter()
        pushed = SyncEngine(a).sync()
        progress(f"sync_client: pushed {pushed.pushed:,} ops in {time.perf_counter() - started:.1f} s")
        a.close()
        pull, base, pulled = [], [], 0
        for i in range(pull_samples):
            copy = folder / f"b-{i}"
            shutil.copytree(folder / "b-enrolled", copy)
            store = open_existing(DataDir(copy))
            try:
                start = time.perf_counter()
                result = SyncEngine(store).sync()
                pull.append(time.perf_counter() - start)
                pulled = result.pulled
                if result.mismatched or result.pending:
                    raise RuntimeError(f"pull did not converge: {result.as_json()}")
            finally:
                store.close()
                shutil.rmtree(copy, ignore_errors=True)
            seconds, _n = pull_baseline(server, b_token, folder / f"baseline-{i}")
            base.append(seconds)
            progress(f"sync_pull: {pull[-1]:.2f} s (baseline {base[-1]:.2f} s), {pulled:,} records")
        pull_row = Row(f"sync_pull_{pull_records // 1000}k", "s", pull, base, targets=[Target("median", PULL_TARGET)])
        pull_row.note = (
            f"a laptop offline since its enrolment catches up: {pulled:,} records (households, people, "
            "consultations) in pages of 2,000 into its encrypted store, devices and counts included; baseline: "
            "the same pages with a bare httpx client and executemany, one transaction per page"
        )

        # --- push: C makes records offline, then pushes them, to a server of its own --------
        server.close()
        server = Server(folder / "server-push")
        code_c = server.team_and_code("Tổ đẩy", "01")
        c = laptop(server, folder / "c", code_c)
        c_token = c.meta("sync_token") or ""
        team_c = team_store.current_team(c)
        push, push_base = [], []
        try:
            actor_c = with_member(c)
            SyncEngine(c).sync()  # the member row, out of the way
            for i in range(push_samples):
                fill_push(c, actor_c, push_ops, rng, "01")
                if i % 2:  # which goes first swaps every round: the server's file grows under both alike
                    push_base.append(push_baseline(server, c_token, push_ops, rng, "01", team_c.id))
                    push.append(time_push(c))
                else:
                    push.append(time_push(c))
                    push_base.append(push_baseline(server, c_token, push_ops, rng, "01", team_c.id))
                progress(f"sync_push: {push[-1]:.3f} s (baseline {push_base[-1]:.3f} s)")
        finally:
            c.close()
        push_row = Row(f"sync_push_{push_ops // 1000}k", "s", push, push_base, targets=[Target("median", PUSH_TARGET)])
        push_row.note = (
            f"{push_ops:,} new ops (households and people) in batches of 500 to an SQLite server, every answer "
            "settled in the outbox; baseline: as many equivalent ops posted by a bare httpx client"
        )
        return [pull_row, push_row]
    finally:
        server.close()


def fill_push(store: Store, actor: Actor, ops: int, rng: random.Random, province: str) -> None:
    communes = [c.code for c in admin_units.communes_of(province)][:6]
    homes, people = registry(rng, communes, ops // 4, 3, datetime.now(UTC))
    with writing(store, actor) as w:
        w.add_all(homes)
        w.add_all(people[: ops - len(homes)])
