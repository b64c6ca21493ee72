"""Run fieldapp's benchmarks and print one table: stdout, and bench/last-run.md. See bench/README.md.

.venv/bin/python bench/run.py                       # everything (builds the 500k store once)
.venv/bin/python bench/run.py --quick               # smaller sizes, a smoke run
.venv/bin/python bench/run.py --only save_consultation
"""

from __future__ import annotations

import argparse
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
from common import BASE_ENV, BENCH, PYTHON, ROOT, Row, Target, progress, render, run_temp_dir, terminate_as_exit
from form import run_form
from importing import run_import_bench
from receipts import run_receipts
from saving import run_save
from search import run_search
from startup import run_startup
from stores import DemoSpec, DemoStore, demo_store
from sync_client import run_sync_client
from sync_server import run_sync
from tallies import run_tallies

DEMO_RATIO_TARGET = 3.0


@dataclass(frozen=True)
class Sizes:
    demo_persons: int  # the demo_data benchmark, and the store cold_start opens
    save_persons: int  # the store save_consultation writes into (a copy)
    save_calls: int
    start_runs: int  # cold_start / memory_after_start / unlock_key samples
    search_keystrokes: int
    import_rows: int
    sync_ops: int = 10_000  # ops pushed per sample (sync group)
    sync_pull: int = 100_000  # records a laptop pulls from cursor 0
    sync_load_seconds: float = 20.0  # the 50-laptop load run; 0 leaves it out


FULL = Sizes(
    demo_persons=500_000,
    save_persons=20_000,
    save_calls=2_000,
    start_runs=7,
    search_keystrokes=600,
    import_rows=100_000,
)
QUICK = Sizes(
    demo_persons=50_000,
    save_persons=50_000,
    save_calls=300,
    start_runs=3,
    search_keystrokes=200,
    import_rows=10_000,
    sync_pull=20_000,
    sync_load_seconds=5.0,
)


class Context:
    def __init__(self, sizes: Sizes, tmp: Path, rebuild: bool) -> None:
        self.sizes = sizes
        self.tmp = tmp
        self.rebuild = rebuild
        self._demos: dict[int, DemoStore] = {}

    def demo(self, persons: int) -> DemoStore:
        if persons not in self._demos:
            self._demos[persons] = demo_store(DemoSpec(persons), tmp=self.tmp, rebuild=self.rebuild)
        return self._demos[persons]


def import_name(sizes: Sizes) -> str:
    return f"import_{sizes.import_rows // 1000}k"


def demo_name(sizes: Sizes) -> str:
    return f"demo_data_{sizes.demo_persons // 1000}k"


def run_demo(ctx: Context) -> list[Row]:
    demo = ctx.demo(ctx.sizes.demo_persons)
    info = demo.info
    persons, built, baseline = info["persons"], info["build_seconds"], info["baseline_seconds"]
    rows = sum(info["baseline_rows"].values())
    when = (
        "timed in this run"
        if demo.built_now
        else f"timed {info['built_at']} when the cached store was built (--rebuild to time again)"
    )
    stale = "; STALE: fieldapp/, db/ or resources/demo/ changed since (--rebuild)" if demo.stale else ""
    total = Row(demo_name(ctx.sizes), "s", [built], [baseline], Target("ratio", DEMO_RATIO_TARGET))
    total.note = (
        f"load_demo({persons:,} persons, {info['days']} days, seed {info['seed']}) into a fresh encrypted store; "
        f"baseline: executemany of its {rows:,} domain rows into another, 5,000 per transaction; {when}{stale}"
    )
    if persons != FULL.demo_persons:
        total.note += (
            f"; the target is set for {FULL.demo_persons:,} persons: at this size the fixed 30 days of work "
            "(~4,400 single-save transactions) weigh much more"
        )
    rate = Row("demo_data_rate", "/s", [persons / built], [persons / baseline])
    rate.note = f"persons per second of that build (baseline: persons / baseline time); higher is better; {when}"
    return [total, rate]


def run_startup_group(ctx: Context) -> list[Row]:
    return run_startup(ctx.demo(ctx.sizes.demo_persons), runs=ctx.sizes.start_runs, tmp=ctx.tmp)


def run_search_group(ctx: Context) -> list[Row]:
    return run_search(ctx.demo(ctx.sizes.demo_persons), count=ctx.sizes.search_keystrokes)


def run_form_group(ctx: Context) -> list[Row]:
    return run_form(ctx.demo(ctx.sizes.save_persons), saves=ctx.sizes.save_calls // 10, tmp=ctx.tmp)


def run_import_group(ctx: Context) -> list[Row]:
    return run_import_bench(rows=ctx.sizes.import_rows, tmp=ctx.tmp)


def run_receipts_group(ctx: Context) -> list[Row]:
    return run_receipts(ctx.demo(ctx.sizes.save_persons), calls=ctx.sizes.save_calls // 2, tmp=ctx.tmp)


def run_sync_group(ctx: Context) -> list[Row]:
    s = ctx.sizes
    return run_sync(
        push_ops=s.sync_ops, pull_records=s.sync_pull, samples=3, load_seconds=s.sync_load_seconds, tmp=ctx.tmp
    )


def sync_names(sizes: Sizes) -> tuple[str, ...]:
    k = sizes.sync_ops // 1000
    names = (f"server_push_{k}k_sqlite", f"server_push_{k}k_postgresql", f"server_pull_{sizes.sync_pull // 1000}k")
    load = ("server_load_50_ops", "server_load_50_p95", "server_load_50_paced_ops", "server_load_50_paced_p95")
    return (*names, *load) if sizes.sync_load_seconds else names


def run_tallies_group(ctx: Context) -> list[Row]:
    quick = ctx.sizes.demo_persons < FULL.demo_persons
    return run_tallies(
        consultations=100_000 if quick else 1_000_000, enrolments=20_000 if quick else 200_000, samples=20
    )


def run_save_group(ctx: Context) -> list[Row]:
    return run_save(ctx.demo(ctx.sizes.save_persons), calls=ctx.sizes.save_calls, tmp=ctx.tmp)


def sync_client_names(sizes: Sizes) -> tuple[str, str]:
    return f"sync_pull_{sizes.sync_pull // 1000}k", f"sync_push_{sizes.sync_ops // 1000}k"


def run_sync_client_group(ctx: Context) -> list[Row]:
    s = ctx.sizes
    samples = 2 if s is QUICK else 3
    return run_sync_client(
        pull_records=s.sync_pull, push_ops=s.sync_ops, pull_samples=samples, push_samples=samples + 2, tmp=ctx.tmp
    )


def run_bundle_group(ctx: Context) -> list[Row]:
    return run_bundle(runs=ctx.sizes.start_runs + 3, rebuild=ctx.rebuild, tmp=ctx.tmp)


@dataclass(frozen=True)
class Group:
    name: str
    rows: tuple[str, ...]
    run: Callable[[Context], list[Row]]


def groups(sizes: Sizes) -> list[Group]:
    """In the order they run: the demo build first, since it makes the store cold_start opens."""
    return [
        Group("demo", (demo_name(sizes), "demo_data_rate"), run_demo),
        Group("startup", ("cold_start", "unlock_key", "memory_after_start"), run_startup_group),
        Group("save", ("save_consultation",), run_save_group),
        Group("search", ("search_first_50", "search_exact_id", "people_scroll_end", "quote"), run_search_group),
        Group("import", (import_name(sizes),), run_import_group),
        Group("form", ("consultation_form_next",), run_form_group),
        Group("receipts", ("receipt_pdf", "receipt_sign", "receipt_verify", "receipt_batch_500"), run_receipts_group),
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
        Group("bundle", ("bundle_size", "bundle_start_version", "bundle_open_store", "bundle_build"), run_bundle_group),
    ]


# The table's order: the order.
ROW_ORDER = (
    "cold_start",
    "unlock_key",
    "memory_after_start",
    "save_consultation",
    "consultation_form_next",
    "demo_data_",
    "demo_data_rate",
    "search_first_50",
    "search_exact_id",
    "people_scroll_end",
    "quote",
    "import_",
    "receipt_pdf",
    "receipt_sign",
    "receipt_verify",
    "receipt_batch_500",
    "tallies_day",
    "tallies_campaign",
    "export_day_xlsx",
    "export_day_pdf",
    "server_report_",
    "server_push_",
    "server_pull_",
    "server_load_50_ops",
    "server_load_50_p95",
    "sync_pull_",
    "sync_push_",
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
    # demo_data_500k asked on a --quick run, where the row is demo_data_50k: the same benchmark
    size = re.compile(r"demo_data_\d+k")
    return bool(size.fullmatch(selector) and size.fullmatch(row))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="fieldapp benchmarks: one table on stdout and in bench/last-run.md"
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run (about a minute)")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this benchmark (a row name, a prefix of one, or a group: demo, startup, save, search); "
        "repeatable",
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


def context_line(args: argparse.Namespace, seconds: float) -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    command = " ".join(["bench/run.py", *sys.argv[1:]])
    return (
        f"{datetime.now(UTC).isoformat(timespec='seconds')} · commit {commit} · `{command}` · "
        f"{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()} ({PYTHON}) · "
        f"{seconds:.0f} s"
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

    def wanted(g: Group, row: str) -> bool:
        return not selected or any(_matches(s, g, row) for s in selected)

    terminate_as_exit()
    os.environ.update(BASE_ENV)  # this process opens stores too: no OS keyring, the passphrase only
    start = time.perf_counter()
    rows: list[Row] = []
    with run_temp_dir() as tmp:
        ctx = Context(sizes, tmp, args.rebuild)
        for group in all_groups:
            names = [r for r in group.rows if wanted(group, r)]
            if not names:
                continue
            progress(f"== {group.name}: {', '.join(names)}")
            try:
                produced = group.run(ctx)
            except Exception as exc:
                traceback.print_exc(file=sys.stderr)
                produced = [Row(name, "s", error=f"{type(exc).__name__}: {exc}") for name in group.rows]
            rows += [r for r in produced if wanted(group, r.name)]
    rows.sort(key=_order)
    table = render(rows)
    print(table, flush=True)
    header = "# fieldapp benchmarks: last run\n\n" + context_line(args, time.perf_counter() - start) + "\n\n"
    (BENCH / "last-run.md").write_text(header + table + "\n", encoding="utf-8")
    progress("table written to bench/last-run.md")
    return 1 if any(r.error for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
