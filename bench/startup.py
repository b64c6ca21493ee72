"""cold_start, start_warm_cache, memory_after_start and unlock_key.

The app is spawned as a person starts it (`python -m fieldapp --data-dir DIR gui`) with
FIELDAPP_STARTUP_PROBE=1: ui.app prints "READY <rss_kb>" once the sign-in screen lists the team's
members, and quits. The baseline is the same interpreter showing a bare QMainWindow.

Cold means a cold OS file cache, with no untimed warm-up: before each timed start, every file that start
reads is evicted from the page cache (`common.evict`: fdatasync, then posix_fadvise DONTNEED). Which files
those are is found once, by running each command under `strace -f -e trace=open,openat,execve` (not timed):
the interpreter and its standard library, the bytecode, the venv's packages, PySide6's and Qt's libraries
and plugins, fonts, translations, the app's sources and resources, and the data dir's database, WAL and
keystore. (Without strace, every file under the venv, the Python install, the source tree, the bytecode
cache and the data dir is evicted instead.) Files another running process keeps mapped (the C library)
stay cached, as they would on a laptop. After each cold start the same command runs again at once: that
is start_warm_cache. App and baseline alternate (which goes first swaps every round).
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from common import (
    PASSPHRASE,
    PYCACHE,
    PYTHON,
    ROOT,
    ChildFailed,
    Row,
    Target,
    child_env,
    evict,
    progress,
    spawn_until,
)
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
_OPENED = re.compile(r'(?:openat|open|execve)\((?:AT_FDCWD, |-?\d+, )?"([^"]+)"')  # kept if a regular file


def _ready(line: str) -> bool:
    return line.startswith("READY")


def _rss_mb(line: str) -> float:
    parts = line.split()
    if len(parts) < 2 or not parts[1].isdigit():
        raise ValueError(f"READY line without an RSS: {line!r}")
    return int(parts[1]) / 1024


def files_read(
    argv: list[str], env: dict[str, str], tmp: Path, extra: list[Path], ready: Callable[[str], bool] | None = _ready
) -> tuple[list[Path], str]:
    """The regular files a start of `argv` opens (see the module's docstring), and how they were found.
    `ready`: the line that says the start is done (the command runs to its end when None)."""
    strace = shutil.which("strace")
    if strace is None:
        roots = [Path(sys.prefix), Path(sys.base_prefix) / "lib", ROOT / "fieldapp", ROOT / "ui", ROOT / "resources",
                 PYCACHE, *extra]  # fmt: skip
        found = [p for root in roots for p in (root.rglob("*") if root.is_dir() else [root]) if p.is_file()]
        return found, "every file under the venv, the Python install, the sources, the bytecode and the data dir"
    trace = tmp / f"strace-{secrets.token_hex(4)}.txt"
    traced = [strace, "-f", "-qq", "-e", "trace=open,openat,execve", "-o", str(trace), "--", *argv]
    if ready is None:
        subprocess.run(traced, env=env, cwd=ROOT, capture_output=True, timeout=SPAWN_TIMEOUT_S * 2, check=True)
    else:
        spawn_until(traced, env, ready, timeout=SPAWN_TIMEOUT_S * 2, stderr_path=tmp / "strace-stderr.txt")
    paths = {Path(m.group(1)) for m in _OPENED.finditer(trace.read_text(errors="replace"))}
    trace.unlink()
    found = sorted(p for p in {*paths, *extra} if p.is_file())
    return found, "the files strace saw it open"


def run_startup(demo: DemoStore, *, runs: int, tmp: Path) -> list[Row]:
    persons = demo.info["persons"]
    data_dir = copy_data_dir(demo.data_dir, tmp / "gui-data")
    app = [PYTHON, "-m", "fieldapp", "--data-dir", str(data_dir.root), "gui"]
    bare = [PYTHON, "-c", BARE_QT]
    env = child_env(FIELDAPP_STARTUP_PROBE="1", FIELDAPP_PASSPHRASE=PASSPHRASE)
    errors = tmp / "child-stderr.txt"
    data_files = [data_dir.db, data_dir.db.with_name(data_dir.db.name + "-wal"), data_dir.keystore]
    progress("cold_start: finding the files each start reads (strace, not timed)")
    app_files, how = files_read(app, env, tmp, data_files)
    bare_files, _how = files_read(bare, env, tmp, [])
    progress(f"cold_start: the app's start reads {len(app_files):,} files, the bare Qt window's {len(bare_files):,}")

    def once(argv: list[str], files: list[Path] | None) -> tuple[float, float]:
        if files is not None:
            evict(files)
        try:
            spawned = spawn_until(argv, env, _ready, timeout=SPAWN_TIMEOUT_S, stderr_path=errors)
        except ChildFailed as exc:
            raise ChildFailed(f"{' '.join(argv[:4])}: {exc}") from None
        return spawned.seconds, _rss_mb(spawned.line)

    cold = Row("cold_start", "s", targets=[Target("median", START_TARGET_S)])
    warm = Row("start_warm_cache", "s")
    memory = Row("memory_after_start", "MB", targets=[Target("median", RSS_TARGET_MB)])
    for i in range(runs):
        order: list[tuple[list[str], list[Path], bool]] = [(app, app_files, True), (bare, bare_files, False)]
        for argv, files, ours in order if i % 2 == 0 else order[::-1]:  # an order effect cancels out
            cold_s, cold_mb = once(argv, files)
            warm_s, _mb = once(argv, None)
            (cold.samples if ours else cold.baseline).append(cold_s)
            (warm.samples if ours else warm.baseline).append(warm_s)
            (memory.samples if ours else memory.baseline).append(cold_mb)
        progress(
            f"cold_start {i + 1}/{runs}: app {cold.samples[-1]:.3f} s cold, {warm.samples[-1]:.3f} s warm, "
            f"{memory.samples[-1]:.0f} MB; bare Qt {cold.baseline[-1]:.3f} s cold, {warm.baseline[-1]:.3f} s warm"
        )
    cold.note = (
        f"encrypted store of {persons:,} persons; spawn → READY (sign-in screen lists the members) with a cold OS "
        f"cache: before each start, the {len(app_files):,} files it reads ({how}) are evicted (posix_fadvise "
        f"DONTNEED); no untimed warm-up; baseline: the same python showing a bare QMainWindow, its "
        f"{len(bare_files):,} files evicted alike"
    )
    warm.note = "the same start again right after each cold one (warm OS cache); baseline: the bare window's"
    memory.note = "VmRSS printed with READY (cold starts); baseline: the bare QMainWindow's VmRSS"
    return [cold, warm, memory, unlock_key(data_dir.keystore, runs=max(runs, UNLOCK_RUNS))]


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
