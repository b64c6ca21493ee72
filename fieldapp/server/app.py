"""The HTTP API of docs/sync-api.md on FastAPI: `create_app(database_url, settings)`.

Stateless: everything lives in the database, so `fieldapp server run --workers N` (or several machines
behind a load balancer, on PostgreSQL) serve the same laptops. The routes are APIRouters by area
(fieldapp/server/routes/); their handlers are plain functions that FastAPI runs in its thread pool, each
taking a connection from the store's pool for one transaction.
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager

from fastapi import FastAPI

from fieldapp import __version__
from fieldapp.domain.admin_units import communes
from fieldapp.server import (
    pins,  # members' PIN verifiers travel sealed under their team's key
    rules,  # premium rule files for the laptops (issue 14)
)
from fieldapp.server.http_errors import BodyLimit, install_handlers
from fieldapp.server.routes import devices, enrol, health, installers, sync
from fieldapp.server.routes import rules as rule_routes
from fieldapp.server.routes.deps import ERRORS
from fieldapp.server.settings import ENV_DATABASE_URL, Settings
from fieldapp.server.store import ServerStore, migrate, schema_revision


def create_app(database_url: str, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    store = ServerStore(database_url)
    communes()  # the reference list every registry op is checked against: read now, not by the first push
    revision = migrate(store.engine) if settings.migrate else schema_revision(store.engine)
    rules.refresh(store)  # pushed enrolments are checked against the rules this server holds
    store.pin_secret = settings.pin_secret or pins.load_secret()
    if settings.migrate:
        pins.seal_stored(store, store.pin_secret)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        store.close()

    app = FastAPI(
        title="fieldapp sync API",
        version=__version__,
        description="docs/sync-api.md: enrol laptops, push their outbox, pull the change feed.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        responses={422: ERRORS[422], 413: ERRORS[413]},
    )
    app.state.store = store
    app.state.settings = settings
    app.state.revision = revision
    install_handlers(app)
    # In this order: the paths of the OpenAPI description keep the order laptops' and IT's tools know.
    for router in (health.router, enrol.router, sync.router(settings), devices.router, installers.router):
        app.include_router(router)
    app.include_router(rule_routes.router)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    return app


def app_from_env() -> FastAPI:
    """For uvicorn's workers (`server run --workers N`): the database URL comes from the environment, and
    the schema is already migrated by the command that started them."""
    return create_app(os.environ[ENV_DATABASE_URL], Settings(migrate=False))
