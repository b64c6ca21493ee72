"""A throw-away PostgreSQL cluster for the sync benchmarks: initdb + pg_ctl into a temp dir on a free port
(as `nobody` when run as root, since initdb refuses root), stopped and removed at the end."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from common import CACHE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bindir() -> Path | None:
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    return next((d for d in candidates if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


@contextlib.contextmanager
def cluster(max_connections: int = 300) -> Iterator[str]:
    """Yields the URL of a `postgres` database with a superuser `postgres` (trust auth, loopback only).

    The cluster keeps PostgreSQL's durable defaults (fsync on, synchronous_commit on), like a real server.
    """
    bins = bindir()
    if bins is None:
        raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin")
    run_as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    root = Path(tempfile.mkdtemp(prefix="fieldapp-bench-pg-", dir="/var/tmp"))
    if run_as:
        nobody = pwd.getpwnam("nobody")
        os.chown(root, nobody.pw_uid, nobody.pw_gid)
    data = root / "data"
    port = free_port()
    try:
        subprocess.run(
            [
                *run_as,
                str(bins / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        # what a slow run leaves to read: lock waits past deadlock_timeout (1 s), statements over 2 s, checkpoints
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections={max_connections} "
            "-c log_lock_waits=on -c log_min_duration_statement=2000 -c log_checkpoints=on"
        )
        subprocess.run(
            [*run_as, str(bins / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*run_as, str(bins / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        with contextlib.suppress(OSError):  # the cluster's log outlives it: bench/.cache/last-postgresql.log
            shutil.copyfile(root / "log", CACHE / "last-postgresql.log")
        shutil.rmtree(root, ignore_errors=True)


def new_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
