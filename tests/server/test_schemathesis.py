"""schemathesis against the server's own /openapi.json: generated requests (valid and broken) never get a
5xx, and every answer matches the description (status codes, content types, bodies)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_the_api_keeps_its_description(world, tmp_path):
    pytest.importorskip("schemathesis", reason="schemathesis is in the dev extra")
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    if st is None:
        pytest.skip("the schemathesis command `st` is not installed beside this Python")
    laptop = world.laptop()
    done = subprocess.run(
        [
            st,
            "run",
            f"{world.server.base}/openapi.json",
            "--header",
            f"Authorization: Bearer {laptop.token}",
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "6",
            "--generation-deterministic",
            "--report-dir",
            str(tmp_path),
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
