"""Sync by USB stick (issue 6): what a bundle round trip costs against an online sync of the same work.

Two laptops of one team (encrypted stores, WAL, synchronous=FULL) and a real server process (`fieldapp
server run`, SQLite file). Each round both laptops make N new records offline (households and people, one
create op each; not timed). Laptop A goes by USB: `export_bundle` to a file, the server's `import_bundle`
(decrypt, verify, the online push's code in batches of 500) and `answer_bundle` (the answers and the change
feed since A's cursor) on the server's database, `import_bundle` of the answer on A: the row
`bundle_round_trip` is their sum, the four parts have rows of their own. Baseline, in the same run: laptop
B's `SyncEngine.sync()` of its N ops over loopback HTTP (push, pull, devices, counts). Which of the two goes
first swaps every round. The answer A takes in also carries B's previous round (as B's sync pulls A's).

    .venv/bin/python bench/sync_bundle.py [--ops N] [--rounds R]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import TMP_ROOT, Row, progress, render
from sync_client import Server, fill_push, laptop, with_member

from fieldapp.server import admin
from fieldapp.server.bundle import answer_bundle, import_bundle
from fieldapp.storage import team as team_store
from fieldapp.sync import SyncEngine
from fieldapp.sync.bundle import export_bundle
from fieldapp.sync.bundle import import_bundle as take_answer


def run(ops: int, rounds: int, tmp: Path) -> list[Row]:
    server = Server(tmp / "server")
    try:
        code_a = server.team_and_code("Tổ vùng cao", "33")
        a = laptop(server, tmp / "a", code_a)
        b = laptop(server, tmp / "b", server.code("Tổ vùng cao"))
        province = team_store.current_team(a).province_code
        actor_a, actor_b = with_member(a), with_member(b)
        a_sync = SyncEngine(a).sync()  # the member rows out of the way; A has the server's bundle keys now
        SyncEngine(b).sync()
        progress(f"sync_bundle: laptops ready ({a_sync.pushed} ops pushed at setup)")
        rows = {
            name: Row(name, "s")
            for name in ("bundle_round_trip", "bundle_export", "bundle_server_import", "bundle_answer", "bundle_take")
        }
        sizes: list[int] = []
        rng = random.Random(6)
        srv = admin.open_store(server.database_url)
        try:
            for i in range(rounds):
                fill_push(a, actor_a, ops, rng, province)
                fill_push(b, actor_b, ops, rng, province)

                def usb(i: int = i) -> None:
                    up, down = tmp / f"a-{i}.fab", tmp / f"a-{i}.answer.fab"
                    t0 = time.perf_counter()
                    done = export_bundle(a, up)
                    t1 = time.perf_counter()
                    imported = import_bundle(srv, up.read_bytes())
                    t2 = time.perf_counter()
                    data, _info = answer_bundle(srv, a.device_id)
                    down.write_bytes(data)
                    t3 = time.perf_counter()
                    taken = take_answer(a, down)
                    t4 = time.perf_counter()
                    assert done.ops == ops and imported.accepted == ops and taken.pending == 0, (done, imported, taken)
                    sizes.append(done.size)
                    for name, seconds in (
                        ("bundle_export", t1 - t0),
                        ("bundle_server_import", t2 - t1),
                        ("bundle_answer", t3 - t2),
                        ("bundle_take", t4 - t3),
                        ("bundle_round_trip", t4 - t0),
                    ):
                        rows[name].samples.append(seconds)

                def online() -> None:
                    t0 = time.perf_counter()
                    r = SyncEngine(b).sync()
                    rows["bundle_round_trip"].baseline.append(time.perf_counter() - t0)
                    assert r.pushed == ops and r.pending == 0, r

                for step in (usb, online) if i % 2 == 0 else (online, usb):
                    step()
                progress(f"sync_bundle: round {i + 1}/{rounds}")
        finally:
            srv.close()
            a.close()
            b.close()
    finally:
        server.close()
    trip = rows["bundle_round_trip"]
    trip.note = (
        f"{ops:,} new ops by USB (export, server import, answer, take in; bundle "
        f"{sum(sizes) / len(sizes) / 1e6:.2f} MB for the ops); "
        f"baseline: the other laptop's online SyncEngine.sync() of {ops:,} ops over loopback HTTP"
    )
    return list(rows.values())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ops", type=int, default=5000)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args(argv)
    TMP_ROOT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="sync-bundle-", dir=TMP_ROOT))
    try:
        print(render(run(a.ops, a.rounds, tmp)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
