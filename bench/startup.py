"""cold_start, memory_after_start and unlock_key.

The app is spawned as a person starts it (`python -m fieldapp --data-dir DIR gui`) with
FIELDAPP_STARTUP_PROBE=1: ui.app prints "READY <rss_kb>" once the sign-in screen lists the team's
members, and quits. The baseline is the same interpreter showing a bare QMainWindow. After one
untimed warm-up of each, baseline and app runs alternate (which goes first swaps every round), so both
see the same warm file cache and any drift of the machine hits both.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from common import PASSPHRASE, PYTHON, Row, Target, child_env, progress, spawn_until
from stores import DemoStore, copy_data_dir

from fieldapp.storage.keystore import ARGON2, KeyStore

START_TARGET_S = 0.8
RSS_TARGET_MB = 250.0
SPAWN_TIMEOUT_S = 120.0
UNLOCK_RUNS = 10  # in process and cheap: more samples than the spawns

BARE_QT = (
    "import PySide6.QtWidgets as w; a=w.QApplication([]); x=w.QMainWindow(); x.show(); a.processEvents()\n"
    "rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS:'))\n"
    "print('READY', rss, flush=True)"
)


def _ready(line: str) -> bool:
    return line.startswith("READY")


def _rss_mb(line: str) -> float:
    parts = line.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise ValueError(f"READY line without an RSS: {line!r}")
    return int(parts[1]) / 1024


def run_startup(demo: DemoStore, *, runs: int, tmp: Path) -> list[Row]:
    persons = demo.info["persons"]
    data_dir = copy_data_dir(demo.data_dir, tmp / "gui-data")
    app = [PYTHON, "-m", "fieldapp", "--data-dir", str(data_dir.root), "gui"]
    bare = [PYTHON, "-c", BARE_QT]
    env = child_env(FIELDAPP_STARTUP_PROBE="1", FIELDAPP_PASSPHRASE=PASSPHRASE)
    errors = tmp / "child-stderr.txt"

    def once(argv: list[str]) -> tuple[float, float]:
        spawned = spawn_until(argv, env, _ready, timeout=SPAWN_TIMEOUT_S, stderr_path=errors)
        return spawned.seconds, _rss_mb(spawned.line)

    cold = Row("cold_start", "s", target=Target("median", START_TARGET_S))
    memory = Row("memory_after_start", "MB", target=Target("median", RSS_TARGET_MB))
    progress("cold_start: warm-up (untimed)")
    once(bare)
    once(app)
    for i in range(runs):
        if i % 2:  # alternate which goes first, so an order effect cancels out
            app_s, app_mb = once(app)
            base_s, base_mb = once(bare)
        else:
            base_s, base_mb = once(bare)
            app_s, app_mb = once(app)
        cold.samples.append(app_s)
        cold.baseline.append(base_s)
        memory.samples.append(app_mb)
        memory.baseline.append(base_mb)
        progress(
            f"cold_start {i + 1}/{runs}: app {app_s:.3f} s {app_mb:.0f} MB, bare Qt {base_s:.3f} s {base_mb:.0f} MB"
        )
    cold.note = (
        f"encrypted store of {persons:,} persons; spawn → READY (sign-in screen lists the members); "
        "baseline: the same python showing a bare QMainWindow"
    )
    memory.note = "VmRSS printed with READY; baseline: the bare QMainWindow's VmRSS"
    return [cold, memory, unlock_key(data_dir.keystore, runs=max(runs, UNLOCK_RUNS))]


def unlock_key(keystore_path: Path, *, runs: int) -> Row:
    """KeyStore.load(...).unlock(passphrase), in process; baseline: the bare Argon2id derivation."""
    from argon2.low_level import Type, hash_secret_raw

    row = Row("unlock_key", "ms")
    slot = next(s for s in KeyStore.load(keystore_path).slots if s.get("kind") == "passphrase")
    params = {k: int(slot[k]) for k in ARGON2}
    KeyStore.load(keystore_path).unlock(PASSPHRASE)  # warm-up: imports argon2 and cryptography
    salt = secrets.token_bytes(16)

    def bare() -> None:
        hash_secret_raw(PASSPHRASE.encode(), salt, hash_len=32, type=Type.ID, **params)

    def ours() -> None:
        KeyStore.load(keystore_path).unlock(PASSPHRASE)

    for i in range(runs):
        for fn, samples in ((ours, row.samples), (bare, row.baseline))[:: -1 if i % 2 else 1]:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    row.note = (
        f"part of cold_start; Argon2id t={params['time_cost']} m={params['memory_cost']} KiB "
        f"p={params['parallelism']}; baseline: the Argon2id call alone"
    )
    return row
