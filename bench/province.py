"""Province scale (issue 15): a laptop enrolling into a province of 1,500,000 people.

The province's registry (hamlets, households and 1,500,000 persons spread over every commune of province 33,
as laptops push them: encoded and checked like every record) is generated once into a server SQLite database
and cached under bench/.cache/ (built into a `.part` file, renamed when complete, deleted when it fails).
Each run copies it into a fresh database of the run's PostgreSQL cluster (COPY) and starts `fieldapp server
run --workers 2` on it, as a province would run it.

- province_pull_<n> (target ≤ 120 s): a new laptop enrols into a team of the province (`fieldapp.sync.enrol`)
  and syncs once from cursor 0 (`SyncEngine.sync()`: pull every page until `more` is false, the devices list,
  the count comparison) into a fresh encrypted store: the whole registry pulled, checked, written and indexed
  for search. Baseline: the same pages fetched by a bare httpx client, read without parsing (the server's
  and the link's share of the time).
- province_search_<n> / province_search_<n>_cold (target p95 ≤ 20 ms): the People screen's search
  (bench/search.py: list_pks + the first page of rows, as typed) on that laptop's store, warm, then each name
  right after evicting the store from the OS page cache and opening it again.
- province_pull_<n>_x<k>: k laptops enrolled into the province's teams pull it from cursor 0 at once, each
  at the pace the laptop above applied pages (a page asked for no sooner than that laptop was ready for it,
  so the server sees what k real laptops would ask); each sample is one laptop's time to its last page.
  Target: each ≤ 120 s, as for one laptop alone.
- province_push_p95_during_pulls (target p95 ≤ 500 ms, the load run's): meanwhile, laptops of other teams
  push 500-op batches on the paced schedule of the load run (bench/load.py), `PUSHERS` of them offering
  `PUSH_OFFERED` ops/s together; every push request of the window counts.
"""

from __future__ import annotations

import json
import random
import shutil
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import CACHE, PASSPHRASE, Row, Target, Throttled, p95, progress
from search import run_typed
from sync_server import LOAD_BATCH, batches, fieldapp_server, laptops
from sync_server_pg import new_database

from fieldapp.demo.people import _vocabulary
from fieldapp.domain import admin_units
from fieldapp.domain.enums import Sex, TargetGroup, VsiStatus
from fieldapp.domain.ids import IdFactory
from fieldapp.domain.models import Hamlet, Household, Person
from fieldapp.paths import DataDir
from fieldapp.storage import migrations
from fieldapp.storage.records import spec_for
from fieldapp.storage.store import OpenOptions, Store
from fieldapp.sync import SyncEngine, enrol

PROVINCE = "33"
PULL_TARGET_S = 120.0
SEARCH_P95_MS = 20.0
PUSH_P95_MS = 500.0
PUSHERS = 20
PUSH_OFFERED = 2_400.0  # ops/s: the load run's pace per laptop (6,000 / 50) for PUSHERS laptops
FORMAT = 2  # of the cached registry; bump to build it again
_PERSON, _HOUSEHOLD, _HAMLET = spec_for(Person), spec_for(Household), spec_for(Hamlet)
_AT = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


# --- the province's registry, cached ---------------------------------------------------------------


def province_db(persons: int) -> Path:
    """The cached server database holding the registry of `persons` people (built when missing)."""
    path = CACHE / f"province-{persons}p-schema{migrations.latest_version()}-f{FORMAT}.db"
    if path.exists():
        return path
    part = path.with_suffix(".part")
    for leftover in part.parent.glob(part.name + "*"):
        leftover.unlink()
    progress(f"province: generating a registry of {persons:,} people (once; cached in bench/.cache/)")
    try:
        _generate(part, persons)
    except BaseException:
        for leftover in part.parent.glob(part.name + "*"):
            leftover.unlink(missing_ok=True)
        raise
    part.rename(path)
    return path


def _generate(path: Path, persons: int) -> None:
    from fieldapp.protocol.records import check
    from fieldapp.server import admin
    from fieldapp.server import schema as s

    rng = random.Random(15)
    _id = _Ids(random.Random(16))
    vocab = _vocabulary()
    family = [n for n, _w in vocab["family_names"]]
    family_w = [w for _n, w in vocab["family_names"]]
    middle = {Sex.MALE: [n for n, _w in vocab["male_middle"]], Sex.FEMALE: [n for n, _w in vocab["female_middle"]]}
    given = {Sex.MALE: vocab["male_given"], Sex.FEMALE: vocab["female_given"]}
    communes = [c.code for c in admin_units.communes_of(PROVINCE)]
    groups = [g for g in TargetGroup if g is not TargetGroup.RESERVED_SI]
    server = admin.open_store(f"sqlite:///{path}")
    pos = 0
    say = Throttled("province registry")
    try:
        with server.engine.begin() as conn:

            def put(entity: str, spec: Any, record: Any) -> None:
                nonlocal pos
                pos += 1
                data = check(entity, spec.encode(record))  # a record the server would take
                data["version"] = 1
                rows.append(
                    {"entity": entity, "id": data["id"], "scope_team": "", "scope_province": PROVINCE, "version": 1,
                     "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")), "pos": pos,
                     "updated_at": "2026-07-01T01:00:00.000+00:00", "last_device": None, "chain_base": None}
                )  # fmt: skip

            rows: list[dict[str, Any]] = []
            hamlets: dict[str, list[str]] = {}
            for code in communes:
                for n in range(1, rng.randint(6, 12)):
                    hamlet = Hamlet(_id(), code, f"Thôn {n}", _AT)
                    hamlets.setdefault(code, []).append(hamlet.id)
                    put("hamlets", _HAMLET, hamlet)
            made, serial = 0, 0
            issued: dict[str, int] = {}  # citizen IDs given per head (province, century and sex, year)
            while made < persons:
                code = rng.choice(communes)
                hamlet_id = rng.choice(hamlets[code])
                home = Household(_id(), code, hamlet_id, "", _AT, _AT)
                put("households", _HOUSEHOLD, home)
                surname = rng.choices(family, family_w)[0]
                for order in range(1, min(rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 7)), persons - made) + 1):
                    serial += 1
                    sex = rng.choice((Sex.MALE, Sex.FEMALE))
                    born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 80))
                    name = f"{surname} {rng.choice(middle[sex])} {rng.choice(given[sex])}"
                    head = f"0{PROVINCE}{(born.year - 1900) // 100 * 2 + (sex is Sex.FEMALE)}{born.year % 100:02d}"
                    issued[head] = issued.get(head, 0) + 1
                    person = Person(
                        _id(), name, born, sex,
                        f"{head}{issued[head]:06d}" if rng.random() < 0.9 else None,
                        f"{PROVINCE}{serial:08d}" if rng.random() < 0.75 else None,
                        f"09{serial % 10**8:08d}" if rng.random() < 0.8 else None,
                        code, hamlet_id, home.id, order, rng.choice(groups), None,
                        date(2026, 12, 31) if rng.random() < 0.6 else None,
                        VsiStatus.NEVER, None, _AT, _AT, birth_year=born.year,
                    )  # fmt: skip
                    put("persons", _PERSON, person)
                    made += 1
                if len(rows) >= 20_000:
                    conn.execute(s.records.insert(), rows)
                    rows.clear()
                    say(f"{made:,}/{persons:,} persons")
            if rows:
                conn.execute(s.records.insert(), rows)
            conn.execute(s.feed_counter.update().values(value=pos))
    finally:
        server.close()


class _Ids:
    """UUIDv7 ids as laptops make them, seeded: a registry pushed over the years, in the order it was made."""

    def __init__(self, rng: random.Random) -> None:
        self.ms = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp() * 1000)
        self.factory = IdFactory(clock_ms=lambda: self.ms, rng=rng)

    def __call__(self) -> str:
        self.ms += 37  # about 1.5 million records over two years
        return self.factory()


def _copy_to_postgresql(source: Path, url: str) -> int:
    """The cached registry into a fresh PostgreSQL database (migrated by the app), by COPY; returns the
    number of records."""
    import psycopg
    import sqlalchemy as sa

    from fieldapp.server import admin
    from fieldapp.server import schema as s

    admin.open_store(url).close()  # the schema, by the app's own migrations
    sqlite = admin.open_store(f"sqlite:///{source}")
    columns = [c.name for c in s.records.columns]
    n = 0
    say = Throttled("province: copying into PostgreSQL")
    try:
        with sqlite.engine.connect() as src, psycopg.connect(url) as dst:
            with dst.cursor() as cur, cur.copy(f"COPY records ({', '.join(columns)}) FROM STDIN") as copy:
                result = src.execution_options(yield_per=20_000).execute(sa.select(s.records))
                for chunk in result.partitions(20_000):
                    for row in chunk:
                        copy.write_row(tuple(row))
                    n += len(chunk)
                    say(f"{n:,} records")
            (last,) = sqlite.engine.connect().execute(sa.select(s.feed_counter.c.value)).one()
            dst.execute("UPDATE feed_counter SET value = %s WHERE id = 1", (last,))
            dst.commit()
            dst.execute("ANALYZE records")
            dst.commit()
    finally:
        sqlite.close()
    return n


# --- the rows --------------------------------------------------------------------------------------


def run_province(
    admin_url: str, *, persons: int, pullers: int, quick: bool, tmp: Path, search: bool = True, at_once: bool = True
) -> list[Row]:
    """The rows above; `search` and `at_once` False leave out the searches and the laptops at once."""
    from fieldapp.server import admin

    name = f"{persons // 1000}k" if persons >= 1000 else str(persons)
    source = province_db(persons)
    url = new_database(admin_url, "province")
    started = time.perf_counter()
    records = _copy_to_postgresql(source, url)
    progress(f"province: {records:,} records in PostgreSQL in {time.perf_counter() - started:.0f} s")
    store = admin.open_store(url)
    try:
        team = admin.add_team(store, "Tổ ghi danh tỉnh", PROVINCE, "Bưu điện tỉnh Hưng Yên")
        codes = [admin.enrol_code(store, team=team["id"], province=None)[0] for _ in range(pullers + 1)]
    finally:
        store.close()
    server = fieldapp_server(url, tmp / "province-server", workers=2)
    try:
        pull, laptop_dir, per_page = _one_laptop(server.base, codes[0], records, tmp)
        pull.name = f"province_pull_{name}"
        search_rows = (
            run_typed(
                DataDir(laptop_dir), f"province_search_{name}", names=5 if quick else 60, cold_names=2 if quick else 20
            )
            if search
            else []
        )
        shutil.rmtree(laptop_dir, ignore_errors=True)
        at_once_rows = _at_once(server.base, url, codes[1:], per_page, records, quick) if at_once else []
        if at_once_rows:
            at_once_rows[0].name = f"province_pull_{name}_x{pullers}"
    finally:
        server.stop()
    return [pull, *search_rows, *at_once_rows]


def _one_laptop(base: str, code: str, records: int, tmp: Path) -> tuple[Row, Path, float]:
    folder = tmp / "province-laptop"
    shutil.rmtree(folder, ignore_errors=True)
    store = Store.open(DataDir(folder), OpenOptions(passphrase=PASSPHRASE))
    try:
        enrol(store, base, code, name="province-bench")
        token = store.meta("sync_token") or ""
        progress(f"province: one laptop pulls the registry ({records:,} records)")
        show = Throttled("province pull", every=10)
        start = time.perf_counter()
        result = SyncEngine(store).sync(progress=lambda p: show(f"{p.pulled:,} records"))
        seconds = time.perf_counter() - start
        if result.mismatched or result.pulled < records:
            raise RuntimeError(f"the province pull did not converge: {result.as_json()}")
    finally:
        store.close()
    bare = _bare_pull(base, token, pace=0.0)
    size = (folder / "fieldapp.db").stat().st_size
    pages = -(-records // 2000)
    row = Row("province_pull", "s", [seconds], [bare], targets=[Target("median", PULL_TARGET_S)])
    row.note = (
        f"a new laptop enrolled into a team of province {PROVINCE} syncs once from cursor 0: {result.pulled:,} "
        f"records (hamlets, households, persons) in {pages:,} pages of 2,000 into a fresh encrypted store "
        f"({size / 1e9:.2f} GB), checked, indexed for search, devices and counts compared, "
        f"{result.pulled / seconds:,.0f} records/s; PostgreSQL server, `--workers 2`, loopback; baseline: the "
        "same pages by a bare httpx client, not parsed (the server's and the link's share)"
    )
    return row, folder, seconds / pages


def _bare_pull(base: str, token: str, pace: float, since: int = 0) -> float:
    """Every page from `since`; with `pace`, no page asked for sooner than `pace` seconds after the one
    before was asked (a laptop applying pages at that rate). Returns the seconds to the last page."""
    with httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=120) as c:
        start = time.perf_counter()
        k = 0
        while True:
            if pace:
                time.sleep(max(0.0, start + k * pace - time.perf_counter()))
            r = c.get("/v1/pull", params={"since": since, "limit": 2000})
            r.raise_for_status()
            k += 1
            tail = r.content[-80:].decode()
            since = int(tail.rsplit('"next":', 1)[1].split(",", 1)[0])
            if tail.rstrip("}").endswith("false"):
                return time.perf_counter() - start


def _enrolled_token(base: str, code: str) -> str:
    import os

    r = httpx.post(
        f"{base}/v1/enrol",
        json={"code": code, "device_id": os.urandom(16).hex(), "name": "bench", "public_key": os.urandom(32).hex()},
    )
    r.raise_for_status()
    return r.json()["token"]


def _at_once(base: str, url: str, codes: list[str], per_page: float, records: int, quick: bool) -> list[Row]:
    """len(codes) laptops pull the province at once at a real laptop's pace while others push."""
    tokens = [_enrolled_token(base, code) for code in codes]
    pushers = laptops(url, max(1, PUSHERS // 5), 5, base)  # other teams: 5 laptops each
    expected = per_page * -(-records // 2000)  # one laptop's pull alone; bodies for three times that
    per_laptop = int((3 * expected + 10) * PUSH_OFFERED / len(pushers) / LOAD_BATCH) + 2
    progress(f"province: preparing {per_laptop * len(pushers):,} push bodies for {len(pushers)} laptops")
    prepared = {tok: batches(team, leader, LOAD_BATCH * per_laptop, LOAD_BATCH) for team, tok, leader in pushers}
    pulls: list[float] = []
    push_times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    done = threading.Event()
    period = len(pushers) * LOAD_BATCH / PUSH_OFFERED

    def puller(token: str) -> None:
        try:
            seconds = _bare_pull(base, token, pace=per_page)
        except Exception as exc:  # counted, and the row says so
            with lock:
                errors.append(f"pull: {type(exc).__name__}")
            return
        with lock:
            pulls.append(seconds)

    def pusher(token: str, slot: int) -> None:
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        bodies = prepared[token]
        with httpx.Client(base_url=base, headers=headers, timeout=120) as c:
            first = time.perf_counter() + period * slot / len(pushers)
            for k, body in enumerate(bodies):
                time.sleep(max(0.0, first + k * period - time.perf_counter()))
                if done.is_set():
                    return
                t0 = time.perf_counter()
                r = c.post("/v1/push", content=body)
                with lock:
                    push_times.append(time.perf_counter() - t0)
                    if r.status_code != 200 or r.content.count(b'"status":"accepted"') != LOAD_BATCH:
                        errors.append(f"push {r.status_code}")
            with lock:
                errors.append("a pusher ran out of prepared bodies")

    push_threads = [threading.Thread(target=pusher, args=(tok, i)) for i, (_t, tok, _l) in enumerate(pushers)]
    pull_threads = [threading.Thread(target=puller, args=(tok,)) for tok in tokens]
    progress(f"province: {len(tokens)} laptops pull at once while {len(pushers)} others push")
    for t in push_threads:
        t.start()
    time.sleep(period)  # the pushers are on their schedule before the pulls begin
    for t in pull_threads:
        t.start()
    for t in pull_threads:
        t.join()
    done.set()
    for t in push_threads:
        t.join()
    at_once = Row("province_pull_at_once", "s", pulls, targets=[Target("max", PULL_TARGET_S)])
    at_once.note = (
        f"{len(tokens)} laptops enrolled into the province pull its {records:,} records from cursor 0 at once, each "
        f"asking a page no sooner than the laptop above was ready for it ({per_page * 1000:.0f} ms a page); each "
        "sample is one laptop's time to its last page"
    )
    push = Row("province_push_p95_during_pulls", "ms", [t * 1000 for t in push_times],
               targets=[Target("p95", PUSH_P95_MS)])  # fmt: skip
    push.note = (
        f"{len(push_times):,} pushes of {LOAD_BATCH} ops by {len(pushers)} laptops of other teams offering "
        f"{PUSH_OFFERED:,.0f} ops/s together (the load run's pace per laptop) while those pulls ran; p95 "
        f"{p95(push_times) * 1000 if push_times else 0:,.0f} ms"
    )
    if errors:
        at_once.error = push.error = f"{len(errors)} errors: {sorted(set(errors))[:5]}"
    return [at_once, push]
