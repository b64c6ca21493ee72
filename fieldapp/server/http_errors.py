"""The API's error answers (every one has detail.code), the exception handlers that make them, and the
body size limit."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


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


def install_handlers(app: FastAPI) -> None:
    """Answer every error as {"detail": {"code": ...}}: the API's own (ApiError), a request the models
    refuse (422 invalid_request), Starlette's (404, 405 with its Allow header, ...) and anything unexpected
    (500 internal, logged)."""

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
