"""Rule files on the server (issue 14): `fieldapp server rules add|list`, GET /v1/rules signed with the
server's sign key, a file for one province only reaching its laptops, and no way for a laptop to add one."""

from __future__ import annotations

import json
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldapp.domain import premiums, rulefile, ruleformat
from fieldapp.domain.rulefile import RulesRefused
from tests.domain.test_rulefile import NATIONAL, PROVINCE
from tests.server.conftest import Server, World, create, person
from tests.server.test_cli import run_cli

TODAY = date(2026, 12, 20)
# A province file of Hưng Yên issued before any day these tests run on (the CLI checks `issued` on today).
HUNG_YEN = PROVINCE.replace("issued = 2026-12-10", "issued = 2026-12-01")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server-rules")
    srv = Server(f"sqlite:///{tmp / 'server.db'}", tmp / "data").start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def world(server):
    w = World(server)
    yield w
    w.close()


@pytest.fixture(autouse=True)
def _the_shipped_rules_again():
    yield
    premiums.activate([])


def _write(tmp_path, text: str, name: str = "rules.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _add(world, text: str, today: date = TODAY) -> dict:
    from fieldapp.server import rules

    store = world.store()
    try:
        return rules.add(store, text.encode(), today)
    finally:
        store.close()


def test_add_and_list_from_the_command_line(world, tmp_path) -> None:
    path = _write(tmp_path, HUNG_YEN)
    done = run_cli(world.server, "server", "rules", "add", str(path), "--json")
    assert done.returncode == 0, done.stderr
    added = json.loads(done.stdout)["file"]
    assert {"sha256", "kind", "province", "version", "issued", "entries", "added_at", "added"} <= set(added)
    assert (added["kind"], added["province"], added["version"], added["added"]) == ("province", "33", "2027.1", True)
    again = run_cli(world.server, "server", "rules", "add", str(path))
    assert again.returncode == 0 and "đã có trên máy chủ" in again.stdout
    listed = json.loads(run_cli(world.server, "server", "rules", "list", "--json").stdout)["files"]
    assert [f["sha256"] for f in listed].count(added["sha256"]) == 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_bad_file_is_refused_with_each_line_and_nothing_is_stored(world, tmp_path, lang: str) -> None:
    bad = HUNG_YEN.replace("monthly = 50_000", "monthly = -50_000").replace(
        'basis = "Nghị quyết 12/2026/NQ-HĐND tỉnh Hưng Yên (ví dụ)"\n', ""
    )
    before = run_cli(world.server, "server", "rules", "list", "--json").stdout
    done = run_cli(world.server, "server", "rules", "add", str(_write(tmp_path, bad)), lang=lang)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    word = "dòng" if lang == "vi" else "line"
    monthly = bad.splitlines().index("monthly = -50_000") + 1
    assert f"{word} {monthly}: " in done.stderr
    assert ("căn cứ pháp lý" if lang == "vi" else "legal basis") in done.stderr
    assert run_cli(world.server, "server", "rules", "list", "--json").stdout == before


def test_a_province_cannot_change_a_confirmed_rule_from_the_command_line(world, tmp_path) -> None:
    change = HUNG_YEN + (
        '\n[[vsi.poverty_line]]\nid = "vsi.poverty_line.2027-01"\nfrom = 2027-01-01\namount = 1_800_000\n'
        'basis = "Quyết định của UBND tỉnh (ví dụ)"\n'
    )
    done = run_cli(world.server, "server", "rules", "add", str(_write(tmp_path, change)), lang="en")
    assert done.returncode == 1
    assert "vsi.poverty_line.2027-01 is confirmed national law" in done.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"x" * (rulefile.MAX_BYTES + 10),  # huge
        b"a = " + b"[" * 100_000 + b"]" * 100_000,  # a TOML bomb that is too big as well
        b"a = " + b"[" * 40_000 + b"]" * 40_000,  # nested beyond any parser's stack, under the size limit
        "\ufeff[file]\nformat = 1".encode("utf-16"),
        b"\x00\x01\x02",
    ],
)
def test_hostile_files_are_refused_cleanly(world, tmp_path, content: bytes) -> None:
    path = tmp_path / "bomb.toml"
    path.write_bytes(content)
    done = run_cli(world.server, "server", "rules", "add", str(path), lang="en")
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr and "was not added" in done.stderr


def test_a_missing_file_is_named(world, tmp_path) -> None:
    done = run_cli(world.server, "server", "rules", "add", str(tmp_path / "none.toml"), lang="en")
    assert done.returncode == 1 and "none.toml" in done.stderr and "Traceback" not in done.stderr


def test_laptops_get_the_files_of_their_province_signed_by_the_servers_key(world) -> None:
    national = _add(world, NATIONAL)
    local = _add(world, PROVINCE.replace("2027.1", "2027.9"))
    assert national["added"] and local["added"]
    hung_yen, ha_noi = world.laptop(province="33"), world.laptop(province="01")
    sign = hung_yen.http.get("/v1/bundle-keys").json()
    files = hung_yen.http.get("/v1/rules").json()["files"]
    shas = {f["sha256"] for f in files}
    assert {national["sha256"], local["sha256"]} <= shas
    public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(sign["sign"]))
    for f in files:
        assert f["key_id"] == sign["sign_key_id"]
        public.verify(bytes.fromhex(f["signature"]), ruleformat.signed_message(f["body"].encode()))
    others = {f["sha256"] for f in ha_noi.http.get("/v1/rules").json()["files"]}
    assert national["sha256"] in others and local["sha256"] not in others
    # an older national file than the one the server holds is refused: nothing of it stored
    with pytest.raises(RulesRefused) as refused:
        _add(world, NATIONAL.replace("2027.2", "2027.1b").replace("2026-12-15", "2026-12-14"))
    assert [p.code for p in refused.value.problems] == ["rules.national_older"]


def test_a_laptop_cannot_add_a_rule_file(world) -> None:
    laptop = world.laptop(province="33")
    body = {"files": [{"body": NATIONAL, "signature": "00" * 64, "key_id": "0" * 16}]}
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = laptop.http.request(method, "/v1/rules", json=body)
        assert r.status_code == 405, (method, r.text)
    before = laptop.http.get("/v1/rules").json()
    op = create(person("33"))
    op["entity"], op["payload"] = "rule_files", {"body": NATIONAL}  # a kind no laptop may push
    (answer,) = laptop.results([op])
    assert answer["status"] == "rejected"
    assert laptop.http.get("/v1/rules").json() == before
    assert world.client().get("/v1/rules").status_code == 401  # no token, nothing


def test_the_server_reads_files_another_process_added_within_a_minute(world) -> None:
    from fieldapp.server import rules

    store = world.store()
    try:
        clock = iter([0.0, 10.0, 61.0]).__next__
        rules.refresh(store, clock=clock)  # at 0 s: what is stored now
        _add(world, PROVINCE.replace("2027.1", "2027.5").replace("50_000", "60_000"))
        premiums.activate([])  # as another process: this one has not seen the file
        rules.refresh(store, clock=clock)  # 10 s later: not read again
        assert "33:2027.5" not in premiums.default_rules().version
        rules.refresh(store, clock=clock)  # a minute later: read again
        assert "33:2027.5" in premiums.default_rules().version
    finally:
        store.close()
