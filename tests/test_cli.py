"""The `fieldapp` command as provincial IT scripts it: names, flags, exit codes, JSON keys (cli.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp import __version__
from fieldapp.i18n import t
from tests.conftest import PASSPHRASE, cli_env


def run(*args: str, env: dict | None = None, data_dir=None, input_: str | None = None) -> subprocess.CompletedProcess:
    env = env if env is not None else cli_env(data_dir)
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        input=input_,
        check=False,
    )
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    return done


@pytest.fixture(scope="module")
def demo_cli_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli") / "data"
    done = run("demo-data", "--persons", "300", "--days", "2", "--seed", "3", "--end-date", "2026-07-15", data_dir=root)
    assert done.returncode == 0, done.stderr
    assert "1234" in done.stdout  # the demo PIN is told
    return root


def test_version():
    done = run("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"fieldapp {__version__}"


def test_help_lists_the_contract():
    done = run("--help")
    assert done.returncode == 0
    for command in (
        "gui",
        "demo-data",
        "import",
        "people",
        "quote",
        "receipt",
        "export",
        "enrol",
        "sync",
        "backup",
        "restore",
        "stats",
        "check",
        "server",
    ):
        assert command in done.stdout
    assert "Mã thoát" in done.stdout  # Vietnamese by default
    assert "Exit codes" in run("--lang", "en", "--help").stdout
    for sub, words in (
        ("receipt", ("list", "pdf", "qr", "verify")),
        ("server", ("run", "team", "enrol-code", "device", "stats", "report")),
        ("quote", ("vsi", "hi")),
        ("import", ("people",)),
        ("export", ("tallies",)),
    ):
        out = run(sub, "--help").stdout
        assert all(w in out for w in words), (sub, out)


def test_usage_errors_exit_2():
    done = run("quote", "vsi", "--months", "12")
    assert done.returncode == 2
    assert "thiếu tham số bắt buộc: --income" in done.stderr
    assert "required: --income" in run("--lang", "en", "quote", "vsi", "--months", "12").stderr
    assert run("no-such-command").returncode == 2
    assert run("quote", "vsi", "--income", "x", "--months", "12").returncode == 2
    assert run("backup").returncode == 2


def test_stats_on_a_fresh_empty_data_dir(tmp_path):
    done = run("stats", "--json", data_dir=tmp_path / "fresh")
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)["counts"]
    assert counts["persons"] == 0 and counts["receipts"] == 0


def test_no_keyring_and_no_passphrase_exits_3(tmp_path):
    env = cli_env(tmp_path / "d")
    env.pop("FIELDAPP_PASSPHRASE")
    done = run("stats", "--json", env=env)
    assert done.returncode == 3
    assert "FIELDAPP_PASSPHRASE" in done.stderr
    assert not (tmp_path / "d" / "fieldapp.db").exists()


def test_wrong_passphrase_exits_3(demo_cli_dir):
    done = run("stats", env=cli_env(demo_cli_dir, FIELDAPP_PASSPHRASE="wrong passphrase"))
    assert done.returncode == 3
    assert "Mật khẩu không đúng" in done.stderr
    done = run("--lang", "en", "stats", env=cli_env(demo_cli_dir, FIELDAPP_PASSPHRASE="wrong passphrase"))
    assert "Wrong passphrase" in done.stderr


def test_demo_stats_check_and_receipts(demo_cli_dir):
    counts = json.loads(run("stats", "--json", data_dir=demo_cli_dir).stdout)["counts"]
    for key in ("persons", "households", "consultations", "enrolments", "receipts"):
        assert counts[key] > 0, key
    assert counts["persons"] == 300
    check = run("check", "--json", data_dir=demo_cli_dir)
    assert check.returncode == 0 and json.loads(check.stdout) == {"ok": True, "problems": []}
    listed = run("receipt", "list", "--json", data_dir=demo_cli_dir)
    receipts = json.loads(listed.stdout)["receipts"]
    assert len(receipts) == counts["receipts"]
    assert set(receipts[0]) == {"number", "date", "amount", "payer", "status"}
    assert isinstance(receipts[0]["amount"], int)
    assert "\\u" not in listed.stdout  # UTF-8, not ASCII-escaped
    day = receipts[0]["date"]
    by_day = json.loads(run("receipt", "list", "--day", day, "--json", data_dir=demo_cli_dir).stdout)["receipts"]
    assert by_day and all(r["date"] == day for r in by_day)


def test_people_search_contract(demo_cli_dir):
    from fieldapp.domain.text import fold

    done = run("people", "search", "nguyen", "--limit", "5", "--json", data_dir=demo_cli_dir)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)["results"]
    assert 0 < len(results) <= 5
    for key in ("id", "name", "birth_date", "birth_year", "citizen_id", "si_number", "phone", "commune", "hamlet"):
        assert key in results[0]
    assert all(r["birth_year"] == int(r["birth_date"][:4]) for r in results if r["birth_date"])
    assert all("nguyen" in fold(r["name"]).split() for r in results)
    assert any(ch in results[0]["name"] for ch in "ễ")  # as stored, with diacritics
    cid = next(r["citizen_id"] for r in results if r["citizen_id"])
    found = json.loads(run("people", "search", cid, "--json", data_dir=demo_cli_dir).stdout)["results"]
    assert [r["citizen_id"] for r in found] == [cid]
    assert run("people", "search", "x", "--limit", "0", data_dir=demo_cli_dir).returncode == 1


def test_import_people_contract(tmp_path):
    data = tmp_path / "d"
    assert run("demo-data", "--persons", "20", "--days", "1", data_dir=data).returncode == 0
    path = tmp_path / "list.csv"
    path.write_text(
        "Họ và tên,Ngày sinh,Xã\nPhạm Văn Tuấn,04/04/1977,Xã Xuân Trúc\nSai 2,,Xuân Trúc\n", encoding="utf-8-sig"
    )
    done = run("import", "people", str(path), "--dry-run", "--json", data_dir=data)
    out = json.loads(done.stdout)
    assert done.returncode == 0 and (out["imported"], out["rejected"]) == (1, 1)
    done = run("import", "people", str(path), "--province", "33", "--json", data_dir=data)
    out = json.loads(done.stdout)
    assert {"imported", "duplicates", "rejected", "errors_file"} <= set(out)
    assert (out["imported"], out["duplicates"], out["rejected"]) == (1, 0, 1)
    assert Path(out["errors_file"]).read_text(encoding="utf-8-sig").count("\n") == 2
    again = run("import", "people", str(path), data_dir=data)
    assert again.returncode == 1 and "đã được nhập" in again.stderr
    garbage = tmp_path / "x.csv"
    garbage.write_bytes(os.urandom(2000))
    assert run("import", "people", str(garbage), data_dir=data).returncode == 1


def test_people_search_gives_the_year_when_only_the_year_is_known(tmp_path):
    data = tmp_path / "d"
    assert run("demo-data", "--persons", "20", "--days", "1", data_dir=data).returncode == 0
    path = tmp_path / "list.csv"
    path.write_text("Họ và tên,Năm sinh,Xã\nLò Văn Pả,1965,Xã Xuân Trúc\n", encoding="utf-8-sig")
    assert run("import", "people", str(path), "--province", "33", data_dir=data).returncode == 0
    found = json.loads(run("people", "search", "lo van pa", "--json", data_dir=data).stdout)["results"]
    assert [(r["name"], r["birth_date"], r["birth_year"]) for r in found] == [("Lò Văn Pả", None, 1965)]


def test_backup_and_restore(demo_cli_dir, tmp_path):
    target = tmp_path / "b.db"
    done = run("backup", "-o", str(target), data_dir=demo_cli_dir)
    assert done.returncode == 0 and target.exists()
    assert run("backup", "-o", str(target), data_dir=demo_cli_dir).returncode == 1  # never overwrites
    done = run("restore", str(target), data_dir=demo_cli_dir)
    assert done.returncode == 0, done.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(10_000))
    done = run("restore", str(garbage), data_dir=demo_cli_dir)
    assert done.returncode == 1 and done.stderr.strip()


def test_quote_contract():
    done = run("quote", "hi", "--members", "3", "--months", "12", "--date", "2026-06-30", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["total"] == 2_906_280
    assert [m["amount"] for m in out["members"]] == [1_263_600, 884_520, 758_160]
    assert {"monthly", "amount"} <= set(out["members"][0])
    assert out["rules"] and {"id", "basis"} <= set(out["rules"][0])
    done = run(
        "quote", "vsi", "--income", "1500000", "--months", "12", "--group", "poor", "--date", "2026-01-10", "--json"
    )
    out = json.loads(done.stdout)
    for key in ("total", "monthly_contribution", "state_support_monthly", "local_support_monthly", "rules"):
        assert key in out
    assert out["monthly_contribution"] == 330_000
    assert out["state_support_monthly"] == 165_000
    assert out["total"] == (330_000 - 165_000) * 12


def test_quote_prices_through_the_products_registry(tmp_path, capsys):
    """`quote vsi` and `quote hi` name a product of fieldapp/domain/products.py, which prices them as the
    enrolment does (issue 16: one place for a product)."""
    from dataclasses import replace

    from fieldapp.cli import main
    from fieldapp.domain import products
    from fieldapp.domain.enums import SupportGroup

    asked = []
    try:
        for kind in ("vsi", "household_hi"):
            built_in = products.get(kind)
            products.register(
                replace(built_in, quote=lambda rules, order, p=built_in: asked.append(order) or p.quote(rules, order))
            )
        vsi = ["quote", "vsi", "--income", "1500000", "--months", "12", "--group", "poor", "--date", "2026-01-10"]
        assert main(["--data-dir", str(tmp_path / "d"), *vsi, "--json"]) == 0
        assert main(["--data-dir", str(tmp_path / "d"), "quote", "hi", "--members", "3", "--months", "12"]) == 0
    finally:
        for built_in in products.BUILT_IN:
            products.register(built_in)
    assert json.loads(capsys.readouterr().out.splitlines()[0])["total"] == (330_000 - 165_000) * 12
    assert [(o.income, o.group, o.months) for o in asked[:1]] == [(1_500_000, SupportGroup.POOR, 12)]
    assert asked[1].members == 3


def test_quote_refusal_exits_1_with_the_bounds():
    done = run("quote", "vsi", "--income", "1000000", "--months", "12", "--date", "2026-01-10")
    assert done.returncode == 1
    assert "1.500.000" in done.stderr and "46.800.000" in done.stderr
    done = run("--lang", "en", "quote", "vsi", "--income", "1000000", "--months", "12", "--date", "2026-01-10")
    assert "1,500,000" in done.stderr
    done = run("quote", "hi", "--members", "2", "--months", "12", "--date", "2010-01-01")
    assert done.returncode == 1


def test_newer_database_exits_3_and_check_says_so_in_json(tmp_path):
    from fieldapp.paths import DataDir
    from fieldapp.storage.store import OpenOptions, Store

    dd = DataDir(tmp_path / "d")
    with Store.open(dd, OpenOptions(passphrase=PASSPHRASE)) as store, store.lock:
        store._conn.execute("PRAGMA user_version = 42")
    done = run("stats", data_dir=dd.root)
    assert done.returncode == 3 and "42" in done.stderr
    done = run("check", "--json", data_dir=dd.root)
    assert done.returncode == 3
    out = json.loads(done.stdout)
    assert out["ok"] is False and out["problems"]


def test_read_only_data_dir_exits_3(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions; tests/storage covers a read-only mount")
    root = tmp_path / "ro"
    root.mkdir()
    run("stats", data_dir=root / "d")
    (root / "d").chmod(0o500)
    try:
        assert run("stats", data_dir=root / "d").returncode == 3
    finally:
        (root / "d").chmod(0o700)


def test_unexpected_errors_go_to_the_log_not_the_terminal(tmp_path, monkeypatch, capsys):
    from fieldapp import cli
    from fieldapp.cli import data

    def boom(ctx):
        raise RuntimeError("a bug")

    monkeypatch.setattr(data, "cmd_stats", boom)
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", PASSPHRASE)
    code = cli.main(["--data-dir", str(tmp_path / "d"), "stats"])
    err = capsys.readouterr().err
    assert code == 4
    assert "Traceback" not in err and "fieldapp.log" in err
    log_text = (tmp_path / "d" / "logs" / "fieldapp.log").read_text(encoding="utf-8")
    assert "Traceback" in log_text and "a bug" in log_text


def test_self_test_passes():
    done = run("--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    for part in ("resources", "sqlcipher", "key_wrapping", "keyring", "modules", "qt_libraries", "qt"):
        assert f"[ĐẠT] {t(f'selftest.{part}', 'vi')}:" in done.stdout


def test_self_test_details_speak_the_members_language():
    """What each part found reads in the member's language too, not only its name and outcome (issue 18,
    item 13): Vietnamese by default, English with --lang en."""
    vi = run("--self-test").stdout
    assert "34 tỉnh, 3.321 xã, phường" in vi and "nạp được" in vi and "đủ mọi chữ tiếng Việt" in vi
    for english in ("provinces", "modules of fieldapp", "every Vietnamese glyph", "made and read back", "platform"):
        assert english not in vi, vi
    en = run("--lang", "en", "--self-test").stdout
    assert "34 provinces, 3,321 communes" in en and "modules of fieldapp and its window import" in en
    assert "tỉnh" not in en and "[OK] The window (Qt): platform " in en


def test_a_failing_part_says_what_it_found_in_the_members_language(monkeypatch):
    from fieldapp import selftest

    def broken():
        raise selftest.Failed("fonts_missing", font="NotoSans", glyphs="Ữ")

    def crashed():
        raise OSError("libfoo.so: cannot open shared object file")

    monkeypatch.setattr(selftest, "CHECKS", (("fonts", broken), ("printing", crashed)))
    assert list(selftest.run_self_test("vi")) == [
        ("fonts", False, "NotoSans thiếu các chữ Ữ"),
        ("printing", False, "lỗi không lường trước: OSError: libfoo.so: cannot open shared object file"),
    ]
    assert next(d for _n, _ok, d in selftest.run_self_test("en")) == "NotoSans lacks Ữ"


def test_a_day_without_receipts_is_named_not_called_today(demo_cli_dir, tmp_path):
    done = run("receipt", "pdf", "--day", "2001-02-03", "-o", str(tmp_path / "x.pdf"), data_dir=demo_cli_dir)
    assert done.returncode == 1
    assert "03/02/2001" in done.stderr and "Hôm nay" not in done.stderr


def test_text_output_speaks_the_members_language(demo_cli_dir):
    """stats, receipt list and quote printed English keys in the Vietnamese CLI (issue 18, item 13)."""
    stats = run("stats", data_dir=demo_cli_dir).stdout
    assert "Người trong danh sách" in stats and "persons" not in stats
    listed = run("receipt", "list", data_dir=demo_cli_dir).stdout
    assert "còn hiệu lực" in listed and " valid " not in listed
    quoted = run("quote", "hi", "--members", "2", "--months", "12", "--date", "2026-06-30").stdout
    assert "Tổng phải đóng:" in quoted and "Ngày đóng: 30/06/2026" in quoted and "total" not in quoted
    english = run("--lang", "en", "quote", "hi", "--members", "2", "--months", "12", "--date", "2026-06-30").stdout
    assert "Total to pay:" in english


def test_a_closed_pipe_is_not_an_error(demo_cli_dir):
    done = subprocess.run(
        f"{sys.executable} -m fieldapp receipt list | head -1",
        shell=True,
        env=cli_env(demo_cli_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.count("\n") == 1
    assert "lỗi" not in done.stderr and "Traceback" not in done.stderr
