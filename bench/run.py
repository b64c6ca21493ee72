"""Run fieldapp's benchmarks and print one table: stdout, and bench/last-run.md. See bench/README.md.

.venv/bin/python bench/run.py                       # everything (builds the 500k store once)
.venv/bin/python bench/run.py --quick               # smaller sizes, a smoke run
.venv/bin/python bench/run.py --only save_consultation
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bundle import run_bundle
from common import (
    BASE_ENV,
    BENCH,
    CACHE,
    PYTHON,
    ROOT,
    LoadWatch,
    Row,
    Target,
    progress,
    render,
    run_temp_dir,
    terminate_as_exit,
)
from form import run_form
from importing import run_import_bench
from load import LoadPlan
from province import run_province
from receipts import run_receipts
from saving import run_save
from search import run_search
from startup import run_startup
from stores import DemoSpec, DemoStore, demo_store
from sync_client import run_sync_client
from sync_server import run_sync
from sync_server_pg import cluster
from tallies import run_tallies

DEMO_RATIO_TARGET = 3.0


@dataclass(frozen=True)
class Sizes:
    demo_persons: int  # the one demo store: demo_data, cold_start, save, search, form, receipts
    demo_days: int
    save_calls: int
    start_runs: int  # cold_start / memory_after_start / unlock_key samples
    search_names: int  # names typed in the warm session
    search_cold_names: int  # names typed right after evicting the store from the OS cache
    import_rows: int
    receipt_calls: int
    receipt_batch: int
    tallies_consultations: int
    tallies_enrolments: int
    sync_ops: int  # ops pushed per sample (sync, sync_client)
    sync_pull: int  # records a laptop pulls from cursor 0
    sync_samples: int
    load_seconds: float  # each run of the 50-laptop load, after its warm-up
    load_warmup: float
    load_runs: int
    province_persons: int
    province_pullers: int  # laptops pulling the province's registry at once


FULL = Sizes(
    demo_persons=500_000,
    demo_days=30,
    save_calls=2_000,
    start_runs=7,
    search_names=100,
    search_cold_names=30,
    import_rows=100_000,
    receipt_calls=1_000,
    receipt_batch=500,
    tallies_consultations=1_000_000,
    tallies_enrolments=200_000,
    sync_ops=10_000,
    sync_pull=100_000,
    sync_samples=3,
    load_seconds=60.0,
    load_warmup=10.0,
    load_runs=3,
    province_persons=1_500_000,
    province_pullers=10,
)
# Every benchmark runs, at sizes that keep the whole run near a minute (CI runs it: it checks that every
# row still runs, not its timings).
QUICK = Sizes(
    demo_persons=2_000,
    demo_days=3,
    save_calls=100,
    start_runs=2,
    search_names=5,
    search_cold_names=2,
    import_rows=2_000,
    receipt_calls=20,
    receipt_batch=20,
    tallies_consultations=5_000,
    tallies_enrolments=1_000,
    sync_ops=1_000,
    sync_pull=2_000,
    sync_samples=1,
    load_seconds=6.0,  # 50 unpaced 500-op pushes take about 4 s to answer: a shorter window counts none
    load_warmup=0.5,
    load_runs=1,
    province_persons=5_000,
    province_pullers=2,
)


def k(n: int) -> str:
    """A size in a row's name: 500000 -> "500k", 1500000 -> "1500k"."""
    return f"{n // 1000}k" if n >= 1000 else str(n)


class Context:
    def __init__(self, sizes: Sizes, tmp: Path, rebuild: bool, stack: contextlib.ExitStack) -> None:
        self.sizes = sizes
        self.tmp = tmp
        self.rebuild = rebuild
        self.quick = sizes is QUICK
        self._stack = stack
        self._demo: DemoStore | None = None
        self._pg: str | None = None
        self.names: set[str] = set()  # the rows asked of the group running: a group may skip the others' work

    def demo(self) -> DemoStore:
        if self._demo is None:
            spec = DemoSpec(self.sizes.demo_persons, self.sizes.demo_days)
            self._demo = demo_store(spec, tmp=self.tmp, rebuild=self.rebuild)
        return self._demo

    def pg(self) -> str:
        """The admin URL of one throw-away PostgreSQL cluster for the whole run, started when first asked."""
        if self._pg is None:
            self._pg = self._stack.enter_context(cluster())
        return self._pg


def import_name(sizes: Sizes) -> str:
    return f"import_{k(sizes.import_rows)}"


def demo_name(sizes: Sizes) -> str:
    return f"demo_data_{k(sizes.demo_persons)}"


def run_demo(ctx: Context) -> list[Row]:
    demo = ctx.demo()
    info = demo.info
    persons, built, baseline = info["persons"], info["build_seconds"], info["baseline_seconds"]
    rows = sum(info["baseline_rows"].values())
    when = (
        "timed in this run"
        if demo.built_now
        else f"timed {info['built_at']} when the cached store was built (--rebuild to time again)"
    )
    stale = "; STALE: fieldapp/, db/ or resources/demo/ changed since (--rebuild)" if demo.stale else ""
    total = Row(demo_name(ctx.sizes), "s", [built], [baseline], targets=[Target("ratio", DEMO_RATIO_TARGET)])
    total.note = (
        f"load_demo({persons:,} persons, {info['days']} days, seed {info['seed']}) into a fresh encrypted store; "
        f"baseline: executemany of its {rows:,} domain rows into another, in one transaction, the search index "
        f"filled in one statement as the app's bulk path does; {when}{stale}"
    )
    if persons != FULL.demo_persons:
        total.note += (
            f"; the target is set for {FULL.demo_persons:,} persons: at this size the days of work "
            "(single-save transactions) weigh much more"
        )
    rate = Row("demo_data_rate", "/s", [persons / built], [persons / baseline])
    rate.note = f"persons per second of that build (baseline: persons / baseline time); higher is better; {when}"
    return [total, rate]


def run_startup_group(ctx: Context) -> list[Row]:
    return run_startup(ctx.demo(), runs=ctx.sizes.start_runs, tmp=ctx.tmp)


def run_search_group(ctx: Context) -> list[Row]:
    s = ctx.sizes
    return run_search(ctx.demo(), count=s.search_names, cold_names=s.search_cold_names)


def run_form_group(ctx: Context) -> list[Row]:
    return run_form(ctx.demo(), saves=max(10, ctx.sizes.save_calls // 10), tmp=ctx.tmp)


def run_import_group(ctx: Context) -> list[Row]:
    return run_import_bench(rows=ctx.sizes.import_rows, tmp=ctx.tmp)


def run_receipts_group(ctx: Context) -> list[Row]:
    s = ctx.sizes
    return run_receipts(ctx.demo(), calls=s.receipt_calls, batch=s.receipt_batch, tmp=ctx.tmp)


def run_sync_group(ctx: Context) -> list[Row]:
    s = ctx.sizes
    load = LoadPlan(s.load_seconds, s.load_warmup, s.load_runs)
    return run_sync(
        ctx.pg(), push_ops=s.sync_ops, pull_records=s.sync_pull, samples=s.sync_samples, load=load, tmp=ctx.tmp
    )


def sync_names(sizes: Sizes) -> tuple[str, ...]:
    n = k(sizes.sync_ops)
    return (
        f"server_push_{n}_sqlite",
        f"server_push_{n}_postgresql",
        f"server_pull_{k(sizes.sync_pull)}",
        "server_load_50_ops",
        "server_load_50_p95",
        "server_load_50_paced_ops",
        "server_load_50_paced_p95",
    )


def run_tallies_group(ctx: Context) -> list[Row]:
    s = ctx.sizes
    return run_tallies(
        consultations=s.tallies_consultations, enrolments=s.tallies_enrolments, samples=20, pg=ctx.pg, tmp=ctx.tmp
    )


def run_save_group(ctx: Context) -> list[Row]:
    return run_save(ctx.demo(), calls=ctx.sizes.save_calls, tmp=ctx.tmp)


def sync_client_names(sizes: Sizes) -> tuple[str, str]:
    return f"sync_pull_{k(sizes.sync_pull)}", f"sync_push_{k(sizes.sync_ops)}"


def run_sync_client_group(ctx: Context) -> list[Row]:
    s = ctx.sizes
    return run_sync_client(
        pull_records=s.sync_pull,
        push_ops=s.sync_ops,
        pull_samples=s.sync_samples + 1,
        push_samples=s.sync_samples + 2,
        tmp=ctx.tmp,
    )


def province_names(sizes: Sizes) -> tuple[str, ...]:
    n = k(sizes.province_persons)
    return (
        f"province_pull_{n}",
        f"province_search_{n}",
        f"province_search_{n}_cold",
        f"province_search_{n}_cold_at_once",
        f"province_pull_{n}_x{sizes.province_pullers}",
        "province_push_p95_during_pulls",
    )


def run_province_group(ctx: Context) -> list[Row]:
    """`--only province_pull_1500k` runs the one laptop's pull alone (minutes), not the searches on its store
    and the ten laptops at once (half an hour)."""
    s = ctx.sizes
    names = province_names(s)
    return run_province(
        ctx.pg(),
        persons=s.province_persons,
        pullers=s.province_pullers,
        quick=ctx.quick,
        tmp=ctx.tmp,
        search=bool(ctx.names & set(names[1:4])),
        at_once=bool(ctx.names & set(names[4:])),
    )


def run_bundle_group(ctx: Context) -> list[Row]:
    return run_bundle(runs=ctx.sizes.start_runs + 3, rebuild=ctx.rebuild, tmp=ctx.tmp, quick=ctx.quick)


@dataclass(frozen=True)
class Group:
    name: str
    rows: tuple[str, ...]
    run: Callable[[Context], list[Row]]


def groups(sizes: Sizes) -> list[Group]:
    """In the order they run: the demo build first, since it makes the store the next ones open."""
    return [
        Group("demo", (demo_name(sizes), "demo_data_rate"), run_demo),
        Group("startup", ("cold_start", "start_warm_cache", "unlock_key", "memory_after_start"), run_startup_group),
        Group("save", ("save_consultation",), run_save_group),
        Group(
            "search",
            (
                "search_typed",
                "search_typed_cold",
                "search_typed_cold_at_once",
                "search_exact_id",
                "people_scroll_end",
                "quote",
            ),
            run_search_group,
        ),
        Group("import", (import_name(sizes),), run_import_group),
        Group("form", ("consultation_form_next",), run_form_group),
        Group(
            "receipts",
            ("receipt_pdf", "receipt_sign", "receipt_verify", f"receipt_batch_{sizes.receipt_batch}"),
            run_receipts_group,
        ),
        Group(
            "tallies",
            (
                "tallies_day",
                "tallies_campaign",
                "export_day_xlsx",
                "export_day_pdf",
                "server_report_30d",
                "server_report_30d_postgresql",
            ),
            run_tallies_group,
        ),
        Group("sync", sync_names(sizes), run_sync_group),
        Group("sync_client", sync_client_names(sizes), run_sync_client_group),
        Group("province", province_names(sizes), run_province_group),
        Group("bundle", ("bundle_size", "bundle_start_version", "bundle_open_store", "bundle_build"), run_bundle_group),
    ]


# The table's order: the order.
ROW_ORDER = (
    "cold_start",
    "start_warm_cache",
    "unlock_key",
    "memory_after_start",
    "save_consultation",
    "consultation_form_next",
    "demo_data_",
    "demo_data_rate",
    "search_typed",
    "search_typed_cold",
    "search_typed_cold_at_once",
    "search_exact_id",
    "people_scroll_end",
    "quote",
    "import_",
    "receipt_pdf",
    "receipt_sign",
    "receipt_verify",
    "receipt_batch_",
    "tallies_day",
    "tallies_campaign",
    "export_day_xlsx",
    "export_day_pdf",
    "server_report_",
    "server_push_",
    "server_pull_",
    "server_load_50_ops",
    "server_load_50_p95",
    "server_load_50_paced_ops",
    "server_load_50_paced_p95",
    "sync_pull_",
    "sync_push_",
    "province_pull_",
    "province_search_",
    "province_push_",
    "bundle_",
)


def _order(row: Row) -> int:
    for i, name in reversed(list(enumerate(ROW_ORDER))):
        if row.name.startswith(name):
            return i
    return len(ROW_ORDER)


def _matches(selector: str, group: Group, row: str) -> bool:
    if selector in (group.name, row) or row.startswith(selector):
        return True
    # import_100k asked on a --quick run, where the row is import_2k: the same benchmark
    size = re.compile(r"\d+k?")
    return size.sub("#", selector) == size.sub("#", row)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="fieldapp benchmarks: one table on stdout and in bench/last-run.md"
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run (about three minutes)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this benchmark (a row name, a prefix of one, or a group: --list shows them all); repeatable",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild (and time again) the cached demo stores this run uses"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser.parse_args(argv)


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def context_line(args: argparse.Namespace, seconds: float, load: LoadWatch) -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    command = " ".join(["bench/run.py", *sys.argv[1:]])
    return (
        f"{datetime.now(UTC).isoformat(timespec='seconds')} · commit {commit} · `{command}` · "
        f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()} ({PYTHON}) · "
        f"{seconds:.0f} s · {load.describe()}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = QUICK if args.quick else FULL
    selected = []
    for item in args.only:
        selected += [s.strip() for s in item.split(",") if s.strip()]
    all_groups = groups(sizes)
    if args.list:
        for g in all_groups:
            print(f"{g.name}: {', '.join(g.rows)}")
        return 0
    unknown = [s for s in selected if not any(_matches(s, g, r) for g in all_groups for r in g.rows)]
    if unknown:
        names = ", ".join(r for g in all_groups for r in (g.name, *g.rows))
        print(f"unknown benchmark {', '.join(unknown)}; choose from: {names}", file=sys.stderr)
        return 2

    rows_by_name = {r for g in all_groups for r in g.rows}

    def wanted(g: Group, row: str) -> bool:  # a whole row name is that row alone, not the rows it prefixes
        return not selected or any(s == row if s in rows_by_name else _matches(s, g, row) for s in selected)

    terminate_as_exit()
    os.environ.update(BASE_ENV)  # this process opens stores too: no OS keyring, the passphrase only
    start = time.perf_counter()
    rows: list[Row] = []
    load = LoadWatch()
    with run_temp_dir() as tmp, contextlib.ExitStack() as stack, load:
        ctx = Context(sizes, tmp, args.rebuild, stack)
        for group in all_groups:
            names = [r for r in group.rows if wanted(group, r)]
            if not names:
                continue
            ctx.names = set(names)
            progress(f"== {group.name}: {', '.join(names)}")
            started = time.perf_counter()
            try:
                produced = group.run(ctx)
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)
                produced = [Row(name, "s", error=f"{type(exc).__name__}: {exc}") for name in group.rows]
            missing = [n for n in names if n not in {r.name for r in produced}]
            produced += [Row(n, "s", error="the group did not report this row") for n in missing]
            rows += [r for r in produced if wanted(group, r.name)]
            progress(f"== {group.name}: {time.perf_counter() - started:.1f} s")
    rows.sort(key=_order)
    table = render(rows)
    print(table, flush=True)
    header = "# fieldapp benchmarks: last run\n\n" + context_line(args, time.perf_counter() - start, load) + "\n\n"
    # bench/last-run.md is the full run's; a quick or partial run leaves it and writes beside the cache
    out = BENCH / "last-run.md" if not (args.quick or selected) else CACHE / "last-partial-run.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + table + "\n", encoding="utf-8")
    progress(f"table written to {out.relative_to(ROOT)}")
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
