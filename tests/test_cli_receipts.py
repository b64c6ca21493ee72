"""`fieldapp receipt pdf|qr|verify|void|labels|handover` as provincial IT scripts them (cli.md)."""

from __future__ import annotations

import json

import pytest

from tests.printing.conftest import pdf_text
from tests.test_cli import run


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-receipts") / "data"
    done = run("demo-data", "--persons", "300", "--days", "2", "--seed", "4", "--end-date", "2026-07-15", data_dir=root)
    assert done.returncode == 0, done.stderr
    return root


def receipts(cli_dir):
    return json.loads(run("receipt", "list", "--json", data_dir=cli_dir).stdout)["receipts"]


def test_pdf_qr_verify(cli_dir, tmp_path):
    number = next(r["number"] for r in receipts(cli_dir) if r["status"] == "valid")  # the demo voids some
    out = tmp_path / "r.pdf"
    done = run("receipt", "pdf", number, "-o", str(out), "--format", "80mm", data_dir=cli_dir)
    assert done.returncode == 0, done.stderr
    assert number.split("/")[1] in pdf_text(out)[0]
    payload = run("receipt", "qr", number, data_dir=cli_dir).stdout.strip()
    assert payload.startswith("BL1:")
    checked = run("receipt", "verify", payload, "--json", data_dir=cli_dir)
    assert checked.returncode == 0
    result = json.loads(checked.stdout)
    assert {"valid", "reason", "number", "amount"} <= set(result)
    assert result["valid"] is True and result["reason"] == "genuine" and result["number"] == number
    # from standard input, as a scanner script would pipe it
    piped = run("receipt", "verify", "-", "--json", data_dir=cli_dir, input_=payload + "\n")
    assert json.loads(piped.stdout)["valid"] is True
    again = run("receipt", "pdf", number, "-o", str(tmp_path / "again.pdf"), data_dir=cli_dir)
    assert again.returncode == 0 and "BẢN SAO" in pdf_text(tmp_path / "again.pdf")[0]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [("HC1:NCFOXN%TS3DH", "not_receipt"), ("BL1:ABCDEF", "damaged"), ("", "not_receipt")],
)
def test_verify_refuses_with_exit_1(cli_dir, payload, reason):
    done = run("receipt", "verify", payload, "--json", data_dir=cli_dir)
    assert done.returncode == 1
    assert json.loads(done.stdout) == {"valid": False, "reason": reason, "number": None, "amount": None}
    plain = run("receipt", "verify", payload, data_dir=cli_dir)
    assert plain.returncode == 1 and plain.stderr.strip()


def test_unknown_receipt_and_missing_folder(cli_dir, tmp_path):
    done = run("receipt", "pdf", "BI-XX01-2026/0000001", "-o", str(tmp_path / "x.pdf"), data_dir=cli_dir)
    assert done.returncode == 1 and "BI-XX01-2026/0000001" in done.stderr
    number = receipts(cli_dir)[0]["number"]
    done = run("receipt", "pdf", number, "-o", str(tmp_path / "no" / "x.pdf"), data_dir=cli_dir)
    assert done.returncode == 1 and not (tmp_path / "no").exists()
    assert run("receipt", "qr", "nonsense", data_dir=cli_dir).returncode == 1


def test_void_needs_the_leader_pin(cli_dir):
    number = receipts(cli_dir)[-1]["number"]
    leader = _leader_id(cli_dir)

    def void(pin: str):
        args = ("receipt", "void", number, "--reason", "Ghi sai", "--leader", leader)
        return run(*args, data_dir=cli_dir, env=_env(cli_dir, FIELDAPP_PIN=pin))

    wrong = void("0000")
    assert wrong.returncode == 1 and "PIN" in wrong.stderr
    ok = void("1234")
    assert ok.returncode == 0, ok.stderr
    status = {r["number"]: r["status"] for r in receipts(cli_dir)}
    assert status[number] == "void"
    payload = run("receipt", "qr", number, data_dir=cli_dir).stdout.strip()
    done = run("receipt", "verify", payload, "--json", data_dir=cli_dir)
    assert done.returncode == 1 and json.loads(done.stdout)["reason"] == "void"


def test_labels_and_hand_over_list(cli_dir, tmp_path):
    day = receipts(cli_dir)[0]["date"]
    labels = tmp_path / "labels.pdf"
    assert run("receipt", "labels", "--day", day, "-o", str(labels), data_dir=cli_dir).returncode == 0
    handover = tmp_path / "handover.pdf"
    assert run("receipt", "handover", "--day", day, "-o", str(handover), data_dir=cli_dir).returncode == 0
    assert "DANH SÁCH BÀN GIAO" in pdf_text(handover)[0]


def _env(cli_dir, **extra):
    from tests.conftest import cli_env

    return cli_env(cli_dir, **extra)


def _leader_id(cli_dir) -> str:
    from fieldapp.domain.enums import Role
    from fieldapp.paths import DataDir
    from fieldapp.storage import team as team_store
    from fieldapp.storage.store import OpenOptions, Store
    from tests.conftest import PASSPHRASE

    with Store.open(DataDir(cli_dir), OpenOptions(passphrase=PASSPHRASE)) as store:
        team = team_store.current_team(store)
        return next(m.id for m in team_store.members(store, team.id) if m.role is Role.TEAM_LEADER)


def test_labels_and_hand_over_name_each_card_without_a_label(cli_dir, tmp_path):
    """Issue 17, item 7: both commands say, by name, which card or book got no label and why."""
    from datetime import date

    from fieldapp.paths import DataDir
    from fieldapp.storage.receipts import hand_overs
    from fieldapp.storage.store import OpenOptions, Store
    from tests.conftest import PASSPHRASE

    with Store.open(DataDir(cli_dir), OpenOptions(passphrase=PASSPHRASE)) as store:
        days = sorted({r["date"] for r in receipts(cli_dir)})
        day, missing = next(
            (d, names)
            for d in days
            if (names := [i.name for i in hand_overs(store, date.fromisoformat(d)) if not i.si_number and not i.voided])
        )
    for command in ("labels", "handover"):
        done = run("receipt", command, "--day", day, "-o", str(tmp_path / f"{command}.pdf"), data_dir=cli_dir)
        assert done.returncode == 0, done.stderr
        for name in missing:
            assert f"{name}" in done.stdout and "chưa có mã số BHXH" in done.stdout, (command, done.stdout)
