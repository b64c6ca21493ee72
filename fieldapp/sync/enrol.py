"""Joining a laptop to a team on the server with a one-time code (docs/sync-api.md, "Authentication").

The laptop sends its device id, a name and its receipt-signing public key (made now if it has none), and
keeps the token, the team (made the current team) and the province in its encrypted store's meta.
"""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass
from datetime import datetime

import httpx

from fieldapp.domain.clock import utcnow
from fieldapp.errors import InputRefused
from fieldapp.services.receipts import device_key
from fieldapp.storage import sync as storage
from fieldapp.storage.records import encode_datetime
from fieldapp.storage.store import Store
from fieldapp.storage.writer import Actor, writing
from fieldapp.sync.errors import HttpRefused, SyncError
from fieldapp.sync.transport import RetryPolicy, Transport

log = logging.getLogger(__name__)

_CODE_ERRORS = {"code_unknown": "sync.code_unknown", "code_used": "sync.code_used", "code_expired": "sync.code_expired"}


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    server_url: str
    team_id: str | None
    team_name: str | None
    province_code: str | None
    clock_skew_seconds: float | None  # server time minus laptop time at enrolment (nothing depends on it)


def normalise_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url) < len("http://x"):
        raise InputRefused("sync.bad_url", url=url)
    return url


def enrol(
    store: Store,
    server_url: str,
    code: str,
    *,
    name: str | None = None,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> Enrolled:
    url = normalise_url(server_url)
    code = (code or "").strip()
    if not code:
        raise SyncError("sync.code_unknown")
    name = (name or platform.node() or "laptop").strip()[:80]
    with writing(store, Actor(None, store.device_id)) as w:
        # the device row is the server's to publish: made here without an op, then given its key
        storage.ensure_own_device(w.conn, store.device_id, name)
        device_key(w)
        key_id, public_key = storage.own_device_key(w.conn, store.device_id)
    body = {"code": code, "device_id": store.device_id, "name": name, "public_key": public_key, "key_id": key_id}
    with Transport(url, transport=transport, retry=retry) as http:
        try:
            answer = http.post("/v1/enrol", body, auth=False)
        except HttpRefused as exc:
            raise SyncError(_CODE_ERRORS.get(exc.code, "sync.refused"), code=exc.code or str(exc.status)) from exc
        except SyncError as exc:
            if exc.code == "sync.enrol_again":  # a 401 without a code's reason: the code is not known
                raise SyncError("sync.code_unknown") from exc
            raise
    token = answer.get("token")
    if not token:
        raise SyncError("sync.bad_answer", what="enrol")
    team = answer.get("team")
    province = answer.get("province_code") or (team or {}).get("province_code")
    skew = None
    if answer.get("server_time"):
        try:
            skew = (datetime.fromisoformat(answer["server_time"]) - utcnow()).total_seconds()
        except (TypeError, ValueError):
            skew = None
    if skew is not None and abs(skew) > 300:
        log.warning("the laptop's clock is %.0f s off the server's; sync does not depend on it", -skew)
    with store.transaction() as conn:
        storage.save_enrolment(conn, server_url=url, token=token, province_code=province, team=team)
        storage.set_own_device(conn, store.device_id, (team or {}).get("id"), name, encode_datetime(utcnow()))
    log.info("enrolled at %s: team %s, province %s", url, (team or {}).get("id"), province)
    return Enrolled(store.device_id, url, (team or {}).get("id"), (team or {}).get("name"), province, skew)
