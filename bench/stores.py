"""Demo data dirs, built once and cached under bench/.cache/, with the timing of their build.

A cached store is keyed by its size, days, seed, end date and schema version. Building one is itself
the `demo_data` benchmark: `load_demo` into a fresh encrypted store is timed, and right after, in the
same run, the baseline (the same domain rows inserted with plain executemany into another fresh store).
Both numbers are kept in the entry's bench.json, so a later run reports them without rebuilding; the
entry also records a fingerprint of the code that made it, so the runner can say when it is stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from common import CACHE, DEMO_END, PASSPHRASE, ROOT, Throttled, progress, remove_stale

from fieldapp.demo import DemoBuilder, DemoOptions
from fieldapp.paths import DataDir
from fieldapp.storage import migrations, work
from fieldapp.storage.records import BY_TABLE
from fieldapp.storage.store import OpenOptions, Store
from fieldapp.storage.writer import indexed_in_bulk

FORMAT = 2  # of bench.json and of what a cache entry holds; bump to invalidate every entry
# Tables that are not domain rows: bookkeeping (outbox, audit), reference data and laptop-local state.
NOT_DOMAIN = {"outbox", "audit_log", "meta", "provinces", "communes", "member_locks", "receipt_series"}
_rebuilt: set[str] = set()


@dataclass(frozen=True)
class DemoSpec:
    persons: int
    days: int = 30
    seed: int = 1
    end_date: date = DEMO_END

    @property
    def key(self) -> str:
        return (
            f"demo-{self.persons}p-{self.days}d-seed{self.seed}-{self.end_date.isoformat()}"
            f"-schema{migrations.latest_version()}-f{FORMAT}"
        )

    @property
    def options(self) -> DemoOptions:
        return DemoOptions(persons=self.persons, days=self.days, seed=self.seed, end_date=self.end_date)


@dataclass(frozen=True)
class DemoStore:
    data_dir: DataDir
    info: dict[str, Any]  # bench.json
    built_now: bool

    @property
    def stale(self) -> bool:
        """True when the app code changed since this store was built (its timings are then old)."""
        return self.info.get("code") != code_fingerprint()


def code_fingerprint() -> str:
    """A hash of the code and data that produce a demo store: fieldapp/, db/, resources/demo/."""
    digest = hashlib.sha256()
    files = [
        *sorted((ROOT / "fieldapp").rglob("*.py")),
        *sorted((ROOT / "db").glob("*.sql")),
        *sorted((ROOT / "resources" / "demo").rglob("*")),
    ]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def demo_store(spec: DemoSpec, *, tmp: Path, rebuild: bool = False) -> DemoStore:
    """The cached data dir for `spec`, built (and timed) first when missing or when `rebuild` asks."""
    final = CACHE / spec.key
    info_path = final / "bench.json"
    if rebuild and spec.key not in _rebuilt and final.exists():
        progress(f"--rebuild: removing {final.name}")
        shutil.rmtree(final)
    if info_path.is_file():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        progress(f"using cached {final.name} (built {info['built_at']})")
        return DemoStore(DataDir(final), info, built_now=False)
    remove_stale(CACHE, f"{spec.key}.building-")
    building = CACHE / f"{spec.key}.building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    try:
        info = _build(spec, DataDir(building), tmp)
        (building / "bench.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
        os.replace(building, final)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _rebuilt.add(spec.key)
    return DemoStore(DataDir(final), info, built_now=True)


def _build(spec: DemoSpec, data_dir: DataDir, tmp: Path) -> dict[str, Any]:
    progress(f"building {spec.key} (once; cached in bench/.cache/)")
    store = Store.open(data_dir, OpenOptions(passphrase=PASSPHRASE))  # keystore + schema: not timed
    try:
        show = Throttled(f"demo-data {spec.persons:,}", every=10)
        start = time.perf_counter()
        # load_demo() is DemoBuilder(...).run_all(); run() is the same work with progress in between.
        for step in DemoBuilder(store, spec.options).run():
            show(f"{step.phase} {step.done:,}/{step.total:,}")
        seconds = time.perf_counter() - start
        progress(f"demo-data {spec.persons:,}: {seconds:.1f} s")
        counts = work.counts(store)
        baseline_seconds, baseline_rows = executemany_baseline(store, DataDir(tmp / f"baseline-{spec.key}"))
        progress(f"baseline executemany of {sum(baseline_rows.values()):,} rows: {baseline_seconds:.1f} s")
    finally:
        store.close()
    return {
        "format": FORMAT,
        "key": spec.key,
        "persons": spec.persons,
        "days": spec.days,
        "seed": spec.seed,
        "end_date": spec.end_date.isoformat(),
        "schema": migrations.latest_version(),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code_fingerprint(),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}",
        "build_seconds": seconds,
        "baseline_seconds": baseline_seconds,
        "baseline_rows": baseline_rows,
        "counts": counts,
        "db_bytes": data_dir.db.stat().st_size,
    }


def domain_tables(store: Store) -> list[str]:
    """The store's domain tables (those records.SPECS describe), parents before children. Tables the
    schema's own triggers fill (the name index, the running tallies) are filled in both stores alike, and the
    laptop's bookkeeping (outbox, audit, sync state) is not part of the domain rows."""
    present = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [table for table in BY_TABLE if table in present and table not in NOT_DOMAIN]


def executemany_baseline(source: Store, target_dir: DataDir) -> tuple[float, dict[str, int]]:
    """Insert exactly the source's domain rows into a fresh store made like the app's, and time it.

    The strongest plain code with the same libraries: the fresh store is made by Store.open (same key,
    schema, pragmas, reference data; not timed), given the bulk loads' page cache (`large_cache`, as the
    demo and the import use), and the rows go in with one prepared INSERT per table (`executemany`) in ONE
    transaction, parents before children. The persons' search index is filled the way the app's bulk
    writes fill it (db/0002, `writer.BULK_INDEXES`: the per-row trigger paused, then one INSERT .. SELECT),
    not row by row through the trigger. Every row is read from the source first; only the transaction is
    timed.
    """
    shutil.rmtree(target_dir.root, ignore_errors=True)
    tables: list[tuple[str, str, list[tuple]]] = []
    with source.reading() as conn:
        for table in domain_tables(source):
            cursor = conn.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            tables.append((table, sql, cursor.fetchall()))
    target = Store.open(target_dir, OpenOptions(passphrase=PASSPHRASE))
    try:
        with target.large_cache():
            start = time.perf_counter()
            with target.transaction() as out:
                for table, sql, rows in tables:
                    with indexed_in_bulk(out, table):  # the search index filled as the app's bulk writes fill it
                        out.executemany(sql, rows)
            elapsed = time.perf_counter() - start
    finally:
        target.close()
        shutil.rmtree(target_dir.root, ignore_errors=True)
    return elapsed, {table: len(rows) for table, _sql, rows in tables}


def open_existing(data_dir: DataDir) -> Store:
    """A cached store that must exist: never a new empty one in its place (OpenOptions.create=False)."""
    if not data_dir.db.is_file() or not data_dir.keystore.is_file():
        raise RuntimeError(f"no store in {data_dir.root} (a cache entry was removed or never built)")
    return Store.open(data_dir, OpenOptions(passphrase=PASSPHRASE, create=False))


def copy_data_dir(source: DataDir, dest: Path) -> DataDir:
    """A private copy (database and keystore) for a benchmark that writes or logs into its data dir."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for path in (source.db, source.keystore):
        shutil.copy2(path, dest / path.name)
    return DataDir(dest)
