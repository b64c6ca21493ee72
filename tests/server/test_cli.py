"""The `fieldapp server ...` commands of cli.md: flags, JSON keys, exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fieldapp.protocol.entities import COUNTED_TABLES
from tests.server.conftest import ROOT, Server, child_env, create, person


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The commands run the same store code on both databases: SQLite alone here keeps this file quick."""
    tmp = tmp_path_factory.mktemp("server-cli")
    srv = Server(f"sqlite:///{tmp / 'server.db'}", tmp / "data").start()
    try:
        yield srv
    finally:
        srv.stop()


def run_cli(server, *args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "fieldapp", "--data-dir", str(server.data_dir)]
    if lang:
        argv += ["--lang", lang]
    argv += [*args]
    if args and args[0] == "server":
        argv += ["--database-url", server.url]
    return subprocess.run(argv, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60, check=False)


def test_team_code_devices_and_stats(world, tmp_path):
    srv = world.server
    done = run_cli(srv, "server", "team", "add", "Tổ Văn Lâm", "--province", "33")
    assert done.returncode == 0, done.stderr
    assert "Đã tạo tổ" in done.stdout  # Vietnamese by default
    again = run_cli(srv, "server", "team", "add", "Tổ Văn Lâm", "--province", "33")
    assert again.returncode == 1 and "Traceback" not in again.stderr and "Đã có" in again.stderr
    png = tmp_path / "code.png"
    done = run_cli(srv, "server", "enrol-code", "--team", "Tổ Văn Lâm", "--qr", str(png), "--json")
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["code"]
    import zxingcpp
    from PIL import Image

    assert zxingcpp.read_barcodes(Image.open(png))[0].text == code
    r = world.client().post("/v1/enrol", json={"code": code, "device_id": "laptop-cli-1", "name": "Máy 1"})
    assert r.status_code == 201
    assert r.json()["team"]["organisation"] == ""  # no issuer named: the laptop's profile must name one
    listed = json.loads(run_cli(srv, "server", "device", "list", "--json").stdout)["devices"]
    (mine,) = [d for d in listed if d["id"] == "laptop-cli-1"]
    assert {"id", "team", "enrolled_at", "last_seen", "revoked"} <= set(mine)
    assert mine["team"] == "Tổ Văn Lâm" and mine["revoked"] is False
    laptop = world.laptop()
    laptop.results([create(person(laptop.province)) for _ in range(3)])
    counts = json.loads(run_cli(srv, "server", "stats", "--json").stdout)["counts"]
    assert set(COUNTED_TABLES) <= set(counts)
    assert counts["persons"] >= 3


def test_refusals_and_usage_errors(world):
    srv = world.server
    unknown = run_cli(srv, "server", "enrol-code", "--team", "Không có", lang="en")
    assert unknown.returncode == 1 and "no team named" in unknown.stderr
    assert run_cli(srv, "server", "device", "revoke", "nope").returncode == 1
    assert run_cli(srv, "server", "enrol-code").returncode == 2
    assert run_cli(srv, "server", "run", "--certfile", "x.pem").returncode == 2


@pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:1/none", "mysql://x@y/z"])
def test_a_database_that_cannot_be_used_exits_3(tmp_path, url):
    argv = [sys.executable, "-m", "fieldapp", "--data-dir", str(tmp_path), "server", "stats", "--database-url", url]
    done = subprocess.run(argv, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and "cơ sở dữ liệu" in done.stderr


def test_the_default_database_is_in_the_data_dir(tmp_path):
    argv = [sys.executable, "-m", "fieldapp", "--data-dir", str(tmp_path), "server", "stats", "--json"]
    done = subprocess.run(argv, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "server" / "server.db").exists()


def test_a_port_in_use_is_said_plainly(world):
    done = run_cli(world.server, "server", "run", "--port", str(world.server.port))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Không mở được cổng" in done.stderr


def test_a_team_names_who_issues_its_receipts(world):
    """`--organisation` reaches the laptops in the team record at enrolment (storage.issuer reads it)."""
    srv = world.server
    done = run_cli(
        srv, "server", "team", "add", "Tổ Như Quỳnh", "--province", "33", "--organisation", " Bưu điện  tỉnh Hưng Yên "
    )
    assert done.returncode == 0, done.stderr
    code = json.loads(run_cli(srv, "server", "enrol-code", "--team", "Tổ Như Quỳnh", "--json").stdout)["code"]
    r = world.client().post("/v1/enrol", json={"code": code, "device_id": "laptop-cli-2", "name": "Máy 2"})
    assert r.status_code == 201 and r.json()["team"]["organisation"] == "Bưu điện tỉnh Hưng Yên"
    long = run_cli(srv, "server", "team", "add", "Tổ dài", "--province", "33", "--organisation", "B" * 301, lang="en")
    assert long.returncode == 1 and "longer than 300" in long.stderr and "Traceback" not in long.stderr
