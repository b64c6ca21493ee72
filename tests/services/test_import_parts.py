"""An import made a part at a time (cleaned, looked up and made into people on a thread while the parts
before are inserted) imports exactly what one part does: the same people, duplicates found across parts
and against the registry, the same refused rows; killed mid-way, it leaves the registry as it was (the
import is one transaction) and what was committed before stays."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fieldapp.paths import DataDir
from fieldapp.services import importer
from tests.conftest import PASSPHRASE
from tests.services.test_importer import do_import, persons, write_csv

ROOT = Path(__file__).resolve().parents[2]


def _rows(n: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        female = rng.random() < 0.5
        year = rng.randint(1950, 2004)
        cid = f"033{(2 if year >= 2000 else 0) + female}{year % 100:02d}{rng.randrange(10**6):06d}"
        out.append([
            str(i + 1),
            rng.choice(["Nguyễn Văn An", "Lê Thị Hoa", "Trần Minh Tuấn", "Phạm Thu Yến", "", "Đỗ Ngọc Lan"]),
            rng.choice([f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}", str(year), "31/02/1990", ""]),
            "Nữ" if female else "Nam",
            rng.choice([cid, cid[1:], "", "12345"]),
            rng.choice(["0912345678", "912345678", "", "0123"]),
            rng.choice(["Xuân Trúc", "Xã Xuân Trúc", "Hà Nội"]),
            rng.choice(["Thôn 1", "thon 1", "THÔN 2", f"Thôn {rng.randint(3, 6)}", ""]),
        ])  # fmt: skip
    return out


def _outcome(store, result):
    lists = store.query("SELECT rows, imported, duplicates, rejected FROM prospect_lists")
    links = store.query_one("SELECT count(*) FROM prospects")[0]
    hamlets = store.query("SELECT name_key FROM hamlets ORDER BY name_key")
    ops = store.query("SELECT entity, count(*) FROM outbox GROUP BY entity ORDER BY entity")
    errors = [(e.row, e.column, e.code) for e in result.errors]
    return (result.imported, result.duplicates, result.rejected, errors, lists, links, hamlets, ops, persons(store))


def test_an_import_in_parts_imports_what_one_part_does(open_store, tmp_path, monkeypatch):
    known, rows = _rows(300, 4), _rows(700, 3)
    outcomes = []
    for folder, part in (("whole", 10**6), ("parts", 64)):
        (tmp_path / folder).mkdir()
        store = open_store(DataDir(tmp_path / folder / "data"))
        monkeypatch.setattr(importer, "PART", 10**6)
        do_import(store, write_csv(tmp_path / folder / "known.csv", known))  # the registry before the list
        monkeypatch.setattr(importer, "PART", part)
        outcomes.append(_outcome(store, do_import(store, write_csv(tmp_path / folder / "l.csv", rows))))
    whole, parts = outcomes
    assert parts == whole
    assert whole[0] and whole[1] and whole[2]  # new people, duplicates and refused rows all met


IMPORTER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from fieldapp.paths import DataDir
    from fieldapp.services import importer
    from fieldapp.storage.store import OpenOptions, Store
    from tests.services.test_importer import do_import

    importer.PART = 100  # many parts, so a kill lands between inserts
    store = Store.open(DataDir(sys.argv[1]), OpenOptions(passphrase=sys.argv[2]))
    print("OPEN", flush=True)
    do_import(store, Path(sys.argv[3]))
    print("DONE", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_an_import_killed_mid_way_leaves_what_was_committed(open_store, tmp_path):
    data = tmp_path / "data"
    store = open_store(DataDir(data))
    first = do_import(store, write_csv(tmp_path / "first.csv", _rows(50, 1)))
    committed = (persons(store), store.query_one("SELECT count(*) FROM outbox")[0])
    store.close()
    big = write_csv(tmp_path / "big.csv", _rows(20_000, 2))
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    rng = random.Random(7)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, str(script), str(data), PASSPHRASE, str(big)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout.readline().strip() == "OPEN", proc.communicate()
        time.sleep(rng.uniform(0.05, 0.6))
        assert proc.poll() is None, "the import finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        again = open_store(DataDir(data))
        assert again.query_one("PRAGMA integrity_check")[0] == "ok"
        assert (persons(again), again.query_one("SELECT count(*) FROM outbox")[0]) == committed
        assert again.query_one("SELECT id FROM prospect_lists")[0] == first.list_id
        again.close()
