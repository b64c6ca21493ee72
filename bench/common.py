"""What every benchmark shares: paths and environment, the run's temp dir, statistics, result rows and
the table, progress on stderr, and child processes that are always reaped (killed on timeout)."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
TMP_ROOT = CACHE / "tmp"  # on the same disk as a real data dir (/tmp may be RAM, where fsync is free)
PYTHON = sys.executable
PASSPHRASE = "bench passphrase"
DEMO_END = date(2026, 7, 15)  # fixed, so a cached demo store is the same data whatever day it is

# Every store and child runs without the OS keyring: the key comes from the passphrase (Argon2id).
BASE_ENV = {"FIELDAPP_KEYRING": "off", "QT_QPA_PLATFORM": "offscreen"}
# Variables of a developer's shell that would change what the app opens or says, or that make every
# start compile the sources again (an installed app runs from bytecode).
_DROPPED_ENV = (
    "FIELDAPP_DATA_DIR",
    "FIELDAPP_LANG",
    "FIELDAPP_DEV_PLAINTEXT",
    "FIELDAPP_STARTUP_PROBE",
    "PYTHONDONTWRITEBYTECODE",
)
PYCACHE = CACHE / "pycache"  # children's bytecode lives here, not in __pycache__ dirs beside the sources


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(BASE_ENV)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


# --- progress --------------------------------------------------------------------------------------

_T0 = time.perf_counter()


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


class Throttled:
    """Progress for long loops: at most one line every `every` seconds (and the last one)."""

    def __init__(self, label: str, every: float = 5.0) -> None:
        self.label = label
        self.every = every
        self._last = 0.0

    def __call__(self, text: str, *, final: bool = False) -> None:
        now = time.perf_counter()
        if final or now - self._last >= self.every:
            self._last = now
            progress(f"{self.label}: {text}")


# --- statistics and rows ---------------------------------------------------------------------------


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile, interpolated between samples (the maximum-ish of a small set)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


# What a target is judged on: a statistic of our samples, or our median against the baseline's.
_STATS: dict[str, Callable[[Sequence[float]], float]] = {
    "median": statistics.median,
    "p95": p95,
    "max": max,  # every sample: "in each run"
    "min": min,
}
_AT_LEAST = {"min", "min_ratio", "min_median"}


@dataclass(frozen=True)
class Target:
    """One target of a row, as the issue writes it.

    `stat` <= `limit` for "median", "p95", "max" (every sample) and "ratio" (our median / the baseline's);
    `stat` >= `limit` for "min" (every sample), "min_median" and "min_ratio" (rates, where higher is better).
    """

    stat: str
    limit: float

    def __post_init__(self) -> None:
        if self.stat not in (*_STATS, "ratio", "min_ratio", "min_median"):
            raise ValueError(f"unknown target statistic {self.stat!r}")

    @property
    def at_least(self) -> bool:
        return self.stat in _AT_LEAST

    def measure(self, row: Row) -> float | None:
        """The figure this target judges, or None when the row cannot give it (no samples, no baseline)."""
        if not row.samples:
            return None
        if self.stat in ("ratio", "min_ratio"):
            return row.ratio
        if self.stat == "min_median":
            return median(row.samples)
        return _STATS[self.stat](row.samples)

    def holds(self, row: Row) -> bool | None:
        value = self.measure(row)
        if value is None:
            return None
        return value >= self.limit if self.at_least else value <= self.limit

    def describe(self, unit: str) -> str:
        sign = "≥" if self.at_least else "≤"
        if self.stat in ("ratio", "min_ratio"):
            return f"ratio {sign} {self.limit:g}"
        amount = f"{self.limit:,g} {unit}"
        name = {"max": "each", "min": "each", "min_median": "median"}.get(self.stat, self.stat)
        return f"{name} {sign} {amount}"


@dataclass
class Row:
    name: str
    unit: str  # "s", "ms", "MB" or "/s"; samples are already in this unit
    samples: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # every one must hold for `met`
    note: str = ""
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.samples or not self.baseline or median(self.baseline) == 0:
            return None
        return median(self.samples) / median(self.baseline)

    def met(self) -> bool | None:
        """False when the figure is over any of its targets; True only when every target holds; None when
        there is nothing to judge (no target, no samples, an error) or a target cannot be judged."""
        if self.error or not self.targets or not self.samples:
            return None
        verdicts = [t.holds(self) for t in self.targets]
        if False in verdicts:
            return False
        return None if None in verdicts else True

    def describe_targets(self) -> str:
        return " and ".join(t.describe(self.unit) for t in self.targets) if self.targets else "—"


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:,.1f} s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "MB":
        return f"{value:,.1f} MB"
    if unit == "/s":
        return f"{value:,.0f} /s"
    return f"{value:g} {unit}"


HEADER = ("benchmark", "n", "median", "p95", "baseline (median)", "ratio", "target", "met")


def table_cells(row: Row) -> tuple[str, ...]:
    if row.error:
        return (
            row.name,
            str(len(row.samples)),
            "error",
            "",
            "",
            "",
            row.describe_targets(),
            "ERROR",
        )
    ratio = row.ratio
    met = row.met()
    return (
        row.name,
        str(len(row.samples)),
        fmt(median(row.samples), row.unit),
        fmt(p95(row.samples), row.unit),
        fmt(median(row.baseline), row.unit) if row.baseline else "—",
        f"{ratio:.2f}" if ratio is not None else "—",
        row.describe_targets(),
        "—" if met is None else ("yes" if met else "NO"),
    )


def render(rows: Sequence[Row]) -> str:
    """A Markdown table (readable as plain text too), then one line per row that carries a note."""
    lines = [HEADER, *(table_cells(r) for r in rows)]
    widths = [max(len(cells[i]) for cells in lines) for i in range(len(HEADER))]
    right = {1, 2, 3, 4, 5}  # numbers line up on the right

    def line(cells: Sequence[str]) -> str:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    out = [line(HEADER), rule, *(line(cells) for cells in lines[1:])]
    notes = [f"- {r.name}: {r.error or r.note}" for r in rows if r.error or r.note]
    if notes:
        out += ["", *notes]
    return "\n".join(out)


class LoadWatch:
    """The machine's load average (1 minute) before the run and every few seconds during it, for the
    table's header: the benchmarks share the CPUs with whatever else runs, and their own servers and clients
    add to it."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.before = os.getloadavg()[0]
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 1)

    def describe(self) -> str:
        during = self.samples or [os.getloadavg()[0]]
        return (
            f"load average {self.before:.2f} before the run; during it {min(during):.2f}–{max(during):.2f}, "
            f"mean {statistics.fmean(during):.2f} (the benchmarks' own processes included)"
        )


# --- the OS page cache ------------------------------------------------------------------------------


def evict(paths: Iterable[Path]) -> int:
    """Drop the files' pages from the OS page cache: fdatasync (DONTNEED drops clean pages only), then
    `posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)`. Pages another running process has mapped stay (the C
    library every process uses, say). Returns how many files were evicted; missing files are skipped."""
    done = 0
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            with contextlib.suppress(OSError):
                os.fdatasync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            done += 1
        finally:
            os.close(fd)
    return done


def store_files(db: Path) -> list[Path]:
    """A store's database and the files SQLite keeps beside it (WAL, shared memory)."""
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


# --- the run's temp dir ------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path, prefix: str) -> None:
    """Delete `<prefix><pid>...` entries left by runs that were killed (their pid is gone)."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and not _pid_alive(int(pid_text)):
            shutil.rmtree(entry, ignore_errors=True)


@contextlib.contextmanager
def run_temp_dir():
    """bench/.cache/tmp/run-<pid>-<time>/, removed at the end whatever happens."""
    remove_stale(TMP_ROOT, "run-")
    path = TMP_ROOT / f"run-{os.getpid()}-{int(time.time())}"
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def terminate_as_exit() -> None:
    """SIGTERM unwinds like Ctrl+C, so temp dirs are removed and children killed."""

    def handler(signum, _frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


# --- child processes -----------------------------------------------------------------------------


class ChildFailed(RuntimeError):
    pass


@dataclass
class Spawned:
    seconds: float  # from just before the spawn to the moment the ready line was read
    line: str


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # the child is its own session leader: pgid == its pid
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def spawn_until(
    argv: Sequence[str],
    env: dict[str, str],
    ready: Callable[[str], bool],
    *,
    timeout: float,
    exit_timeout: float = 30.0,
    stderr_path: Path,
) -> Spawned:
    """Start `argv`, time until a stdout line satisfies `ready`, then let it exit (or kill it).

    The clock starts right before the spawn and stops in the thread that reads stdout, as the line
    arrives. On timeout, an early exit or a failing exit code, the process group is killed and
    ChildFailed says why (with the tail of the child's stderr).
    """
    lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
    with stderr_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            encoding="utf-8",
            errors="replace",
            start_new_session=True,
        )

    def read() -> None:
        assert proc.stdout is not None
        for text in proc.stdout:
            lines.put((time.perf_counter(), text.rstrip("\n")))
        lines.put((time.perf_counter(), None))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = start + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ChildFailed(f"no ready line within {timeout:g} s{_tail(stderr_path)}")
            try:
                at, text = lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if text is None:
                proc.wait(timeout=exit_timeout)
                raise ChildFailed(f"exited with {proc.returncode} before the ready line{_tail(stderr_path)}")
            if ready(text):
                found = Spawned(at - start, text)
                break
        try:
            code = proc.wait(timeout=exit_timeout)
        except subprocess.TimeoutExpired:
            raise ChildFailed(f"did not exit within {exit_timeout:.0f} s after the ready line") from None
        if code != 0:
            raise ChildFailed(f"exit code {code} after the ready line{_tail(stderr_path)}")
        return found
    finally:
        if proc.poll() is None:
            _kill_group(proc)
        reader.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()


def _tail(path: Path, chars: int = 600) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return f"; stderr: …{text[-chars:]}" if text else ""
