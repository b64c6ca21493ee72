"""A newer installer fetched from the province's server (issue 8), against a real server process
(`fieldapp server run`, SQLite, loopback), as a laptop does it:

- update_download_100mb: `fieldapp.sync.updates.download` of a 100 MB installer into downloads/: streamed
  with the device's token, SHA-256 while writing, fsync, rename. Baseline, in the same run: the same file
  streamed by a bare httpx client into a file (no hash, no fsync): the wire's and the server's share.
- update_check: `updates.note_newest` at the end of a sync (GET /v1/installers/latest, the answer kept in
  meta). Baseline: GET /v1/health (no token, no database): what any request costs on this link.

Run alone: `.venv/bin/python bench/updates.py` (prints the table).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PASSPHRASE, PYTHON, ROOT, Row, child_env, progress, render, run_temp_dir

SIZE = 100 * 1024 * 1024
ROUNDS = 7
CHECKS = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(root: Path, *args: str) -> str:
    done = subprocess.run([PYTHON, "-m", "fieldapp", "--data-dir", str(root), *args], cwd=ROOT,
                          env=child_env(FIELDAPP_PASSPHRASE=PASSPHRASE), capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"fieldapp {' '.join(args)}: {done.stderr[-800:]}")
    return done.stdout


def run_updates(tmp: Path) -> list[Row]:
    from fieldapp.paths import DataDir
    from fieldapp.storage.store import OpenOptions, Store
    from fieldapp.sync import enrol, updates
    from fieldapp.sync.transport import Transport

    srv = tmp / "server"
    _cli(srv, "server", "team", "add", "Tổ đo", "--province", "33")
    installer = tmp / "fieldapp-33_9.0.0_amd64.deb"
    with installer.open("wb") as f:
        for _ in range(SIZE // (1 << 20)):
            f.write(os.urandom(1 << 20))
    _cli(srv, "server", "installer", "add", str(installer), "--version", "9.0.0", "--platform", "linux")
    code = json.loads(_cli(srv, "server", "enrol-code", "--team", "Tổ đo", "--json"))["code"]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen([PYTHON, "-m", "fieldapp", "--data-dir", str(srv), "server", "run", "--port", str(port)],
                            cwd=ROOT, env=child_env(), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    download = Row("update_download_100mb", "s", note="SHA-256 while writing + fsync; baseline: bare httpx to a file")
    check = Row("update_check", "ms", note="GET /v1/installers/latest + meta; baseline: GET /v1/health")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)
        store = Store.open(DataDir(tmp / "laptop"), OpenOptions(passphrase=PASSPHRASE))
        try:
            enrol(store, url, code, name="bench")
            from fieldapp.storage import sync as sync_storage

            token = sync_storage.settings(store).token
            with Transport(url, token) as http:
                found = updates.note_newest(store, http)
                assert found is not None and found.version == "9.0.0"
                for i in range(CHECKS):
                    order = (0, 1) if i % 2 == 0 else (1, 0)
                    for which in order:
                        t0 = time.perf_counter()
                        if which == 0:
                            updates.note_newest(store, http)
                            check.samples.append((time.perf_counter() - t0) * 1000)
                        else:
                            http.request("GET", "/v1/health", auth=False)
                            check.baseline.append((time.perf_counter() - t0) * 1000)
            headers = {"Authorization": f"Bearer {token}"}
            for i in range(ROUNDS):
                progress(f"update_download_100mb round {i + 1}/{ROUNDS}")
                order = (0, 1) if i % 2 == 0 else (1, 0)
                for which in order:
                    out = tmp / f"out-{which}.deb"
                    out.unlink(missing_ok=True)
                    t0 = time.perf_counter()
                    if which == 0:
                        updates.download(store, out)
                        download.samples.append(time.perf_counter() - t0)
                    else:
                        with (
                            httpx.stream("GET", url + found.url, headers=headers, timeout=60) as r,
                            out.open("wb") as f,
                        ):
                            for chunk in r.iter_bytes(1 << 16):
                                f.write(chunk)
                        download.baseline.append(time.perf_counter() - t0)
                    assert out.stat().st_size == SIZE
                    out.unlink()
        finally:
            store.close()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.close()
    return [download, check]


if __name__ == "__main__":
    with run_temp_dir() as tmp:
        print(render(run_updates(tmp)))
