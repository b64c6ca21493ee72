"""`fieldapp sync` killed with SIGKILL mid-pull, many times: the store passes `fieldapp check` every time,
and one clean sync afterwards converges (the cursor is stored with the rows it covers)."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import cli_env
from tests.sync.conftest import ROOT, Laptop, add_demo, fieldapp, same_everywhere


def _stamp(path):
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_size, st.st_mtime_ns)


@pytest.mark.slow
def test_sync_killed_mid_pull_many_times_then_one_clean_sync_converges(server, laptops, tmp_path):
    server.add_team("Tổ cắt")
    a = laptops("a")
    a.enrol(server, "Tổ cắt")
    add_demo(a, persons=1000, days=2, seed=51)
    a.sync()
    b = Laptop(tmp_path / "b")
    b.enrol(server, "Tổ cắt")
    b.close()  # the subprocesses own it now
    env = cli_env(b.data_dir.root, FIELDAPP_SYNC_PULL_PAGE="4")
    rng = random.Random(5)
    killed = 0
    wal = b.data_dir.db.with_name(b.data_dir.db.name + "-wal")
    for _ in range(16):
        if killed == 6:
            break
        before = _stamp(wal)
        proc = subprocess.Popen([sys.executable, "-m", "fieldapp", "sync", "--json"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        while proc.poll() is None and _stamp(wal) == before:  # a page has been applied: the pull is on
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.12))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.communicate(timeout=30)
        check = fieldapp("check", "--json", env=env)
        assert check.returncode == 0, check.stdout + check.stderr
        assert json.loads(check.stdout) == {"ok": True, "problems": []}
    assert killed >= 5
    done = fieldapp("sync", "--json", env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["pending"], result["conflicts"], result["rejected"], result["mismatched"]) == (0, 0, 0, {})
    b = laptops("b")
    same_everywhere(a, b)
