"""The server's bundle import and answer against a real server process, on SQLite and PostgreSQL: a
bundle's ops get the answers an online push of the same ops gets, because they go through the same code."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain.admin_units import communes_of, provinces
from fieldapp.domain.ids import new_id
from fieldapp.protocol.bundle import DOWN, UP, BundleRefused, key_id, raw_private, raw_public, reply_key, seal, unseal
from fieldapp.server import bundle as server_bundle
from fieldapp.server.store import utcnow
from tests.server.conftest import create, person


class Device:
    """An enrolled laptop with a real Ed25519 key, making bundles as fieldapp/sync/bundle.py does."""

    def __init__(self, world, team: dict) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.device_id = new_id()
        public = raw_public(self.key)
        r = world.client().post(
            "/v1/enrol",
            json={"code": world.code(team), "device_id": self.device_id, "name": "Máy tổ", "public_key": public.hex(),
                  "key_id": key_id(public)},
        )  # fmt: skip
        assert r.status_code == 201, r.text
        body = r.json()
        self.keys = body["bundle_keys"]
        self.team = body["team"]
        self.province = body["province_code"]
        self.http = world.client(body["token"])
        self.seq = 0

    def bundle(self, ops: list[dict], cursor: int = 0, seq: int | None = None) -> bytes:
        self.seq = seq if seq is not None else self.seq + 1
        bundle_id = new_id()
        body = {"bundle_id": bundle_id, "device_id": self.device_id, "seq": self.seq, "ops": ops, "cursor": cursor,
                "reply_key": raw_public(self.reply).hex()}  # fmt: skip
        return seal(
            body, kind=UP, device_id=self.device_id, bundle_id=bundle_id, seq=self.seq, created_at=utcnow(),
            recipient=bytes.fromhex(self.keys["box"]), signer=self.key,
        )  # fmt: skip

    @property
    def reply(self):
        return reply_key(raw_private(self.key))

    def open_answer(self, data: bytes) -> dict:
        _header, body = unseal(data, kind=DOWN, box=self.reply, signer_public=bytes.fromhex(self.keys["sign"]))
        return body


@pytest.fixture
def store(world):
    s = world.store()
    yield s
    s.close()


def test_a_bundle_is_answered_as_an_online_push_and_the_answer_carries_the_feed(world, store):
    team = world.team()
    laptop = Device(world, team)
    province = laptop.province
    other = next(p for p in sorted(provinces()) if p != province)
    online = create(person(province, "Trần Văn Mạng"))
    assert laptop.http.post("/v1/push", json={"ops": [online]}).json()["results"][0]["status"] == "accepted"
    fresh = create(person(province, "Lê Thị Núi"))
    reused = {**create(person(province, "Khác Nội Dung")), "op_id": fresh["op_id"]}
    foreign = create(person(other, "Ngoài Tỉnh", commune_code=communes_of(other)[0].code))
    broken = {**create(person(province)), "base_version": "one"}  # the request model refuses it: 422 online
    ops = [online, fresh, reused, foreign, broken]
    done = server_bundle.import_bundle(store, laptop.bundle(ops))
    assert (done.ops, done.accepted, done.duplicates, done.conflicts, done.rejected) == (5, 1, 1, 0, 3), done
    assert done.reasons == {"op_id_reused": 1, "forbidden": 1, "invalid_request": 1}
    data, info = server_bundle.answer_bundle(store, laptop.device_id)
    body = laptop.open_answer(data)
    by_id = [(r["op_id"], r["status"], r["reason"], r["http"], r["duplicate"]) for r in body["results"]]
    assert by_id == [
        (online["op_id"], "accepted", None, None, True),
        (fresh["op_id"], "accepted", None, None, False),
        (fresh["op_id"], "rejected", "op_id_reused", 409, False),
        (foreign["op_id"], "rejected", "forbidden", 403, False),
        (broken["op_id"], "rejected", "invalid_request", 422, False),
    ]
    # the same ops pushed online now: each first answer again, nothing applied twice
    again = laptop.http.post("/v1/push", json={"ops": [online, fresh, foreign]}).json()["results"]
    assert [(r["status"], r["duplicate"]) for r in again] == [
        ("accepted", True),
        ("accepted", True),
        ("rejected", True),
    ]
    ids = {c["id"] for c in body["changes"] if c["entity"] == "persons"}
    assert {online["entity_id"], fresh["entity_id"]} <= ids and foreign["entity_id"] not in ids
    assert body["next"] == info.next and info.seq == 1
    assert any(d["id"] == laptop.device_id for d in body["devices"])


def test_twice_older_revoked_forged_and_foreign_bundles_change_nothing(world, store):
    team = world.team()
    laptop = Device(world, team)
    impostor = Device(world, team)
    first = laptop.bundle([create(person(laptop.province))])
    second = laptop.bundle([create(person(laptop.province))])
    assert server_bundle.import_bundle(store, second).accepted == 1
    counts = store.counts()
    again = server_bundle.import_bundle(store, second)
    assert again.already_imported and again.accepted == 1
    with pytest.raises(BundleRefused) as refused:
        server_bundle.import_bundle(store, first)
    assert refused.value.code == "bundle.older"
    impostor.device_id = laptop.device_id  # claims to be the laptop, signs with its own key
    with pytest.raises(BundleRefused) as refused:
        server_bundle.import_bundle(store, impostor.bundle([create(person(laptop.province))], seq=9))
    assert refused.value.code == "bundle.forged"
    elsewhere = {**laptop.keys, "box": raw_public(reply_key(os.urandom(32))).hex()}  # another server's key
    laptop.keys, kept = elsewhere, laptop.keys
    with pytest.raises(BundleRefused) as refused:
        server_bundle.import_bundle(store, laptop.bundle([create(person(laptop.province))]))
    assert refused.value.code == "bundle.foreign"
    laptop.keys = kept
    data, _info = server_bundle.answer_bundle(store, laptop.device_id)
    with pytest.raises(BundleRefused) as refused:  # an answer bundle fed back to the server
        server_bundle.import_bundle(store, data)
    assert refused.value.code == "bundle.wrong_kind"
    from fieldapp.server import admin

    admin.revoke(store, laptop.device_id)
    with pytest.raises(BundleRefused) as refused:
        server_bundle.import_bundle(store, laptop.bundle([create(person(laptop.province))]))
    assert refused.value.code == "bundle.device_revoked"
    with pytest.raises(BundleRefused):
        server_bundle.answer_bundle(store, laptop.device_id)
    assert store.counts() == counts


def test_answer_needs_an_imported_bundle_and_numbers_grow(world, store):
    laptop = Device(world, world.team())
    with pytest.raises(BundleRefused) as refused:
        server_bundle.answer_bundle(store, laptop.device_id)
    assert refused.value.code == "bundle.nothing_to_answer"
    server_bundle.import_bundle(store, laptop.bundle([]))
    seqs = [server_bundle.answer_bundle(store, laptop.device_id)[1].seq for _ in range(3)]
    assert seqs == [1, 2, 3]


def test_the_keys_laptops_get_online_are_the_ones_the_server_opens_with(world, store):
    laptop = Device(world, world.team())
    r = laptop.http.get("/v1/bundle-keys")
    assert r.status_code == 200 and r.json() == laptop.keys == server_bundle.public_keys(store)
    assert world.client().get("/v1/bundle-keys").status_code == 401
