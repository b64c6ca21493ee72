"""What checking every pushed record costs the server (issue 13: at most 20 % of push throughput).

The server since issue 13 checks each op against the one definition of a valid record, the records it names
(read in one query per entity per batch) and the role of its actor. The baseline is the same server without
those checks: the commit before them (`--base`, default f4c7199), checked out into the run's temp dir with
`git worktree`, run by the same Python and driven by the same client code, alternately with this tree:

- push_10k_{sqlite,postgresql}: 20 pushes of 500 ops (60 % new persons, 30 % consultations naming the
  team's leader, 10 % edits), one after another, fresh records each sample; time, lower is better;
  target: ours / baseline ≤ 1.25 (throughput down by at most 20 %).
- load_50_paced_ops: the 50-laptop run of bench/sync_server.py on PostgreSQL with `--workers 2`, the laptops
  offering 6,000 ops/s together, `--seconds` each (after a warm-up of the server); the ops the server took per
  second, higher is better; target: ours / baseline ≥ 0.8. load_50_paced_p95: that run's request p95.

Every op must be accepted by both servers (the client checks the answers after the clock), so what is
timed is work done. Run it on a quiet machine: `.venv/bin/python bench/validation_cost.py --rounds 3`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from common import ROOT, Row, Target, p95, progress, render, run_temp_dir
from load import load_run
from sync_server import _database, batches, fieldapp_server, laptops, push_all
from sync_server_pg import cluster

BASE = "f4c7199"


def checkout(commit: str, where: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), commit],
                   check=True, capture_output=True)  # fmt: skip
    return where


def push_samples(backend: str, admin_url: str, tree: Path, tmp: Path, name: str, rounds: int) -> list[float]:
    url = _database(backend, admin_url, name, tmp)
    server = fieldapp_server(url, tmp / name, tree=tree)
    try:
        ((team_id, token, leader),) = laptops(url, 1, 1, server.base)
        times = []
        for i in range(rounds + 1):  # the first is a warm-up
            t = push_all(server.base, token, batches(team_id, leader, 10_000))
            if i:
                times.append(t)
            progress(f"validation: push 10k to {backend} ({tree.name}): {t:.3f} s")
        return times
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=BASE, help="the commit without the checks (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="samples of each figure, both trees alternately")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load run")
    args = parser.parse_args()
    with run_temp_dir() as tmp:
        base = checkout(args.base, tmp / "base")
        try:
            rows = []
            with cluster() as admin_url:
                for backend in ("sqlite", "postgresql"):
                    row = Row(f"push_10k_{backend}", "s", targets=[Target("ratio", 1.25)])
                    row.samples = push_samples(backend, admin_url, ROOT, tmp, f"ours_{backend}", args.rounds)
                    row.baseline = push_samples(backend, admin_url, base, tmp, f"base_{backend}", args.rounds)
                    row.note = f"20 pushes of 500 ops; baseline: the server at {args.base} (no record checks)"
                    rows.append(row)
                ops = Row("load_50_paced_ops", "/s", targets=[Target("min_ratio", 0.8)])
                lat = Row("load_50_paced_p95", "ms", targets=[Target("max", 500.0)])
                base_lat: list[float] = []
                for i in range(args.rounds):
                    for tree in (ROOT, base) if i % 2 == 0 else (base, ROOT):
                        run = load_run(admin_url, args.seconds, 5.0, tmp / f"load{i}", 6_000.0, tree=tree)
                        if run.errors:
                            ops.error = f"{len(run.errors)} errors: {sorted(set(run.errors))[:5]}"
                        mine = tree == ROOT
                        (ops.samples if mine else ops.baseline).append(run.rate)
                        (lat.samples if mine else base_lat).append(p95(run.latencies) * 1000)
                        progress(f"validation: load ({tree.name}): {run.rate:,.0f} ops/s, "
                                 f"p95 {p95(run.latencies) * 1000:,.0f} ms")  # fmt: skip
                lat.baseline = base_lat
                spread = f"{min(ops.samples):,.0f}–{max(ops.samples):,.0f}" if ops.samples else "—"
                ops.note = (f"{args.rounds} runs of {args.seconds:g} s each side, 50 laptops offering 6,000 ops/s on "
                            f"PostgreSQL with 2 workers; ours ranged {spread} ops/s; baseline: the server at "
                            f"{args.base}")  # fmt: skip
                lat.note = "each sample is one run's p95 over all its requests; baseline: the same at the base commit"
                rows += [ops, lat]
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)
            shutil.rmtree(base, ignore_errors=True)
    print(render(rows))
    return 0 if all(r.met() is not False and not r.error for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
