"""A device id belongs to its key (issue 13, point 3): the attacks of the report, replayed with the wire API.

An attacker with an ordinary laptop's token listed the devices, enrolled a fresh code with a victim's id
and got the victim's series and killed its token; a used code still worked for its 7 days, and the
laptop's log held the code. Every test here failed before the fix."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from fieldapp.domain.ids import new_id
from fieldapp.server import admin
from fieldapp.server.settings import ENV_DATABASE_URL
from fieldapp.storage import sync as sync_store
from tests.conftest import cli_env
from tests.security.rogue import Rogue
from tests.server.conftest import ROOT, child_env, create, free_port, person
from tests.sync.conftest import Laptop, fieldapp


def _code(r: httpx.Response) -> tuple[int, str | None]:
    body = r.json()
    return r.status_code, (body.get("detail") or {}).get("code") if isinstance(body, dict) else None


def _still_works(victim: Rogue) -> None:
    assert victim.http.get("/v1/pull").status_code == 200
    p = person(victim.province)
    assert victim.results([create(p)])[0]["status"] == "accepted"


def _listed(world, rogue: Rogue) -> dict:
    return {d["id"]: d for d in rogue.http.get("/v1/devices").json()["devices"]}


def test_a_fresh_code_does_not_take_over_another_laptops_id(world):
    team = world.team()
    victim = Rogue.enrolled(world, team)
    attacker = Rogue.enrolled(world, team)
    assert victim.device_id in _listed(world, attacker)  # the ids are public: the key is what counts
    thief = Rogue(world)
    attempts = [
        thief.enrol(world.code(team), device_id=victim.device_id),  # its own key, its own proof
        thief.enrol(world.code(team), device_id=victim.device_id, proof=False),
        # the victim's public key (published) with a proof the victim's key did not sign
        thief.enrol(world.code(team), device_id=victim.device_id, public_key=victim.public_key),
        thief.enrol(world.code(team), device_id=victim.device_id, public_key=victim.public_key, proof=False),
    ]
    assert [_code(r) for r in attempts] == [(409, "device_taken")] * 4
    _still_works(victim)
    listed = _listed(world, attacker)[victim.device_id]
    assert (listed["public_key"], listed["number"]) == (victim.public_key, victim.number)


def test_a_used_code_does_not_enrol_another_key(world):
    team = world.team()
    code = world.code(team)
    victim = Rogue(world)
    assert victim.enrol(code).status_code == 201
    thief = Rogue(world)
    assert _code(thief.enrol(code, device_id=victim.device_id)) == (409, "device_taken")
    assert _code(thief.enrol(code, device_id=victim.device_id, public_key=victim.public_key)) == (409, "device_taken")
    assert _code(thief.enrol(code)) == (409, "code_used")
    _still_works(victim)


def test_a_retry_by_the_same_key_is_answered_again(world):
    team = world.team()
    code = world.code(team)
    laptop = Rogue(world)
    first = laptop.enrol(code)
    old_token, number = laptop.token, laptop.number
    again = laptop.enrol(code)  # the first answer was lost: the same code, id and key, signed again
    assert (first.status_code, again.status_code) == (201, 201)
    assert laptop.number == number and laptop.token != old_token
    assert world.client(old_token).get("/v1/counts").status_code == 401
    _still_works(laptop)


def test_enrolling_again_with_proof_keeps_the_id_and_its_number(world):
    first_team = world.team()
    other_team = world.team(province=first_team["province_code"])
    laptop = Rogue.enrolled(world, first_team)
    old_token, number = laptop.token, laptop.number
    moved = laptop.enrol(world.code(other_team))  # the same laptop moved to another team, its key signing
    assert moved.status_code == 201, moved.text
    assert moved.json()["team"]["id"] == other_team["id"] and laptop.number == number
    assert world.client(old_token).get("/v1/counts").status_code == 401
    _still_works(laptop)


def test_a_public_key_belongs_to_one_device(world):
    team = world.team()
    victim = Rogue.enrolled(world, team)
    thief = Rogue(world)
    r = thief.enrol(world.code(team), public_key=victim.public_key, proof=False)
    assert _code(r) == (409, "key_taken")


def test_a_proof_needs_a_challenge_the_server_gave(world):
    team = world.team()
    laptop = Rogue.enrolled(world, team)
    made_up = laptop.enrol(world.code(team), challenge="v1.1700000000.00112233445566778899aabbccddeeff.00")
    assert _code(made_up) == (401, "challenge_expired")
    stranger = Rogue(world)  # a new device sending a proof its key did not sign
    r = stranger.enrol(world.code(team), signer=laptop.key)
    assert _code(r) == (401, "proof_invalid")


def test_the_devices_list_gives_other_provinces_only_what_verifying_needs(world):
    here = Rogue.enrolled(world, world.team())
    neighbour = Rogue.enrolled(world, world.team(province=here.province))
    far = Rogue.enrolled(world, world.team())  # another province
    assert far.province != here.province
    listed = _listed(world, here)
    # its receipt books are what verifying needs too: who may sign which numbers (docs/sync-api.md, "Receipts")
    assert set(listed[far.device_id]) == {"id", "key_id", "public_key", "number", "revoked_at", "blocks"}
    assert listed[far.device_id]["public_key"] == far.public_key and listed[far.device_id]["number"] == far.number
    assert listed[far.device_id]["blocks"] == far.blocks
    mine = listed[neighbour.device_id]  # the province's own devices keep their names
    assert mine["name"] == "Máy lạ" and mine["team_id"] == neighbour.team["id"] and mine["enrolled_at"]


def _forms(code: str) -> set[str]:
    plain = code.replace("-", "")
    return {code, plain, code.lower(), plain.lower()}


@pytest.mark.timeout(120)
def test_codes_and_tokens_never_reach_a_log(world, tmp_path):
    """`fieldapp enrol --code C` then `fieldapp sync` on a laptop, and a refused takeover: neither the
    code nor the token is in the laptop's log file or the server's."""
    team = world.team()
    data = tmp_path / "laptop"
    code = world.code(team)
    env = cli_env(data)
    done = fieldapp("enrol", "--server", world.server.base, "--code", code, "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert fieldapp("sync", env=env).returncode == 0
    laptop = Laptop(data)
    try:
        token = sync_store.settings(laptop.store).token
        device_id = laptop.device_id
    finally:
        laptop.close()
    assert token
    Rogue(world).enrol(code, device_id=device_id)  # refused, and logged as refused
    logs = "".join(p.read_text(errors="replace") for p in (data / "logs").glob("fieldapp.log*"))
    assert "enrol" in logs  # the command is logged, its code is not
    server_log = world.server.log.read_text(errors="replace")
    for text in (logs, server_log):
        assert not any(form in text for form in _forms(code))
        assert token not in text


@pytest.mark.timeout(120)
def test_uvicorns_access_log_carries_no_code_or_token(world, tmp_path):
    """Tokens travel in a header and codes in a body: the access log, where IT turns it on, has neither."""
    if world.server.backend != "sqlite":
        pytest.skip("about uvicorn's log, not the database")
    url = f"sqlite:///{tmp_path / 'server.db'}"
    admin.open_store(url).close()
    store = admin.open_store(url)
    try:
        team = admin.add_team(store, "Tổ nhật ký", "33")
        code = admin.enrol_code(store, team=team["id"], province=None)[0]
    finally:
        store.close()
    port = free_port()
    out = tmp_path / "uvicorn.log"
    env = {**child_env(), ENV_DATABASE_URL: url}
    argv = [sys.executable, "-m", "uvicorn", "--factory", "fieldapp.server.app:app_from_env", "--port", str(port),
            "--log-level", "info", "--access-log"]  # fmt: skip
    with out.open("wb") as sink:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.05)
        body = {"code": code, "device_id": new_id(), "name": "L", "public_key": os.urandom(32).hex()}
        r = httpx.post(f"{base}/v1/enrol", json=body)
        assert r.status_code == 201, r.text
        token = r.json()["token"]
        assert httpx.get(f"{base}/v1/pull", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert httpx.post(f"{base}/v1/enrol", json=body).status_code == 409  # the same id, no proof
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    text = out.read_text(errors="replace")
    assert "POST /v1/enrol" in text and "GET /v1/pull" in text  # the access log was on
    assert not any(form in text for form in _forms(code)) and token not in text


def test_a_challenge_is_good_for_ten_minutes_of_the_servers_clock_and_only_as_made():
    from fieldapp.server import enrolment

    key = os.urandom(32)
    text, expires = enrolment.make(key, now=1_000_000)
    assert expires == 1_000_000 + enrolment.LIFETIME
    assert enrolment.fresh(key, text, now=1_000_000 + enrolment.LIFETIME)
    assert not enrolment.fresh(key, text, now=1_000_000 + enrolment.LIFETIME + 1)
    assert not enrolment.fresh(key, text, now=1_000_000 - enrolment.AHEAD - 1)  # made "in the future"
    assert not enrolment.fresh(os.urandom(32), text, now=1_000_000)  # another server's secret
    version, issued, nonce, mac = text.split(".")
    assert not enrolment.fresh(key, f"{version}.{int(issued) + 600}.{nonce}.{mac}", now=1_000_000)  # moved on
    assert not enrolment.fresh(key, "v1.1000000.00.00", now=1_000_000)


def test_the_laptop_enrols_again_with_its_key_and_is_refused_with_another(world, laptops):
    from fieldapp.errors import InputRefused
    from fieldapp.storage import receipts as receipt_store
    from fieldapp.sync import enrol
    from tests.sync.conftest import FAST_RETRY

    first = world.team()
    laptop = laptops(world, "moved", first)
    other = world.team(province=first["province_code"])
    done = enrol(laptop.store, world.server.base, world.code(other), retry=FAST_RETRY)  # fieldapp enrol, again
    assert done.team_id == other["id"]
    assert laptop.sync().rejected == 0
    with laptop.store.transaction() as conn:  # a store whose key is not the one the server has for its id
        conn.execute("DELETE FROM meta WHERE key = 'device_signing_key'")
        conn.execute("UPDATE devices SET key_id = NULL, public_key = NULL WHERE id = ?", (laptop.device_id,))
        assert receipt_store.signing_key_hex(conn) is None
    with pytest.raises(InputRefused) as refused:
        enrol(laptop.store, world.server.base, world.code(other), retry=FAST_RETRY)
    assert refused.value.code == "sync.device_taken"
