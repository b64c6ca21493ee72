"""The central server as the tests run it: a real `fieldapp server run` process on a free port, its output
to a log file, waited for until /v1/health answers, stopped with SIGTERM and killed when it will not go.
tests/server (a server per session, spoken to over the wire) and tests/sync (a server per test, laptops
syncing with it) both start theirs here."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], *, port: int, log: Path, env: dict[str, str], timeout: float = 60) -> subprocess.Popen:
    """`fieldapp ARGS server run --port PORT …` (ARGS: what goes before `server`, such as --data-dir), up and
    answering; raises with the tail of its log when it exits or stays silent."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "fieldapp", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2).status_code == 200:
                return process
        time.sleep(0.05)
    stop(process, signal.SIGKILL)
    raise RuntimeError(f"server not up within {timeout} s: {log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Stop the server's whole process group (its workers too); SIGKILL when it does not go within 15 s."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(15)
