"""The central server (issue 6): laptops enrol, push their outbox and pull the change feed.

Wire contract: docs/sync-api.md. `app.create_app` builds the ASGI app on one database (SQLite by default,
PostgreSQL for a province); `store.ServerStore` owns every query; `push` decides each op in plain Python;
`admin` is what the `fieldapp server ...` commands call.
"""
