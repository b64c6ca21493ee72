"""bundle_size, bundle_start_version, bundle_open_store and bundle_build (group `bundle`).

The Linux bundle of packaging/profiles/33.toml is built by packaging/build.py into bench/.cache/bundle
(reused while its inputs hash the same; `--rebuild` times a fresh build; a quick run uses the test suite's
build/test-bundle). Cold start is timed by spawning the frozen `fieldapp --version` and `fieldapp stats
--json` (which opens the encrypted store: Argon2id unwrap, SQLCipher, migrations check) against the same
commands run from the source tree (`python -m fieldapp …`), alternating, each with a cold OS cache: before
every run the files it reads are evicted (every file of the bundle and the data dir; for the source tree,
the files strace saw its run open; see bench/startup.py), with no warm-up. The size's baseline is the
untrimmed PySide6 install alone.

    .venv/bin/python bench/bundle.py [--runs N] [--rebuild]     # or bench/run.py --only bundle
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from common import CACHE, PASSPHRASE, PYTHON, ROOT, Row, Target, child_env, evict, progress, render
from startup import files_read

PROFILE = ROOT / "packaging" / "profiles" / "33.toml"
SIZE_TARGET_MB = 150.0
START_TARGET_S = 1.5
BUILD_TARGET_S = 300.0


def _tree_mb(path: Path) -> float:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink()) / 1e6


def build(rebuild: bool, quick: bool = False) -> dict:
    """The bundle, built or reused. A quick run shares the test suite's build (tests/packaging/test_bundle.py:
    build/test-bundle, reused while its inputs hash the same), so CI, which runs it after the suite, builds once."""
    where = ROOT / "build" / "test-bundle" if quick else CACHE / "bundle"
    dist = where / "dist"
    command = [PYTHON, str(ROOT / "packaging" / "build.py"), "--profile", str(PROFILE), "--offline"]
    command += [] if quick else ["--no-deb"]  # the suite's build makes the .deb too: the same inputs
    command += ["--dist", str(dist), "--work", str(where / "work")]
    if rebuild:
        command.append("--force")
    progress("building the bundle (reused if its inputs did not change)")
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"packaging/build.py failed: {done.stderr[-2000:]}")
    manifest = json.loads((dist / "fieldapp-0.1.0-33.json").read_text(encoding="utf-8"))
    manifest["this_run_s"] = time.perf_counter() - started
    return manifest


def _timed(command: list[str], env: dict[str, str], files: list[Path]) -> float:
    evict(files)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=120)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} … exited {done.returncode}: {done.stderr[-500:]}")
    return elapsed


def _alternate(
    frozen: tuple[list[str], list[Path]], source: tuple[list[str], list[Path]], env: dict[str, str], runs: int
) -> tuple[list[float], list[float]]:
    """Cold starts (the command's files evicted before each, no warm-up), alternating which goes first."""
    ours: list[float] = []
    base: list[float] = []
    for i in range(runs):
        pair = [(frozen, ours), (source, base)]
        for (command, files), into in pair if i % 2 == 0 else reversed(pair):
            into.append(_timed(command, env, files))
    return ours, base


def run_bundle(runs: int = 10, rebuild: bool = False, tmp: Path | None = None, quick: bool = False) -> list[Row]:
    manifest = build(rebuild, quick)
    bundle = Path(manifest["outputs"]["bundle"])
    exe = bundle / "fieldapp"
    import PySide6

    size = Row("bundle_size", "MB", [_tree_mb(bundle)], [_tree_mb(Path(PySide6.__file__).parent)])
    size.targets = [Target("median", SIZE_TARGET_MB)]
    size.note = "the unpacked one-folder bundle of province 33; baseline: the untrimmed PySide6 install alone; " + (
        f"tar.gz {manifest['sizes'].get('tarball', 0) / 1e6:.1f} MB"
    )
    icudata = next(bundle.rglob("libicudata.so.[0-9]*"), None)
    if icudata is not None:  # 32 MB untrimmed; packaging/build.py cuts it to vi/en where icu-devtools is installed
        size.note += f"; Qt's ICU data {icudata.stat().st_size / 1e6:.1f} MB"

    data = (tmp or CACHE / "tmp") / "bundle-data"
    env = child_env(FIELDAPP_DATA_DIR=str(data), FIELDAPP_PASSPHRASE=PASSPHRASE, PATH="/usr/bin:/bin")
    if not (data / "fieldapp.db").exists():
        progress("a 2,000-person demo store for the start-up runs")
        subprocess.run(
            [PYTHON, "-m", "fieldapp", "demo-data", "--persons", "2000", "--days", "3", "--end-date", "2026-07-15"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=600,
        )
    progress(f"cold start: {runs} runs each, frozen and source tree, alternating, files evicted before each")
    frozen_files = [p for p in bundle.rglob("*") if p.is_file()] + [p for p in data.iterdir() if p.is_file()]
    scratch = tmp or CACHE / "tmp"
    rows = []
    for name, args in (("bundle_start_version", ["--version"]), ("bundle_open_store", ["stats", "--json"])):
        source = [PYTHON, "-m", "fieldapp", *args]
        source_files, _how = files_read(source, env, scratch, [p for p in data.iterdir() if p.is_file()], ready=None)
        ours, base = _alternate(([str(exe), *args], frozen_files), (source, source_files), env, runs)
        rows.append(Row(name, "s", ours, base, targets=[Target("median", START_TARGET_S)]))
    version, store = rows
    cold = (
        "with a cold OS cache (every file of the bundle and of the data dir evicted before each run, no warm-up); "
        "baseline: the same command from the source tree, the files its run opens (strace) evicted alike"
    )
    version.note = f"frozen `fieldapp --version` (process start to exit) {cold}"
    store.note = f"frozen `fieldapp stats --json` on a 2,000-person encrypted store (opens it, counts, exits) {cold}"

    built = Row("bundle_build", "s", [float(manifest["built_seconds"])], targets=[Target("median", BUILD_TARGET_S)])
    steps = ", ".join(f"{k.removesuffix('_s')} {v:.0f} s" for k, v in manifest.get("timings", {}).items())
    built.note = (
        "packaging/build.py for one province (validate, PyInstaller, tar.gz; the .deb adds ~10 s)"
        + (f": {steps}" if steps else "")
        + ("" if not manifest["reused"] else "; timed when the cached bundle was built (--rebuild to time again)")
    )
    return [size, version, store, built]


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/bundle.py")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="time a fresh build instead of reusing the bundle")
    args = parser.parse_args()
    print(render(run_bundle(args.runs, args.rebuild)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
