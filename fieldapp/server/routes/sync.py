"""Sync (docs/sync-api.md): `POST /v1/push`, `GET /v1/pull`, `GET /v1/counts`.

Made by `router(settings)`, not at import: the pull's page limit is the server's setting, and the OpenAPI
description states it. No `from __future__ import annotations`: FastAPI reads the routes' annotations at
run time.
"""

import json
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from fieldapp.server import rules
from fieldapp.server.http_errors import ApiError
from fieldapp.server.routes.deps import ERRORS, Caller, Store
from fieldapp.server.settings import Settings
from fieldapp.server.store import utcnow
from fieldapp.server.wire import MAX_POS, CountsResponse, PullResponse, PushRequest, PushResponse


def router(settings: Settings) -> APIRouter:
    sync = APIRouter(tags=["sync"], responses=ERRORS)

    @sync.post("/v1/push", response_model=PushResponse)
    def push(body: PushRequest, caller: Caller, store: Store) -> JSONResponse:
        if len(body.ops) > settings.max_ops:
            raise ApiError(413, "too_many_ops", limit=settings.max_ops)
        ops = [o.checked() for o in body.ops]
        rules.refresh(store)  # a file another process added: seen within a minute
        answers = store.push(caller, ops) if ops else []
        return JSONResponse({"results": [a.wire() for a in answers], "server_time": utcnow()})

    @sync.get("/v1/pull", response_model=PullResponse)
    def pull(
        caller: Caller,
        store: Store,
        since: Annotated[int, Query(ge=0, le=MAX_POS)] = 0,
        limit: Annotated[int, Query(ge=1, le=settings.max_pull)] = settings.max_pull,
    ) -> Response:
        return Response(_page_json(store.pull(caller, since, limit)), media_type="application/json")

    @sync.get("/v1/counts", response_model=CountsResponse)
    def counts(caller: Caller, store: Store) -> JSONResponse:
        return JSONResponse({"counts": store.counts(caller)})

    return sync


def _page_json(page) -> bytes:
    """The records are stored as the JSON they are sent as: spliced in, not parsed and encoded again."""
    parts = [
        f'{{"pos":{pos},"entity":"{entity}","id":{json.dumps(rid)},"version":{"null" if v is None else v},'
        f'"record":{data}}}'
        for pos, entity, rid, v, data in page.rows
    ]
    body = f'{{"changes":[{",".join(parts)}],"next":{page.next},"more":{"true" if page.more else "false"}}}'
    return body.encode()
