"""Installers for IT to run on the laptops (issue 8; docs/sync-api.md): `GET /v1/installers/latest?platform=`
and `GET /v1/installers/{id}`, the file with its SHA-256 in `X-Content-SHA256`.

No `from __future__ import annotations`: FastAPI reads the routes' annotations at run time.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse

from fieldapp.server import installers
from fieldapp.server.http_errors import ApiError
from fieldapp.server.installers import HASH_HEADER
from fieldapp.server.routes.deps import ERRORS, Caller, Store
from fieldapp.server.wire import ErrorResponse

router = APIRouter(tags=["installers"], responses=ERRORS)


@router.get("/v1/installers/latest")
def latest_installer(
    who: Caller, store: Store, platform: Annotated[str, Query(pattern="^(linux|windows)$")] = "linux"
) -> JSONResponse:
    row = installers.newest(store, platform, who.province_code)
    return JSONResponse({"installer": installers.wire(row) if row else None})


_FILE_ANSWERS = {
    200: {"content": {"application/octet-stream": {}}, "description": f"the file; its SHA-256 in {HASH_HEADER}"},
    404: {"model": ErrorResponse, "description": "not_found"},
    410: {"model": ErrorResponse, "description": "installer_gone"},
}


@router.get("/v1/installers/{installer_id}", responses=_FILE_ANSWERS, response_class=FileResponse)
def download_installer(
    who: Caller, store: Store, installer_id: Annotated[str, PathParam(max_length=64, pattern=r"^[0-9A-Za-z._:-]+$")]
) -> FileResponse:
    row = installers.by_id(store, installer_id)
    if row is None or row["province_code"] not in ("", who.province_code):
        raise ApiError(404, "not_found")
    if not Path(row["path"]).is_file():
        raise ApiError(410, "installer_gone")
    return FileResponse(
        row["path"],
        media_type="application/octet-stream",
        filename=row["filename"],
        headers={HASH_HEADER: row["sha256"]},
    )
