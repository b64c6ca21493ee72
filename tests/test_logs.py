"""The log's first line of every run says the release that wrote it (a log IT sends in is read against
the right version)."""

from __future__ import annotations

import re
import subprocess
import sys

from fieldapp import __version__
from tests.conftest import cli_env


def test_every_run_begins_its_log_with_the_version(tmp_path):
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "fieldapp", "stats", "--json"],
            capture_output=True,
            text=True,
            env=cli_env(tmp_path),
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    lines = (tmp_path / "logs" / "fieldapp.log").read_text(encoding="utf-8").splitlines()
    runs: dict[str, list[str]] = {}
    for line in lines:
        pid = re.match(r"\S+ \S+ \w+ (\d+) ", line).group(1)
        runs.setdefault(pid, []).append(line)
    assert len(runs) == 2
    for first, *_rest in runs.values():
        assert f"fieldapp {__version__}, log opened (Python " in first
