"""What the routes share: the store and the settings of the app, the calling device (its bearer token) as
FastAPI dependencies, and the error answers every authenticated route documents.

No `from __future__ import annotations`: FastAPI reads the dependencies' annotations at run time.
"""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from fieldapp.server.http_errors import ApiError
from fieldapp.server.ops import Device
from fieldapp.server.settings import Settings
from fieldapp.server.store import ServerStore, utcnow
from fieldapp.server.wire import ErrorResponse

ERRORS = {
    401: {"model": ErrorResponse, "description": "token_unknown"},
    403: {"model": ErrorResponse, "description": "device_revoked"},
    413: {"model": ErrorResponse, "description": "too_large"},
    422: {"model": ErrorResponse, "description": "invalid_request"},
}

bearer = HTTPBearer(auto_error=False, description="the device token from /v1/enrol")


async def store_of(request: Request) -> ServerStore:
    """The app's one store (create_app puts it on app.state): its engine's pool serves every request."""
    return request.app.state.store


async def settings_of(request: Request) -> Settings:
    return request.app.state.settings


Store = Annotated[ServerStore, Depends(store_of)]


def device(
    store: Store,
    settings: Annotated[Settings, Depends(settings_of)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Device:
    """The device whose token the request carries: 401 token_unknown without a known one, 403
    device_revoked for a revoked device. Its `last_seen` is written at most every `last_seen_every`."""
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


def _age(then: str, now: str) -> float:
    try:
        return (datetime.fromisoformat(now) - datetime.fromisoformat(then)).total_seconds()
    except ValueError:
        return float("inf")
