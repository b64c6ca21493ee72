"""`GET /v1/health`: whether the server answers, its version and its schema's revision (no token).

No `from __future__ import annotations`: FastAPI reads the routes' annotations at run time.
"""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from fieldapp import __version__
from fieldapp.server.wire import Health

router = APIRouter(tags=["server"])


@router.get("/v1/health", response_model=Health)
def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True, "version": __version__, "schema": request.app.state.revision})
