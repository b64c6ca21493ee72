"""Tallies (issue 7): a day's and the whole campaign's report over 1,000,000 consultations and 200,000
enrolments (with their payments and receipts) in 30 days.

The store is a small demo (team, members, sites, campaign, targets; 5,000 persons) plus synthetic facts
inserted with executemany, so db/0005's triggers keep the rollup as they do for every save and pull. It
is built once and cached under bench/.cache/ (the build is not timed).
- tallies_day: `reports.tallies.build` for one day (summary and the four breakdowns, with targets and
  names), a different day of the 30 each sample; baseline: the bare `SELECT member_id, count(*) FROM
  consultations WHERE day = ? GROUP BY member_id` over the index (one breakdown of one metric, no rollup).
- tallies_campaign: the same for all 30 days; baseline: that bare query over the 30 days.
- export_day_xlsx, export_day_pdf: one day's report built and written as a file (target ≤ 1 s each).
- server_report_30d: `fieldapp server report` (reports.server.server_report) for the 30 days over the
  same store's records (all 1,000,000 consultations and 200,000 enrolments with their payments and
  receipts) put into a server SQLite database as sync leaves them (built once and cached); baseline: the
  bare SELECT of the period's consultation, enrolment, payment and receipt records' JSON from that database
  (what any report must at least read).
- server_report_30d_postgresql: the same records copied into a database of the run's throw-away
  PostgreSQL cluster (bench/sync_server_pg.py), the same report and the same baseline there.
Every cached build goes into a `.part` file or folder that is renamed into place when complete and deleted
when the build fails, and cached stores are opened with `create=False` (a missing one is an error).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import CACHE, DEMO_END, PASSPHRASE, Row, Target, Throttled, progress
from stores import open_existing

from fieldapp.demo import DemoOptions, load_demo
from fieldapp.domain.ids import new_id
from fieldapp.paths import DataDir
from fieldapp.reports.export import write
from fieldapp.reports.tallies import build
from fieldapp.storage import migrations
from fieldapp.storage.store import OpenOptions, Store

DAYS = 30
BATCH = 20_000
GROUPS = ("farmer", "trader", "self_employed", "craftsman", "informal", "poor", "student", "other")


def _store_dir(consultations: int, enrolments: int) -> DataDir:
    key = f"tallies-{consultations}c-{enrolments}e-schema{migrations.latest_version()}"
    return DataDir(CACHE / key)


def _build(dd: DataDir, consultations: int, enrolments: int) -> None:
    """Build into `<dir>.part` and rename it into place when done; a failed build deletes its part."""
    tmp = Path(str(dd.root) + ".part")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        _fill(DataDir(tmp), consultations, enrolments)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if dd.root.exists():
        shutil.rmtree(dd.root)
    tmp.rename(dd.root)


def _fill(part: DataDir, consultations: int, enrolments: int) -> None:
    with Store.open(part, OpenOptions(passphrase=PASSPHRASE)) as store:
        load_demo(
            store, DemoOptions(persons=5_000 if consultations >= 100_000 else 500, days=DAYS, seed=3, end_date=DEMO_END)
        )
        team = store.meta("team_id")
        members = [r[0] for r in store.query("SELECT id FROM members WHERE team_id = ?", (team,))]
        sites = [r[0] for r in store.query("SELECT id FROM sites")]
        persons = [r[0] for r in store.query("SELECT id FROM persons")]
        rng = random.Random(7)
        days = [DEMO_END - timedelta(days=i) for i in range(DAYS)]
        say = Throttled("tallies store")
        sql = (
            "INSERT INTO consultations (id, person_id, event_id, site_id, team_id, member_id, at, day, "
            "target_group, topics, outcome, note, consent) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, '[\"hi\"]', ?, '', 1)"
        )
        for start in range(0, consultations, BATCH):
            rows = []
            for _ in range(min(BATCH, consultations - start)):
                day = rng.choice(days)
                at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC).isoformat()
                rows.append(
                    (
                        new_id(),
                        rng.choice(persons) if rng.random() < 0.7 else None,
                        rng.choice(sites),
                        team,
                        rng.choice(members),
                        at,
                        day.isoformat(),
                        rng.choice(GROUPS),
                        rng.choice(("refused", "will_think", "enrolled")),
                    )
                )
            with store.transaction() as conn:
                conn.executemany(sql, rows)
            say(f"{start + len(rows):,} consultations")
        for start in range(0, enrolments, BATCH):
            es, ps, rs = [], [], []
            for i in range(min(BATCH, enrolments - start)):
                day = rng.choice(days)
                at = datetime(day.year, day.month, day.day, 4, tzinfo=UTC).isoformat()
                member = rng.choice(members)
                kind = rng.choice(("vsi", "household_hi", "household_hi"))
                amount = rng.randrange(500_000, 5_000_000, 1_000)
                person = rng.choice(persons)
                lines = json.dumps([{"person_id": person, "order": 1, "monthly": 1, "amount": amount}])
                eid, pid = new_id(), new_id()
                es.append((eid, kind, person, team, member, day.isoformat(), 12, day.isoformat(), day.isoformat(),
                           amount, lines, at))  # fmt: skip
                ps.append((pid, eid, "cash", amount, at, member))
                rs.append((new_id(), pid, f"BN-{member[-6:]}-2026", start + i + 1, amount, "x", at, day.isoformat(),
                           member))  # fmt: skip
            with store.transaction() as conn:
                conn.executemany(
                    "INSERT INTO enrolments (id, kind, person_id, team_id, member_id, enrolled_on, months, start_on, "
                    "end_on, amount, lines, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    es,
                )
                conn.executemany(
                    "INSERT INTO payments (id, enrolment_id, method, amount, paid_at, member_id) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    ps,
                )
                conn.executemany(
                    "INSERT INTO receipts (id, payment_id, series, number, amount, payer_name, issued_at, day, "
                    "member_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rs,
                )
            say(f"{start + len(es):,} enrolments")


def _ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def run_tallies(*, consultations: int, enrolments: int, samples: int, pg: Callable[[], str], tmp: Path) -> list[Row]:
    """`pg()`: the admin URL of the run's PostgreSQL cluster (started when first asked)."""
    dd = _store_dir(consultations, enrolments)
    if not dd.db.exists():
        progress(f"tallies: building a store of {consultations:,} consultations and {enrolments:,} enrolments")
        _build(dd, consultations, enrolments)
    store = open_existing(dd)
    try:
        team = store.meta("team_id")
        n_consult = store.query_one("SELECT count(*) FROM consultations")[0]
        n_enrol = store.query_one("SELECT count(*) FROM enrolments")[0]
        days = [DEMO_END - timedelta(days=i) for i in range(DAYS)]
        first, last = min(days), max(days)
        bare = "SELECT member_id, count(*) FROM consultations WHERE day BETWEEN ? AND ? GROUP BY member_id"
        day_row = Row("tallies_day", "ms", targets=[Target("p95", 100.0)])
        period_row = Row("tallies_campaign", "ms", targets=[Target("p95", 100.0)])
        for i in range(samples + 3):
            d = days[i % DAYS]
            ours = _ms(lambda d=d: build(store, d, d, [team]))
            base = _ms(lambda d=d: store.query(bare, (d.isoformat(), d.isoformat())))
            ours_p = _ms(lambda: build(store, first, last, [team]))
            base_p = _ms(lambda: store.query(bare, (first.isoformat(), last.isoformat())))
            if i >= 3:
                day_row.samples.append(ours)
                day_row.baseline.append(base)
                period_row.samples.append(ours_p)
                period_row.baseline.append(base_p)
        export_rows = _exports(store, team, days, tmp_dir=tmp)
        report = build(store, first, last, [team])
        done = dict((m.value, v) for m, v, _t in report.summary)
        day_row.note = (
            f"one day's report (summary, by member, site, commune and target group, with targets) over "
            f"{n_consult:,} consultations and {n_enrol:,} enrolments in {DAYS} days (encrypted store); baseline: "
            "the bare GROUP BY member of that day's consultations"
        )
        period_row.note = (
            f"the {DAYS}-day report ({done.get('consultations', 0):,} consultations counted); baseline: the bare "
            "GROUP BY member over the 30 days"
        )
        server_db = _server_path(store, consultations, enrolments)
    finally:
        store.close()
    return [
        day_row,
        period_row,
        *export_rows,
        _server_report(server_db, first, last),
        _server_report_pg(server_db, pg, first, last),
    ]


def _server_db(store: Store, path: Path) -> None:
    """The store's records as the server keeps them after a sync (one team, province 33), written to
    `<path>.part` and renamed when done; a failed build deletes its part."""
    from fieldapp.server import admin

    part = path.with_suffix(".part")
    part.unlink(missing_ok=True)
    try:
        server = admin.open_store(f"sqlite:///{part}")
        try:
            _copy_records(store, server)
        finally:
            server.close()
    except BaseException:
        for leftover in part.parent.glob(part.name + "*"):
            leftover.unlink(missing_ok=True)
        raise
    part.rename(path)


def _copy_records(store: Store, server) -> None:
    from fieldapp.reports.server import ORDER
    from fieldapp.server import schema as s
    from fieldapp.storage.records import BY_TABLE

    teams = store.query("SELECT id, name, province_code, created_at FROM teams")
    pos = 0
    say = Throttled("tallies server database")
    with server.engine.begin() as conn:
        conn.execute(s.teams.insert(), [dict(id=i, name=n, province_code=p, created_at=c) for i, n, p, c in teams])
        for table in (t for t in ORDER if t != "teams"):
            spec = BY_TABLE[table]
            with store.reading() as read:
                cursor = read.execute(spec.select_sql)
                while chunk := cursor.fetchmany(BATCH):
                    rows = []
                    for raw in chunk:
                        pos += 1
                        data = spec.encode(spec.decode(raw))
                        rows.append(
                            dict(entity=table, id=data["id"], scope_team=teams[0][0], scope_province="33",
                                 version=data.get("version"), data=json.dumps(data, ensure_ascii=False), pos=pos,
                                 updated_at="2026-07-15T00:00:00+00:00", last_device=None, chain_base=None)
                        )  # fmt: skip
                    conn.execute(s.records.insert(), rows)
                    say(f"{pos:,} records")


def _server_path(store: Store, consultations: int, enrolments: int) -> Path:
    """The server database of the tallies store of this size (built once, cached)."""
    path = CACHE / f"tallies-server-{consultations}c-{enrolments}e-schema{migrations.latest_version()}.db"
    if not path.exists():
        progress(f"tallies: building the server database of the {consultations:,}-consultation store")
        _server_db(store, path)
    return path


def _server_report(path: Path, first: date, last: date) -> Row:
    from fieldapp.server import admin

    server = admin.open_store(f"sqlite:///{path}")
    try:
        return _time_report(server, "server_report_30d", first, last)
    finally:
        server.close()


def _server_report_pg(path: Path, pg: Callable[[], str], first: date, last: date) -> Row:
    import sqlalchemy as sa
    from sync_server_pg import new_database

    from fieldapp.server import admin
    from fieldapp.server import schema as s

    url = new_database(pg(), "bench_report")
    server = admin.open_store(url)
    try:
        source = admin.open_store(f"sqlite:///{path}")
        try:
            progress("tallies: copying the server records into PostgreSQL")
            with source.engine.connect() as src, server.engine.begin() as dst:
                dst.execute(s.teams.insert(), [dict(r._mapping) for r in src.execute(sa.select(s.teams))])
                result = src.execution_options(yield_per=BATCH).execute(sa.select(s.records))
                for chunk in result.partitions(BATCH):
                    server._insert_many(dst, s.records, [dict(r._mapping) for r in chunk])
            with server.engine.begin() as conn:
                conn.execute(sa.text("ANALYZE records"))
        finally:
            source.close()
        return _time_report(server, "server_report_30d_postgresql", first, last)
    finally:
        server.close()


def _time_report(server, name: str, first: date, last: date) -> Row:
    import sqlalchemy as sa

    from fieldapp.reports.server import server_report

    row = Row(name, "s", targets=[Target("p95", 5.0)])
    if server.dialect == "postgresql":
        fields = (
            "coalesce(data::jsonb ->> 'day', data::jsonb ->> 'enrolled_on', substr(data::jsonb ->> 'paid_at', 1, 10))"
        )
    else:
        fields = (
            "coalesce(json_extract(data, '$.day'), json_extract(data, '$.enrolled_on'), "
            "substr(json_extract(data, '$.paid_at'), 1, 10))"
        )
    bare = sa.text(
        "SELECT data FROM records WHERE entity IN ('consultations', 'enrolments', 'receipts', 'payments') "
        f"AND {fields} BETWEEN :a AND :b"
    )
    with server.engine.connect() as conn:
        (n,) = conn.execute(sa.text("SELECT count(*) FROM records")).one()
    for i in range(6):
        start = time.perf_counter()
        report = server_report(server, first, last)
        ours = time.perf_counter() - start
        start = time.perf_counter()
        with server.engine.connect() as conn:
            read = len(conn.execute(bare, {"a": first.isoformat(), "b": last.isoformat()}).all())
        base = time.perf_counter() - start
        if i >= 1:
            row.samples.append(ours)
            row.baseline.append(base)
    done = dict((m.value, v) for m, v, _t in report.summary)
    row.note = (
        f"the {(last - first).days + 1}-day province report over {n:,} server records ({server.dialect}; "
        f"{done.get('consultations', 0):,} consultations counted); baseline: the bare SELECT of the "
        f"{read:,} consultation, enrolment, payment and receipt records of the period"
    )
    return row


def _exports(store: Store, team: str, days: list[date], tmp_dir: Path) -> list[Row]:
    """One day's report written as XLSX and as PDF (report built from the store included); baseline: the
    same number of cells written by openpyxl / the same tables by ReportLab without the report."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for fmt in ("xlsx", "pdf"):
        row = Row(f"export_day_{fmt}", "s", targets=[Target("p95", 1.0)])
        for i in range(8):
            d = days[i % len(days)]
            path = tmp_dir / f"bench-tallies-{os.getpid()}.{fmt}"
            start = time.perf_counter()
            write(build(store, d, d, [team]), path, fmt)
            ours = time.perf_counter() - start
            report = build(store, d, d, [team])
            start = time.perf_counter()
            _bare(report, path, fmt)
            base = time.perf_counter() - start
            path.unlink(missing_ok=True)
            if i >= 2:
                row.samples.append(ours)
                row.baseline.append(base)
        row.note = (
            f"one day's report built and written as {fmt.upper()} (formatted sheets / tables, chart and signatures); "
            f"baseline: the same cells written bare by {'openpyxl' if fmt == 'xlsx' else 'ReportLab'}"
        )
        rows.append(row)
    return rows


def _bare(report, path: Path, fmt: str) -> None:
    cells = [[str(v) for v in r] for t in report.tables for r in [*t.rows, *([t.total] if t.total else [])]]
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        for r in cells:
            wb.active.append(r)
        wb.save(path)
        return
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import LongTable, SimpleDocTemplate

    width = max(len(r) for r in cells)
    SimpleDocTemplate(str(path), pagesize=landscape(A4)).build(
        [LongTable([r + [""] * (width - len(r)) for r in cells])]
    )
