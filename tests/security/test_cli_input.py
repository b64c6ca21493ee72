"""Issue 13, point 9: bad input on the command line gets a clear message in the user's language and an exit
code of the contract (1 refused, 2 usage, 3 data dir unusable), never a traceback or exit 4; numbers are
bounded before they cost memory or time; a demo-data run killed half way can be run again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, cli_env
from tests.security.helpers import opened, small_demo
from tests.test_cli import run


def run_briefly(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    """The command, given 20 s: an unbounded number (a billion people, port 0) must not keep it running."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "fieldapp", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=cli_env(data_dir),
            timeout=20,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"fieldapp {' '.join(args)} was still running after 20 s")
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("sec-input") / "data"
    small_demo(root)
    return root


def test_an_undecodable_argument_is_a_usage_error_without_traceback(cli_dir):
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "people", "search", b"\xff\xfe"],
        capture_output=True,
        env=cli_env(cli_dir),
        timeout=60,
        check=False,
    )
    err = done.stderr.decode("utf-8")
    assert b"Traceback" not in done.stdout + done.stderr and "Logging error" not in err
    assert done.returncode == 2
    assert "UTF-8" in err
    log = cli_dir / "logs" / "fieldapp.log"
    assert not log.exists() or "Traceback" not in log.read_text(encoding="utf-8", errors="strict")


def test_an_output_that_is_a_folder_is_refused_with_exit_1(cli_dir, tmp_path):
    done = run("receipt", "pdf", "--day", "2026-07-15", "-o", str(tmp_path), data_dir=cli_dir)
    assert done.returncode == 1, done.stderr
    assert "thư mục" in done.stderr
    done = run("--lang", "en", "backup", "-o", str(tmp_path), data_dir=cli_dir)
    assert done.returncode == 1 and "folder" in done.stderr
    assert list(tmp_path.iterdir()) == []


# Out-of-range values keep the exit code their kind had before: 1 where the command refused a bad number
# itself (demo sizes, --limit), 2 where argparse or the server's options did (dates, --workers, --port).
@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("demo-data", "--end-date", "9999-12-31", "--persons", "5"), 2, "'9999-12-31'"),
        (("demo-data", "--end-date", "1066-10-14", "--persons", "5"), 2, "'1066-10-14'"),
        (("demo-data", "--persons", "-5"), 1, "2.000.000"),
        (("demo-data", "--persons", "1000000000000"), 1, "2.000.000"),
        (("demo-data", "--days", "100000"), 1, "366"),
        (("people", "search", "x", "--limit", "10000000000"), 1, "10.000"),
        (("quote", "vsi", "--income", "1500000", "--months", "12", "--date", "0001-01-01"), 2, "'0001-01-01'"),
        (("receipt", "list", "--day", "9999-12-31"), 2, "'9999-12-31'"),
        (
            (
                "export",
                "tallies",
                "--day",
                "2026-07-01",
                "--to",
                "9999-12-31",
                "--format",
                "csv",
                "-o",
                "/nonexistent/x.csv",
            ),
            2,
            "2100",
        ),
        (("server", "run", "--port", "99999"), 2, "'99999'"),
        (("server", "run", "--port", "0"), 2, "65535"),
        (("server", "run", "--workers", "100000"), 2, "'100000'"),
    ],
)
def test_numbers_and_dates_out_of_bounds_are_refused_with_the_bounds(args, code, said, tmp_path):
    done = run_briefly(*args, data_dir=tmp_path / "d")
    assert done.returncode == code, done.stderr
    assert said in done.stderr
    assert "không mong muốn" not in done.stderr


def test_a_household_of_a_billion_members_is_refused_at_once():
    done = run_briefly("quote", "hi", "--members", "1000000000", "--months", "12", "--date", "2026-06-30", "--json")
    assert done.returncode == 1
    assert "thành viên" in done.stderr
    done = run("--lang", "en", "quote", "hi", "--members", "1000000000", "--months", "12", "--date", "2026-06-30")
    assert done.returncode == 1 and "members" in done.stderr


def test_a_keystore_with_an_absurd_argon2_cost_is_refused_before_hashing(cli_dir, tmp_path):
    import shutil

    data = tmp_path / "absurd"
    shutil.copytree(cli_dir, data)
    keystore = json.loads((data / "keystore.json").read_text(encoding="utf-8"))
    for slot in keystore["slots"]:
        if slot["kind"] == "passphrase":
            slot["time_cost"] = 2**24  # hours of hashing, at the usual 64 MiB
    (data / "keystore.json").write_text(json.dumps(keystore), encoding="utf-8")
    done = run_briefly("stats", data_dir=data)
    assert done.returncode == 3, done.stderr
    assert "Argon2" in done.stderr


@pytest.mark.parametrize(
    "cost",
    [
        {"memory_cost": 4 * 1024 * 1024},  # 4 GiB
        {"time_cost": 1000},
        {"parallelism": 100_000},
        {"memory_cost": 0},
        {"time_cost": "3; rm -rf /"},
    ],
)
def test_argon2_costs_are_bounded_before_any_hashing(cost, monkeypatch):
    from fieldapp.errors import StoreUnavailable
    from fieldapp.storage import keystore

    slot = keystore.wrap_key(bytes(32), PASSPHRASE, "store")
    slot.update(cost)
    monkeypatch.setattr(keystore, "_derive", lambda *a: pytest.fail("hashed with absurd costs"))
    with pytest.raises(StoreUnavailable) as err:
        keystore.unwrap_key(slot, PASSPHRASE, "store")
    assert err.value.exit_code == 3


# --- demo-data killed half way ---------------------------------------------------------------------------

_KILLED_RUN = """
import os, signal, sys
from datetime import date
from fieldapp.paths import DataDir
from fieldapp.demo import DemoBuilder, DemoOptions
from fieldapp.storage.store import OpenOptions, Store
store = Store.open(DataDir(sys.argv[1]), OpenOptions(passphrase=sys.argv[2]))
options = DemoOptions(persons=60, days=2, seed=9, end_date=date(2026, 7, 15))
for step in DemoBuilder(store, options).run():
    if step.phase == sys.argv[3]:
        os.kill(os.getpid(), signal.SIGKILL)
"""


def _killed_demo(data: Path, phase: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_RUN, str(data), PASSPHRASE, phase],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
        check=False,
    )
    assert done.returncode == -9, done.stderr


@pytest.fixture(scope="module")
def clean_counts(tmp_path_factory):
    return small_demo(tmp_path_factory.mktemp("clean") / "d", persons=60, days=2, seed=9)


DEMO_9 = ("demo-data", "--persons", "60", "--days", "2", "--seed", "9", "--end-date", "2026-07-15", "--json")


@pytest.mark.parametrize("phase", ["registry", "work"])
def test_a_killed_demo_data_can_be_run_again(tmp_path, phase, clean_counts):
    data = tmp_path / "d"
    _killed_demo(data, phase)
    done = run(*DEMO_9, data_dir=data)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"] == clean_counts
    assert "dừng giữa chừng" in done.stderr
    with opened(data) as store:
        assert store.check() == []
        assert store.meta("demo_seed_9")


def test_a_killed_demo_on_a_store_with_real_data_keeps_the_real_data(tmp_path):
    from fieldapp.services.registry import PersonForm, add_person, check_person
    from fieldapp.storage.search import search
    from fieldapp.storage.team import current_team
    from fieldapp.storage.writer import Actor, writing

    data = tmp_path / "d"
    small_demo(data, persons=10, seed=2)
    with opened(data) as store, writing(store, Actor(None, store.device_id)) as w:  # a person added by hand
        commune = current_team(store).commune_codes[0]
        add_person(w, check_person(PersonForm(full_name="Lò Văn Pả", birth_date="1965", commune_code=commune)))
    _killed_demo(data, "work")
    done = run(*DEMO_9, data_dir=data)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["counts"]["persons"] == 10 + 1 + 60
    with opened(data) as store:
        assert [p.full_name for p in search(store, "lo van pa", 5)] == ["Lò Văn Pả"]
