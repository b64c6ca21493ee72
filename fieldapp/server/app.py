"""The HTTP API of docs/sync-api.md on FastAPI: `create_app(database_url, settings)`.

Stateless: everything lives in the database, so `fieldapp server run --workers N` (or several machines
behind a load balancer, on PostgreSQL) serve the same laptops. Handlers are plain functions that FastAPI
runs in its thread pool; each takes a connection from the pool for one transaction.

No `from __future__ import annotations` here: FastAPI reads the handlers' annotations at run time, and
they name the app's own dependencies (`Caller`), which live inside `create_app`.
"""

import json
import logging
import os
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints
from starlette.exceptions import HTTPException as StarletteHTTPException

from fieldapp import __version__
from fieldapp.domain import enrol_proof
from fieldapp.domain.admin_units import communes
from fieldapp.server import (
    enrolment,
    pins,  # members' PIN verifiers travel sealed under their team's key
)
from fieldapp.server.enrolment import Proof
from fieldapp.server.push import Device, OpIn
from fieldapp.server.settings import ENV_DATABASE_URL, Settings
from fieldapp.server.store import EnrolRefused, ServerStore, migrate, schema_revision, utcnow

log = logging.getLogger(__name__)

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z._:-]+$")]
# Text that goes into a column as it is: no NUL, which PostgreSQL cannot store in text.
Short = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]
Hex = Annotated[str, StringConstraints(max_length=256, pattern=r"^[0-9A-Za-z+/=_-]*$")]
MAX_POS = 2**63 - 1


# --- the wire models (the OpenAPI description is made from these) -------------------------------------


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str


class ErrorResponse(BaseModel):
    detail: ErrorDetail


class EnrolProof(BaseModel):
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[0-9A-Za-z.]+$")] = Field(
        description="a challenge from GET /v1/enrol/challenge, less than ten minutes old"
    )
    signature: Annotated[str, StringConstraints(min_length=128, max_length=128, pattern=r"^[0-9a-fA-F]+$")] = Field(
        description="hex Ed25519 signature of fieldapp.domain.enrol_proof.message by the device's key"
    )


class EnrolRequest(BaseModel):
    code: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00]*$")]
    device_id: Id
    name: Short
    public_key: Hex | None = None
    key_id: Hex | None = Field(default=None, description="ignored: the server computes it from public_key")
    proof: EnrolProof | None = Field(
        default=None, description="needed to enrol a device id the server knows (its first answer lost, a new team)"
    )


class Challenge(BaseModel):
    challenge: str
    expires_at: str


class BundleKeys(BaseModel):
    box: str = Field(description="hex X25519 public key laptops encrypt their sync bundles to")
    box_key_id: str
    sign: str = Field(description="hex Ed25519 public key that signs the server's answer bundles")
    sign_key_id: str


class PinKey(BaseModel):
    team_id: str
    key: str = Field(description="hex, 32 bytes: the team's PIN key, that seals its members' PIN verifiers")
    key_id: str


class PinKeys(BaseModel):
    keys: list[PinKey]


class EnrolResponse(BaseModel):
    device_id: str
    token: str
    team: dict[str, Any] | None
    province_code: str
    server_time: str
    bundle_keys: BundleKeys | None = None
    device_number: int | None = None  # the device part of its receipt series, unique on this server
    pin_keys: list[PinKey] | None = None  # the keys of the device's team (a province device: its teams)


class Op(BaseModel):
    op_id: Id
    entity: Annotated[str, StringConstraints(max_length=64)]
    entity_id: Id
    op: Annotated[str, StringConstraints(max_length=16)] = Field(description="create, update or erase")
    base_version: StrictInt | None = None
    payload: dict[str, Any] | list[Any] = Field(
        description="the outbox payload; an array only for the links of a prospect list (docs/sync-api.md)"
    )
    created_at: Annotated[str, StringConstraints(max_length=40)] | None = None
    actor: Id | None = Field(None, description="the member who made the change (a team leader for leader-only ops)")


class PushRequest(BaseModel):
    ops: list[Op] = Field(description="1 to 500 ops, oldest first; more is answered 413")


class OpResult(BaseModel):
    op_id: str
    status: str = Field(description="accepted, conflict or rejected (a duplicate keeps its first status)")
    version: int | None
    reason: str | None
    http: int | None
    current: dict[str, Any] | None
    duplicate: bool = False
    detail: str | None = Field(None, description="what is wrong with a rejected op: the field and the problem")


class PushResponse(BaseModel):
    results: list[OpResult]
    server_time: str


class Change(BaseModel):
    pos: int
    entity: str
    id: str
    version: int | None
    record: dict[str, Any]


class PullResponse(BaseModel):
    changes: list[Change]
    next: int
    more: bool


class CountsResponse(BaseModel):
    counts: dict[str, int]


class DeviceKey(BaseModel):
    """What verifying a receipt offline needs; a device of the caller's province also has its team, name and
    enrolment time."""

    id: str
    key_id: str | None
    public_key: str | None
    revoked_at: str | None
    number: int | None = None
    team_id: str | None = None
    name: str | None = None
    enrolled_at: str | None = None


class DevicesResponse(BaseModel):
    devices: list[DeviceKey]


class Health(BaseModel):
    ok: bool
    version: str
    schema_: str | None = Field(alias="schema")


# --- errors: every one has detail.code ---------------------------------------------------------


class ApiError(Exception):
    def __init__(self, status: int, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.extra = extra


def error_response(status: int, code: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": {"code": code, **extra}}, status_code=status, headers=headers)


_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


class BodyLimit:
    """Refuse a body over the limit before anything reads it: by its Content-Length, or, when it comes in
    chunks, as soon as the chunks add up to more (413 too_large)."""

    def __init__(self, app: Callable, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = False
                if too_big:
                    await error_response(413, "too_large", limit=self.limit)(scope, receive, send)
                    return
        received = 0
        exceeded = False

        async def limited_receive():
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def checked_send(message):
            # The app answers a body it could not finish reading (FastAPI: 400); the answer is 413 instead.
            if not exceeded:
                await send(message)
            elif message["type"] == "http.response.start":
                await send({"type": "http.response.start", "status": 413, "headers": _JSON_HEADERS})
                await send({"type": "http.response.body", "body": self._too_large()})

        try:
            await self.app(scope, limited_receive, checked_send)
        except _TooLarge:
            await error_response(413, "too_large", limit=self.limit)(scope, receive, send)

    def _too_large(self) -> bytes:
        return json.dumps({"detail": {"code": "too_large", "limit": self.limit}}).encode()


_JSON_HEADERS = [(b"content-type", b"application/json")]


class _TooLarge(Exception):
    pass


# --- the app -------------------------------------------------------------------------------------


def create_app(database_url: str, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    store = ServerStore(database_url)
    communes()  # the reference list every registry op is checked against: read now, not by the first push
    revision = migrate(store.engine) if settings.migrate else schema_revision(store.engine)
    from fieldapp.server import rules as rule_files  # premium rule files for the laptops (issue 14)

    rule_files.refresh(store)  # pushed enrolments are checked against the rules this server holds
    pin_secret = settings.pin_secret or pins.load_secret()
    store.pin_secret = pin_secret
    if settings.migrate:
        pins.seal_stored(store, pin_secret)

    def pin_keys(team_id: str | None, province: str) -> list[dict[str, str]]:
        return pins.keys_for(pin_secret, [team_id] if team_id else store.team_ids(province))

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        store.close()

    errors = {
        401: {"model": ErrorResponse, "description": "token_unknown"},
        403: {"model": ErrorResponse, "description": "device_revoked"},
        413: {"model": ErrorResponse, "description": "too_large"},
        422: {"model": ErrorResponse, "description": "invalid_request"},
    }
    app = FastAPI(
        title="fieldapp sync API",
        version=__version__,
        description="docs/sync-api.md: enrol laptops, push their outbox, pull the change feed.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses={422: errors[422], 413: errors[413]},
    )
    app.state.store = store
    app.state.settings = settings
    bearer = HTTPBearer(auto_error=False, description="the device token from /v1/enrol")

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type"), "msg": e.get("msg")}
            for e in exc.errors()[:20]
        ]
        return error_response(422, "invalid_request", errors=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # a body that is not even text (FastAPI's "error parsing the body")
            return error_response(422, "invalid_request", errors=[{"loc": ["body"], "type": "json_invalid"}])
        code = _HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return error_response(exc.status_code, code, headers=exc.headers)  # 405 keeps its Allow header

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=exc)
        return error_response(500, "internal")

    def device(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Device:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise ApiError(401, "token_unknown")
        found = store.device_by_token(credentials.credentials)
        if found is None:
            raise ApiError(401, "token_unknown")
        if found.revoked_at is not None:
            raise ApiError(403, "device_revoked")
        now = utcnow()
        if found.last_seen is None or _age(found.last_seen, now) >= settings.last_seen_every.total_seconds():
            store.touch(found.id, now)
        return found

    Caller = Annotated[Device, Depends(device)]

    @app.get("/v1/health", response_model=Health, tags=["server"])
    def health() -> JSONResponse:
        return JSONResponse({"ok": True, "version": __version__, "schema": revision})

    challenge_key: list[bytes] = []  # derived from the server's secret on first use (enrolment.key_for)

    def _challenge_key() -> bytes:
        if not challenge_key:
            challenge_key.append(enrolment.key_for(store))
        return challenge_key[0]

    @app.get("/v1/enrol/challenge", response_model=Challenge, tags=["devices"])
    def enrol_challenge() -> JSONResponse:
        text, expires = enrolment.make(_challenge_key())
        expires_at = datetime.fromtimestamp(expires, UTC).isoformat(timespec="milliseconds")
        return JSONResponse({"challenge": text, "expires_at": expires_at})

    @app.post(
        "/v1/enrol",
        status_code=201,
        response_model=EnrolResponse,
        tags=["devices"],
        responses={
            401: {"model": ErrorResponse, "description": "code_unknown, challenge_expired or proof_invalid"},
            403: {"model": ErrorResponse, "description": "device_revoked"},
            409: {"model": ErrorResponse, "description": "code_used, device_taken or key_taken"},
            410: {"model": ErrorResponse, "description": "code_expired"},
        },
    )
    def enrol(body: EnrolRequest) -> JSONResponse:
        proof = None
        if body.proof is not None:
            if not enrolment.fresh(_challenge_key(), body.proof.challenge):
                raise ApiError(401, "challenge_expired")
            signed = enrol_proof.message(body.proof.challenge, body.device_id, body.code, body.public_key)
            proof = Proof(signed, body.proof.signature)
        try:
            answer = store.enrol(body.code, body.device_id, body.name, body.public_key, proof=proof)
        except EnrolRefused as refused:
            # the device id and the reason only: a code or a token never goes into a log
            log.warning("enrolment of device %s refused: %s", body.device_id, refused.code)
            raise ApiError(refused.status, refused.code) from None
        from fieldapp.server.bundle import public_keys  # sync by USB stick: docs/sync-api.md, "Bundles"

        answer["bundle_keys"] = public_keys(store)
        answer["pin_keys"] = pin_keys((answer["team"] or {}).get("id"), answer["province_code"])
        log.info(
            "device %s enrolled (team %s, province %s)",
            body.device_id,
            answer["team"] and answer["team"]["id"],
            answer["province_code"],
        )
        return JSONResponse(answer, status_code=201)

    @app.post("/v1/push", response_model=PushResponse, tags=["sync"], responses=errors)
    def push(body: PushRequest, caller: Caller) -> JSONResponse:
        if len(body.ops) > settings.max_ops:
            raise ApiError(413, "too_many_ops", limit=settings.max_ops)
        ops = [
            OpIn(o.op_id, o.entity, o.entity_id, o.op, o.base_version, o.payload, o.created_at, o.actor)
            for o in body.ops
        ]
        rule_files.refresh(store)  # a file another process added: seen within a minute
        answers = store.push(caller, ops) if ops else []
        return JSONResponse({"results": [a.wire() for a in answers], "server_time": utcnow()})

    @app.get("/v1/pull", response_model=PullResponse, tags=["sync"], responses=errors)
    def pull(
        caller: Caller,
        since: Annotated[int, Query(ge=0, le=MAX_POS)] = 0,
        limit: Annotated[int, Query(ge=1, le=settings.max_pull)] = settings.max_pull,
    ) -> Response:
        page = store.pull(caller, since, limit)
        # The records are stored as the JSON they are sent as: spliced in, not parsed and encoded again.
        parts = [
            f'{{"pos":{pos},"entity":"{entity}","id":{json.dumps(rid)},"version":{"null" if v is None else v},'
            f'"record":{data}}}'
            for pos, entity, rid, v, data in page.rows
        ]
        body = f'{{"changes":[{",".join(parts)}],"next":{page.next},"more":{"true" if page.more else "false"}}}'
        return Response(body.encode(), media_type="application/json")

    @app.get("/v1/counts", response_model=CountsResponse, tags=["sync"], responses=errors)
    def counts(caller: Caller) -> JSONResponse:
        return JSONResponse({"counts": store.counts(caller)})

    @app.get("/v1/devices", response_model=DevicesResponse, tags=["devices"], responses=errors)
    def devices(caller: Caller) -> JSONResponse:
        return JSONResponse({"devices": store.public_devices(caller.province_code)})

    @app.get("/v1/bundle-keys", response_model=BundleKeys, tags=["devices"], responses=errors)
    def bundle_keys(caller: Caller) -> JSONResponse:
        from fieldapp.server.bundle import public_keys

        return JSONResponse(public_keys(store))

    @app.get("/v1/pin-keys", response_model=PinKeys, tags=["devices"], responses=errors)
    def pin_keys_of(caller: Caller) -> JSONResponse:
        """The PIN keys of the caller's team (a province device: of its province's teams), asked at every
        sync, so laptops enrolled before PINs were sealed get them too."""
        return JSONResponse({"keys": pin_keys(caller.team_id, caller.province_code)})

    from fieldapp.server import installers  # the newest installer for IT to run (docs/sync-api.md)

    installers.add_routes(app, store, Caller, errors)
    rule_files.add_routes(app, store, Caller, errors)

    app.add_middleware(BodyLimit, limit=settings.max_body)
    return app


def _age(then: str, now: str) -> float:
    try:
        return (datetime.fromisoformat(now) - datetime.fromisoformat(then)).total_seconds()
    except ValueError:
        return float("inf")


def app_from_env():
    """For uvicorn's workers (`server run --workers N`): the database URL comes from the environment, and
    the schema is already migrated by the command that started them."""
    return create_app(os.environ[ENV_DATABASE_URL], Settings(migrate=False))
