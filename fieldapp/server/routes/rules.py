"""`GET /v1/rules` (docs/sync-api.md, "Rules"): the signed rule files of the caller's province and the
national ones. There is no route to add one: only IT on the server does (`fieldapp server rules add`).

No `from __future__ import annotations`: FastAPI reads the routes' annotations at run time.
"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from fieldapp.server import rules
from fieldapp.server.routes.deps import ERRORS, Caller, Store
from fieldapp.server.wire import RulesResponse

router = APIRouter(tags=["rules"], responses=ERRORS)


@router.get("/v1/rules", response_model=RulesResponse)
def rule_files(who: Caller, store: Store) -> JSONResponse:
    return JSONResponse({"files": rules.wire(store, who.province_code)})
