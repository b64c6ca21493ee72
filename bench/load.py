"""The 50-laptop load run (issue 6's target, issue 15's way of judging it), for bench/sync_server.py.

50 laptops of 10 teams (threads with their own httpx client and device token) push 500-op batches and
pull their team's feed in turns against `fieldapp server run --workers 2` on PostgreSQL. A run lasts
`warmup + seconds`: what starts during the warm-up is not counted; then, for `seconds`, every push and pull
that starts in the window counts for the p95, and the ops of the pushes answered within it count for the
rate. Every op must be accepted, every request answered 200: anything else is an error of the run.

- paced: each laptop sends its next push on a schedule that offers `offered` ops/s in all (a laptop late
  on its schedule sends at once, so a server that cannot keep up shows as fewer ops/s): the target's
  "≥ 5,000 ops/s sustained with p95 ≤ 500 ms" as a load the server is given. Judged in each of `runs` runs.
- unpaced: the laptops never pause: the most the server takes. Its latency is what a queue of 50 waiting
  clients gives (Little's law: 50 clients / requests per second), not what a laptop sees: no target.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from common import ROOT, Row, Target, p95, progress
from sync_server import LOAD_BATCH, batches, fieldapp_server, laptops
from sync_server_pg import new_database

LOAD_OFFERED = 6_000.0  # ops/s the 50 paced laptops offer together
OPS_TARGET = 5_000.0
P95_TARGET_MS = 500.0


@dataclass(frozen=True)
class LoadPlan:
    seconds: float  # each run's counted window
    warmup: float  # before it, not counted
    runs: int


@dataclass
class LoadResult:
    seconds: float
    ops: int = 0
    push: list[float] = field(default_factory=list)  # seconds per request, in the counted window
    pull: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ops / self.seconds

    @property
    def latencies(self) -> list[float]:
        return self.push + self.pull


def load_run(
    admin_url: str, plan_seconds: float, warmup: float, tmp: Path, offered: float | None = None, tree: Path = ROOT
) -> LoadResult:
    """One run against a fresh database and server; `tree` is the source tree whose server runs."""
    name = ("load" if offered is None else "load_paced") + f"_{int(time.time() * 1000) % 10**8}"
    url = new_database(admin_url, name)
    server = fieldapp_server(url, tmp / name, workers=2, tree=tree)
    result = LoadResult(plan_seconds)
    lock = threading.Lock()
    try:
        devices = laptops(url, 10, 5, server.base)
        # enough bodies for the whole run at the offered rate (or at a generous 12,000 ops/s unpaced)
        rate = offered or 12_000.0
        per_laptop = int((warmup + plan_seconds) * rate / len(devices) / LOAD_BATCH) + 3
        progress(f"load: preparing {per_laptop * len(devices):,} bodies of {LOAD_BATCH} ops for {len(devices)} laptops")
        prepared = {tok: batches(team, leader, LOAD_BATCH * per_laptop, LOAD_BATCH) for team, tok, leader in devices}
        gate = threading.Barrier(len(devices) + 1)
        clock = {"count_from": 0.0, "stop": 0.0}
        period = len(devices) * LOAD_BATCH / offered if offered else 0.0  # one laptop's time between pushes

        def laptop(token: str, slot: int) -> None:
            bodies = prepared[token]
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            with httpx.Client(base_url=server.base, headers=headers, timeout=60) as c:
                c.get("/v1/health")
                gate.wait()
                since, k = 0, 0
                first = time.perf_counter() + period * slot / len(devices)  # the laptops spread over a period
                while time.perf_counter() < clock["stop"]:
                    if k == len(bodies):
                        with lock:
                            result.errors.append("ran out of prepared bodies")
                        return
                    if period:
                        time.sleep(max(0.0, first + k * period - time.perf_counter()))
                        if time.perf_counter() >= clock["stop"]:
                            break
                    t0 = time.perf_counter()
                    r = c.post("/v1/push", content=bodies[k])
                    t1 = time.perf_counter()
                    k += 1
                    p = c.get("/v1/pull", params={"since": since, "limit": 2000})
                    t2 = time.perf_counter()
                    counted = t0 >= clock["count_from"]
                    with lock:
                        if r.status_code != 200:
                            result.errors.append(f"push {r.status_code}")
                        elif counted and t1 <= clock["stop"]:
                            taken = r.content.count(b'"status":"accepted"')
                            result.ops += taken
                            if taken != LOAD_BATCH:
                                result.errors.append(f"push: {LOAD_BATCH - taken} ops not accepted")
                        if p.status_code != 200:
                            result.errors.append(f"pull {p.status_code}")
                        if counted:
                            result.push.append(t1 - t0)
                        if t1 >= clock["count_from"] and t1 < clock["stop"]:
                            result.pull.append(t2 - t1)
                    if p.status_code == 200:
                        tail = p.content[-80:].decode()
                        since = int(tail.rsplit('"next":', 1)[1].split(",", 1)[0])

        threads = [threading.Thread(target=laptop, args=(tok, i)) for i, (_t, tok, _l) in enumerate(devices)]
        clock["stop"] = time.perf_counter() + 3600  # set for real once every laptop is at the gate
        for t in threads:
            t.start()
        gate.wait()
        began = time.perf_counter()
        clock["count_from"] = began + warmup
        clock["stop"] = began + warmup + plan_seconds
        for t in threads:
            t.join()
    finally:
        server.stop()
    return result


def load_rows(admin_url: str, plan: LoadPlan, tmp: Path) -> list[Row]:
    """The unpaced run once (no target) and the paced run `plan.runs` times (judged in each)."""
    rows: list[Row] = []
    free = load_run(admin_url, plan.seconds, plan.warmup, tmp)
    progress(f"load (unpaced): {free.rate:,.0f} ops/s, p95 {p95(free.latencies) * 1000:,.0f} ms")
    ops = Row("server_load_50_ops", "/s", [free.rate])
    ops.note = (
        f"50 laptops (10 teams) pushing {LOAD_BATCH}-op batches and pulling their feed in turns as fast as answered, "
        f"{plan.seconds:g} s after a {plan.warmup:g} s warm-up, PostgreSQL, `--workers 2`: {free.ops:,} ops; the most "
        "the server takes (no target: the paced rows carry it)"
    )
    lat = Row("server_load_50_p95", "ms", [x * 1000 for x in free.latencies])
    lat.note = (
        f"{len(free.latencies):,} requests of that run (push p95 {p95(free.push) * 1000:,.0f} ms, pull p95 "
        f"{p95(free.pull) * 1000:,.0f} ms): a queue of 50 clients that never pause (Little's law), no target"
    )
    if free.errors:
        ops.error = lat.error = f"{len(free.errors)} errors: {sorted(set(free.errors))[:5]}"
    rows += [ops, lat]

    paced: list[LoadResult] = []
    for i in range(plan.runs):
        run = load_run(admin_url, plan.seconds, plan.warmup, tmp, offered=LOAD_OFFERED)
        paced.append(run)
        progress(
            f"load (paced) {i + 1}/{plan.runs}: {run.rate:,.0f} ops/s, p95 {p95(run.latencies) * 1000:,.0f} ms, "
            f"{len(run.errors)} errors"
        )
    rates = [r.rate for r in paced]
    p95s = [p95(r.latencies) * 1000 for r in paced]
    ops = Row("server_load_50_paced_ops", "/s", rates, targets=[Target("min", OPS_TARGET)])
    ops.note = (
        f"{plan.runs} runs of {plan.seconds:g} s (each after a {plan.warmup:g} s warm-up, fresh database), 50 laptops "
        f"on a schedule offering {LOAD_OFFERED:,.0f} ops/s together, PostgreSQL, `--workers 2`; each sample is one "
        f"run's ops/s: {', '.join(f'{r:,.0f}' for r in rates)} (spread {min(rates):,.0f}–{max(rates):,.0f})"
    )
    lat = Row("server_load_50_paced_p95", "ms", p95s, targets=[Target("max", P95_TARGET_MS)])
    lat.note = (
        "each sample is one run's p95 over all its requests: "
        + ", ".join(
            f"{p:,.0f} ms (push {p95(r.push) * 1000:,.0f}, pull {p95(r.pull) * 1000:,.0f}; {len(r.latencies):,} req)"
            for p, r in zip(p95s, paced, strict=True)
        )
        + "; the laptops' threads, both workers and PostgreSQL share the same 2 CPUs"
    )
    errors = [e for r in paced for e in r.errors]
    if errors:
        ops.error = lat.error = f"{len(errors)} errors: {sorted(set(errors))[:5]}"
    return [*rows, ops, lat]
