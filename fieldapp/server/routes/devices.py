"""What a laptop asks about the devices and the server's keys: `GET /v1/devices`, `/v1/bundle-keys`,
`/v1/pin-keys`.

No `from __future__ import annotations`: FastAPI reads the routes' annotations at run time.
"""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from fieldapp.server import pins
from fieldapp.server.bundle import public_keys
from fieldapp.server.routes.deps import ERRORS, Caller, Store
from fieldapp.server.wire import BlocksRequest, BlocksResponse, BundleKeys, DevicesResponse, PinKeys

router = APIRouter(tags=["devices"], responses=ERRORS)


@router.get("/v1/devices", response_model=DevicesResponse)
def devices(caller: Caller, store: Store) -> JSONResponse:
    return JSONResponse({"devices": store.public_devices(caller.province_code)})


@router.post("/v1/receipt-blocks", response_model=BlocksResponse)
def receipt_blocks(body: BlocksRequest, caller: Caller, store: Store) -> JSONResponse:
    """The caller's receipt books, with the next one when it has used most of them (asked at every sync)."""
    return JSONResponse({"blocks": [list(b) for b in store.receipt_blocks(caller.id, body.next)]})


@router.get("/v1/bundle-keys", response_model=BundleKeys)
def bundle_keys(caller: Caller, store: Store) -> JSONResponse:
    return JSONResponse(public_keys(store))


@router.get("/v1/pin-keys", response_model=PinKeys)
def pin_keys_of(caller: Caller, store: Store) -> JSONResponse:
    """The PIN keys of the caller's team (a province device: of its province's teams), asked at every
    sync, so laptops enrolled before PINs were sealed get them too."""
    return JSONResponse({"keys": pins.keys_of_scope(store, caller.team_id, caller.province_code)})
