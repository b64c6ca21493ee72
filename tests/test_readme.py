"""The README's command examples run as written on the demo data of `./dev run` (issue 18: its dates and
receipt numbers were not in the demo data, and a bare `fieldapp stats` reached an empty data dir)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = "tests/test_readme.py runs this block"


def runnable_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index(MARK) :]
    found = re.search(r"```sh\n(.*?)```", after, re.S)
    assert found, "the README's runnable block is gone"
    return found.group(1)


def test_the_readme_examples_run_on_the_demo_data(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / ".venv").symlink_to(Path(sys.prefix))  # what ./dev made: its bin/ holds the fieldapp command
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDAPP_")}
    env["FIELDAPP_PASSPHRASE"] = "fieldapp-demo"
    demo = subprocess.run(
        [
            sys.executable,
            "-m",
            "fieldapp",
            "--data-dir",
            str(folder / "demo-data"),
            "demo-data",
            "--persons",
            "2000",
            "--days",
            "3",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    env.pop("FIELDAPP_PASSPHRASE")  # the block sets what it needs itself
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", "set -x\n" + runnable_block()],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    objects = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    stats = next(o for o in objects if "counts" in o)
    assert stats["counts"]["persons"] == 2000
    verified = next(o for o in objects if "valid" in o)
    assert verified["valid"] is True and verified["reason"] == "genuine"
    quotes = [o["total"] for o in objects if "total" in o and "members" in o]
    assert quotes == [2906280]
    for written in ("r.pdf", "day.pdf", "nhan.pdf", "ban-giao.pdf", "hom-nay.xlsx", "d05.xml", "backup-demo.db"):
        assert (folder / written).stat().st_size > 0, written
