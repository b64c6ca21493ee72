"""The central server (issue 6): laptops enrol, push their outbox and pull the change feed.

Wire contract: docs/sync-api.md. `app.create_app` builds the ASGI app on one database (SQLite by default,
PostgreSQL for a province) and includes the routers of `routes/`, one per area, whose request and response
models are `wire`'s; `push` decides each op in plain Python; `admin` is what the `fieldapp server ...`
commands call. One data layer owns every query: `store.ServerStore` and the `store_*` modules beside it,
over the tables of `schema` (migrated by `migrations/`).
"""
