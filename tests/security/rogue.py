"""A hostile client written from the documentation (docs/sync-api.md, forms.md), not from the laptop's code:
the enrolment proof and the receipt QR are made here the way the documents describe them; and a real laptop
(encrypted store, the sync engine) enrolled with the app's own code, to verify what the attacker made."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldapp.domain import models as m
from fieldapp.domain import receipt_code
from fieldapp.domain.enums import EnrolmentKind, PaymentMethod
from fieldapp.domain.ids import new_id
from fieldapp.sync import enrol
from tests.server.conftest import LEADERS, create, member, person
from tests.sync.conftest import FAST_RETRY, Laptop


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def proof_message(challenge: str, device_id: str, code: str, public_key: str) -> bytes:
    """What an enrolment proof signs (docs/sync-api.md, "Authentication")."""
    code_sha256 = hashlib.sha256(code.encode()).hexdigest()
    return f"fieldapp-enrol-v1\n{challenge}\n{device_id}\n{code_sha256}\n{public_key}".encode()


class Rogue:
    """A client with a real Ed25519 key and the wire API, nothing of the laptop's code."""

    def __init__(self, on, key: Ed25519PrivateKey | None = None, device_id: str | None = None) -> None:
        self.world = on  # tests.server.conftest.World
        self.key = key or Ed25519PrivateKey.generate()
        self.device_id = device_id or new_id()
        self.token: str | None = None
        self.number: int | None = None
        self.blocks: list[list[int]] = []  # its receipt books, from the enrolment answer
        self.team: dict | None = None
        self.province: str | None = None
        self.http: httpx.Client | None = None
        self.leader: str | None = None  # the team's leader on the server, whom its receipts name
        self._parents: list[dict] = []  # the records its receipts name, sent before them (`results`)

    @classmethod
    def enrolled(cls, on, team: dict | None = None, province: str | None = None) -> Rogue:
        rogue = cls(on)
        r = rogue.enrol(on.code(team, province))
        assert r.status_code == 201, r.text
        if team is not None:  # the team's leader, made by its first laptop (docs/sync-api.md, "Roles")
            if team["id"] not in LEADERS:
                leader = member(team["id"])
                assert rogue.results([create(leader)])[0]["status"] == "accepted"
                LEADERS[team["id"]] = leader.id
            rogue.leader = LEADERS[team["id"]]
        return rogue

    @property
    def public_key(self) -> str:
        return public_hex(self.key)

    def challenge(self) -> str | None:
        r = self.world.client().get("/v1/enrol/challenge")
        if r.status_code == 404:  # a server without proofs: nothing to sign
            return None
        assert r.status_code == 200, r.text
        return r.json()["challenge"]

    def enrol(
        self,
        code: str,
        *,
        device_id: str | None = None,
        public_key: str | None = None,
        proof: bool = True,
        challenge: str | None = None,
        signer: Ed25519PrivateKey | None = None,
    ) -> httpx.Response:
        """POST /v1/enrol as this client (or claiming another `device_id` / `public_key`), signing the proof
        with its own key unless told otherwise; a 201 makes this client that device."""
        device_id = device_id or self.device_id
        public_key = public_key or self.public_key
        body = {"code": code, "device_id": device_id, "name": "Máy lạ", "public_key": public_key,
                "key_id": receipt_code.key_id(bytes.fromhex(public_key)).hex()}  # fmt: skip
        challenge = challenge or (self.challenge() if proof else None)
        if challenge is not None:
            signature = (signer or self.key).sign(proof_message(challenge, device_id, code, public_key))
            body["proof"] = {"challenge": challenge, "signature": signature.hex()}
        r = self.world.client().post("/v1/enrol", json=body)
        if r.status_code == 201:
            answer = r.json()
            self.device_id, self.token, self.number = device_id, answer["token"], answer["device_number"]
            self.team, self.province = answer["team"], answer["province_code"]
            self.blocks = answer.get("receipt_blocks", [])
            self.http = self.world.client(self.token)
        return r

    def series(self, number: int | None = None, agent: str = "DV01", year: int = 2026) -> str:
        """`BI-{agent}.{device number}-{year}`: this client's own series unless another number is given."""
        return f"BI-{agent}.{self.number if number is None else number}-{year}"

    def receipt(
        self, series: str, number: int, amount: int = 1_105_650, day: date | None = None, qr_key=None
    ) -> tuple[m.Receipt, str]:
        """A receipt record and its QR, signed with this client's key (or `qr_key`)."""
        day = day or datetime.now(UTC).date()
        signer = qr_key or self.key
        public = bytes.fromhex(public_hex(signer))
        claim = receipt_code.ReceiptClaim(
            key_id=receipt_code.key_id(public), series=series, number=number, amount=amount, day=day,
            payer_id="********1234", product="BI", months=12, start_on=day, end_on=None, people=1,
        )  # fmt: skip
        qr = receipt_code.encode(claim, signer.sign)
        at = datetime(day.year, day.month, day.day, 3, tzinfo=UTC)
        payment_id = self._paid(amount, day, at)
        member_id = self.leader or new_id()
        record = m.Receipt(new_id(), payment_id, series, number, amount, "Nguyễn Văn A", at, day, member_id, qr)
        return record, qr

    def _paid(self, amount: int, day: date, at: datetime) -> str:
        """A person, an enrolment and its payment of `amount` for a receipt to name (a record naming nothing
        the server holds is refused before what it says is looked at): sent with the next `results`."""
        if self.team is None or self.leader is None:
            return new_id()
        payer = person(self.province or self.team["province_code"])
        line = m.EnrolmentLine(payer.id, 1, amount // 12, amount)
        enrolment = m.Enrolment(
            new_id(), EnrolmentKind.HOUSEHOLD_HI, payer.id, None, self.team["id"], self.leader, None, day, 12, None,
            day, day + timedelta(days=364), amount, 0, 0, None, (), (line,), at,
        )  # fmt: skip
        payment = m.Payment(new_id(), enrolment.id, PaymentMethod.CASH, amount, None, at, self.leader)
        self._parents += [create(payer), create(enrolment), create(payment)]
        return payment.id

    def results(self, ops: list[dict]) -> list[dict]:
        """Push `ops` (after the parents its receipts name, sent once) and give their answers."""
        assert self.http is not None
        parents, self._parents = self._parents, []
        r = self.http.post("/v1/push", json={"ops": [*parents, *ops]})
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        assert all(x["status"] == "accepted" for x in results[: len(parents)]), results[: len(parents)]
        return results[len(parents) :]


def real_laptop(on, root: Path, team: dict | None = None, province: str | None = None) -> Laptop:
    """A laptop's data dir enrolled with the app's own code (`fieldapp enrol` does the same)."""
    laptop = Laptop(root)
    enrol(laptop.store, on.server.base, on.code(team, province), name=root.name, retry=FAST_RETRY)
    return laptop
