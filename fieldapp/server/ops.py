"""What a push carries and answers besides its ops (`fieldapp.protocol.ops.Op`): the device pushing, the answer
each op gets, and a record as the server holds it (docs/sync-api.md, "Push"); the planner (push.py) and the
data layer share them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Device:
    id: str
    team_id: str | None
    province_code: str
    role: str  # "team" or "province"
    name: str = ""
    revoked_at: str | None = None
    last_seen: str | None = None
    public_key: str | None = None  # what signs its receipts (receipts_check)
    number: int | None = None  # the device part of its receipt series
    blocks: tuple[tuple[int, int], ...] = ()  # its receipt books (store_books): the numbers it may sign


@dataclass(frozen=True)
class Answer:
    op_id: str
    status: str  # accepted / conflict / rejected
    version: int | None = None
    reason: str | None = None
    http: int | None = None
    current: dict[str, Any] | None = None
    duplicate: bool = False
    detail: str | None = None  # what is wrong with a refused op: "field: problem" (never a value)

    def stored(self) -> str:
        """The answer as kept in `ops.result` (the op id is the row's key)."""
        if self.current is None:
            return _plain_answer(self.status, self.version, self.reason, self.http, self.detail)
        body = {"status": self.status, "version": self.version, "reason": self.reason, "http": self.http}
        body["current"] = self.current
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_stored(cls, op_id: str, text: str, *, duplicate: bool) -> Answer:
        body = json.loads(text)
        return cls(
            op_id,
            body["status"],
            body.get("version"),
            body.get("reason"),
            body.get("http"),
            body.get("current"),
            duplicate,
            body.get("detail"),
        )

    def wire(self) -> dict[str, Any]:
        return {
            "op_id": self.op_id,
            "status": self.status,
            "version": self.version,
            "reason": self.reason,
            "http": self.http,
            "current": self.current,
            "duplicate": self.duplicate,
            "detail": self.detail,
        }


@lru_cache(maxsize=256)  # most answers are one of a few: accepted at version 1, accepted fact, forbidden...
def _plain_answer(status: str, version: int | None, reason: str | None, http: int | None, detail: str | None) -> str:
    body: dict[str, Any] = {"status": status, "version": version, "reason": reason, "http": http}
    if detail is not None:
        body["detail"] = detail
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Rec:
    """A record as the server holds it; `db_pos` is its feed position in the database (None: not there)."""

    entity: str
    id: str
    scope_team: str
    scope_province: str
    version: int | None
    data: dict[str, Any]
    db_pos: int | None
    last_device: str | None
    chain_base: int | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.entity, self.id)


@dataclass(frozen=True)
class PriorOp:
    device_id: str
    content_sha256: str
    result: str  # Answer.stored()


def visible(device: Device, scope_team: str, scope_province: str) -> bool:
    if scope_province != device.province_code:
        return False
    return device.role == "province" or scope_team in ("", device.team_id)
